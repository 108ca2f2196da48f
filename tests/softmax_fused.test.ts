// softmax over one dim as one primitive each way (core/src/prims_softmax.ts: softmax,
// softmax_backward) against the composition it replaced, exp(x - max(x)) / sum(...) differentiated
// by autograd: forward values and x's gradient bit for bit in float32, float64, float16 and
// bfloat16, on cpu (with the WebAssembly kernels on, everywhere and off) and xla, over the last and
// other dims, at sizes on both sides of the kernels' WebAssembly thresholds, with special values
// (NaN, ±Inf, rows masked to -inf entirely, huge); strided inputs and gradients; the surface forms
// (F.softmax, torch.softmax, Tensor.softmax, dtype=); second derivatives (softmax_backward's VJP)
// against the float64 composition's.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { withWasm } from "./harness/env";
import { rng } from "./harness/rng";

const F = torch.nn.functional;

const SPECIAL = [0, -0, Infinity, -Infinity, -Infinity, NaN, 1e-40, 3e38, -3e38, 80, -80];

function data(n: number, seed: number, special: boolean): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () =>
    special && r() < 0.1 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : (r() * 2 - 1) * 4 * 10 ** Math.floor(r() * 3 - 1),
  );
}

/** The composition softmax was before the primitive (core/src/ops/reduce.ts). */
const composed = (x: torch.Tensor, d: number) => {
  const e = x.sub(x.amax(d, true).detach()).exp();
  return e.div(e.sum(d, true));
};

const bits = (t: torch.Tensor): string[] =>
  (t.detach().cpu().to(torch.float64).flatten().tolist() as number[]).map((v) => (Object.is(v, -0) ? "-0" : String(v)));
const vals = (t: torch.Tensor): number[] => t.detach().cpu().to(torch.float64).flatten().tolist() as number[];

// [2, 3, 5] over each dim: tiny rows (JavaScript loops); [3, 100] and [40, 70]: WebAssembly from the
// reduce and elementwise thresholds on; [8, 4, 32, 32] over its last dim: nanoGPT's attention weights
const CASES: [number[], number][] = [
  [[2, 3, 5], 0],
  [[2, 3, 5], 1],
  [[2, 3, 5], 2],
  [[7], 0],
  [[3, 100], 1],
  [[3, 100], 0],
  [[40, 70], 1],
  [[8, 4, 32, 32], 3],
];
const DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16];

function run(
  f: (x: torch.Tensor, d: number) => torch.Tensor,
  xs: number[],
  gs: number[],
  shape: number[],
  d: number,
  dt: (typeof DTYPES)[number],
  device: string,
) {
  const x = torch.tensor(xs).reshape(shape).to(dt).to(device).requires_grad_();
  const y = f(x, d);
  y.backward(torch.tensor(gs).reshape(shape).to(dt).to(device));
  return [bits(y), bits(x.grad!)];
}

describe.each(["cpu", "xla"])("softmax as one primitive on %s", (device) => {
  const modes = device === "cpu" ? ["default", "always", "off"] : ["default"];
  for (const mode of modes)
    it(`forward and x's gradient bit for bit against the composition, every float dtype (WebAssembly ${mode})`, () => {
      const body = () => {
        for (const [k, [shape, d]] of CASES.entries()) {
          const n = shape.reduce((p, q) => p * q, 1);
          for (const special of [false, true]) {
            const xs = data(n, 1 + k, special);
            if (special && shape.length > 1) for (let j = 0; j < shape[shape.length - 1]!; j++) xs[j] = -Infinity; // a row masked entirely
            const gs = data(n, 50 + k, special);
            for (const dt of DTYPES) {
              const what = `${JSON.stringify(shape)} dim ${d} ${dt}${special ? " special values" : ""}`;
              const [y, gx] = run((x, dim) => F.softmax(x, dim), xs, gs, shape, d, dt, device);
              const [wy, wgx] = run(composed, xs, gs, shape, d, dt, device);
              expect(y, what).toEqual(wy);
              expect(gx, what).toEqual(wgx);
            }
          }
        }
      };
      if (mode === "default") body();
      else withWasm(mode, body);
    });

  it("runs as the softmax primitive in every surface form, with PyTorch's node name", () => {
    const x = torch
      .tensor(data(300, 7, true))
      .reshape([3, 100])
      .to(device)
      .requires_grad_();
    const y = F.softmax(x, -1);
    // the composition's last node was DivBackward0
    expect(y.grad_fn?.name).toBe("SoftmaxBackward0");
    const want = bits(y);
    expect(bits(torch.softmax(x, 1))).toEqual(want);
    expect(bits(x.softmax(-1))).toEqual(want);
    expect(bits(F.softmax(x, { dim: 1 }))).toEqual(want);
    expect(bits(new torch.nn.Softmax({ dim: 1 })(x))).toEqual(want);
    expect(bits(F.softmax(x, -1, { dtype: torch.float64 }))).toEqual(bits(composed(x.to(torch.float64), 1)));
    expect(want).toEqual(bits(composed(x, 1)));
  });

  it("a strided input and gradient give the contiguous ones' values", () => {
    const base = torch
      .tensor(data(2 * 400, 9, true))
      .reshape([2, 20, 20])
      .to(device);
    const gbase = torch
      .tensor(data(2 * 400, 10, false))
      .reshape([2, 20, 20])
      .to(device);
    const runOn = (xt: torch.Tensor, gt: torch.Tensor) => {
      const x = xt.detach().requires_grad_();
      const y = F.softmax(x, -1);
      y.backward(gt);
      return [bits(y), bits(x.grad!)];
    };
    const [xs, gs] = [base.select(0, 1).transpose(0, 1), gbase.select(0, 0).transpose(0, 1)];
    expect(runOn(xs, gs)).toEqual(runOn(xs.contiguous(), gs.contiguous()));
  });

  it("second derivatives (create_graph) equal the float64 composition's, through y and through the saved e and s", () => {
    for (const d of [0, 1]) {
      const xs = data(6 * 9, 11 + d, false);
      const gs = data(6 * 9, 13 + d, false);
      const grads = (f: (x: torch.Tensor, d: number) => torch.Tensor) => {
        const x = torch.tensor(xs).reshape([6, 9]).to(torch.float64).to(device).requires_grad_();
        const g = torch.tensor(gs).reshape([6, 9]).to(torch.float64).to(device).requires_grad_();
        const y = f(x, d);
        const [gx] = torch.autograd.grad([y], [x], [g], { create_graph: true }) as torch.Tensor[];
        // a weighted sum of x's gradient and of y itself, differentiated again as to x and g
        const s = gx!.mul(gx!.detach().cos().add(2)).sum().add(y.mul(y).sum());
        return (torch.autograd.grad([s], [x, g]) as torch.Tensor[]).map(vals);
      };
      const got = grads((x, dim) => F.softmax(x, dim));
      const want = grads(composed);
      for (const i of [0, 1]) {
        const scale = Math.max(...want[i]!.map(Math.abs));
        const off = got[i]!.filter((v, j) => !(Math.abs(v - want[i]![j]!) <= 1e-12 * scale));
        expect(off, `dim ${d} ${i === 0 ? "d/dx" : "d/dg"}`).toEqual([]);
      }
    }
  });
});
