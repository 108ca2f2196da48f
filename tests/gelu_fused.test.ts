// F.gelu (approximate="none") as one primitive each way (core/src/prims_gelu.ts: gelu, gelu_backward)
// against the composition it replaced, x * 0.5 * (erf(x * SQRT1_2) + 1) differentiated by autograd:
// forward values and x's gradient bit for bit in float32, float64, float16 and bfloat16, on cpu
// (with the WebAssembly kernels on, everywhere and off) and xla, at sizes on both sides of the
// kernels' WebAssembly and thread thresholds, with special values (NaN, ±Inf, ±0, denormals, huge);
// strided inputs; the keyword form and nn.GELU; second derivatives (gelu_backward's VJP) against the
// float64 composition's; PyTorch's error for integer input.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { withWasm } from "./harness/env";
import { rng } from "./harness/rng";

const F = torch.nn.functional;

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-40, -3e-39, 3e38, -3e38, 5.5, -5.5, 10, -10];

function data(n: number, seed: number, special: boolean): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () =>
    special && r() < 0.1 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : (r() * 2 - 1) * 4 * 10 ** Math.floor(r() * 3 - 2),
  );
}

/** The composition F.gelu was before the primitive (nn/functional/activation.ts). */
const composed = (x: torch.Tensor) => x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));

const bits = (t: torch.Tensor): string[] =>
  (t.detach().cpu().to(torch.float64).flatten().tolist() as number[]).map((v) => (Object.is(v, -0) ? "-0" : String(v)));
const vals = (t: torch.Tensor): number[] => t.detach().cpu().to(torch.float64).flatten().tolist() as number[];

// 0-d and empty; 7 and 100: below the WebAssembly thresholds (JavaScript erf/exp); 300: erf and exp in
// WebAssembly, the arithmetic in JavaScript; 5000: all WebAssembly; [8, 32, 256]: split across threads
const SHAPES = [[], [2, 0, 3], [7], [4, 25], [3, 100], [5000], [8, 32, 256]];
const DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16];

/** y and x's gradient for input values `xs` of `shape` and gradient `gs`, with `f` as gelu. */
function run(
  f: (x: torch.Tensor) => torch.Tensor,
  xs: number[],
  gs: number[],
  shape: number[],
  dt: (typeof DTYPES)[number],
  device: string,
) {
  const x = torch.tensor(xs).reshape(shape).to(dt).to(device).requires_grad_();
  const y = f(x);
  y.backward(torch.tensor(gs).reshape(shape).to(dt).to(device));
  return [bits(y), bits(x.grad!)];
}

describe.each(["cpu", "xla"])("F.gelu as one primitive on %s", (device) => {
  const modes = device === "cpu" ? ["default", "always", "off"] : ["default"];
  for (const mode of modes)
    it(`forward and x's gradient bit for bit against the composition, every float dtype (WebAssembly ${mode})`, () => {
      const body = () => {
        for (const [k, shape] of SHAPES.entries()) {
          const n = shape.reduce((p, q) => p * q, 1);
          for (const special of [false, true]) {
            const xs = data(n, 1 + k, special);
            const gs = data(n, 50 + k, special);
            for (const dt of DTYPES) {
              const what = `${JSON.stringify(shape)} ${dt}${special ? " special values" : ""}`;
              const [y, gx] = run(F.gelu, xs, gs, shape, dt, device);
              const [wy, wgx] = run(composed, xs, gs, shape, dt, device);
              expect(y, what).toEqual(wy);
              expect(gx, what).toEqual(wgx);
            }
          }
        }
      };
      if (mode === "default") body();
      else withWasm(mode, body);
    });

  it("runs as the gelu primitive: its backward node, the keyword form and nn.GELU give the same values", () => {
    const xs = data(300, 7, true);
    const x = torch.tensor(xs).reshape([3, 100]).to(device).requires_grad_();
    const y = F.gelu(x);
    // PyTorch's node name too (the composition's last node was MulBackward0)
    expect(y.grad_fn?.name).toBe("GeluBackward0");
    const want = bits(y);
    expect(bits(F.gelu(x, { approximate: "none" }))).toEqual(want);
    expect(bits(F.gelu({ input: x }))).toEqual(want);
    expect(bits(new torch.nn.GELU()(x))).toEqual(want);
    expect(bits(new torch.nn.GELU({ approximate: "none" })(x))).toEqual(want);
    expect(bits(y)).toEqual(bits(composed(x)));
  });

  it("a strided input gives the contiguous input's values and gradient", () => {
    const xs = data(2 * 300, 9, true);
    const gs = data(300, 10, false);
    const base = torch.tensor(xs).reshape([2, 30, 10]).to(device);
    const runOn = (xt: torch.Tensor) => {
      const x = xt.detach().requires_grad_();
      const y = F.gelu(x);
      y.backward(torch.tensor(gs).reshape([10, 30]).to(device));
      return [bits(y), bits(x.grad!)];
    };
    // a transposed slice: [10, 30] with strides (1, 10) at an offset
    const strided = base.select(0, 1).transpose(0, 1);
    expect(runOn(strided)).toEqual(runOn(strided.contiguous()));
  });

  it("second derivatives (create_graph) equal the float64 composition's", () => {
    const xs = data(500, 11, false);
    const gs = data(500, 12, false);
    const grads = (f: (x: torch.Tensor) => torch.Tensor) => {
      const x = torch.tensor(xs).to(torch.float64).to(device).requires_grad_();
      const g = torch.tensor(gs).to(torch.float64).to(device).requires_grad_();
      const [gx] = torch.autograd.grad([f(x)], [x], [g], { create_graph: true }) as torch.Tensor[];
      // a weighted sum of x's gradient, differentiated again as to x and as to the incoming gradient g
      const s = gx!.mul(gx!.detach().cos().add(2)).sum();
      return (torch.autograd.grad([s], [x, g]) as torch.Tensor[]).map(vals);
    };
    const got = grads(F.gelu);
    const want = grads(composed);
    for (const i of [0, 1]) {
      const scale = Math.max(...want[i]!.map(Math.abs));
      const off = got[i]!.filter((v, j) => !(Math.abs(v - want[i]![j]!) <= 1e-12 * scale));
      expect(off, i === 0 ? "d/dx" : "d/dg").toEqual([]);
    }
  });

  it("an integer input raises PyTorch's error", () => {
    expect(() => F.gelu(torch.tensor([1, 2]).to(device))).toThrow(`"GeluKernelImpl" not implemented for 'Long'`);
  });
});
