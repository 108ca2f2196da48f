// Lowerings of core's prims_softmax.ts: the StableHLO ops of the composition
// each primitive replaced, op for op as lower.ts lowered them (a sum of
// float16/bfloat16 accumulates in f32, as the reduce lowering does; a reduced
// value broadcast back along the dim), so the xla device computes what it
// computed before.
import type { AVal, DType, SoftmaxAttrs } from "@xlatorch/core";
import type { Builder, Value } from "@xlatorch/stablehlo";
import { lowerReduce } from "./lower_reduce.js";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

/** The reduce primitive's lowering over `dim` (lower_reduce.ts: sums of half types accumulate in f32). */
const reduce = (b: Builder, op: "max" | "sum", x: Value, dim: number, dtype: DType): Value => lowerReduce(b, x, dtype, op, [dim]);
/** A value reduced over `dim` broadcast back to `shape`. */
const back = (b: Builder, r: Value, dim: number, shape: number[]): Value =>
  b.broadcastInDim(
    r,
    shape,
    shape.map((_, i) => i).filter((i) => i !== dim),
  );

const softmax: Lowering<SoftmaxAttrs> = (b, [x], { dim }, [, , so], [xa]) => {
  const shape = xa!.shape.slice();
  const e = b.unary("exponential", b.subtract(x!, back(b, reduce(b, "max", x!, dim, xa!.dtype), dim, shape)));
  const s = reduce(b, "sum", e, dim, xa!.dtype);
  // s as the primitive returns it: a 1 at dim
  return [b.divide(e, back(b, s, dim, shape)), e, b.reshape(s, so!.shape.slice())];
};

const softmaxBackward: Lowering<SoftmaxAttrs> = (b, [g, y, e, s], { dim }, _o, [ga]) => {
  const shape = ga!.shape.slice();
  const sb = b.broadcastInDim(
    s!,
    shape,
    shape.map((_, i) => i),
  );
  const toE = b.divide(g!, sb);
  const toS = reduce(b, "sum", b.negate(b.divide(b.multiply(g!, y!), sb)), dim, ga!.dtype);
  return [b.multiply(b.add(toE, back(b, toS, dim, shape)), e!)];
};

export const SOFTMAX_LOWERINGS = { softmax, softmax_backward: softmaxBackward };
