// F.layer_norm as one primitive each way (core/src/prims_norm.ts: layer_norm, layer_norm_backward)
// against the composition it replaced (mean, biased variance, rsqrt, ATen's fma rounding: for float32
// a.to(float64).mul(b.to(float64)).add(c.to(float64)).to(float32)): forward values bit for bit in
// float32, float64, float16 and bfloat16, on cpu and xla, with special values (NaN, ±Inf, ±0,
// denormals, huge), one-element rows and every weight/bias case; the gradients of the input, weight
// and bias (ATen's backward formula, evaluated in float64) against the float64 composition's; and
// second derivatives (layer_norm_backward's VJP) against the composition's, in float64.
// Also the reduce kernel's per-array-type sum loops (cpu/src/kernels/reduce_sum_loops.ts) against the
// generic row loops they replace.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { float32, float64, type DType } from "@xlatorch/core";
import { reduceKernels } from "../packages/cpu/src/kernels/reduce.js";
import { contiguous } from "../packages/cpu/src/strided.js";
import { rng } from "./harness/rng";

const F = torch.nn.functional;

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-40, -3e-39, 3e38, -3e38];

function data(n: number, seed: number, special: boolean): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++)
    a[i] = special && r() < 0.1 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : (r() * 2 - 1) * 10 ** Math.floor(r() * 6 - 3);
  return a;
}

/** The composition native_layer_norm used before mul_add_convert (same mean, rstd and ATen fma order). */
function composed(x: torch.Tensor, shape: number[], w: torch.Tensor | null, b: torch.Tensor | null, eps: number): torch.Tensor {
  const dims = shape.map((_, i) => x.ndim - shape.length + i);
  const mean = x.mean(dims, true);
  const rstd = x.var(dims, { unbiased: false, keepdim: true }).add(eps).rsqrt();
  const fma = (p: torch.Tensor, q: torch.Tensor, r: torch.Tensor) =>
    x.dtype === torch.float32 ? p.to(torch.float64).mul(q.to(torch.float64)).add(r.to(torch.float64)).to(torch.float32) : p.mul(q).add(r);
  let y = fma(x, rstd, rstd.neg().mul(mean));
  if (w && b) y = fma(y, w, b);
  else {
    if (w) y = y.mul(w);
    if (b) y = y.add(b);
  }
  return y;
}

const bits = (t: torch.Tensor): string[] =>
  (t.detach().cpu().to(torch.float64).flatten().tolist() as number[]).map((v) => (Object.is(v, -0) ? "-0" : String(v)));
const vals = (t: torch.Tensor): number[] => t.detach().cpu().to(torch.float64).flatten().tolist() as number[];

const CASES: { shape: number[]; norm: number[]; special: boolean }[] = [
  { shape: [8, 32, 64], norm: [64], special: false },
  { shape: [3, 5, 7], norm: [5, 7], special: true },
  { shape: [4, 1], norm: [1], special: false },
  { shape: [2, 3, 16], norm: [16], special: true },
  { shape: [6], norm: [6], special: false },
];
const AFFINE = ["both", "weight", "bias", "none"] as const;
type Affine = (typeof AFFINE)[number];

function inputs(ci: number, device: string, dtype: DType, affine: Affine, grad: boolean) {
  const c = CASES[ci]!;
  const n = c.shape.reduce((p, q) => p * q, 1);
  const m = c.norm.reduce((p, q) => p * q, 1);
  const mk = (a: Float32Array, s: number[]) => {
    const t = torch.tensor(Array.from(a)).reshape(s).to(device).to(dtype);
    return grad ? t.requires_grad_() : t;
  };
  const x = mk(data(n, 1 + ci, c.special), c.shape);
  const w = affine === "both" || affine === "weight" ? mk(data(m, 100 + ci, false), c.norm) : null;
  const b = affine === "both" || affine === "bias" ? mk(data(m, 200 + ci, false), c.norm) : null;
  const g = torch
    .tensor(Array.from(data(n, 300 + ci, false)))
    .reshape(c.shape)
    .to(device)
    .to(dtype);
  return { x, w, b, g };
}

describe.each(["cpu", "xla"])("layer_norm as one primitive on %s", (device) => {
  for (const [ci, c] of CASES.entries())
    for (const affine of AFFINE) {
      const what = `${JSON.stringify(c.shape)} over ${JSON.stringify(c.norm)}${c.special ? " with special values" : ""}, ${affine}`;
      it(`forward bit for bit against the composition, every float dtype: ${what}`, () => {
        for (const dt of [torch.float32, torch.float64, torch.float16, torch.bfloat16]) {
          const { x, w, b } = inputs(ci, device, dt, affine, false);
          const [y, mean, rstd] = torch.native_layer_norm(x, c.norm, w, b, 1e-5);
          const dims = c.norm.map((_, i) => x.ndim - c.norm.length + i);
          expect(bits(y!), dt.toString()).toEqual(bits(composed(x, c.norm, w, b, 1e-5)));
          expect(bits(mean!), dt.toString()).toEqual(bits(x.mean(dims, true)));
          expect(bits(rstd!), dt.toString()).toEqual(bits(x.var(dims, { unbiased: false, keepdim: true }).add(1e-5).rsqrt()));
        }
      });
      if (c.special) continue;
      it(`float32 gradients within float32 rounding of the float64 composition's: ${what}`, () => {
        const got = inputs(ci, device, torch.float32, affine, true);
        F.layer_norm(got.x, c.norm, got.w, got.b, 1e-5).backward(got.g);
        const want = inputs(ci, device, torch.float64, affine, true);
        composed(want.x, c.norm, want.w, want.b, 1e-5).backward(want.g);
        for (const k of ["x", "w", "b"] as const) {
          const [gg, ww] = [got[k]?.grad ?? null, want[k]?.grad ?? null];
          expect(gg === null, k).toBe(ww === null);
          if (!gg || !ww) continue;
          const [gv, wv] = [vals(gg), vals(ww)];
          const scale = Math.max(...wv.map(Math.abs));
          const off = gv.filter((v, i) => !(Math.abs(v - wv[i]!) <= 1e-5 * (scale + Math.abs(wv[i]!))));
          expect(off, `${k}.grad: values off by more than 1e-5 of the largest`).toEqual([]);
        }
      });
    }
  it("saves mean and rstd, not y: a write to y is valid (as in PyTorch), a write to the returned mean is refused", () => {
    const { x, w, b, g } = inputs(0, device, torch.float32, "both", true);
    F.layer_norm(x, [64], w, b, 1e-5).backward(g);
    const want = vals(x.grad!);
    x.grad = null;
    const y = F.layer_norm(x, [64], w, b, 1e-5);
    y.mul_(2);
    y.backward(g.mul(0.5));
    expect(vals(x.grad!)).toEqual(want);
    const [y2, mean] = torch.native_layer_norm(x, [64], w, b, 1e-5);
    mean!.add_(1);
    expect(() => y2!.backward(g)).toThrow("modified by an inplace operation");
  });
  it("a strided input and gradients asked of some operands only give the contiguous, all-operand values", () => {
    const { x, w, b, g } = inputs(3, device, torch.float32, "both", false);
    const run = (xt: torch.Tensor, grads: [boolean, boolean, boolean]) => {
      const ps = [xt.detach(), w!.detach(), b!.detach()].map((t, i) => (grads[i] ? t.requires_grad_() : t));
      const y = F.layer_norm(ps[0]!, [2], ps[1]!.narrow(0, 0, 2), ps[2]!.narrow(0, 0, 2), 1e-5);
      if (grads.some((q) => q)) y.backward(g.narrow(2, 0, 2).contiguous());
      return [bits(y), ...ps.map((t) => (t.grad ? bits(t.grad) : null))];
    };
    // x[..., :2] of a [2, 3, 16] tensor: a non-contiguous [2, 3, 2], normalized over its last dim
    const strided = x.narrow(2, 0, 2);
    const want = run(strided.contiguous(), [true, true, true]);
    expect(run(strided, [true, true, true])).toEqual(want);
    expect(run(strided, [false, true, false])).toEqual([want[0], null, want[2], null]);
    expect(run(strided, [true, false, true])).toEqual([want[0], want[1], null, want[3]]);
  });
  it("second derivatives (create_graph) equal the float64 composition's", () => {
    for (const [ci, c] of CASES.entries())
      for (const affine of AFFINE) {
        if (c.special) continue;
        const run = (f: typeof composed) => {
          const { x, w, b, g } = inputs(ci, device, torch.float64, affine, true);
          const ps = [x, w, b].filter((t): t is torch.Tensor => t !== null);
          const y = f(x, c.norm, w, b, 1e-5);
          const gs = torch.autograd.grad([y], ps, [g], { create_graph: true }) as torch.Tensor[];
          // a weighted sum of every first derivative, differentiated again
          const s = gs.map((t, i) => t.mul(t.detach().cos().add(i))).reduce((p, q) => p.sum().add(q.sum()), torch.zeros([]).to(device));
          return (torch.autograd.grad([s.sum()], ps, null, { allow_unused: true }) as (torch.Tensor | null)[]).map((t) =>
            t ? vals(t) : null,
          );
        };
        const got = run((x, n, w, b, eps) => F.layer_norm(x, n, w, b, eps));
        const want = run(composed);
        for (const [i, wv] of want.entries()) {
          const gv = got[i]!;
          expect(gv === null, `${c.shape} ${affine} input ${i}`).toBe(wv === null);
          if (!gv || !wv) continue;
          const scale = Math.max(...wv.map(Math.abs));
          for (const [j, v] of gv.entries())
            expect(Math.abs(v - wv[j]!), `${c.shape} ${affine} input ${i} [${j}]`).toBeLessThanOrEqual(1e-9 * scale);
        }
      }
  });
});

/** reduce's result against the generic loops: an untyped copy of the values takes reduce.ts's ArrayLike path. */
function checkSum(shape: number[], dims: number[], seed: number): void {
  const n = shape.reduce((p, q) => p * q, 1);
  const lead = dims[0] === 0;
  for (const dt of [float32, float64]) {
    const src = data(n, seed, true);
    const arr = dt === float32 ? src : Float64Array.from(src, (v, i) => v * (1 + i * 1e-9));
    const outShape = shape.filter((_, d) => !dims.includes(d));
    const [res] = reduceKernels.reduce!([contiguous(arr, shape)], [{ shape, dtype: dt }], { op: "sum", dims }, [
      { shape: outShape, dtype: dt },
    ]);
    const inner = dims.reduce((p, q) => p * shape[q]!, 1);
    const outer = n / inner;
    const want = new Float64Array(outer);
    if (lead) for (let q = 0; q < inner; q++) for (let j = 0; j < outer; j++) want[j] = want[j]! + arr[q * outer + j]!;
    else
      for (let j = 0; j < outer; j++) {
        let s = 0;
        for (let i = j * inner; i < (j + 1) * inner; i++) s += arr[i]!;
        want[j] = s;
      }
    const w = dt === float32 ? Float32Array.from(want) : want;
    const show = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : v));
    expect(show(res!.data as Float32Array)).toEqual(show(w));
  }
}

describe("reduce's float sums compiled per array type (reduce_sum_loops.ts)", () => {
  it("leading and trailing float32/float64 sums equal the generic row loops, bit for bit", () => {
    const r = rng(7);
    for (let k = 0; k < 60; k++) {
      const nd = 2 + Math.floor(r() * 2);
      const shape = Array.from({ length: nd }, () => 1 + Math.floor(r() * 6));
      const nk = 1 + Math.floor(r() * (nd - 1));
      const dims = r() < 0.5 ? [...Array(nk).keys()] : [...Array(nk).keys()].map((i) => nd - nk + i);
      checkSum(shape, dims, 1000 + k);
    }
  });
  it("tall inputs (more rows than the blocked loop takes) and column counts off the block of four", () => {
    checkSum([4097, 5], [0], 1);
    checkSum([2, 2049, 7], [0, 1], 2);
    checkSum([300, 11], [0], 3);
  });
});
