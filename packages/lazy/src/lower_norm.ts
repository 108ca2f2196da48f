// Lowering of core's prims_norm.ts: mul_add_convert as the StableHLO ops of the
// composition it replaces (multiply, add, convert).
import type { AVal, DType } from "@xlatorch/core";
import { elementTypeOf, type Builder, type Value } from "@xlatorch/stablehlo";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const mulAddConvert: Lowering<{ dtype: DType }> = (b, [x, y, z], { dtype }) => [
  b.convert(b.add(b.multiply(x!, y!), z!), elementTypeOf(dtype.name)),
];

export const NORM_LOWERINGS = { mul_add_convert: mulAddConvert };
