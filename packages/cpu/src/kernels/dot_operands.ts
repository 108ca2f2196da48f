// A dot_general operand seen as a batch of R×C matrices over its own storage:
// the rows dims and the columns dims each collapse to one stride when their
// strides chain (a transpose, a column slice, a padded row), batch dims keep
// any stride (broadcast 0 included). Shared by the system BLAS path
// (dot_blas.ts, which also needs one of the two strides to be 1) and the
// WebAssembly GEMM's packing (wasm/gemm.ts, which reads any two strides), so
// neither copies a transposed operand before the product.
import type { AVal } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { dense } from "./layout.js";

/**
 * Dims collapsed into one: their element count and the stride that steps it
 * (the innermost non-unit dim's; null when every dim has size 1), or null when
 * their strides do not chain.
 */
export function collapse(
  shape: readonly number[],
  strides: readonly number[],
  dims: readonly number[],
): { n: number; s: number | null } | null {
  let n = 1,
    s: number | null = null;
  for (let i = dims.length - 1; i >= 0; i--) {
    const size = shape[dims[i]!]!,
      st = strides[dims[i]!]!;
    if (size === 1) continue;
    if (s === null) s = st;
    else if (st !== s * n) return null;
    n *= size;
  }
  return { n, s };
}

/** Offsets of each batch element (odometer over the batch dims, in order). */
export function batchOffsets(x: Strided, shape: readonly number[], batch: readonly number[]): number[] {
  // no batch dims (a plain matrix product, most of a small model's dots): the one offset, nothing else built
  if (batch.length === 0) return [x.offset];
  const sizes = batch.map((d) => shape[d]!),
    strides = batch.map((d) => x.strides[d]!);
  const total = sizes.reduce((a, b) => a * b, 1);
  const out = new Array<number>(total);
  const idx = sizes.map(() => 0);
  let off = x.offset;
  for (let b = 0; b < total; b++) {
    out[b] = off;
    for (let d = sizes.length - 1; d >= 0; d--) {
      if (++idx[d]! < sizes[d]!) {
        off += strides[d]!;
        break;
      }
      off -= strides[d]! * (sizes[d]! - 1);
      idx[d] = 0;
    }
  }
  return out;
}

/** Element [b][i][j] of the operand is data[offsets[b] + i * rs + j * cs]. */
export interface StridedMatrices {
  data: Float32Array | Float64Array;
  offsets: number[];
  rs: number;
  cs: number;
}

/**
 * Operand x as a batch of R×C matrices (rows `rows`, columns `cols`) read in
 * place when both collapse, else copied dense in [batch, rows, cols] order
 * (the values unchanged: the same element type).
 */
export function stridedMatrices(
  x: Strided,
  a: AVal,
  batch: readonly number[],
  rows: readonly number[],
  cols: readonly number[],
  R: number,
  C: number,
): StridedMatrices {
  const r = collapse(a.shape, x.strides, rows),
    c = collapse(a.shape, x.strides, cols);
  if (r && c) return { data: x.data as Float32Array, offsets: batchOffsets(x, a.shape, batch), rs: r.s ?? C, cs: c.s ?? 1 };
  const perm = [...batch, ...rows, ...cols];
  const d = dense(
    { data: x.data, offset: x.offset, strides: perm.map((p) => x.strides[p]!) },
    perm.map((p) => a.shape[p]!),
    a.dtype,
  ) as Float32Array;
  const nb = batch.reduce((s, p) => s * a.shape[p]!, 1);
  const offsets = new Array<number>(nb);
  for (let b = 0; b < nb; b++) offsets[b] = b * R * C;
  return { data: d, offsets, rs: C, cs: 1 };
}
