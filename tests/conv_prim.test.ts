// The convolution primitive beyond what F.conv*d reaches: other dimension
// numbers (NHWC/HWIO, as JAX exports them), batch_group_count, lhs dilation
// with negative padding; values against the NCHW form, gradients against
// central finite differences (float64), on cpu and on the xla device (the CPU
// runtime running the emitted stablehlo.convolution and its VJP's).
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { P, bind1, type ConvAttrs } from "@xlatorch/core";

const f64 = { dtype: torch.float64 };
const NCHW = [0, 1, 2, 3];
const base = (o: Partial<ConvAttrs>): ConvAttrs => ({
  window_strides: [1, 1],
  padding: [
    [0, 0],
    [0, 0],
  ],
  lhs_dilation: [1, 1],
  rhs_dilation: [1, 1],
  feature_group_count: 1,
  batch_group_count: 1,
  lhs_spec: NCHW,
  rhs_spec: NCHW,
  out_spec: NCHW,
  ...o,
});
const conv = (x: torch.Tensor, w: torch.Tensor, a: ConvAttrs) => bind1(P.convolution, [x, w], a);

function close(a: torch.Tensor, b: torch.Tensor, tol = 1e-10): void {
  expect(a.shape).toEqual(b.shape);
  expect(torch.allclose(a.cpu(), b.cpu(), { rtol: tol, atol: tol })).toBe(true);
}

/** Central differences of sum(conv(x, w) * r) w.r.t. a few entries of x and w, against autograd. */
function checkGrads(x0: torch.Tensor, w0: torch.Tensor, a: ConvAttrs, device: string): void {
  torch.manual_seed(3);
  const r = torch.randn([...conv(x0, w0, a).shape], f64);
  const f = (x: torch.Tensor, w: torch.Tensor) => Number(conv(x.to(device), w.to(device), a).mul(r.to(device)).sum().item());
  const x = x0.to(device).detach().requires_grad_(),
    w = w0.to(device).detach().requires_grad_();
  conv(x, w, a).mul(r.to(device)).sum().backward();
  const gx = x.grad!.cpu().reshape(-1),
    gw = w.grad!.cpu().reshape(-1);
  const h = 1e-6;
  for (const [t, g, which] of [
    [x0, gx, "x"],
    [w0, gw, "w"],
  ] as const) {
    const n = t.numel();
    for (const i of [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1]) {
      const plus = t.clone().reshape(-1),
        minus = t.clone().reshape(-1);
      plus.setitem(i, Number(plus.getitem(i).item()) + h);
      minus.setitem(i, Number(minus.getitem(i).item()) - h);
      const fd =
        (which === "x"
          ? f(plus.reshape(t.shape), w0) - f(minus.reshape(t.shape), w0)
          : f(x0, plus.reshape(t.shape)) - f(x0, minus.reshape(t.shape))) /
        (2 * h);
      expect(Math.abs(fd - Number(g.getitem(i).item())), `d/d${which}[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  }
}

describe.each(["cpu", "xla"])("convolution primitive on %s", (device) => {
  torch.manual_seed(11);
  const x = torch.randn([2, 4, 7, 6], f64);
  const w = torch.randn([6, 2, 3, 2], f64);
  const a = base({
    window_strides: [2, 1],
    padding: [
      [1, 2],
      [0, 1],
    ],
    rhs_dilation: [1, 2],
    feature_group_count: 2,
  });

  it("NHWC / HWIO / NHWC dimension numbers give the NCHW result, permuted", () => {
    const want = conv(x, w, a);
    const got = conv(x.permute(0, 2, 3, 1).to(device), w.permute(2, 3, 1, 0).to(device), {
      ...a,
      lhs_spec: [0, 3, 1, 2],
      rhs_spec: [3, 2, 0, 1],
      out_spec: [0, 3, 1, 2],
    });
    close(got.permute(0, 3, 1, 2), want);
  });

  it("batch_group_count splits the batch and the output features", () => {
    const xb = torch.randn([4, 3, 5, 5], f64),
      wb = torch.randn([4, 3, 2, 2], f64);
    const got = conv(xb.to(device), wb.to(device), base({ batch_group_count: 2 }));
    // group t: batches [2t, 2t+2) with output features [2t, 2t+2)
    const want = torch.cat(
      [0, 1].map((t) => conv(xb.narrow(0, 2 * t, 2), wb.narrow(0, 2 * t, 2), base({}))),
      1,
    );
    close(got, want);
  });

  it("lhs dilation with negative padding is a cropped transposed convolution", () => {
    const got = conv(
      x.to(device),
      w.narrow(1, 0, 1).expand(6, 4, 3, 2).contiguous().to(device),
      base({
        lhs_dilation: [2, 3],
        padding: [
          [-1, 2],
          [1, -2],
        ],
      }),
    );
    // the same as dilating the input by hand (zeros between elements), cropping/padding, then convolving
    const dil = torch.zeros([2, 4, 13, 16], f64);
    dil.getitem(":", ":", "::2", "::3").copy_(x);
    const cropped = torch.nn.functional.pad(dil.getitem(":", ":", "1:", ":-2"), [1, 0, 0, 2]);
    close(got, conv(cropped, w.narrow(1, 0, 1).expand(6, 4, 3, 2).contiguous(), base({})));
  });

  it("gradients match finite differences (feature groups, strides, dilation, padding)", () => checkGrads(x, w, a, device));
  it("gradients match finite differences (batch groups)", () =>
    checkGrads(
      torch.randn([4, 3, 5, 4], f64),
      torch.randn([6, 3, 2, 3], f64),
      base({ batch_group_count: 2, window_strides: [2, 1] }),
      device,
    ));
  it("gradients match finite differences (lhs dilation, negative padding, NHWC)", () =>
    checkGrads(
      torch.randn([2, 5, 4, 3], f64),
      torch.randn([2, 2, 3, 4], f64),
      base({
        lhs_dilation: [2, 1],
        padding: [
          [1, -1],
          [2, 0],
        ],
        lhs_spec: [0, 3, 1, 2],
        rhs_spec: [3, 2, 0, 1],
        out_spec: [0, 3, 1, 2],
      }),
      device,
    ));
});

describe.each(["cpu", "xla"])("reduce_window and select_and_scatter primitives on %s", (device) => {
  /** Central differences of sum(f(x) * r) against autograd at a few entries. */
  function checkGrad(f: (x: torch.Tensor) => torch.Tensor, x0: torch.Tensor): void {
    torch.manual_seed(5);
    const r = torch.randn([...f(x0.to(device)).shape], f64);
    const loss = (x: torch.Tensor) => Number(f(x.to(device)).mul(r.to(device)).sum().item());
    const x = x0.to(device).detach().requires_grad_();
    f(x).mul(r.to(device)).sum().backward();
    const g = x.grad!.cpu().reshape(-1);
    const n = x0.numel(),
      h = 1e-6;
    for (let i = 0; i < n; i += 7) {
      const plus = x0.clone().reshape(-1),
        minus = x0.clone().reshape(-1);
      plus.setitem(i, Number(plus.getitem(i).item()) + h);
      minus.setitem(i, Number(minus.getitem(i).item()) - h);
      const fd = (loss(plus.reshape(x0.shape)) - loss(minus.reshape(x0.shape))) / (2 * h);
      expect(Math.abs(fd - Number(g.getitem(i).item())), `d/dx[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  }
  const win = (o: Record<string, unknown>) => ({
    window_dimensions: [1, 3, 2],
    window_strides: [1, 2, 1],
    base_dilations: [1, 1, 1],
    window_dilations: [1, 1, 1],
    padding: [
      [0, 0],
      [1, 2],
      [0, 1],
    ],
    ...o,
  });

  it("reduce_window sum with base and window dilation: gradients match finite differences", () => {
    torch.manual_seed(9);
    checkGrad(
      (x) => bind1(P.reduce_window, [x], win({ op: "sum", base_dilations: [1, 2, 1], window_dilations: [1, 1, 2] })),
      torch.randn([2, 5, 4], f64),
    );
  });

  it("reduce_window max, then select_and_scatter's own VJP (a gradient of the gradient)", () => {
    torch.manual_seed(10);
    const a = win({});
    checkGrad((x) => bind1(P.reduce_window, [x], { ...a, op: "max" }).pow(2), torch.randn([2, 6, 4], f64));
    // d/ds of select_and_scatter(x, s): s's gradient gathers the cotangent at each window's selection
    const x = torch.randn([2, 6, 4], f64).to(device);
    checkGrad(
      (s) => bind1(P.select_and_scatter, [x, s], a).pow(2),
      torch.randn([...bind1(P.reduce_window, [x], { ...a, op: "max" }).shape], f64),
    );
  });
});
