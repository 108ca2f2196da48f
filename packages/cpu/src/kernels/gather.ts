// gather_slices and scatter_slices (core's prims_gather.ts): StableHLO's gather
// and scatter with full dimension numbers, for the eager device and the CPU
// runtime alike. One pass over the index batch: per batch element the start
// (from the index vector through the index map, batching dims from the batch
// position) gives one base offset into the operand and one into the result,
// and the window is copied (or added) through offset tables computed once, so
// an embedding lookup copies whole rows. gather clamps each start into
// [0, dim - slice size]; scatter skips update elements whose target lies
// outside the operand (the whole window is checked once, element by element
// only when it straddles an edge). Complex elements are moved as (re, im)
// pairs; half types are added one update at a time, each sum rounded to the
// type through float32 (as PyTorch's c10::Half arithmetic and XLA's CPU
// backend compute them, and as the spec applies the body per update).
import {
  contiguousStrides,
  numelOf,
  roundBf16,
  roundF16,
  type AVal,
  type GatherSlicesAttrs,
  type HostArray,
  type ScatterSlicesAttrs,
} from "@xlatorch/core";
import { contiguous, isDense, type Elements, type Strided } from "../strided.js";
import { dense } from "./layout.js";
import type { Kernel } from "./types.js";
import { decode, encode } from "./values.js";
import { takeResultMemory } from "./result_memory.js";

const FAR = 2 ** 50;
/** No offset table: the window is one run (isRun). */
const EMPTY = new Float64Array(0);

/** The index values, row-major over the indices' shape, as numbers. */
function indexValues(s: Strided, a: AVal): Float64Array {
  const v = decode(s, a.shape, a.dtype);
  if (!(v instanceof BigInt64Array)) return v;
  const out = new Float64Array(v.length);
  // each int64 read as its two 32-bit halves (little-endian, as every host lays them out), no BigInt
  // per element (its comparisons cost more than a small lookup): high * 2^32 + low is exact below 2^53,
  // and a far-out value only needs to stay out of range (clamped or skipped), not exact: past 2^50
  // either way it becomes +-2^50, as before
  const h = new Int32Array(v.buffer, v.byteOffset, 2 * v.length);
  for (let i = 0; i < v.length; i++) {
    const x = h[2 * i + 1]! * 4294967296 + (h[2 * i]! >>> 0);
    out[i] = x > FAR ? FAR : x < -FAR ? -FAR : x;
  }
  return out;
}

// (plain loops in the per-call setup: the CPU runtime gathers from small tensors at every step)
function windowDims(rank: number, dropped: readonly number[], batching: readonly number[]): number[] {
  const out: number[] = [];
  for (let d = 0; d < rank; d++) if (!dropped.includes(d) && !batching.includes(d)) out.push(d);
  return out;
}

/** Strides (`strides[d] * w`) of the dims of `shape` not in `window`, in order: a batch element's step. */
function batchStrides(rank: number, window: readonly number[], strides: readonly number[], w: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < rank; d++) if (!window.includes(d)) out.push(strides[d]! * w);
  return out;
}

/** Relative offsets of every element of a window of `shape`, given per-dim strides (row-major order). */
function windowOffsets(shape: readonly number[], strides: readonly number[]): Float64Array {
  const n = numelOf(shape);
  const out = new Float64Array(n);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    out[k] = off;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Whether the window offsets of `shape` with these per-dim strides are 0, 1, 2, ... (one run of
 * consecutive elements: windowOffsets(shape, strides) would be k at k), from the strides alone: each dim
 * longer than 1 steps by the number of elements after it. A batch of images picked from a dataset is a
 * window of thousands of elements, whose offset tables were most of the call (a [4, 3, 32, 32] pick of
 * a [16, 3, 32, 32] table: ~60 of ~65 us), so they are made only for windows that are not runs.
 */
export function isRun(shape: readonly number[], strides: readonly number[]): boolean {
  // (an empty window's table is empty: a run, as the table's check found)
  if (numelOf(shape) === 0) return true;
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    if (n === 1) continue;
    if (strides[d] !== acc) return false;
    acc *= n;
  }
  return true;
}

/** What both ops share: the batch walk and each batch element's start in the operand. */
interface Walk {
  /** the indices' batch shape (index_vector_dim removed) */
  batch: number[];
  /** per batch dim, its stride in the row-major index array */
  idxStrides: number[];
  /** stride of the index vector's entries (0 when the vector is implicit) */
  vecStride: number;
}
function walkOf(ia: AVal, ivd: number): Walk {
  const st = contiguousStrides(ia.shape);
  const batch: number[] = [],
    idxStrides: number[] = [];
  for (let d = 0; d < ia.shape.length; d++) {
    if (d === ivd) continue;
    batch.push(ia.shape[d]!);
    idxStrides.push(st[d]!);
  }
  return { batch, idxStrides, vecStride: ivd < ia.shape.length ? st[ivd]! : 0 };
}

/**
 * Calls `visit(b, pos, start)` for every batch element: b its row-major number, pos its position,
 * start the operand start (index map and batching dims filled, other dims 0; not clamped).
 */
function forEachStart(
  w: Walk,
  rank: number,
  idx: Float64Array,
  indexMap: readonly number[],
  opBatch: readonly number[],
  idxBatch: readonly number[],
  ivd: number,
  visit: (b: number, pos: readonly number[], start: number[]) => void,
): void {
  const n = numelOf(w.batch);
  const pos = new Array<number>(w.batch.length).fill(0);
  const start = new Array<number>(rank).fill(0);
  const batchAt = idxBatch.map((d) => (d < ivd ? d : d - 1));
  let base = 0;
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < indexMap.length; k++) start[indexMap[k]!] = idx[base + k * w.vecStride]!;
    for (let k = 0; k < opBatch.length; k++) start[opBatch[k]!] = pos[batchAt[k]!]!;
    visit(b, pos, start);
    for (let d = w.batch.length - 1; d >= 0; d--) {
      pos[d]!++;
      base += w.idxStrides[d]!;
      if (pos[d]! < w.batch[d]!) break;
      base -= w.idxStrides[d]! * w.batch[d]!;
      pos[d] = 0;
    }
  }
}

const gatherSlices: Kernel = ([x, ix], [xa, ia], a: GatherSlicesAttrs, [o]) => {
  const n = numelOf(o!.shape);
  const empty = n === 0 || xa!.shape.some((d) => d === 0);
  // every value is written from the operand: in the CPU runtime, an array of its pool (result_memory.ts)
  const out = (empty ? null : takeResultMemory(o!.dtype.name, n)) ?? o!.dtype.alloc(n);
  const res = contiguous(out, o!.shape);
  if (empty) return [res];
  const w = xa!.dtype.is_complex ? 2 : 1;
  const r = xa!.shape.length;
  const os = contiguousStrides(o!.shape);
  const winOp = windowDims(r, a.collapsed_slice_dims, a.operand_batching_dims);
  const winX = winOp.map((d) => a.slice_sizes[d]!),
    stX = winOp.map((d) => x!.strides[d]! * w);
  const winO = a.offset_dims.map((d) => o!.shape[d]!),
    stO = a.offset_dims.map((d) => os[d]! * w);
  const outBatchStrides = batchStrides(o!.shape.length, a.offset_dims, os, w);
  const xd = x!.data as Elements,
    od = out as Elements;
  const nw = numelOf(winX);
  // a window that is one run on both sides (an embedding's row) is a block copy: the same elements
  // as the loop below, whose element accesses see every array type and cost ~10 ns each
  const runs = w === 1 && nw >= 8 && xd.constructor === od.constructor && isRun(winX, stX) && isRun(winO, stO);
  // (the offset tables only where the loop below reads them)
  const relX = runs ? EMPTY : windowOffsets(winX, stX);
  const relO = runs ? EMPTY : windowOffsets(winO, stO);
  forEachStart(
    walkOf(ia!, a.index_vector_dim),
    r,
    indexValues(ix!, ia!),
    a.start_index_map,
    a.operand_batching_dims,
    a.start_indices_batching_dims,
    a.index_vector_dim,
    (_b, pos, start) => {
      let xb = x!.offset * w,
        ob = 0;
      for (let d = 0; d < r; d++) {
        const s = Math.min(Math.max(start[d]!, 0), xa!.shape[d]! - a.slice_sizes[d]!);
        xb += s * x!.strides[d]! * w;
      }
      for (let k = 0; k < pos.length; k++) ob += pos[k]! * outBatchStrides[k]!;
      if (runs) (od as Float32Array).set((xd as Float32Array).subarray(xb, xb + nw), ob);
      else if (w === 1) for (let k = 0; k < nw; k++) od[ob + relO[k]!] = xd[xb + relX[k]!]!;
      else
        for (let k = 0; k < nw; k++) {
          od[ob + relO[k]!] = xd[xb + relX[k]!]!;
          od[ob + relO[k]! + 1] = xd[xb + relX[k]! + 1]!;
        }
    },
  );
  return [res];
};

/** A new dense row-major copy of x (a plain memory copy when x is already dense). */
function copyOf(x: Strided, shape: readonly number[], dt: AVal["dtype"]): HostArray {
  if (!isDense(x, shape)) return dense(x, shape, dt);
  const w = dt.is_complex ? 2 : 1;
  // (every host array type has slice; one of them names the method for the type checker)
  return (x.data as Float64Array).slice(x.offset * w, (x.offset + numelOf(shape)) * w) as unknown as HostArray;
}

/**
 * acc[xb + relX[k]] += u[ub + relU[k]] over a window: put's float add, in one function per array type
 * so that each loop's element accesses see one type (the same sums in the same order); `runs`: both windows
 * are consecutive elements (then the tables are not read).
 */
function addWindow32(
  acc: Float32Array,
  u: Float32Array,
  xb: number,
  ub: number,
  n: number,
  relX: Float64Array,
  relU: Float64Array,
  runs: boolean,
): void {
  if (runs) for (let k = 0; k < n; k++) acc[xb + k]! += u[ub + k]!;
  else for (let k = 0; k < n; k++) acc[xb + relX[k]!]! += u[ub + relU[k]!]!;
}
function addWindow64(
  acc: Float64Array,
  u: Float64Array,
  xb: number,
  ub: number,
  n: number,
  relX: Float64Array,
  relU: Float64Array,
  runs: boolean,
): void {
  if (runs) for (let k = 0; k < n; k++) acc[xb + k]! += u[ub + k]!;
  else for (let k = 0; k < n; k++) acc[xb + relX[k]!]! += u[ub + relU[k]!]!;
}

const scatterSlices: Kernel = ([x, ix, upd], [xa, ia, ua], a: ScatterSlicesAttrs, [o]) => {
  const dt = xa!.dtype;
  const half = dt.name === "float16" || dt.name === "bfloat16";
  const add = a.reduce === "add";
  // the result starts as a dense copy of the operand; half types add decoded, rounding each sum, others in place
  const raw = copyOf(x!, xa!.shape, dt);
  const acc: Elements = half && add ? decode(x!, xa!.shape, dt) : raw;
  const u: Elements = half && add ? decode(upd!, ua!.shape, dt) : isDense(upd!, ua!.shape) ? upd!.data : dense(upd!, ua!.shape, dt);
  // a dense update is read in place (from its offset)
  const uOff = !(half && add) && isDense(upd!, ua!.shape) ? upd!.offset * (dt.is_complex ? 2 : 1) : 0;
  const w = dt.is_complex ? 2 : 1;
  const r = xa!.shape.length;
  const xs = contiguousStrides(xa!.shape);
  const us = contiguousStrides(ua!.shape);
  const winOp = windowDims(r, a.inserted_window_dims, a.input_batching_dims);
  const winShape = a.update_window_dims.map((d) => ua!.shape[d]!);
  const stX = winOp.map((d) => xs[d]! * w),
    stU = a.update_window_dims.map((d) => us[d]! * w);
  // windows of consecutive elements on both sides (an embedding's rows) need no offset tables, unless a
  // window straddles an edge (then they are made, once)
  const runs = isRun(winShape, stX) && isRun(winShape, stU);
  let relX = runs ? EMPTY : windowOffsets(winShape, stX),
    relU = runs ? EMPTY : windowOffsets(winShape, stU);
  // the operand extent of the window per dim (1 on inserted and batching dims)
  const extent = Array<number>(r).fill(1);
  winOp.forEach((d, i) => {
    extent[d] = winShape[i]!;
  });
  const updBatchStrides = batchStrides(ua!.shape.length, a.update_window_dims, us, w);
  const nw = numelOf(winShape);
  const isBool = dt.name === "bool",
    isBig = acc instanceof BigInt64Array;
  const roundHalf = half && add ? (dt.name === "float16" ? roundF16 : roundBf16) : null;
  const plainAdd = add && w === 1 && (acc instanceof Float32Array || acc instanceof Float64Array) && !roundHalf;
  const put = (j: number, k: number) => {
    if (!add) {
      acc[j] = u[k]!;
      if (w === 2) acc[j + 1] = u[k + 1]!;
    } else if (isBool) acc[j] = (acc[j] as number) | (u[k] as number);
    else if (isBig) (acc as BigInt64Array)[j]! += (u as BigInt64Array)[k]!;
    else if (roundHalf) (acc as Float64Array)[j] = roundHalf((acc as Float64Array)[j]! + (u[k] as number));
    else {
      (acc as Float64Array)[j]! += u[k] as number;
      if (w === 2) (acc as Float64Array)[j + 1]! += u[k + 1] as number;
    }
  };
  if (numelOf(ua!.shape) > 0 && !xa!.shape.some((d) => d === 0))
    forEachStart(
      walkOf(ia!, a.index_vector_dim),
      r,
      indexValues(ix!, ia!),
      a.scatter_dims_to_operand_dims,
      a.input_batching_dims,
      a.scatter_indices_batching_dims,
      a.index_vector_dim,
      (_b, pos, start) => {
        let ub = uOff;
        for (let k = 0; k < pos.length; k++) ub += pos[k]! * updBatchStrides[k]!;
        let inside = true,
          xb = 0;
        for (let d = 0; d < r; d++) {
          if (start[d]! < 0 || start[d]! + extent[d]! > xa!.shape[d]!) inside = false;
          xb += start[d]! * xs[d]! * w;
        }
        if (inside) {
          // a float32/float64 add (an embedding's or a gather's backward): the same += as put, without its per-element dispatch
          if (plainAdd) {
            if (acc instanceof Float32Array) addWindow32(acc, u as Float32Array, xb, ub, nw, relX, relU, runs);
            else addWindow64(acc as Float64Array, u as Float64Array, xb, ub, nw, relX, relU, runs);
          } else if (runs) for (let k = 0; k < nw; k++) put(xb + k, ub + k);
          else for (let k = 0; k < nw; k++) put(xb + relX[k]!, ub + relU[k]!);
          return;
        }
        if (relX === EMPTY) {
          relX = windowOffsets(winShape, stX);
          relU = windowOffsets(winShape, stU);
        }
        // the window straddles an edge: each element on its own, those outside skipped
        const wi = new Array<number>(winShape.length).fill(0);
        for (let k = 0; k < nw; k++) {
          let ok = true;
          for (let d = 0; d < r; d++) {
            const i = winOp.indexOf(d);
            const c = start[d]! + (i >= 0 ? wi[i]! : 0);
            if (c < 0 || c >= xa!.shape[d]!) ok = false;
          }
          if (ok) put(xb + relX[k]!, ub + relU[k]!);
          for (let d = wi.length - 1; d >= 0; d--) {
            wi[d]!++;
            if (wi[d]! < winShape[d]!) break;
            wi[d] = 0;
          }
        }
      },
    );
  const out = half && add ? encode(acc as Float64Array, dt) : raw;
  return [contiguous(out, o!.shape)];
};

export const gatherKernels: Record<string, Kernel> = { gather_slices: gatherSlices, scatter_slices: scatterSlices };
