// reduce_window (sum/prod/max/min/and/or over strided, dilated, padded windows)
// and select_and_scatter (max pooling's backward: each window's first maximum,
// or its last NaN, receives the window's source value, added).
// Both walk the windows with per-dim tables of (output index, window index) ->
// input offset, -1 for padding and base-dilation holes: those hold the init
// value for reduce_window and are never selected by select_and_scatter (XLA's
// semantics). Values are computed in float64 (bigints for int64).
import { contiguousStrides, type WindowAttrs } from "@xlatorch/core";
import { contiguous, type Strided } from "../strided.js";
import type { Kernel } from "./types.js";
import { decode, encode, prod } from "./values.js";

type Step<T> = (a: T, v: T) => T;
const NUM: Record<string, [number, Step<number>]> = {
  sum: [0, (a, v) => a + v],
  prod: [1, (a, v) => a * v],
  // NaN propagates, as stablehlo.maximum and PyTorch's pooling do
  max: [-Infinity, (a, v) => (v > a || v !== v ? v : a)],
  min: [Infinity, (a, v) => (v < a || v !== v ? v : a)],
  and: [1, (a, v) => (a && v ? 1 : 0)],
  or: [0, (a, v) => (a || v ? 1 : 0)],
};
const BIG: Record<string, [bigint, Step<bigint>]> = {
  sum: [0n, (a, v) => BigInt.asIntN(64, a + v)],
  prod: [1n, (a, v) => BigInt.asIntN(64, a * v)],
  max: [-(2n ** 63n), (a, v) => (v > a ? v : a)],
  min: [2n ** 63n - 1n, (a, v) => (v < a ? v : a)],
  and: [1n, (a, v) => (a && v ? 1n : 0n)],
  or: [0n, (a, v) => (a || v ? 1n : 0n)],
};

/** Per dim d: table[d][o * window[d] + k] = the input offset window element k of output o reads, or -1. */
function windowTables(shape: readonly number[], outShape: readonly number[], w: WindowAttrs): Int32Array[] {
  const strides = contiguousStrides(shape);
  return shape.map((n, d) => {
    const k = w.window_dimensions[d]!,
      t = new Int32Array(outShape[d]! * k);
    for (let o = 0; o < outShape[d]!; o++)
      for (let j = 0; j < k; j++) {
        const p = o * w.window_strides[d]! + j * w.window_dilations[d]! - w.padding[d]![0];
        const q = p / w.base_dilations[d]!;
        t[o * k + j] = p < 0 || !Number.isInteger(q) || q >= n ? -1 : q * strides[d]!;
      }
    return t;
  });
}

/** Calls visit(outPos, inputOffset) for every window element that is not padding, windows in row-major order. */
function eachWindow(
  shape: readonly number[],
  outShape: readonly number[],
  w: WindowAttrs,
  visit: (out: number, off: number) => void,
): void {
  const r = shape.length;
  const tabs = windowTables(shape, outShape, w);
  const win = w.window_dimensions;
  const oi = new Array<number>(r).fill(0),
    ki = new Array<number>(r).fill(0);
  const total = prod(outShape as number[]);
  for (let pos = 0; pos < total; pos++) {
    ki.fill(0);
    for (;;) {
      let off = 0;
      for (let d = 0; d < r; d++) {
        const e = tabs[d]![oi[d]! * win[d]! + ki[d]!]!;
        if (e < 0) {
          off = -1;
          break;
        }
        off += e;
      }
      if (off >= 0) visit(pos, off);
      let d = r - 1;
      for (; d >= 0 && ++ki[d]! === win[d]!; d--) ki[d] = 0;
      if (d < 0) break;
    }
    for (let d = r - 1; d >= 0 && ++oi[d]! === outShape[d]!; d--) oi[d] = 0;
  }
}

/** The scalar a runtime's init operand holds (the primitive's own init is the identity). */
const scalarOf = (s: Strided | undefined) => (s ? s.data[s.offset]! : undefined);

export const windowKernels: Record<string, Kernel> = {
  // ins: x (and, from the CPU runtime, the init value operand)
  reduce_window: ([x, init], [a], w: WindowAttrs & { op: string }, [o]) => {
    const vals = decode(x!, a!.shape, a!.dtype);
    const n = prod(o!.shape as number[]);
    const iv = scalarOf(init);
    if (vals instanceof BigInt64Array) {
      const [id, step] = BIG[w.op]!;
      const out = new BigInt64Array(n).fill(iv === undefined ? id : BigInt(iv));
      eachWindow(a!.shape, o!.shape, w, (p, off) => {
        out[p] = step(out[p]!, vals[off]!);
      });
      return [contiguous(encode(out, o!.dtype), o!.shape)];
    }
    const [id, step] = NUM[w.op]!;
    const start = iv === undefined ? id : decode(init!, [], a!.dtype)[0]!;
    const out = new Float64Array(n).fill(Number(start));
    eachWindow(a!.shape, o!.shape, w, (p, off) => {
      out[p] = step(out[p]!, vals[off]!);
    });
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
  // ins: operand, source (and, from the CPU runtime, the init value). The select keeps the current
  // element p over a later one c unless c > p or c is NaN (PyTorch's max pooling: the first maximum,
  // the last NaN); `direction` (a runtime's one-compare select region) keeps p while compare(p, c) holds.
  select_and_scatter: ([x, src, init], [a, sa], w: WindowAttrs & { direction?: "GE" | "GT" | "LE" | "LT" }, [o]) => {
    const xv = decode(x!, a!.shape, a!.dtype);
    const sv = decode(src!, sa!.shape, sa!.dtype);
    const n = prod(a!.shape as number[]);
    type V = number | bigint;
    const keep: (p: V, c: V) => boolean =
      w.direction === undefined
        ? (p, c) => !(c > p || c !== c)
        : w.direction === "GE"
          ? (p, c) => p >= c
          : w.direction === "GT"
            ? (p, c) => p > c
            : w.direction === "LE"
              ? (p, c) => p <= c
              : (p, c) => p < c;
    // the selected input offset per window, -1 while none
    const sel = new Int32Array(prod(sa!.shape as number[])).fill(-1);
    eachWindow(a!.shape, sa!.shape, w, (p, off) => {
      const s = sel[p]!;
      if (s < 0 || !keep(xv[s]!, xv[off]!)) sel[p] = off;
    });
    const big = xv instanceof BigInt64Array;
    const out = big ? new BigInt64Array(n) : new Float64Array(n);
    if (init) out.fill((big ? BigInt(scalarOf(init)!) : Number(decode(init, [], a!.dtype)[0]!)) as never);
    for (let p = 0; p < sel.length; p++) {
      const s = sel[p]!;
      if (s < 0) continue;
      if (big) (out as BigInt64Array)[s] = BigInt.asIntN(64, (out as BigInt64Array)[s]! + (sv as BigInt64Array)[p]!);
      else (out as Float64Array)[s]! += (sv as Float64Array)[p]!;
    }
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
};
