// Kernels of core's prims_norm.ts: layer_norm and layer_norm_backward, one pass
// over each row of N = numel(shape[axis:]) values.
//
// layer_norm rounds every step as the eager kernels of the composition it
// replaces round it, so the results are that composition's bits: the reduce
// kernel's float64 running sum from 0 in element order, rounded to the type; the
// elementwise kernels' float64 result of the operands, rounded to the type
// (float32: Math.fround, an IEEE float32 op for + - * /; rsqrt is 1 / Math.sqrt
// rounded once, as exprs.ts; float16/bfloat16: stored through float32 as
// storeExpr stores them); and ATen's float32 fma, a float64 product and sum
// rounded once. layer_norm_backward computes in float64 and rounds each result
// once (its formula: prims_norm.ts).
import {
  bf16ToF32,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
  numelOf,
  type DType,
  type LayerNormAttrs,
  type LayerNormBackwardAttrs,
} from "@xlatorch/core";
import { contiguous } from "../strided.js";
import type { Kernel } from "./types.js";
import { encode, values } from "./values.js";

type Round = (v: number) => number;
const same: Round = (v) => v;
/** A value stored into `dtype` and read back, as an elementwise kernel's store rounds it. */
function rounder(dtype: DType): Round {
  switch (dtype.name) {
    case "float32":
      return Math.fround;
    case "float16":
      return (v) => f16ToF32(f32ToF16(v));
    case "bfloat16":
      return (v) => bf16ToF32(f32ToBf16(v));
    default:
      return same;
  }
}

/** Output storage: float32/float64 written in place; half types through a float64 buffer, encoded at the end. */
const buffer = (dtype: DType, n: number): Buf => (dtype.name === "float32" ? new Float32Array(n) : new Float64Array(n));
/** float32 values as a Float32Array (exact: they are float32 values). */
const f32 = (v: ArrayLike<number>): Float32Array => (v instanceof Float32Array ? v : Float32Array.from(v));
const stored = (buf: Buf, dtype: DType) => (buf instanceof Float64Array && dtype.name !== "float64" ? encode(buf, dtype) : buf);

type Buf = Float32Array | Float64Array;

/** Any float type: every step through R. */
function layerNormRows(
  x: ArrayLike<number>,
  w: ArrayLike<number> | null,
  b: ArrayLike<number> | null,
  M: number,
  N: number,
  eps: number,
  R: Round,
  y: Buf,
  mean: Buf,
  rstd: Buf,
): void {
  // the composition's 0-d operands: N and eps as tensors of the element type
  const n = R(N);
  const e = R(eps);
  for (let r = 0, o = 0; r < M; r++, o += N) {
    let s = 0;
    for (let j = o; j < o + N; j++) s += x[j]!;
    const mu = R(R(s) / n);
    let s2 = 0;
    for (let j = o; j < o + N; j++) {
      const d = R(x[j]! - mu);
      s2 += R(d * d);
    }
    const rs = R(1 / Math.sqrt(R(R(R(s2) / n) + e)));
    const nrm = R(-rs * mu);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < N; j++) {
      const y1 = R(R(x[o + j]! * rs) + nrm);
      y[o + j] = w && b ? R(R(y1 * w[j]!) + b[j]!) : w ? R(y1 * w[j]!) : b ? R(y1 + b[j]!) : y1;
    }
  }
}

/**
 * float32, the same steps with Math.fround inline (a closure call per element cost ~4x). The row
 * sums are chains of dependent float64 adds, so four rows are summed side by side (each row's sum
 * still in element order, the same bits; ~1.7x on the statistics of [256, 64] rows).
 */
function layerNormStatsF32(x: Float32Array, M: number, N: number, eps: number, mean: Float32Array, rstd: Float32Array): void {
  const fr = Math.fround;
  const n = fr(N);
  const e = fr(eps);
  const finish = (r: number, mu: number, s2: number) => {
    mean[r] = mu;
    rstd[r] = fr(1 / Math.sqrt(fr(fr(fr(s2) / n) + e)));
  };
  let r = 0;
  for (; r + 4 <= M; r += 4) {
    const o0 = r * N;
    const o1 = o0 + N;
    const o2 = o1 + N;
    const o3 = o2 + N;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < N; j++) {
      s0 += x[o0 + j]!;
      s1 += x[o1 + j]!;
      s2 += x[o2 + j]!;
      s3 += x[o3 + j]!;
    }
    const m0 = fr(fr(s0) / n);
    const m1 = fr(fr(s1) / n);
    const m2 = fr(fr(s2) / n);
    const m3 = fr(fr(s3) / n);
    let q0 = 0;
    let q1 = 0;
    let q2 = 0;
    let q3 = 0;
    for (let j = 0; j < N; j++) {
      const d0 = fr(x[o0 + j]! - m0);
      const d1 = fr(x[o1 + j]! - m1);
      const d2 = fr(x[o2 + j]! - m2);
      const d3 = fr(x[o3 + j]! - m3);
      q0 += fr(d0 * d0);
      q1 += fr(d1 * d1);
      q2 += fr(d2 * d2);
      q3 += fr(d3 * d3);
    }
    finish(r, m0, q0);
    finish(r + 1, m1, q1);
    finish(r + 2, m2, q2);
    finish(r + 3, m3, q3);
  }
  for (; r < M; r++) {
    const o = r * N;
    let s = 0;
    for (let j = o; j < o + N; j++) s += x[j]!;
    const mu = fr(fr(s) / n);
    let q = 0;
    for (let j = o; j < o + N; j++) {
      const d = fr(x[j]! - mu);
      q += fr(d * d);
    }
    finish(r, mu, q);
  }
}

/** float32's output: ATen's fma, a float64 product and sum rounded once (by the Float32Array store). */
function layerNormRowsF32(
  x: Float32Array,
  w: Float32Array | null,
  b: Float32Array | null,
  M: number,
  N: number,
  eps: number,
  y: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
): void {
  const fr = Math.fround;
  layerNormStatsF32(x, M, N, eps, mean, rstd);
  for (let r = 0, o = 0; r < M; r++, o += N) {
    const rs = rstd[r]!;
    const nrm = fr(-rs * mean[r]!);
    if (w && b) for (let j = 0; j < N; j++) y[o + j] = fr(x[o + j]! * rs + nrm) * w[j]! + b[j]!;
    else if (w) for (let j = 0; j < N; j++) y[o + j] = fr(x[o + j]! * rs + nrm) * w[j]!;
    else if (b) for (let j = 0; j < N; j++) y[o + j] = fr(x[o + j]! * rs + nrm) + b[j]!;
    else for (let j = o; j < o + N; j++) y[j] = x[j]! * rs + nrm;
  }
}

/** ATen's backward formula in float64 (prims_norm.ts); dw and db summed over rows in row order. */
function layerNormBackwardRows(
  g: ArrayLike<number>,
  x: ArrayLike<number>,
  mean: ArrayLike<number>,
  rstd: ArrayLike<number>,
  w: ArrayLike<number> | null,
  M: number,
  N: number,
  dx: Buf | null,
  dw: Float64Array | null,
  db: Float64Array | null,
): void {
  const scale = 1 / N;
  if (w && dx && dw && db) {
    // the training case in two passes a row: the row sums with dweight and dbias (each still summed over rows in order), then dx
    for (let r = 0, o = 0; r < M; r++, o += N) {
      const mu = mean[r]!;
      const a = rstd[r]!;
      let ds = 0;
      let dbs = 0;
      for (let j = 0; j < N; j++) {
        const gj = g[o + j]!;
        const xj = x[o + j]!;
        const gw = gj * w[j]!;
        ds += gw * xj;
        dbs += gw;
        dw[j] += gj * (xj - mu) * a;
        db[j] += gj;
      }
      const bb = (dbs * mu - ds) * a * a * a * scale;
      const c = -bb * mu - dbs * a * scale;
      for (let j = 0; j < N; j++) dx[o + j] = a * g[o + j]! * w[j]! + bb * x[o + j]! + c;
    }
    return;
  }
  for (let r = 0, o = 0; r < M; r++, o += N) {
    const mu = mean[r]!;
    const a = rstd[r]!;
    if (dx) {
      let ds = 0;
      let dbs = 0;
      if (w)
        for (let j = 0; j < N; j++) {
          const gw = g[o + j]! * w[j]!;
          ds += gw * x[o + j]!;
          dbs += gw;
        }
      else
        for (let j = 0; j < N; j++) {
          const gj = g[o + j]!;
          ds += gj * x[o + j]!;
          dbs += gj;
        }
      const bb = (dbs * mu - ds) * a * a * a * scale;
      const c = -bb * mu - dbs * a * scale;
      if (w) for (let j = 0; j < N; j++) dx[o + j] = a * g[o + j]! * w[j]! + bb * x[o + j]! + c;
      else for (let j = 0; j < N; j++) dx[o + j] = a * g[o + j]! + bb * x[o + j]! + c;
    }
    if (dw) for (let j = 0; j < N; j++) dw[j] += g[o + j]! * (x[o + j]! - mu) * a;
    if (db) for (let j = 0; j < N; j++) db[j] += g[o + j]!;
  }
}

export const normKernels: Record<string, Kernel> = {
  layer_norm: (ins, avals, attrs, outs) => {
    const { axis, eps, weight, bias } = attrs as LayerNormAttrs;
    const [xa] = avals;
    const dtype = xa!.dtype;
    const N = numelOf(xa!.shape.slice(axis));
    const M = numelOf(xa!.shape.slice(0, axis));
    const read = (i: number) => values(ins[i]!, avals[i]!.shape, dtype) as ArrayLike<number>;
    const x = read(0);
    const w = weight ? read(1) : null;
    const b = bias ? read(1 + +weight) : null;
    const y = buffer(dtype, M * N);
    const mean = buffer(dtype, M);
    const rstd = buffer(dtype, M);
    if (dtype.name === "float32")
      layerNormRowsF32(f32(x), w && f32(w), b && f32(b), M, N, eps, y as Float32Array, mean as Float32Array, rstd as Float32Array);
    else layerNormRows(x, w, b, M, N, eps, rounder(dtype), y, mean, rstd);
    return [y, mean, rstd].map((buf, i) => contiguous(stored(buf, dtype), outs[i]!.shape));
  },

  layer_norm_backward: (ins, avals, attrs, outs) => {
    const { axis, weight, mask } = attrs as LayerNormBackwardAttrs;
    const xa = avals[1]!;
    const dtype = xa.dtype;
    const N = numelOf(xa.shape.slice(axis));
    const M = numelOf(xa.shape.slice(0, axis));
    const read = (i: number) => values(ins[i]!, avals[i]!.shape, dtype) as ArrayLike<number>;
    const [g, x, mean, rstd] = [read(0), read(1), read(2), read(3)];
    const w = weight ? read(4) : null;
    const dx = mask[0] ? buffer(dtype, M * N) : null;
    const dw = mask[1] ? new Float64Array(N) : null;
    const db = mask[2] ? new Float64Array(N) : null;
    // float32 operands as Float32Arrays, so that V8 compiles the loops for one array type
    if (dtype.name === "float32") layerNormBackwardRows(f32(g), f32(x), f32(mean), f32(rstd), w && f32(w), M, N, dx, dw, db);
    else layerNormBackwardRows(g, x, mean, rstd, w, M, N, dx, dw, db);
    return [dx, dw, db]
      .filter((t): t is Float32Array | Float64Array => t !== null)
      .map((buf, i) => contiguous(stored(buf, dtype), outs[i]!.shape));
  },
};
