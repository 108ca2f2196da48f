// PyTorch's alias names (torch.multiply is torch.mul, torch.arccos is
// torch.acos, ...), the small predicates (is_signed, is_nonzero, is_same_size),
// and the torch.* function forms of in-place methods (torch.abs_(x) is
// x.abs_()). Aliases are the same function objects as the ops they name, as in
// PyTorch, so they share one implementation, autograd and lowering.
import { TorchError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkTensor } from "./args.js";
import * as Cx from "./complex.js";
import * as E from "./elementwise.js";
import { transpose } from "./shape.js";

export const multiply = E.mul;
export const divide = E.div;
export const subtract = E.sub;
export const arccos = E.acos;
export const arcsin = E.asin;
export const arctan = E.atan;
export const arccosh = E.acosh;
export const arcsinh = E.asinh;
export const arctanh = E.atanh;
export const arctan2 = E.atan2;

/** torch.is_signed(input): whether input's dtype is signed (bool and uint8 are not). */
export function is_signed(input: Tensor): boolean {
  checkTensor("is_signed", "input", input);
  return input.dtype.is_signed;
}

/** torch.is_floating_point(input). */
export function is_floating_point(input: Tensor): boolean {
  checkTensor("is_floating_point", "input", input);
  return input.dtype.is_floating_point;
}

/** torch.is_nonzero(input): the truth of a one-element tensor; PyTorch's errors otherwise. */
export function is_nonzero(input: Tensor): boolean {
  checkTensor("is_nonzero", "input", input);
  const n = input.numel();
  if (n === 0) throw new TorchError("is_nonzero: Boolean value of Tensor with no values is ambiguous");
  if (n > 1) throw new TorchError("is_nonzero: Boolean value of Tensor with more than one value is ambiguous");
  const v = input.item() as number | boolean | bigint | { re: number; im: number };
  if (typeof v === "object") return v.re !== 0 || v.im !== 0;
  return v !== 0 && v !== 0n && v !== false;
}

/** torch.is_same_size(input, other): equal shapes. */
export function is_same_size(input: Tensor, other: Tensor): boolean {
  checkTensor("is_same_size", "input", input);
  checkTensor("is_same_size", "other", other);
  return input.ndim === other.ndim && input.shape.every((s, i) => s === other.shape[i]);
}

/** torch.adjoint(input): the conjugate transpose of the last two dimensions (a view). */
export function adjoint(input: Tensor): Tensor {
  checkTensor("adjoint", "input", input);
  if (input.ndim < 2)
    throw new TorchError(`adjoint: tensor.adjoint() is only supported on matrices or batches of matrices. Got ${input.ndim}-D tensor.`);
  const t = transpose(input, -2, -1);
  return input.dtype.is_complex ? Cx.conj(t) : t;
}

/** torch.detach(input): input.detach(). */
export function detach(input: Tensor): Tensor {
  checkTensor("detach", "input", input);
  return input.detach();
}

/** torch.<name>_(input, ...): the in-place method input.<name>_(...) called as a function. */
function inplaceFunction(name: string): (input: Tensor, ...args: unknown[]) => Tensor {
  const f = (input: Tensor, ...args: unknown[]): Tensor => {
    checkTensor(name, "input", input);
    const m = (input as unknown as Record<string, (...a: unknown[]) => Tensor>)[name];
    if (typeof m !== "function") throw new TorchError(`${name}: no such in-place method on Tensor`);
    return m.apply(input, args);
  };
  Object.defineProperty(f, "name", { value: name });
  return f;
}

export const abs_ = inplaceFunction("abs_");
export const acos_ = inplaceFunction("acos_");
export const acosh_ = inplaceFunction("acosh_");
export const addmv_ = inplaceFunction("addmv_");
export const arccos_ = inplaceFunction("arccos_");
export const arccosh_ = inplaceFunction("arccosh_");
export const arcsin_ = inplaceFunction("arcsin_");
export const arcsinh_ = inplaceFunction("arcsinh_");
export const arctan_ = inplaceFunction("arctan_");
export const arctanh_ = inplaceFunction("arctanh_");
export const asin_ = inplaceFunction("asin_");
export const asinh_ = inplaceFunction("asinh_");
export const atan_ = inplaceFunction("atan_");
export const atanh_ = inplaceFunction("atanh_");
export const ceil_ = inplaceFunction("ceil_");
export const clamp_ = inplaceFunction("clamp_");
export const clamp_max_ = inplaceFunction("clamp_max_");
export const clamp_min_ = inplaceFunction("clamp_min_");
export const clip_ = inplaceFunction("clip_");
export const conj_physical_ = inplaceFunction("conj_physical_");
export const cos_ = inplaceFunction("cos_");
export const cosh_ = inplaceFunction("cosh_");
export const deg2rad_ = inplaceFunction("deg2rad_");
export const detach_ = inplaceFunction("detach_");
export const erf_ = inplaceFunction("erf_");
export const erfc_ = inplaceFunction("erfc_");
export const exp2_ = inplaceFunction("exp2_");
export const exp_ = inplaceFunction("exp_");
export const expm1_ = inplaceFunction("expm1_");
export const fix_ = inplaceFunction("fix_");
export const floor_ = inplaceFunction("floor_");
export const frac_ = inplaceFunction("frac_");
export const gcd_ = inplaceFunction("gcd_");
export const i0_ = inplaceFunction("i0_");
export const index_put_ = inplaceFunction("index_put_");
export const lcm_ = inplaceFunction("lcm_");
export const ldexp_ = inplaceFunction("ldexp_");
export const log10_ = inplaceFunction("log10_");
export const log1p_ = inplaceFunction("log1p_");
export const log2_ = inplaceFunction("log2_");
export const log_ = inplaceFunction("log_");
export const logit_ = inplaceFunction("logit_");
export const nan_to_num_ = inplaceFunction("nan_to_num_");
export const neg_ = inplaceFunction("neg_");
export const negative_ = inplaceFunction("negative_");
export const rad2deg_ = inplaceFunction("rad2deg_");
export const reciprocal_ = inplaceFunction("reciprocal_");
export const resize_as_ = inplaceFunction("resize_as_");
export const round_ = inplaceFunction("round_");
export const rsqrt_ = inplaceFunction("rsqrt_");
export const sigmoid_ = inplaceFunction("sigmoid_");
export const sin_ = inplaceFunction("sin_");
export const sinc_ = inplaceFunction("sinc_");
export const sinh_ = inplaceFunction("sinh_");
export const sqrt_ = inplaceFunction("sqrt_");
export const square_ = inplaceFunction("square_");
export const tan_ = inplaceFunction("tan_");
export const tanh_ = inplaceFunction("tanh_");
export const trunc_ = inplaceFunction("trunc_");
export const xlogy_ = inplaceFunction("xlogy_");
