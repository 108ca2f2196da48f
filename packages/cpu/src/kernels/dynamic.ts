// dynamic_slice and dynamic_update_slice (core's prims_dynamic.ts): the start
// indices are 0-d integer inputs read here, each clamped into [0, dim - size]
// as the StableHLO spec says. Raw element copies through strided views, so any
// dtype works (complex as its (re, im) pairs; half types as their bits).
import { clampStart, numelOf, type AVal } from "@xlatorch/core";
import { contiguous, type Elements, type Strided } from "../strided.js";
import { dense, stridedCopy } from "./layout.js";
import type { Kernel } from "./types.js";

/** The value of a 0-d integer input. */
const scalarInt = (s: Strided): number => Number((s.data as Elements)[s.offset]!);

/** The clamped starts (one per dim of `shape`) read from the start inputs. */
const startsOf = (shape: readonly number[], sizes: readonly number[], starts: readonly Strided[]): number[] =>
  shape.map((n, d) => clampStart(scalarInt(starts[d]!), n, sizes[d]!));

/** The block of `x` (strided) at `starts`, as a strided view. */
const blockOf = (x: Strided, starts: readonly number[]): Strided => ({
  data: x.data,
  offset: x.offset + starts.reduce((s, v, d) => s + v * x.strides[d]!, 0),
  strides: x.strides,
});

export const dynamicKernels: Record<string, Kernel> = {
  dynamic_slice: ([x, ...starts], [a], _attrs, [o]) => {
    const s = startsOf(a!.shape, o!.shape, starts);
    // a copy, not a view: the primitive is not a view primitive (its result never aliases the operand)
    const out = o!.dtype.alloc(numelOf(o!.shape));
    stridedCopy(contiguous(out, o!.shape), o!.shape, blockOf(x!, s), o!.dtype);
    return [contiguous(out, o!.shape)];
  },
  dynamic_update_slice: ([x, u, ...starts], [a, ua]: readonly AVal[], _attrs, [o]) => {
    const s = startsOf(a!.shape, ua!.shape, starts);
    const out = dense(x!, a!.shape, a!.dtype);
    stridedCopy(blockOf(contiguous(out, o!.shape), s), ua!.shape, u!, o!.dtype);
    return [contiguous(out, o!.shape)];
  },
};
