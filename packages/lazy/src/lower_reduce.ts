// The reduce primitive's lowering, shared by lower.ts (the primitive itself)
// and by the lowerings of primitives whose composition reduced (layer_norm,
// softmax), so that they lower their sums exactly as the reduce they replace:
// sums and products of float16/bfloat16 accumulate in f32 and round once, as
// PyTorch's CPU kernels do.
import type { DType } from "@xlatorch/core";
import { elementTypeOf, type Builder, type Value } from "@xlatorch/stablehlo";

/** The reduce primitive's ops as StableHLO reduction bodies. */
export const REDUCE_BODY: Record<string, "add" | "mul" | "max" | "min" | "and" | "or"> = {
  sum: "add",
  prod: "mul",
  max: "max",
  min: "min",
  and: "and",
  or: "or",
};

/** reduce(x; op, dims) of element type `dtype`, as lower.ts lowers the primitive. */
export function lowerReduce(b: Builder, x: Value, dtype: DType, op: string, dims: readonly number[]): Value {
  const body = REDUCE_BODY[op];
  if (!body) throw new Error(`lowerReduce: no reduction ${op}`);
  const half = (dtype.name === "float16" || dtype.name === "bfloat16") && (op === "sum" || op === "prod");
  return half ? b.convert(b.reduceWith(body, b.convert(x, "f32"), dims), elementTypeOf(dtype.name)) : b.reduceWith(body, x, dims);
}
