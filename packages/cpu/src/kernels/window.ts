// reduce_window (sum/prod/max/min/and/or over strided, dilated, padded windows)
// and select_and_scatter (max pooling's backward: each window's first maximum,
// or its last NaN, receives the window's source value, added).
// Both walk the windows with per-dim tables of (output index, window index) ->
// input offset, -1 for padding and base-dilation holes: those hold the init
// value for reduce_window and are never selected by select_and_scatter (XLA's
// semantics). Values are computed in float64 (bigints for int64), each sum or
// product rounded to a float element type as it is formed (the spec applies the
// body in the element type; the reference interpreter rounds every step). The tables are
// combined once per distinct window into two (WindowPlan) and max/sum and the
// default select run as plain loops over them, in the same order as before.
import { contiguousStrides, type WindowAttrs } from "@xlatorch/core";
import { contiguous, type Strided } from "../strided.js";
import { maxPoolBackwardFast, maxPoolFast } from "./pool_fast.js";
import { stepRounder } from "./round_step.js";
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

/**
 * The windows as two tables, computed once per distinct (shape, window) and cached: the leading dims
 * whose window is 1 (batch and channels in pooling) give `outer`, the input offset per outer output
 * position (-1: padding); the other dims give `inner`, the offset relative to it of window element j
 * of inner output position q at q*J+j (-1: padding or a dilation hole). Output position a*Q+q is
 * row-major, and j runs over the window in row-major order, as the reduction order needs.
 */
interface WindowPlan {
  outer: Int32Array;
  inner: Int32Array;
  Q: number;
  J: number;
}
const plans = new Map<string, WindowPlan>();
/** Table elements kept; a program uses a handful of windows, so the cache is simply emptied past this (64 MiB). */
const PLAN_CACHE_ELEMENTS = 1 << 24;
let planElements = 0;

/** Per row-major position of `sizes`: the sum over dims d of pick(d, index along d), or -1 where one is -1. */
function product(sizes: number[], pick: (d: number, i: number) => number): Int32Array {
  const out = new Int32Array(prod(sizes));
  const idx = new Array<number>(sizes.length).fill(0);
  for (let p = 0; p < out.length; p++) {
    let off = 0;
    for (let d = 0; d < sizes.length; d++) {
      const e = pick(d, idx[d]!);
      if (e < 0) {
        off = -1;
        break;
      }
      off += e;
    }
    out[p] = off;
    for (let d = sizes.length - 1; d >= 0 && ++idx[d]! === sizes[d]!; d--) idx[d] = 0;
  }
  return out;
}

function windowPlan(shape: readonly number[], outShape: readonly number[], w: WindowAttrs): WindowPlan {
  const key = `${shape}|${outShape}|${w.window_dimensions}|${w.window_strides}|${w.base_dilations}|${w.window_dilations}|${w.padding}`;
  let plan = plans.get(key);
  if (plan) return plan;
  const tabs = windowTables(shape, outShape, w);
  const win = w.window_dimensions;
  let m = 0;
  while (m < shape.length && win[m] === 1) m++;
  const outSizes = outShape.slice(m) as number[],
    winSizes = win.slice(m);
  const Q = prod(outSizes),
    J = prod(winSizes);
  const outer = product(outShape.slice(0, m) as number[], (d, o) => tabs[d]![o]!);
  // per inner output position: its window's offsets
  const inner = new Int32Array(Q * J);
  const oi = new Array<number>(outSizes.length).fill(0);
  for (let q = 0; q < Q; q++) {
    inner.set(
      product(winSizes, (d, j) => tabs[m + d]![oi[d]! * winSizes[d]! + j]!),
      q * J,
    );
    for (let d = outSizes.length - 1; d >= 0 && ++oi[d]! === outSizes[d]!; d--) oi[d] = 0;
  }
  plan = { outer, inner, Q, J };
  const size = outer.length + inner.length;
  if (planElements + size > PLAN_CACHE_ELEMENTS) {
    plans.clear();
    planElements = 0;
  }
  plans.set(key, plan);
  planElements += size;
  return plan;
}

/** Calls visit(outPos, inputOffset) for every window element that is not padding, windows in row-major order. */
function eachWindow(
  shape: readonly number[],
  outShape: readonly number[],
  w: WindowAttrs,
  visit: (out: number, off: number) => void,
): void {
  const { outer, inner, Q, J } = windowPlan(shape, outShape, w);
  for (let a = 0; a < outer.length; a++) {
    const base = outer[a]!;
    if (base < 0) continue;
    for (let q = 0, pos = a * Q; q < Q; q++, pos++)
      for (let j = q * J, end = j + J; j < end; j++) {
        const e = inner[j]!;
        if (e >= 0) visit(pos, base + e);
      }
  }
}

/** reduce_window max or sum over numbers, the loops written out (no call per element); the same order as eachWindow. */
function reduceNumbers(
  vals: ArrayLike<number>,
  out: Float64Array,
  plan: WindowPlan,
  max: boolean,
  round: ((v: number) => number) | null,
): void {
  const { outer, inner, Q, J } = plan;
  for (let a = 0; a < outer.length; a++) {
    const base = outer[a]!;
    if (base < 0) continue;
    for (let q = 0, pos = a * Q; q < Q; q++, pos++) {
      let acc = out[pos]!;
      for (let j = q * J, end = j + J; j < end; j++) {
        const e = inner[j]!;
        if (e < 0) continue;
        const v = vals[base + e]!;
        if (max) {
          // NaN propagates, as stablehlo.maximum and PyTorch's pooling do
          if (v > acc || v !== v) acc = v;
        } else acc = round ? round(acc + v) : acc + v;
      }
      out[pos] = acc;
    }
  }
}

/** select_and_scatter's default select over numbers (the first maximum, the last NaN), written out. */
function selectFirstMax(xv: ArrayLike<number>, sel: Int32Array, plan: WindowPlan): void {
  const { outer, inner, Q, J } = plan;
  for (let a = 0; a < outer.length; a++) {
    const base = outer[a]!;
    if (base < 0) continue;
    for (let q = 0, pos = a * Q; q < Q; q++, pos++) {
      let s = -1,
        best = 0;
      for (let j = q * J, end = j + J; j < end; j++) {
        const e = inner[j]!;
        if (e < 0) continue;
        const c = xv[base + e]!;
        if (s < 0 || c > best || c !== c) {
          s = base + e;
          best = c;
        }
      }
      sel[pos] = s;
    }
  }
}

/** The scalar a runtime's init operand holds (the primitive's own init is the identity). */
const scalarOf = (s: Strided | undefined) => (s ? s.data[s.offset]! : undefined);

export const windowKernels: Record<string, Kernel> = {
  // ins: x (and, from the CPU runtime, the init value operand)
  reduce_window: ([x, init], [a], w: WindowAttrs & { op: string }, [o]) => {
    // max pooling's common windows read the float input in place (pool_fast.ts; the same values)
    if (w.op === "max") {
      const fast = maxPoolFast(x!, a!.shape, a!.dtype, o!.shape, w, init ? Number(decode(init, [], a!.dtype)[0]!) : -Infinity);
      if (fast) return [fast];
    }
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
    const round = w.op === "sum" || w.op === "prod" ? stepRounder(a!.dtype) : null;
    if (w.op === "max" || w.op === "sum") reduceNumbers(vals, out, windowPlan(a!.shape, o!.shape, w), w.op === "max", round);
    else if (round)
      eachWindow(a!.shape, o!.shape, w, (p, off) => {
        out[p] = round(step(out[p]!, vals[off]!));
      });
    else
      eachWindow(a!.shape, o!.shape, w, (p, off) => {
        out[p] = step(out[p]!, vals[off]!);
      });
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
  // ins: operand, source (and, from the CPU runtime, the init value). The select keeps the current
  // element p over a later one c unless c > p or c is NaN (PyTorch's max pooling: the first maximum,
  // the last NaN); `direction` (a runtime's one-compare select region) keeps p while compare(p, c) holds.
  select_and_scatter: ([x, src, init], [a, sa], w: WindowAttrs & { direction?: "GE" | "GT" | "LE" | "LT" }, [o]) => {
    if (w.direction === undefined) {
      const fast = maxPoolBackwardFast(x!, a!.shape, a!.dtype, src!, sa!.shape, w, init ? Number(decode(init, [], a!.dtype)[0]!) : 0);
      if (fast) return [fast];
    }
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
    if (w.direction === undefined && !(xv instanceof BigInt64Array)) selectFirstMax(xv, sel, windowPlan(a!.shape, sa!.shape, w));
    else
      eachWindow(a!.shape, sa!.shape, w, (p, off) => {
        const s = sel[p]!;
        if (s < 0 || !keep(xv[s]!, xv[off]!)) sel[p] = off;
      });
    const big = xv instanceof BigInt64Array;
    const out = big ? new BigInt64Array(n) : new Float64Array(n);
    if (init) out.fill((big ? BigInt(scalarOf(init)!) : Number(decode(init, [], a!.dtype)[0]!)) as never);
    // the scatter adds source values one at a time in source order, each sum rounded to a float type
    const round = stepRounder(a!.dtype);
    for (let p = 0; p < sel.length; p++) {
      const s = sel[p]!;
      if (s < 0) continue;
      if (big) (out as BigInt64Array)[s] = BigInt.asIntN(64, (out as BigInt64Array)[s]! + (sv as BigInt64Array)[p]!);
      else if (round) (out as Float64Array)[s] = round((out as Float64Array)[s]! + (sv as Float64Array)[p]!);
      else (out as Float64Array)[s]! += (sv as Float64Array)[p]!;
    }
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
};
