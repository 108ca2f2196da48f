// Convolution, pooling, BatchNorm2d and Dropout2d against PyTorch 1.13
// (tests/fixtures/conv.json from tests/fixtures/gen_conv.py), on cpu and on the
// lazy xla device: forward values in float32, gradients in float64, seeded
// initialization bit for bit, module reprs, seeded dropout masks, small CNN
// training runs, and error messages.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as xlatorch from "xlatorch";
import { nn, optim } from "../src/index.js";
import { CLOSE, EXACT, build, compareState, compareValue, decode, torch } from "./fixtures.js";

void xlatorch; // registers the xla device
const FILE = fileURLToPath(new URL("../../../tests/fixtures/conv.json", import.meta.url));
const fx: Record<string, any> = JSON.parse(readFileSync(FILE, "utf8"));
const F = nn.functional as unknown as Record<string, (...a: any[]) => any>;
const DEVICES = ["cpu", "xla"] as const;
/** float32 forward values computed in another order than PyTorch's. */
const F32 = { rtol: 1e-5, atol: 1e-5 };
const values = (y: any): torch.Tensor => (Array.isArray(y) ? y[0] : y);
const onDevice = (a: unknown, device: string, f32: boolean): unknown => (a instanceof torch.Tensor ? (f32 ? a.float() : a).to(device) : a);

describe("functional (PyTorch fixtures)", () => {
  for (const c of fx.functional) {
    for (const device of DEVICES) {
      it(`${c.name} [${device}]`, () => {
        const kw = c.kwargs as Record<string, unknown>;
        const call = (args: unknown[]) => (Object.keys(kw).length ? F[c.fn]!(...args, kw) : F[c.fn]!(...args));
        // float32 forward
        const a32 = (decode(c.args) as unknown[]).map((a) => onDevice(a, device, true));
        compareValue(call(a32), c.out32, { ...F32, device }, `${c.name} out (float32)`);
        // float64 forward and gradients
        const a64 = (decode(c.args) as unknown[]).map((a, i) => {
          const t = onDevice(a, device, false);
          return c.grad_args.includes(i) ? (t as torch.Tensor).requires_grad_(true) : t;
        });
        const y = call(a64);
        compareValue(y, c.out64, { device }, `${c.name} out (float64)`);
        expect(values(y).grad_fn?.name).toBe(c.grad_fn);
        values(y)
          .mul((decode(c.W) as torch.Tensor).to(device))
          .sum()
          .backward();
        c.grad_args.forEach((i: number, k: number) =>
          compareValue((a64[i] as torch.Tensor).grad, c.grads[k], { device }, `${c.name} grad of arg ${i}`),
        );
      });
    }
  }
});

describe("seeded initialization and repr", () => {
  for (const c of fx.init) {
    it(c.name, () => {
      torch.manual_seed(c.seed);
      const m = build(c.spec) as nn.Module;
      compareState(m.state_dict(), c.state, EXACT, c.name);
      expect(String(m)).toBe(c.repr);
      compareValue(torch.rand(2), c.after, EXACT, `${c.name} RNG after`);
    });
  }
});

describe("modules: forward, gradients, running stats", () => {
  for (const c of fx.modules) {
    for (const device of DEVICES) {
      it(`${c.name} [${device}]`, () => {
        const m = build(c.spec) as nn.Module;
        m.load_state_dict(decode(c.state));
        m.to(device);
        m.train(c.train);
        const x = (decode(c.input) as torch.Tensor).to(device).requires_grad_(true);
        const y = m(x);
        compareValue(y, c.out, { ...F32, device }, `${c.name} out`);
        values(y)
          .mul((decode(c.W) as torch.Tensor).to(device))
          .sum()
          .backward();
        compareValue(x.grad, c.grad_input, { ...F32, device }, `${c.name} grad of input`);
        const params = Object.fromEntries(m.named_parameters());
        expect(Object.keys(params)).toEqual(Object.keys(c.param_grads));
        for (const [name, g] of Object.entries(c.param_grads))
          compareValue(params[name]!.grad, g as any, { ...F32, device }, `${c.name} grad of ${name}`);
        const after = Object.fromEntries(Object.entries(m.state_dict()).map(([k, v]) => [k, v.cpu()]));
        compareState(after, c.state_after, F32, `${c.name} state after forward`);
      });
    }
  }
});

describe("channel dropout draws PyTorch's masks", () => {
  for (const c of fx.dropout) {
    it(c.name, () => {
      const x = decode(c.input) as torch.Tensor;
      torch.manual_seed(c.seed);
      compareValue(F[c.fn]!(x, c.p, { training: true }), c.out, EXACT, `${c.name} F.${c.fn}`);
      compareValue(torch.rand(2), c.after, EXACT, `${c.name} RNG after`);
      const Mod = (nn as any)[c.fn === "dropout1d" ? "Dropout1d" : c.fn === "dropout2d" ? "Dropout2d" : "Dropout3d"];
      torch.manual_seed(c.seed);
      compareValue(new Mod(c.p)(x), c.out, EXACT, `${c.name} module`);
    });
  }
  it("eval mode and p=0 return the input; in place writes the input", () => {
    const x = torch.randn(2, 3, 2, 2);
    const m = new nn.Dropout2d(0.5);
    m.eval();
    expect(m(x)).toBe(x);
    const y = x.clone();
    const r = nn.functional.dropout2d(y, 0.5, true, true);
    expect(r).toBe(y);
    const u = torch.randn(3, 4);
    expect(nn.functional.dropout1d(u, 0.5, true, true)).toBe(u);
  });
});

describe("CNN training matches PyTorch's losses", () => {
  for (const c of fx.training) {
    for (const device of DEVICES) {
      it(`${c.name} [${device}]`, () => {
        torch.manual_seed(c.seed);
        const model = build(c.spec) as nn.Module;
        model.to(device);
        const opt = new optim.SGD(model.parameters(), { lr: c.lr, momentum: c.momentum });
        const lossFn = new (nn as any)[c.loss]() as nn.Module;
        const X = (decode(c.X) as torch.Tensor).to(device),
          y = (decode(c.y) as torch.Tensor).to(device);
        const losses: number[] = [];
        for (let i = 0; i < c.steps; i++) {
          opt.zero_grad();
          const loss = lossFn(model(X), y) as torch.Tensor;
          loss.backward();
          opt.step();
          if (device === "xla") xlatorch.xla.sync();
          losses.push(loss.item() as number);
        }
        compareValue(losses, c.losses, { rtol: 1e-5, atol: 1e-6 }, `${c.name} losses`);
        const state = Object.fromEntries(Object.entries(model.state_dict()).map(([k, v]) => [k, v.cpu()]));
        compareState(state, c.state, CLOSE, `${c.name} parameters`);
        if (device === "cpu") compareValue(torch.rand(2), c.after, EXACT, `${c.name} RNG after`);
      });
    }
  }
});

describe("errors name the op and the shapes, as PyTorch's", () => {
  for (const c of fx.errors) {
    it(`${c.name}: ${c.message}`, () => {
      const args = c.args.map((a: any) => (a && typeof a === "object" && !Array.isArray(a) && "zeros" in a ? torch.zeros(a.zeros) : a));
      const kw = Object.keys(c.kwargs).length ? [c.kwargs] : [];
      const call = () => (c.kind === "fn" ? F[c.name]!(...args, ...kw) : new (nn as any)[c.name](...args, ...kw));
      expect(call).toThrow(c.message);
    });
  }
  it("the brief's example", () => {
    expect(() => nn.functional.conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(8, 3, 3, 3))).toThrow(
      "Given groups=1, weight of size [8, 3, 3, 3], expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead",
    );
    const conv = new nn.Conv2d(3, 8, 3);
    expect(() => conv(torch.zeros(1, 4, 5, 5))).toThrow("expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead");
    expect(() => new nn.BatchNorm2d(3)(torch.zeros(2, 3, 4))).toThrow("expected 4D input (got 3D input)");
    expect(() => nn.functional.conv2d(torch.zeros(1, 3, 5, 5), torch.zeros(8, 3, 3))).toThrow(
      "Expected 4-dimensional weight for 4-dimensional input [1, 3, 5, 5], but got 3-dimensional weight of size [8, 3, 3] instead",
    );
    expect(() => nn.functional.conv2d(torch.zeros(1, 3, 5, 5, { dtype: torch.float64 }), torch.zeros(8, 3, 3, 3))).toThrow(
      "expected scalar type Double but found Float",
    );
    expect(() => nn.functional.max_pool2d(torch.zeros(1, 1, 4, 4), 2, { strid: 1 } as any)).toThrow(/unexpected keyword argument 'strid'/);
    // PyTorch prints a Python set here, in hash order.
    expect(() => new nn.Conv2d(4, 8, 3, { padding_mode: "foo" as any })).toThrow(
      /^padding_mode must be one of \{.*'zeros'.*\}, but got padding_mode='foo'$/,
    );
  });
});

describe("more behaviour", () => {
  it("ConvTranspose2d forward(input, output_size)", () => {
    const m = new nn.ConvTranspose2d(2, 3, 3, { stride: 2 });
    expect(m(torch.randn(1, 2, 4, 4), [10, 10]).shape).toEqual([1, 3, 10, 10]);
    expect(m(torch.randn(2, 4, 4), [3, 10, 9]).shape).toEqual([3, 10, 9]);
    expect(m(torch.randn(1, 2, 4, 4), [1, 3, 10, 9]).shape).toEqual([1, 3, 10, 9]);
    expect(() => m(torch.randn(1, 2, 4, 4), [11, 10])).toThrow(
      "requested an output size of [11, 10], but valid sizes range from [9, 9] to [10, 10] (for an input of torch.Size([4, 4]))",
    );
    expect(() => m(torch.randn(2, 4, 4), [1, 3, 10, 10])).toThrow(
      "ConvTranspose2D: for 3D input, output_size must have 2 or 3 elements (got 4)",
    );
  });
  it("empty batches", () => {
    const w = torch.randn(4, 3, 3, 3, { requires_grad: true }),
      b = torch.randn(4, { requires_grad: true });
    const y = nn.functional.conv2d(torch.randn(0, 3, 5, 5), w, b);
    expect(y.shape).toEqual([0, 4, 3, 3]);
    y.sum().backward();
    expect(w.grad!.abs().sum().item()).toBe(0);
    expect(b.grad!.abs().sum().item()).toBe(0);
    expect(nn.functional.max_pool2d(torch.randn(0, 3, 5, 5), 2).shape).toEqual([0, 3, 2, 2]);
  });
  it("integer convolution stays integer, as on PyTorch's cpu", () => {
    const x = torch.arange(50).reshape(1, 2, 5, 5),
      w = torch.arange(24).reshape(3, 2, 2, 2).sub(10);
    const y = nn.functional.conv2d(x, w, null, 2);
    expect(y.dtype).toBe(torch.int64);
    expect(y.tolist()).toEqual([
      [
        [
          [-584, -688],
          [-1104, -1208],
        ],
        [
          [408, 432],
          [528, 552],
        ],
        [
          [1400, 1552],
          [2160, 2312],
        ],
      ],
    ]);
  });
  it("PyTorch's call forms type-check and run", () => {
    const x = torch.randn(2, 3, 9, 9);
    const c = new nn.Conv2d(3, 4, [3, 5], { stride: [2, 1], padding: [1, 2], dilation: 1, groups: 1, bias: false, padding_mode: "zeros" });
    expect(c(x).shape).toEqual([2, 4, 5, 9]);
    expect(new nn.Conv2d(3, 4, 3, 1, "same")(x).shape).toEqual([2, 4, 9, 9]);
    expect(new nn.MaxPool2d(3, 2, 1)(x).shape).toEqual([2, 3, 5, 5]);
    expect(new nn.AvgPool2d(2, { ceil_mode: true })(x).shape).toEqual([2, 3, 5, 5]);
    const [v, i] = nn.functional.max_pool2d(x, 2, { return_indices: true }) as torch.Tensor[];
    expect(v!.shape).toEqual([2, 3, 4, 4]);
    expect(i!.dtype).toBe(torch.int64);
    expect(nn.functional.max_pool2d_with_indices(x, 2)[1]!.tolist()).toEqual(i!.tolist());
    expect(nn.functional.adaptive_avg_pool2d(x, [null, 2]).shape).toEqual([2, 3, 9, 2]);
    expect(new nn.BatchNorm2d(3)(x).shape).toEqual([2, 3, 9, 9]);
  });
});
