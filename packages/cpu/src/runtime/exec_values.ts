// The values of one execution of a CPU runtime executable, by their position
// in @main (plan.ts valuePositions: parameters first, then each op's results),
// and what decides when a value's memory may go back to the buffer pool. The
// values' array is new at each execution (with the constants' values, computed
// when the executable is built, in their places): a young array takes the
// steps' new buffers without the write barrier's cost that a long-lived one
// pays (measured, bench/results/issue11_runtime_exec_s21.md). The bookkeeping
// arrays hold numbers only: made once per executable and reset after each
// execution, so an execution allocates no map or set for its bookkeeping.
//
// A value's memory is the execution's own (`mine`, fixed per position when
// the executable is built) when a fused loop writes it fresh from the pool or
// a kernel step returns new memory; it is not when it is an argument's, a
// constant's, or a result of an op with regions (a while or case may hand back
// memory of its body, such as a constant the evaluator keeps). A kernel step
// whose result is a view of a value it reads (a reshape, a slice, a
// transpose) points its `root` at that value's root, the value whose memory it
// is, and adds one to the root's `views`, the count of further live values on
// that memory: released while others still hold it, a value only takes one
// off; the last one gives the memory to the pool when the root's is the
// execution's own. (A loop computing into a donated or destination array
// writes a returned value, which is never released.)
import type { Strided } from "../strided.js";
import type { CpuBuffer } from "./buffer.js";
import { applyView } from "./leaf_view.js";

/** The execution's values by position (undefined: not computed yet, or released). */
export type Vals = (CpuBuffer | undefined)[];
/** A step of an executable: reads its operands from `vals`, writes its results there. */
export type Step = (vals: Vals) => void;

/** The bookkeeping arrays of one execution at a time of one executable. */
export class ExecValues {
  /** Per position: the value whose memory it is (itself, but for a view a kernel step returned). */
  readonly root: Int32Array;
  /** Per root: how many live values besides one hold its memory. */
  readonly views: Int32Array;
  /** Whether an execution is using these (a re-entrant one makes its own). */
  busy = false;
  /**
   * `mine[p]`: 1 where the value at p is memory the execution owns when it is not a view. `consts`: the
   * constants' buffers by position, the same at every execution (never released, never the execution's).
   */
  constructor(
    readonly mine: Uint8Array,
    readonly consts: readonly (readonly [number, CpuBuffer])[],
  ) {
    const n = mine.length;
    this.root = new Int32Array(n);
    for (let p = 0; p < n; p++) this.root[p] = p;
    this.views = new Int32Array(n);
  }
  /** An execution's values: the constants in their places, nothing else yet. */
  values(): Vals {
    const vals: Vals = new Array<CpuBuffer | undefined>(this.mine.length);
    for (let k = 0; k < this.consts.length; k++) vals[this.consts[k]![0]] = this.consts[k]![1];
    return vals;
  }
  /** Resets the counts for the next execution. */
  reset(): void {
    this.views.fill(0);
    this.busy = false;
  }
}

/**
 * A loop's inputs: each leaf's value, read through its view where it has one
 * (leaf_view.ts LeafView: the strides, offset and, for a reshape its layout
 * cannot express, the copy that the folded view ops' kernels would give, made
 * per execution since a value's strides may differ between calls).
 */
export function leafInputs(vals: Vals, leaves: readonly number[], views: readonly (readonly number[] | null)[] | undefined): Strided[] {
  const ins = new Array<Strided>(leaves.length);
  for (let i = 0; i < leaves.length; i++) {
    const b = vals[leaves[i]!]!;
    const w = views === undefined ? null : views[i]!;
    ins[i] = w === null ? b.s : applyView(b.s, w, b.dtype);
  }
  return ins;
}
