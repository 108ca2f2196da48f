// Lowerings of core's prims_softmax.ts: the StableHLO ops of the composition
// each primitive replaced, op for op as lower.ts lowered them (a sum of
// float16/bfloat16 accumulates in f32, as the reduce lowering does; a reduced
// value broadcast back along the dim), so the xla device computes what it
// computed before.
import type { AVal, DType, SoftmaxAttrs } from "@xlatorch/core";
import type { Builder, Value } from "@xlatorch/stablehlo";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const isHalf = (d: DType) => d.name === "float16" || d.name === "bfloat16";

/** The reduce primitive's lowering over `dim` (lower.ts: sums of half types accumulate in f32). */
function reduce(b: Builder, op: "max" | "add", x: Value, dim: number, dtype: DType): Value {
  if (op === "add" && isHalf(dtype))
    return b.convert(b.reduceWith("add", b.convert(x, "f32"), [dim]), dtype.name === "float16" ? "f16" : "bf16");
  return b.reduceWith(op, x, [dim]);
}
/** A value reduced over `dim` broadcast back to `shape`. */
const back = (b: Builder, r: Value, dim: number, shape: number[]): Value =>
  b.broadcastInDim(
    r,
    shape,
    shape.map((_, i) => i).filter((i) => i !== dim),
  );

const softmax: Lowering<SoftmaxAttrs> = (b, [x], { dim }, [, , so], [xa]) => {
  const shape = [...xa!.shape];
  const e = b.unary("exponential", b.subtract(x!, back(b, reduce(b, "max", x!, dim, xa!.dtype), dim, shape)));
  const s = reduce(b, "add", e, dim, xa!.dtype);
  // s as the primitive returns it: a 1 at dim
  return [b.divide(e, back(b, s, dim, shape)), e, b.reshape(s, [...so!.shape])];
};

const softmaxBackward: Lowering<SoftmaxAttrs> = (b, [g, y, e, s], { dim }, _o, [ga]) => {
  const shape = [...ga!.shape];
  const sb = b.broadcastInDim(
    s!,
    shape,
    shape.map((_, i) => i),
  );
  const toE = b.divide(g!, sb);
  const toS = reduce(b, "add", b.negate(b.divide(b.multiply(g!, y!), sb)), dim, ga!.dtype);
  return [b.multiply(b.add(toE, back(b, toS, dim, shape)), e!)];
};

export const SOFTMAX_LOWERINGS = { softmax, softmax_backward: softmaxBackward };
