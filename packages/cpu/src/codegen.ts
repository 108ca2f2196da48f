// Generates tight loops for elementwise work over strided inputs: one inner
// loop over the last dim with constant strides, odometer stepping outside it.
// Loops are compiled once per (expression, arity) with `new Function` and
// cached; no per-element calls through generic dispatch.
import { isContiguous, type HostArray, type Shape } from "@xlatorch/core";
import { $ } from "./helpers.js";
import type { Strided } from "./strided.js";

export type LoopFn = (out: HostArray, shape: Shape, ins: readonly Strided[]) => void;
const cache = new Map<string, LoopFn>();

/**
 * `body` computes the stored value from `x0..x{n-1}` (already decoded to their
 * compute domain by `reads[i]`, an expression over `A{i}[p{i}]`).
 */
export function elementwiseLoop(nIn: number, reads: string[], body: string): LoopFn {
  return loopOf(nIn, reads, body, "store");
}

/**
 * The loop of `body` summed instead of stored, in the float64 reduce kernel's
 * order (kernels/reduce_sum_loops.ts), so a float64 chain read only by such a
 * sum is never stored (runtime/fused_reduce.ts). `out`, a zeroed Float64Array,
 * receives "rows": the sum of each run of n / out.length consecutive values
 * (the trailing dims; sumRows64: each row from 0, in order), or "leading": for
 * each of out.length trailing positions, the sum over the leading dims
 * (sumLeading64: each column from 0, rows in order). Only for a body whose
 * value is stored unrounded (a float64 result): the sums add what the stored
 * array would have held.
 */
export function elementwiseSumLoop(nIn: number, reads: string[], body: string, into: "rows" | "leading"): LoopFn {
  return loopOf(nIn, reads, body, into);
}

/** What the loop does with each value: stores it at its position, or adds it to a sum (elementwiseSumLoop). */
type Sink = "store" | "rows" | "leading";

function loopOf(nIn: number, reads: string[], body: string, sink: Sink): LoopFn {
  const key = `${nIn}|${reads.join(",")}|${body}|${sink}`;
  let fn = cache.get(key);
  if (fn) return fn;
  const family = familyOf(nIn, reads, body, sink);
  fn = (out, shape, ins) => {
    const v = family.variantOf(out, ins);
    let dense = true;
    for (let i = 0; i < ins.length && dense; i++) dense = v.scalar[i]! || isContiguous(shape, ins[i]!.strides);
    v.run($, dense, out, shape, ins);
  };
  cache.set(key, fn);
  return fn;
}

/**
 * elementwiseLoop for one call site that always passes the same `shape` array
 * (a runtime step: its result's shape): the same compiled variants, but the
 * site remembers what its last call chose, and the layout of each input
 * (layoutBits: broadcast scalar, row-constant, contiguous). An input with the
 * same strides array as then (a loop result's strides are one array per
 * step; strides arrays are never written after they are made) is not looked
 * at; one with a new array (a view's, a kernel result's) has its layout
 * computed, from the array the loop reads next anyway, and where every layout
 * is as before the variant and the contiguity are those of last time.
 * Otherwise the variant is found as elementwiseLoop finds it. (The array kinds
 * a variant was compiled for only keep its element reads monomorphic, the
 * reads decode by dtype: a site's dtypes are fixed, so its kinds are not
 * checked again while the layouts are unchanged.) A small loop's wrapper cost
 * ~0.2 us of a 64-value loop's ~0.8 us (bench/results/issue11_runtime_steps_s24.md).
 */
export function elementwiseLoopSite(nIn: number, reads: string[], body: string): LoopFn {
  const family = familyOf(nIn, reads, body, "store");
  let last: Variant | null = null,
    lastShape: Shape | null = null,
    lastDense = false;
  const lastStrides = new Array<readonly number[] | null>(nIn).fill(null);
  const lastBits = new Uint8Array(nIn);
  return (out, shape, ins) => {
    const v0 = last;
    if (v0 !== null && shape === lastShape) {
      let same = true;
      for (let i = 0; i < nIn; i++) {
        const st = ins[i]!.strides;
        if (st !== lastStrides[i] && layoutBits(shape, st) !== lastBits[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        v0.run($, lastDense, out, shape, ins);
        return;
      }
    }
    // (the last call's variant is tried first: a site's inputs rarely change kind)
    const v = v0 !== null && fits(v0, out, ins) ? v0 : family.variantOf(out, ins);
    let dense = true;
    for (let i = 0; i < nIn; i++) {
      const st = ins[i]!.strides;
      const bits = layoutBits(shape, st);
      lastStrides[i] = st;
      lastBits[i] = bits;
      if (!v.scalar[i] && (bits & CONTIGUOUS) === 0) dense = false;
    }
    last = v;
    lastShape = shape;
    lastDense = dense;
    v.run($, dense, out, shape, ins);
  };
}

const SCALAR = 1,
  ROW_CONST = 2,
  CONTIGUOUS = 4;
/** An input's layout over `shape`: all strides 0 (allZero), last stride 0 (lastZero), contiguous (isContiguous). */
function layoutBits(shape: Shape, strides: readonly number[]): number {
  let bits = allZero(strides) ? SCALAR : 0;
  if (lastZero(strides)) bits |= ROW_CONST;
  return isContiguous(shape, strides) ? bits | CONTIGUOUS : bits;
}

/** The compiled variants of one (arity, reads, body, sink), shared by every call site. */
interface Family {
  /** The variant for these array kinds and broadcast patterns (compiled on first sight). */
  variantOf(out: HostArray, ins: readonly Strided[]): Variant;
}
const families = new Map<string, Family>();

function familyOf(nIn: number, reads: string[], body: string, sink: Sink): Family {
  const key = `${nIn}|${reads.join(",")}|${body}|${sink}`;
  let f = families.get(key);
  if (f) return f;
  // One compiled variant per pattern of broadcast-scalar inputs (all strides 0):
  // those are loaded once, outside the loop, and the rest may still be dense.
  // Typed-array kinds are part of the variant so each compiled loop sees one
  // array type per operand (monomorphic element access stays fast). Variants
  // are found by comparing those fields, not through a key string built per
  // call (that string cost ~1 us of an 8x8 add).
  const variants: Variant[] = [];
  f = {
    variantOf(out, ins) {
      for (let k = 0; k < variants.length; k++) if (fits(variants[k]!, out, ins)) return variants[k]!;
      const scalar = ins.map((s) => allZero(s.strides));
      const rowConst = ins.map((s) => lastZero(s.strides));
      const v: Variant = {
        out: out.constructor,
        arrays: ins.map((s) => s.data.constructor),
        scalar,
        rowConst,
        run: compile(nIn, reads, body, scalar, rowConst, sink),
      };
      variants.push(v);
      return v;
    },
  };
  families.set(key, f);
  return f;
}

type Variant = {
  out: unknown;
  arrays: unknown[];
  scalar: boolean[];
  /** inputs whose last dim has stride 0 (a row's statistic expanded along it): loaded once per row */
  rowConst: boolean[];
  /** the generated function itself, called with the helpers (no wrapper call per loop) */
  run: Compiled;
};
/** Whether `v` was compiled for these array kinds and broadcast patterns. */
function fits(v: Variant, out: HostArray, ins: readonly Strided[]): boolean {
  if (v.out !== out.constructor) return false;
  for (let i = 0; i < ins.length; i++) {
    const s = ins[i]!;
    if (v.arrays[i] !== s.data.constructor || v.scalar[i] !== allZero(s.strides) || v.rowConst[i] !== lastZero(s.strides)) return false;
  }
  return true;
}
type Compiled = (helpers: typeof $, dense: boolean, out: HostArray, shape: Shape, ins: readonly Strided[]) => void;
function allZero(strides: readonly number[]): boolean {
  for (let i = 0; i < strides.length; i++) if (strides[i] !== 0) return false;
  return true;
}

/** The last stride is 0 (true for a scalar too; a scalar's own variant flag decides first). */
function lastZero(strides: readonly number[]): boolean {
  return strides.length > 0 && strides[strides.length - 1] === 0;
}

function compile(
  nIn: number,
  reads: string[],
  body: string,
  scalar: readonly boolean[],
  rowConst: readonly boolean[],
  sink: Sink,
): Compiled {
  const r = [...Array(nIn).keys()];
  const isScalar = (i: number) => scalar[i] === true;
  const decl = r.map((i) => `const A${i}=ins[${i}].data, S${i}=ins[${i}].strides; let p${i}=ins[${i}].offset;`).join("\n");
  const load = (i: number, idx: string) => `${reads[i]!.replace("@", `A${i}[${idx}]`)}`;
  const hoisted = r
    .filter(isScalar)
    .map((i) => `const x${i}=${load(i, `p${i}`)};`)
    .join("");
  const loadsAt = (idx: (i: number) => string) =>
    r
      .filter((i) => !isScalar(i))
      .map((i) => `const x${i}=${load(i, idx(i))};`)
      .join("");
  const moving = r.filter((i) => !isScalar(i));
  // in the strided loop, an input with inner stride 0 is loaded once per row, outside the inner loop (the same element)
  const perRow = moving.filter((i) => rowConst[i] === true);
  const perElem = moving.filter((i) => rowConst[i] !== true);
  const loadsOf = (is: readonly number[], idx: (i: number) => string) => is.map((i) => `const x${i}=${load(i, idx(i))};`).join("");
  // each value stored at its position, or added to its sum: for "rows" s is the running sum of row r (len
  // values, a multiple of the inner dim), for "leading" out[c + j] the sum of trailing position c + j; the
  // strided loop's inner dim is always within one row (a sum's len is a whole number of inner rows)
  const put = (at: string) => (sink === "store" ? `out[${at}] = ${body};` : sink === "rows" ? `s += ${body};` : `out[c + j] += ${body};`);
  const rowEnd =
    sink === "store"
      ? ""
      : sink === "rows"
        ? "c += inner; if (c === len) { out[r++] = s; s = 0; c = 0; }"
        : "c += inner; if (c === len) c = 0;";
  const sums = sink === "store" ? "" : `const len = ${sink === "rows" ? "n / out.length" : "out.length"}; let s = 0, c = 0, r = 0;`;
  const denseLoop =
    sink === "store"
      ? `for (let i = 0; i < n; i++) { ${loadsAt((i) => `q${i}+i`)} out[i] = ${body}; }`
      : sink === "rows"
        ? `for (let i = 0; i < n; ) { s = 0; for (const e = i + len; i < e; i++) { ${loadsAt((i) => `q${i}+i`)} s += ${body}; } out[r++] = s; }`
        : `for (let i = 0; i < n; ) for (let j = 0; j < len; j++, i++) { ${loadsAt((i) => `q${i}+i`)} out[j] += ${body}; }`;
  const scalarCase = sink === "store" ? `out[0] = ${body};` : sink === "rows" ? `s += ${body}; out[0] = s;` : `out[0] += ${body};`;
  // (the strided loop over a matrix needs no odometer: the next row starts one outer stride on, and the
  // counters were an allocation at each call of a small view's loop)
  const src = `
${decl}
const nd = shape.length;
let n = 1; for (let d = 0; d < nd; d++) n *= shape[d];
if (n === 0) return;
${sums}
${hoisted}
if (dense) {
  ${moving.map((i) => `const q${i}=p${i};`).join("")}
  ${denseLoop}
  return;
}
if (nd === 0) { ${loadsAt((i) => `p${i}`)} ${scalarCase} return; }
const last = nd - 1, inner = shape[last];
${moving.map((i) => `const t${i}=S${i}[last];`).join("")}
const idx = nd > 2 ? new Int32Array(nd) : null;
let o = 0;
for (let k = n / inner; k > 0; k--) {
  ${loadsOf(perRow, (i) => `p${i}`)}
  for (let j = 0; j < inner; j++) { ${loadsOf(perElem, (i) => `p${i}`)} ${put("o++")} ${perElem.map((i) => `p${i}+=t${i};`).join("")} }
  ${rowEnd}
  ${moving.map((i) => `p${i}-=t${i}*inner;`).join("")}
  if (nd === 2) { ${moving.map((i) => `p${i}+=S${i}[0];`).join("")} } else if (idx !== null) {
  ${odometerCarry(moving)}
  }
}`;
  return new Function("$", "dense", "out", "shape", "ins", src) as Compiled;
}

/**
 * The generated strided loops' odometer step over the dims before the last (a
 * row is done): advance idx and each moving input's position p{i} by its stride
 * S{i}, carrying into outer dims. Shared with runtime/fused_sums.ts.
 */
export function odometerCarry(moving: readonly number[]): string {
  return `for (let d = last - 1; d >= 0; d--) {
    idx[d]++; ${moving.map((i) => `p${i}+=S${i}[d];`).join("")}
    if (idx[d] < shape[d]) break;
    ${moving.map((i) => `p${i}-=S${i}[d]*shape[d];`).join("")} idx[d] = 0;
  }`;
}
