// layer_norm's float32 rounding as one primitive (core/src/prims_norm.ts: mul_add_convert) against the
// composition it replaced, a.to(float64).mul(b.to(float64)).add(c.to(float64)).to(float32): the float64 multiply, add and convert as one primitive; bit for bit:
// forward values and the gradients of the input, weight and bias (float32, through backward), on cpu and
// xla, with special values (NaN, ±Inf, ±0, denormals, huge), one-element rows and every weight/bias case.
// Also the reduce kernel's per-array-type sum loops (cpu/src/kernels/reduce_sum_loops.ts) against the
// generic row loops they replace.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { float32, float64 } from "@xlatorch/core";
import { reduceKernels } from "../packages/cpu/src/kernels/reduce.js";
import { contiguous } from "../packages/cpu/src/strided.js";

const F = torch.nn.functional;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
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
    p.to(torch.float64).mul(q.to(torch.float64)).add(r.to(torch.float64)).to(torch.float32);
  let y = fma(x, rstd, rstd.neg().mul(mean));
  if (w && b) y = fma(y, w, b);
  else {
    if (w) y = y.mul(w);
    if (b) y = y.add(b);
  }
  return y;
}

const bits = (t: torch.Tensor): number[] =>
  Array.from(new Uint32Array(new Float32Array(t.cpu().detach().flatten().tolist() as number[]).buffer));

const CASES: { shape: number[]; norm: number[]; special: boolean }[] = [
  { shape: [8, 32, 64], norm: [64], special: false },
  { shape: [3, 5, 7], norm: [5, 7], special: true },
  { shape: [4, 1], norm: [1], special: false },
  { shape: [2, 3, 16], norm: [16], special: true },
];

describe.each(["cpu", "xla"])("mul_add_convert (layer_norm's float32 fma) on %s, bit for bit against the composition", (device) => {
  for (const [ci, c] of CASES.entries())
    for (const affine of ["both", "weight", "bias", "none"] as const)
      it(`${JSON.stringify(c.shape)} over ${JSON.stringify(c.norm)}${c.special ? " with special values" : ""}, ${affine}`, () => {
        const n = c.shape.reduce((p, q) => p * q, 1);
        const m = c.norm.reduce((p, q) => p * q, 1);
        const mk = (a: Float32Array, s: number[]) => torch.tensor(Array.from(a)).reshape(s).to(device);
        const xs = data(n, 1 + ci, c.special);
        const ws = data(m, 100 + ci, false);
        const bs = data(m, 200 + ci, false);
        const gs = data(n, 300 + ci, false);
        const run = (f: (x: torch.Tensor, w: torch.Tensor | null, b: torch.Tensor | null) => torch.Tensor) => {
          const x = mk(xs, c.shape).requires_grad_();
          const w = affine === "both" || affine === "weight" ? mk(ws, c.norm).requires_grad_() : null;
          const b = affine === "both" || affine === "bias" ? mk(bs, c.norm).requires_grad_() : null;
          const y = f(x, w, b);
          y.backward(mk(gs, c.shape));
          return [y, x.grad, w?.grad, b?.grad].map((t) => (t ? bits(t) : null));
        };
        const got = run((x, w, b) => F.layer_norm(x, c.norm, w, b, 1e-5));
        const want = run((x, w, b) => composed(x, c.norm, w, b, 1e-5));
        expect(got).toEqual(want);
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
