// Slices at positions known only when the program runs, one StableHLO op each:
// dynamic_slice and dynamic_update_slice. The start indices are operands (one
// 0-d integer tensor per dim of the operand, all of one dtype), not attributes,
// so on the xla device they are graph parameters: a KV-cache write at position
// t compiles once for every t. As the StableHLO spec says, each start is
// clamped into [0, dim - size] (an out-of-range start never reads or writes
// outside the operand; the surface checks bounds where the value is at hand).
// Shape rules here; CPU kernel in cpu/src/kernels/dynamic.ts, lowering in
// lazy/src/lower_dynamic.ts, VJPs in vjps_dynamic.ts.
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const DYNAMIC_PRIMS = ["dynamic_slice", "dynamic_update_slice"] as const;

/** The clamped start of one dim (StableHLO: clamp(start, 0, dim - size)). */
export const clampStart = (start: number, dim: number, size: number): number => Math.min(Math.max(start, 0), dim - size);

export function defineDynamicPrims(P: Record<string, Primitive>): void {
  /** (operand, ...starts): the block of shape `sizes` at the clamped starts. */
  P.dynamic_slice = definePrimitive<{ sizes: number[] }>({
    name: "dynamic_slice",
    abstract: ([x], a): AVal[] => [{ shape: [...a.sizes], dtype: x!.dtype }],
  });
  /** (operand, update, ...starts): the operand with the block at the clamped starts replaced by update. */
  P.dynamic_update_slice = definePrimitive({
    name: "dynamic_update_slice",
    abstract: ([x]): AVal[] => [{ shape: x!.shape, dtype: x!.dtype }],
  });
}
