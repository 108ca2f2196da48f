// Memory a kernel may write its result into, offered by the CPU runtime for
// the one kernel call it is making: the runtime's free arrays of the result's
// dtype and length (its buffer pool, runtime.ts), so that a kernel step's
// result is recycled memory, as a fused loop's is, instead of a new array per
// call. A new typed array above 64 bytes costs ~1-1.5 us (a backing store
// allocated, zeroed and tracked), more than a small product's gemm: the LSTM
// char-RNN's replay allocated ~3,400 arrays per run, 1,000 of them dot
// results (bench/results/issue11_runtime_s25.md). Only a kernel that writes
// every value of its result takes one (pooled arrays hold old values); with
// no offer (the eager device, any kernel the runtime calls otherwise) it
// allocates as before, so nothing changes there. A free array belongs to
// whoever takes it from the list, so an offer left unconsumed (a kernel that
// returns a view, or one that throws) hands out nothing that is in use.

import type { HostArray } from "@xlatorch/core";

let offered: HostArray[] | null = null;
let offeredLength = 0;
let offeredDtype = "";

/** Offers the free arrays `free` (dtype `dtype`, `length` elements each) to the next takeResultMemory of that dtype and length. */
export function offerResultMemory(free: HostArray[], dtype: string, length: number): void {
  offered = free;
  offeredLength = length;
  offeredDtype = dtype;
}

/** Withdraws the offer (after the kernel call it was made for). */
export function withdrawResultMemory(): void {
  offered = null;
}

/**
 * An offered free array of `dtype` and `length` elements, at most one per offer, for a result the caller
 * writes in full; null when none is offered (the caller allocates its own).
 */
export function takeResultMemory(dtype: string, length: number): HostArray | null {
  const list = offered;
  if (list === null || length !== offeredLength || dtype !== offeredDtype) return null;
  offered = null;
  return list.pop() ?? null;
}
