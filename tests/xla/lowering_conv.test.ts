// The accelerator-shaped lowering of convolutions and pooling: F.conv2d is one
// stablehlo.convolution (no per-window slices, no dot_general), its gradients
// two more convolutions; a transposed convolution is one lhs-dilated
// convolution; F.max_pool2d is one stablehlo.reduce_window and its gradient one
// stablehlo.select_and_scatter; F.avg_pool2d is one reduce_window (its gradient
// another); and the CPU runtime executes those modules to the eager cpu values.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "../harness/modes";

pinFused();
const F = torch.nn.functional;

const count = (text: string, op: string) => text.split(`"stablehlo.${op}"`).length - 1 + (text.split(`stablehlo.${op} `).length - 1);
const f64 = { dtype: torch.float64 };
torch.manual_seed(7);
const X = torch.randn([2, 4, 9, 8], f64);
const W = torch.randn([6, 2, 3, 3], f64);
const B = torch.randn([6], f64);

/** Leaves on `dev` (requires_grad when asked). */
const on = (t: torch.Tensor, dev: string, grad = false) => {
  const x = t.to(dev).detach();
  return grad ? x.requires_grad_() : x;
};

function expectClose(a: torch.Tensor, b: torch.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(torch.allclose(a.cpu(), b.cpu(), { rtol: 1e-10, atol: 1e-12 })).toBe(true);
}

describe("convolution and pooling lower to one window op each", () => {
  it("F.conv2d is one stablehlo.convolution, no slices", () => {
    const y = F.conv2d(on(X, "xla"), on(W, "xla"), on(B, "xla"), { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 });
    const text = torch.xla.get_stablehlo(y);
    expect(count(text, "convolution")).toBe(1);
    expect(text).toMatch(/dimension_numbers = #stablehlo\.conv<\[b, f, 0, 1\]x\[o, i, 0, 1\]->\[b, f, 0, 1\]>/);
    expect(text).toMatch(/feature_group_count = 2 : i64/);
    expect(text).toMatch(/precision_config = \[#stablehlo<precision HIGHEST>, #stablehlo<precision HIGHEST>\]/);
    expect(count(text, "slice")).toBe(0);
    expect(count(text, "dot_general")).toBe(0);
    expect(count(text, "concatenate")).toBe(0);
    expectClose(y, F.conv2d(X, W, B, { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 }));
  });

  it("the gradients of F.conv2d are convolutions (input: lhs-dilated; weight: batch groups)", () => {
    const run = (dev: string) => {
      const x = on(X, dev, true),
        w = on(W, dev, true);
      F.conv2d(x, w, null, { stride: 2, padding: 1, groups: 2 }).pow(2).sum().backward();
      return [x.grad!, w.grad!];
    };
    const [gx, gw] = run("xla");
    const text = torch.xla.get_stablehlo(gx!, gw!);
    // the forward, the input gradient and the weight gradient
    expect(count(text, "convolution")).toBe(3);
    expect(text).toMatch(/lhs_dilation = array<i64: 2, 2>/);
    expect(text).toMatch(/batch_group_count = 2 : i64/);
    expect(count(text, "slice")).toBe(0);
    const [cx, cw] = run("cpu");
    expectClose(gx!, cx!);
    expectClose(gw!, cw!);
  });

  it("F.conv_transpose2d is one lhs-dilated convolution", () => {
    const wt = torch.randn([4, 3, 3, 2], f64);
    const y = F.conv_transpose2d(on(X, "xla"), on(wt, "xla"), null, { stride: 2, padding: 1, output_padding: 1 });
    const text = torch.xla.get_stablehlo(y);
    expect(count(text, "convolution")).toBe(1);
    expect(text).toMatch(/lhs_dilation = array<i64: 2, 2>/);
    expect(count(text, "slice")).toBe(0);
    expectClose(y, F.conv_transpose2d(X, wt, null, { stride: 2, padding: 1, output_padding: 1 }));
  });

  it("F.max_pool2d is one reduce_window; its gradient one select_and_scatter", () => {
    const run = (dev: string) => {
      const x = on(X, dev, true);
      const y = F.max_pool2d(x, 3, { stride: 2, padding: 1, ceil_mode: true });
      y.pow(2).sum().backward();
      return [y, x.grad!];
    };
    const [y, g] = run("xla");
    const fwd = torch.xla.get_stablehlo(y!);
    expect(count(fwd, "reduce_window")).toBe(1);
    expect(fwd).toMatch(/window_dimensions = array<i64: 1, 1, 3, 3>/);
    expect(count(fwd, "slice")).toBe(0);
    expect(count(fwd, "select")).toBe(0);
    const bwd = torch.xla.get_stablehlo(g!);
    expect(count(bwd, "select_and_scatter")).toBe(1);
    expect(count(bwd, "slice")).toBe(0);
    const [cy, cg] = run("cpu");
    expectClose(y!, cy!);
    expectClose(g!, cg!);
  });

  it("F.avg_pool2d is one reduce_window sum and a divide; its gradient a reduce_window", () => {
    const run = (dev: string) => {
      const x = on(X, dev, true);
      const y = F.avg_pool2d(x, [2, 3], { stride: 2, padding: 1, count_include_pad: false });
      y.pow(2).sum().backward();
      return [y, x.grad!];
    };
    const [y, g] = run("xla");
    const fwd = torch.xla.get_stablehlo(y!);
    expect(count(fwd, "reduce_window")).toBe(1);
    expect(count(fwd, "slice")).toBe(0);
    const bwd = torch.xla.get_stablehlo(g!);
    expect(count(bwd, "reduce_window")).toBe(2);
    expect(count(bwd, "slice")).toBe(0);
    const [cy, cg] = run("cpu");
    expectClose(y!, cy!);
    expectClose(g!, cg!);
  });
});

describe("the CPU runtime runs window ops as the spec says", () => {
  const f32 = { dtype: torch.float32 };
  const windowModule = (body: string, args: string, result: string) => `module @m {
  func.func public @main(${args}) -> ${result} {
${body}
  }
}`;

  it("reduce_window adds its init value to every window (padding holds the init)", () => {
    const text = windowModule(
      `    %init = stablehlo.constant dense<10.0> : tensor<f32>
    %r = "stablehlo.reduce_window"(%x, %init) <{window_dimensions = array<i64: 1, 2>, window_strides = array<i64: 1, 2>, padding = dense<[[0, 0], [0, 1]]> : tensor<2x2xi64>}> ({
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %s = stablehlo.add %a, %b : tensor<f32>
      stablehlo.return %s : tensor<f32>
    }) : (tensor<1x5xf32>, tensor<f32>) -> tensor<1x3xf32>
    return %r : tensor<1x3xf32>`,
      "%x: tensor<1x5xf32>",
      "tensor<1x3xf32>",
    );
    const [r] = torch.xla.run_stablehlo(text, torch.tensor([[1, -3, 2, 7, -1]], f32));
    expect(r!.tolist()).toEqual([[8, 19, 9]]);
  });

  it.each([
    ["GE", [[6, 1, 1, 8]]],
    ["GT", [[1, 6, 1, 8]]],
  ])("select_and_scatter with a %s select starts from its init value", (dir, want) => {
    const text = windowModule(
      `    %init = stablehlo.constant dense<1.0> : tensor<f32>
    %r = "stablehlo.select_and_scatter"(%x, %s, %init) <{window_dimensions = array<i64: 1, 2>, window_strides = array<i64: 1, 2>}> ({
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %c = stablehlo.compare ${dir}, %a, %b, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
      stablehlo.return %c : tensor<i1>
    }, {
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %c = stablehlo.add %a, %b : tensor<f32>
      stablehlo.return %c : tensor<f32>
    }) : (tensor<1x4xf32>, tensor<1x2xf32>, tensor<f32>) -> tensor<1x4xf32>
    return %r : tensor<1x4xf32>`,
      "%x: tensor<1x4xf32>, %s: tensor<1x2xf32>",
      "tensor<1x4xf32>",
    );
    const [r] = torch.xla.run_stablehlo(text, torch.tensor([[3, 3, 2, 4]], f32), torch.tensor([[5, 7]], f32));
    expect(r!.tolist()).toEqual(want);
  });
});
