// The rounding a float reduction applies after each step, so that a float32
// (or float16/bfloat16) accumulation keeps the element type's precision as the
// StableHLO spec's body in that type does (the reference interpreter rounds
// every add). Kernels decode values to float64 and call this on each partial
// result; float64 and integer types need none (null).
import { roundBf16, roundF16, type DType } from "@xlatorch/core";

export function stepRounder(dtype: DType): ((v: number) => number) | null {
  switch (dtype.name) {
    case "float32":
      return Math.fround;
    case "float16":
      return roundF16;
    case "bfloat16":
      return roundBf16;
    default:
      return null;
  }
}
