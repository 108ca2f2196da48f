// Max pooling's two kernels (reduce_window max, select_and_scatter's default
// select) for the common case, read straight from the float32/float64 input:
// windows over the last one or two dims only, no padding, no dilation, a
// row-major input. The general kernels (window.ts) decode the input to a
// float64 copy, walk offset tables and encode the result back; these loops
// visit the same window elements in the same (row-major) order with the same
// comparisons, and every max or selected sum is exact in the element type, so
// the results are bit-identical. Anything else returns null (the general path).
// float32 runs them in WebAssembly where available (wasm/pool_module.ts).
import { isContiguous, type DType, type WindowAttrs } from "@xlatorch/core";
import { contiguous, type Strided } from "../strided.js";
import { wasmMaxPool, wasmMaxPoolBackward } from "../wasm/pool_module.js";

type Floats = Float32Array | Float64Array;

/** Calls that took these loops (tests check which path ran). */
export const poolFastStats = { forward: 0, backward: 0 };

/** The window over the last two dims as [outer, H, W, KH, KW, SH, SW], or null where the fast path does not apply. */
function geometry(shape: readonly number[], outShape: readonly number[], w: WindowAttrs): number[] | null {
  const r = shape.length;
  if (r === 0) return null;
  for (let d = 0; d < r; d++) {
    if (w.padding[d]![0] !== 0 || w.padding[d]![1] !== 0 || w.base_dilations[d] !== 1 || w.window_dilations[d] !== 1) return null;
    // leading dims: one element per window, every position (batch and channels)
    if (d < r - 2 && (w.window_dimensions[d] !== 1 || w.window_strides[d] !== 1)) return null;
  }
  const two = r >= 2;
  const H = two ? shape[r - 2]! : 1,
    W = shape[r - 1]!;
  const KH = two ? w.window_dimensions[r - 2]! : 1,
    KW = w.window_dimensions[r - 1]!;
  const SH = two ? w.window_strides[r - 2]! : 1,
    SW = w.window_strides[r - 1]!;
  const OH = two ? outShape[r - 2]! : 1,
    OW = outShape[r - 1]!;
  // the output shape a valid window gives (the shape rule's); anything else is left to the general path
  if (KH < 1 || KW < 1 || OH !== Math.floor((H - KH) / SH) + 1 || OW !== Math.floor((W - KW) / SW) + 1) return null;
  let outer = 1;
  for (let d = 0; d < r - (two ? 2 : 1); d++) outer *= shape[d]!;
  return [outer, H, W, KH, KW, SH, SW, OH, OW];
}

const floats = (x: Strided, shape: readonly number[], dtype: DType): Floats | null =>
  (dtype.name === "float32" && x.data instanceof Float32Array) || (dtype.name === "float64" && x.data instanceof Float64Array)
    ? isContiguous(shape, x.strides)
      ? (x.data as Floats)
      : null
    : null;

/** reduce_window max, or null. `start`: the init value (-Infinity without one). */
export function maxPoolFast(
  x: Strided,
  shape: readonly number[],
  dtype: DType,
  outShape: readonly number[],
  w: WindowAttrs,
  start: number,
): Strided | null {
  const xv = floats(x, shape, dtype);
  const g = xv && geometry(shape, outShape, w);
  if (!xv || !g) return null;
  const [outer, H, W, KH, KW, SH, SW, OH, OW] = g as [number, number, number, number, number, number, number, number, number];
  poolFastStats.forward++;
  const out = dtype.alloc(outer * OH * OW) as Floats;
  // float32: the same loops, branch-free, in WebAssembly (wasm/pool_module.ts)
  if (out instanceof Float32Array && wasmMaxPool(xv as Float32Array, x.offset, out, [outer, H, W, OH, OW, KH, KW, SH, SW], start))
    return contiguous(out, outShape as number[]);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    const plane = x.offset + a * H * W;
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        const base = plane + oh * SH * W + ow * SW;
        let acc = start;
        for (let kh = 0; kh < KH; kh++)
          for (let p = base + kh * W, end = p + KW; p < end; p++) {
            const v = xv[p]!;
            // NaN propagates, as stablehlo.maximum and PyTorch's pooling do
            if (v > acc || v !== v) acc = v;
          }
        out[o++] = acc;
      }
  }
  return contiguous(out, outShape as number[]);
}

/**
 * select_and_scatter with the default select (the first maximum, the last NaN) and non-overlapping
 * windows (stride >= window), or null: each input element then receives at most one source value,
 * init + that value (one rounding to the element type, as the general kernel's one step).
 */
export function maxPoolBackwardFast(
  x: Strided,
  shape: readonly number[],
  dtype: DType,
  src: Strided,
  srcShape: readonly number[],
  w: WindowAttrs,
  init: number,
): Strided | null {
  const xv = floats(x, shape, dtype),
    sv = floats(src, srcShape, dtype);
  const g = xv && sv && geometry(shape, srcShape, w);
  if (!xv || !sv || !g) return null;
  const [outer, H, W, KH, KW, SH, SW, OH, OW] = g as [number, number, number, number, number, number, number, number, number];
  if (SH < KH || SW < KW) return null;
  poolFastStats.backward++;
  const out = dtype.alloc(outer * H * W) as Floats;
  if (
    out instanceof Float32Array &&
    Object.is(init, 0) &&
    wasmMaxPoolBackward(xv as Float32Array, x.offset, sv as Float32Array, src.offset, out, [outer, H, W, OH, OW, KH, KW, SH, SW])
  )
    return contiguous(out, shape as number[]);
  if (!Object.is(init, 0)) out.fill(init);
  let q = src.offset;
  for (let a = 0; a < outer; a++) {
    const plane = a * H * W;
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++, q++) {
        const base = plane + oh * SH * W + ow * SW;
        let s = -1,
          best = 0;
        for (let kh = 0; kh < KH; kh++)
          for (let p = base + kh * W, end = p + KW; p < end; p++) {
            const c = xv[x.offset + p]!;
            if (s < 0 || c > best || c !== c) {
              s = p;
              best = c;
            }
          }
        out[s] = init + sv[q]!;
      }
  }
  return contiguous(out, shape as number[]);
}
