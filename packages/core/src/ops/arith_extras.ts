// Arithmetic beside elementwise.ts: positive, rsub and renorm.
import { surface } from "../autograd.js";
import { bool } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkInt, checkTensor, isScalar, parseArgs, type TensorOrScalar } from "./args.js";
import { convert } from "./base.js";
import { add, div, gt, mul, sub, where } from "./elementwise.js";
import { norm } from "./reduce.js";

/** positive(input): input itself (unary plus); refused for bool as PyTorch refuses it. */
export function positive(input: Tensor): Tensor {
  checkTensor("positive", "input", input);
  if (input.dtype === bool) throw new TorchError("The `+` operator, on a bool tensor is not supported.");
  return input;
}

/** rsub(input, other, *, alpha=1) = other - alpha * input. */
export function rsub(input: Tensor, other: TensorOrScalar, ...args: unknown[]): Tensor {
  const { alpha } = parseArgs("rsub", args, ["alpha"], { alpha: 1 });
  checkTensor("rsub", "input", input);
  return surface("rsub", () => sub(other, input, { alpha }));
}

/**
 * renorm(input, p, dim, maxnorm): each slice along dim whose p-norm exceeds
 * maxnorm scaled down to norm maxnorm (by maxnorm / (norm + 1e-7), ATen's
 * factor); the norm is taken in float64 for float64 input, float32 otherwise.
 */
export function renorm(input: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  checkTensor("renorm", "input", input);
  if (!isScalar(p) || !isScalar(maxnorm)) throw new TorchError("renorm: p and maxnorm must be numbers");
  checkInt("renorm", "dim", dim);
  if (!input.dtype.is_floating_point) throw new TorchError(`"renorm_cpu" not implemented for '${input.dtype.scalarName}'`);
  if (Number(p) <= 0) throw new TorchError("renorm: non-positive-norm not supported");
  if (Number(maxnorm) < 0) throw new TorchError(`renorm: expected maxnorm to be >= 0 but got ${maxnorm}`);
  const d = normDim(dim, input.ndim, "renorm");
  if (input.ndim <= 1) throw new TorchError(`renorm: input needs at least 2 dimensions, got ${input.ndim} dimensions`);
  return surface("renorm", () => {
    const others = [...Array(input.ndim).keys()].filter((k) => k !== d);
    const nrm = norm(input.dtype.name === "float64" ? input : convert(input, input.dtype), Number(p), others, true);
    const factor = where(gt(nrm, maxnorm), div(maxnorm, add(nrm, 1e-7)), 1);
    return mul(input, convert(factor, input.dtype));
  });
}
