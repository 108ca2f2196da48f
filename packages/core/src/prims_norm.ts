// mul_add_convert: layer_norm's float32 rounding as one primitive (ops/native_norm.ts).
// ATen's CPU layer_norm computes y = fma(x, rstd, -rstd * mean), then
// fma(y, weight, bias): a product and sum rounded once to float32. Composed, that
// was a float64 multiply, a float64 add and a convert back to float32 over the
// widened operands: three passes and three fresh arrays over the whole input,
// twice per layer_norm. This primitive is those three ops in one pass:
// convert(a * b + c, dtype), the multiply and the add each rounded to the
// operands' float64 as the separate ops round them, so values and gradients
// (vjps_norm.ts) are the same bits. The operands stay what the composition
// made: a the input widened by a convert (its node is where the input's
// gradient arrives, in the same order as before), b and c widened and broadcast
// to a's shape (their broadcasts' VJPs sum the gradients in float64, as before).
// Kernel: cpu/src/kernels/norm.ts; lowering: lazy/src/lower_norm.ts (the same
// multiply / add / convert StableHLO ops the composition emitted).
import type { DType } from "./dtype.js";
import { TorchError } from "./errors.js";
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const NORM_PRIMS = ["mul_add_convert"] as const;

const shapeStr = (a: AVal) => `[${a.shape.join(", ")}]`;

export function defineNormPrims(P: Record<string, Primitive>): void {
  /** mul_add_convert(a, b, c; dtype) = convert(a * b + c, dtype): float64 operands of one shape, a floating result. */
  P.mul_add_convert = definePrimitive<{ dtype: DType }>({
    name: "mul_add_convert",
    abstract: (ins, { dtype }): AVal[] => {
      const [a, b, c] = ins;
      if (ins.length !== 3 || ins.some((x) => x.dtype.name !== "float64") || !dtype.is_floating_point)
        throw new TorchError(
          `mul_add_convert: expected three float64 operands and a floating result type, got ${ins.map((x) => x.dtype.name).join(", ")} -> ${dtype.name}`,
        );
      if (shapeStr(b!) !== shapeStr(a!) || shapeStr(c!) !== shapeStr(a!))
        throw new TorchError(`mul_add_convert: expected operands of one shape, got ${ins.map(shapeStr).join(", ")}`);
      return [{ shape: a!.shape, dtype }];
    },
  });
}
