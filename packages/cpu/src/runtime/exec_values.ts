// The values of one execution of a CPU runtime executable, by their position
// in @main (plan.ts valuePositions: parameters first, then each op's results),
// and what decides when a value's memory may go back to the buffer pool. The
// arrays are made once per executable and emptied after each execution, so
// an execution allocates no map or set for its bookkeeping. The constants'
// values (computed when the executable is built) stay in their places.
//
// A value's memory is the execution's own (`mine`) when a fused loop wrote it
// fresh from the pool, or a kernel step returned new memory; it is not when it
// is an argument's, a constant's, a caller's destination or a donated array,
// or a result of an op with regions (a while or case may hand back memory of
// its body, such as a constant the evaluator keeps). A kernel step whose
// result is a view of a value it reads (a reshape, a slice, a transpose)
// takes that value's ownership and adds one to `extra`, the count of further
// live values on that array: released while others still hold the array, a
// value only takes one off; the last one gives the array to the pool if it is
// the execution's own.
import type { HostArray } from "@xlatorch/core";
import type { CpuBuffer } from "./buffer.js";

/** The execution's values by position (undefined: not computed yet, or released). */
export type Vals = (CpuBuffer | undefined)[];
/** A step of an executable: reads its operands from `vals`, writes its results there. */
export type Step = (vals: Vals) => void;

// How a step's results are owned (see the header), by step:
/** A fused loop (or a group of them): fresh memory, or a donated/destination array (execute marks those). */
export const FRESH = 0;
/** A kernel or evaluator op: new memory, or a view of a value it reads. */
export const KERNEL = 1;
/** A constant (computed when the executable is built): never the execution's. */
export const KEPT = 2;
/** A kernel step of an op with regions. */
export const REGION = 3;

/** The bookkeeping arrays of one execution at a time of one executable. */
export class ExecValues {
  readonly vals: Vals;
  /** 1 where the value at that position holds memory the execution owns (read only while the value is live). */
  readonly mine: Uint8Array;
  /** Arrays held by more than one live value: how many besides the first. */
  readonly extra = new Map<HostArray, number>();
  /** Whether an execution is using these (a re-entrant one makes its own). */
  busy = false;
  /** `consts`: the constants' buffers by position, the same at every execution (never released, never the execution's). */
  constructor(
    n: number,
    readonly consts: readonly (readonly [number, CpuBuffer])[],
  ) {
    this.vals = new Array<CpuBuffer | undefined>(n).fill(undefined);
    this.mine = new Uint8Array(n);
    for (const [p, b] of consts) this.vals[p] = b;
  }
  /** Empties the values for the next execution (the results are handed out already), except the constants. */
  reset(): void {
    const vals = this.vals;
    vals.fill(undefined);
    for (let k = 0; k < this.consts.length; k++) vals[this.consts[k]![0]] = this.consts[k]![1];
    if (this.extra.size !== 0) this.extra.clear();
    this.busy = false;
  }
}
