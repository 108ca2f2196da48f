// Shape primitives. broadcast_in_dim, reshape, transpose and slice are views
// (they share the input's host array); the rest produce new arrays.
import { contiguousStrides, isContiguous, numelOf, viewStrides, type AVal, type DType, type HostArray, type Shape } from "@xlatorch/core";
import { elementwiseLoop } from "../codegen.js";
import { contiguous, type Elements, type Strided } from "../strided.js";
import { takeResultMemory } from "./result_memory.js";
import type { Kernel } from "./types.js";

/** A dense row-major copy of a strided input. */
export function dense(s: Strided, shape: Shape, dtype: DType): HostArray {
  const n = numelOf(shape);
  const out = dtype.alloc(n);
  // already row-major: one block copy (the same elements the loop below would move one by one)
  // complex payloads count (re, im) pairs
  const w = dtype.is_complex ? 2 : 1;
  if (n > 0 && out.constructor === s.data.constructor && isContiguous(shape, s.strides) && w * (s.offset + n) <= s.data.length) {
    (out as Float32Array).set((s.data as Float32Array).subarray(w * s.offset, w * (s.offset + n)));
    return out;
  }
  // complex: the interleaved (re, im) pairs copied as a real [..., 2] tensor
  if (dtype.is_complex) elementwiseLoop(1, ["@"], "x0")(out, [...shape, 2], [pairView(s)]);
  else elementwiseLoop(1, ["@"], "x0")(out, shape, [s]);
  return out;
}

/** A complex payload seen as its real [..., 2] (re, im) tensor over the same memory (strides count elements). */
export const pairView = (s: Strided): Strided => ({ data: s.data, offset: 2 * s.offset, strides: [...s.strides.map((st) => 2 * st), 1] });

const view = (s: Strided, offset: number, strides: number[]): Strided => ({ data: s.data, offset, strides });

// The view ops' stride rules, one each, shared by the kernels below and by the
// CPU runtime's loop leaves read through folded view ops (runtime/leaf_view.ts
// applyView): both must give the same view of the same elements. Index lists
// are read from a start position, so the runtime's flat view lists serve
// without copies. (Plain loops: the CPU runtime applies these once per step
// on small tensors.)

/** Result dim d takes operand dim pick[at + d]'s stride, or 0 (a spread dim) where that is negative: transpose and broadcast_in_dim. */
export function pickedStrides(strides: readonly number[], pick: ArrayLike<number>, at: number, n: number): number[] {
  const st = new Array<number>(n);
  for (let d = 0; d < n; d++) {
    const i = pick[at + d]!;
    st[d] = i >= 0 ? strides[i]! : 0;
  }
  return st;
}

/** slice: dim d starts at start[startAt + d] and steps by step[stepAt + d]. */
export function slicedView(
  s: Strided,
  n: number,
  start: ArrayLike<number>,
  startAt: number,
  step: ArrayLike<number>,
  stepAt: number,
): Strided {
  let offset = s.offset;
  const st = new Array<number>(n);
  for (let d = 0; d < n; d++) {
    offset += start[startAt + d]! * s.strides[d]!;
    st[d] = s.strides[d]! * step[stepAt + d]!;
  }
  return view(s, offset, st);
}

/**
 * reshape, row-major on any layout (StableHLO's): a view where the strides
 * allow (row-major strides always do), else a view of a dense copy. The shapes
 * are from[fromAt ..+ n) and to[toAt ..+ m).
 */
export function reshapedView(
  s: Strided,
  dtype: DType,
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  fromAt = 0,
  n = from.length,
  toAt = 0,
  m = to.length,
): Strided {
  if (rowMajor(from, fromAt, n, s.strides)) return view(s, s.offset, rowMajorStrides(to, toAt, m));
  const fromShape = Array.from({ length: n }, (_, d) => from[fromAt + d]!),
    toShape = Array.from({ length: m }, (_, d) => to[toAt + d]!);
  const st = viewStrides(fromShape, s.strides, toShape);
  if (st) return view(s, s.offset, st);
  return { data: dense(s, fromShape, dtype), offset: 0, strides: contiguousStrides(toShape) };
}

/** Whether `strides` are row-major over the shape shape[at ..+ n) (size-1 dims take any stride, as isContiguous). */
function rowMajor(shape: ArrayLike<number>, at: number, n: number, strides: readonly number[]): boolean {
  let acc = 1;
  for (let d = n - 1; d >= 0; d--) {
    const size = shape[at + d]!;
    if (size === 1) continue;
    if (strides[d] !== acc) return false;
    acc *= size;
  }
  return true;
}
function rowMajorStrides(shape: ArrayLike<number>, at: number, n: number): number[] {
  const st = new Array<number>(n);
  let acc = 1;
  for (let d = n - 1; d >= 0; d--) {
    st[d] = acc;
    acc *= shape[at + d]!;
  }
  return st;
}

export const layoutKernels: Record<string, Kernel> = {
  broadcast_in_dim: ([x], [a], { shape, dims }: { shape: number[]; dims: number[] }) => {
    // a dim keeps its operand dim's stride where the sizes match; a size-1 dim spread takes 0
    const map = new Array<number>(shape.length).fill(-1);
    for (let i = 0; i < dims.length; i++) if (a!.shape[i] === shape[dims[i]!]) map[dims[i]!] = i;
    return [view(x!, x!.offset, pickedStrides(x!.strides, map, 0, shape.length))];
  },
  reshape: ([x], [a], { shape }: { shape: number[] }) => [reshapedView(x!, a!.dtype, a!.shape, shape)],
  transpose: ([x], _a, { perm }: { perm: number[] }) => [view(x!, x!.offset, pickedStrides(x!.strides, perm, 0, perm.length))],
  slice: ([x], _a, { start, step }: { start: number[]; step: number[] }) => [slicedView(x!, x!.strides.length, start, 0, step, 0)],
  pad: ([x], [a], { low, interior, value }: { low: number[]; interior: number[]; value: number }, [o]) => {
    const shape = o!.shape;
    const n = numelOf(shape);
    // the CPU runtime's pooled array (result_memory.ts) holds old values: filled in full
    const recycled = n > 0 ? takeResultMemory(o!.dtype.name, n) : null;
    const out = recycled ?? o!.dtype.alloc(n);
    // a new host array holds zeros (+0, the encoding of 0 in every dtype): a split's or a slice's
    // gradient, padded with 0, needs no fill pass
    if (recycled !== null || !Object.is(value, 0)) fillValue(out, o!.dtype, value);
    // StableHLO's order: interior padding first, then edge padding, a negative edge removing
    // elements (interior ones included). Input element i of dim d lands at low + i * (interior + 1);
    // the run of those inside [0, out) is copied through a strided view of the output.
    // (plain loops, no closures: the CPU runtime pads small tensors hundreds of times a step)
    const outStrides = contiguousStrides(shape);
    let src = x!.offset,
      dst = 0,
      empty = false;
    const counts: number[] = [],
      targetStrides: number[] = [];
    for (let d = 0; d < a!.shape.length; d++) {
      const n = a!.shape[d]!,
        step = interior[d]! + 1,
        m = shape[d]!;
      const first = low[d]! >= 0 ? 0 : Math.ceil(-low[d]! / step);
      const last = Math.min(n - 1, Math.floor((m - 1 - low[d]!) / step));
      src += first * x!.strides[d]!;
      dst += (low[d]! + first * step) * outStrides[d]!;
      const c = Math.max(0, last - first + 1);
      if (c === 0) empty = true;
      counts.push(c);
      targetStrides.push(outStrides[d]! * step);
    }
    if (!empty)
      stridedCopy({ data: out, offset: dst, strides: targetStrides }, counts, { data: x!.data, offset: src, strides: x!.strides });
    return [{ data: out, offset: 0, strides: outStrides }];
  },
  concatenate: (ins, avals, { dim }: { dim: number }, [o]) => {
    // every value is written by the operands' copies: the CPU runtime's pooled array serves (result_memory.ts)
    const n = numelOf(o!.shape);
    const out = (n > 0 ? takeResultMemory(o!.dtype.name, n) : null) ?? o!.dtype.alloc(n);
    const st = contiguous(out, o!.shape).strides;
    let off = 0;
    ins.forEach((x, i) => {
      stridedCopy({ data: out, offset: off * st[dim]!, strides: st }, avals[i]!.shape, x);
      off += avals[i]!.shape[dim]!;
    });
    return [contiguous(out, o!.shape)];
  },
  iota: (_i, _a, { dim }: { dim: number }, [o]) => {
    const shape = o!.shape,
      n = numelOf(shape),
      out = o!.dtype.alloc(n);
    const inner = shape.slice(dim + 1).reduce((p, v) => p * v, 1),
      len = shape[dim]!;
    const big = out instanceof BigInt64Array;
    for (let i = 0; i < n; i++) {
      const v = Math.floor(i / inner) % len;
      (out as Elements)[i] = big ? BigInt(v) : v;
    }
    if (o!.dtype.name === "float16" || o!.dtype.name === "bfloat16") return [contiguous(encodeHalf(out as Uint16Array, o!.dtype), shape)];
    return [contiguous(out, shape)];
  },
  reverse: ([x], [a], { dims }: { dims: number[] }, [o]) => {
    const offset = dims.reduce((s, d) => s + (a!.shape[d]! - 1) * x!.strides[d]!, x!.offset);
    const strides = x!.strides.map((s, d) => (dims.includes(d) ? -s : s));
    return [contiguous(dense({ data: x!.data, offset, strides }, a!.shape, o!.dtype), o!.shape)];
  },
};

/** target[...] = src[...] over `shape`, both strided, same dtype (raw element copy; complex ones say so by `dtype`). */
export function stridedCopy(t: Strided, shape: Shape, s: Strided, dtype?: DType): void {
  if (numelOf(shape) === 0) return;
  if (dtype?.is_complex) writeStrided(pairView(t), [...shape, 2], pairView(s));
  else writeStrided(t, shape, s);
}

function writeStrided(t: Strided, shape: Shape, s: Strided): void {
  const nd = shape.length;
  if (nd === 0) {
    (t.data as Elements)[t.offset] = (s.data as Elements)[s.offset]!;
    return;
  }
  let pt = t.offset,
    ps = s.offset;
  const last = nd - 1,
    inner = shape[last]!,
    tt = t.strides[last]!,
    ts = s.strides[last]!;
  const total = numelOf(shape);
  const td = t.data as Elements,
    sd = s.data as Elements;
  // Same array kind and unit inner strides: rows are block copies (set), and when both sides are
  // row-major the whole write is one. Same elements as the loop, without a JavaScript step per element.
  const blocks = tt === 1 && ts === 1 && td.constructor === sd.constructor;
  if (blocks && isContiguous(shape, t.strides) && isContiguous(shape, s.strides)) {
    (td as Float32Array).set((sd as Float32Array).subarray(ps, ps + total), pt);
    return;
  }
  // a single value everywhere (a scalar broadcast) into a row-major target: one fill
  if (td.constructor === sd.constructor && isContiguous(shape, t.strides) && allZero(s.strides)) {
    (td as Float32Array).fill((sd as Float32Array)[ps]!, pt, pt + total);
    return;
  }
  const idx = new Int32Array(nd);
  const rowCopy = blocks && inner >= 16;
  for (let k = total / inner; k > 0; k--) {
    if (rowCopy) (td as Float32Array).set((sd as Float32Array).subarray(ps, ps + inner), pt);
    else
      for (let j = 0; j < inner; j++) {
        td[pt] = sd[ps];
        pt += tt;
        ps += ts;
      }
    if (!rowCopy) {
      pt -= tt * inner;
      ps -= ts * inner;
    }
    for (let d = last - 1; d >= 0; d--) {
      idx[d]!++;
      pt += t.strides[d]!;
      ps += s.strides[d]!;
      if (idx[d]! < shape[d]!) break;
      pt -= t.strides[d]! * shape[d]!;
      ps -= s.strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

function allZero(strides: readonly number[]): boolean {
  for (let i = 0; i < strides.length; i++) if (strides[i] !== 0) return false;
  return true;
}

import { f32ToBf16, f32ToF16 } from "@xlatorch/core";
function encodeHalf(a: Uint16Array, d: DType): Uint16Array {
  const enc = d.name === "float16" ? f32ToF16 : f32ToBf16;
  for (let i = 0; i < a.length; i++) a[i] = enc(a[i]!);
  return a;
}

export function fillValue(out: HostArray, d: DType, value: number): void {
  if (out instanceof BigInt64Array) out.fill(BigInt(Math.trunc(value)));
  else if (d.name === "float16") (out as Uint16Array).fill(f32ToF16(value));
  else if (d.name === "bfloat16") (out as Uint16Array).fill(f32ToBf16(value));
  else (out as Exclude<HostArray, BigInt64Array>).fill(d.name === "bool" ? (value ? 1 : 0) : value);
}
export type { AVal };
