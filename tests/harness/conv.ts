// The convolution kernel called directly on dense arrays, and the attribute
// helpers the conv kernel tests build their cases with.
import { contiguousStrides, type ConvAttrs, type DType } from "@xlatorch/core";
import type { Strided } from "@xlatorch/cpu";
import { convKernels, poisonConvColumns } from "../../packages/cpu/src/kernels/conv.js";
import { rng } from "./rng";

export const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** NCHW-ordered specs, stride 1, no dilation, one group, with `o`'s fields over them. */
export const convAttrs = (o: Partial<ConvAttrs> & { padding: [number, number][] }): ConvAttrs => ({
  window_strides: o.padding.map(() => 1),
  lhs_dilation: o.padding.map(() => 1),
  rhs_dilation: o.padding.map(() => 1),
  feature_group_count: 1,
  batch_group_count: 1,
  lhs_spec: [0, 1, ...o.padding.map((_, i) => i + 2)],
  rhs_spec: [0, 1, ...o.padding.map((_, i) => i + 2)],
  out_spec: [0, 1, ...o.padding.map((_, i) => i + 2)],
  ...o,
});
/** The same padding on both spatial dims of a 2-d convolution. */
export const p2 = (lo: number, hi = lo): [number, number][] => [
  [lo, hi],
  [lo, hi],
];
/** Batch and feature dims swapped (the weight gradient's layouts). */
export const SWAPPED = [1, 0, 2, 3];

/** The convolution primitive's CPU kernel on dense x [xs] and w [ws], giving os. */
export function convKernel(
  x: Float32Array | Float64Array,
  xs: number[],
  w: Float32Array | Float64Array,
  ws: number[],
  os: number[],
  a: ConvAttrs,
  dtype: DType,
) {
  const [res] = convKernels.convolution!(
    [
      { data: x, offset: 0, strides: contiguousStrides(xs) },
      { data: w, offset: 0, strides: contiguousStrides(ws) },
    ],
    [
      { shape: xs, dtype },
      { shape: ws, dtype },
    ],
    a,
    [{ shape: os, dtype }],
  ) as [Strided];
  return res.data as Float32Array;
}

/** The kernel on seeded random values in [-1, 1), its kept column memory poisoned with NaN first. */
export function randomConv(
  lhs: number[],
  rhs: number[],
  out: number[],
  a: ConvAttrs,
  dtype: DType,
  seed: number,
): Float32Array | Float64Array {
  const r = rng(seed);
  const x = dtype.alloc(prod(lhs)) as Float32Array,
    w = dtype.alloc(prod(rhs)) as Float32Array;
  for (let i = 0; i < x.length; i++) x[i] = r() * 2 - 1;
  for (let i = 0; i < w.length; i++) w[i] = r() * 2 - 1;
  poisonConvColumns(Number.NaN);
  return convKernel(x, lhs, w, rhs, out, a, dtype);
}
