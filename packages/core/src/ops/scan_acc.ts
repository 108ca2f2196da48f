// cumsum/cumprod in PyTorch's CPU accumulation type. The cumulative primitive
// (a reduce_window scan) rounds each step to its element type, as StableHLO's
// body in that type does; PyTorch 1.13's CPU cumsum/cumprod accumulate in
// at::acc_type<T, /*is_cuda=*/false> instead: float32 in float64, float16 and
// bfloat16 in float32, complex64 in complex128, each output rounded once. So
// the surface widens to that type, scans, and converts back: on the xla device
// that is convert -> reduce_window -> convert in the StableHLO, the same numbers
// as the cpu device, and one implementation of the scan.
import { bind1 } from "../dispatch.js";
import { bfloat16, complex64, complex128, float16, float32, float64, type DType } from "../dtype_all.js";
import { P } from "../prims.js";
import type { Tensor } from "../tensor.js";
import { convert } from "./base.js";

/** PyTorch's CPU accumulation type of a cumulative sum or product over `d`. */
export function scanAccDtype(d: DType): DType {
  if (d === float32) return float64;
  if (d === float16 || d === bfloat16) return float32;
  if (d === complex64) return complex128;
  return d;
}

/** The cumulative sum or product of x along dim, accumulated as PyTorch's CPU kernel does; x's dtype. */
export function accumulatedScan(x: Tensor, op: "sum" | "prod", dim: number): Tensor {
  const acc = scanAccDtype(x.dtype);
  if (acc === x.dtype) return bind1(P.cumulative!, [x], { op, dim });
  return convert(bind1(P.cumulative!, [convert(x, acc)], { op, dim }), x.dtype);
}
