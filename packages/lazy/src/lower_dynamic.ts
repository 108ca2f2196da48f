// Lowerings of dynamic_slice and dynamic_update_slice (core's prims_dynamic.ts):
// stablehlo.dynamic_slice / stablehlo.dynamic_update_slice with the start
// indices as scalar operands (graph values, usually parameters: one module for
// every position). The ops clamp the starts as the primitives do.
import type { AVal } from "@xlatorch/core";
import type { Builder, Value } from "@xlatorch/stablehlo";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const dynamicSlice: Lowering<{ sizes: number[] }> = (b, [x, ...starts], a) => [b.dynamicSlice(x!, starts, a.sizes)];
const dynamicUpdateSlice: Lowering<unknown> = (b, [x, u, ...starts]) => [b.dynamicUpdateSlice(x!, u!, starts)];

export const DYNAMIC_LOWERINGS = { dynamic_slice: dynamicSlice, dynamic_update_slice: dynamicUpdateSlice };
