// Floating-point helpers composed from elementwise ops: fmax/fmin (NaN-ignoring
// extremes), ldexp (x * 2^e) and frexp (mantissa and exponent).
import { surface } from "../autograd.js";
import { float32, float64, get_default_dtype, int32, result_type } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkOperand, checkTensor, type TensorOrScalar } from "./args.js";
import { convert, isHalf, operand } from "./base.js";
import {
  abs,
  add,
  eq,
  floor,
  ge,
  gt,
  isfinite,
  isinf,
  isnan,
  le,
  log,
  logical_and,
  logical_not,
  logical_or,
  lt,
  mul,
  ne,
  pow,
  prepare,
  sign,
  sub,
  where,
} from "./elementwise.js";

/**
 * fmax/fmin: the larger/smaller operand, the other one where one is NaN. As
 * PyTorch's derivative, the gradient goes wholly to input on ties.
 */
function nanIgnoring(op: "fmax" | "fmin", a: Tensor, b: Tensor): Tensor {
  checkOperand(op, a, "input");
  checkOperand(op, b, "other");
  // bool operands too: PyTorch 1.13's fmax/fmin compute them (logical or/and), the OpInfo samples record it
  const dt = result_type(operand(a), operand(b));
  return surface(op, () => {
    const [x, y] = prepare(op, [a, b], dt);
    const takeX = logical_or(op === "fmax" ? ge(x!, y!) : le(x!, y!), isnan(y!));
    return where(takeX, x!, y!);
  });
}
export const fmax = (input: Tensor, other: Tensor): Tensor => nanIgnoring("fmax", input, other);
export const fmin = (input: Tensor, other: Tensor): Tensor => nanIgnoring("fmin", input, other);

/** ldexp(input, other) = input * 2^other, as PyTorch composes it (mul(input, pow(2.0, other))). */
export function ldexp(input: Tensor, other: Tensor): Tensor {
  checkTensor("ldexp", "input", input);
  checkTensor("ldexp", "other", other);
  return surface("ldexp", () => {
    const e = other.dtype.is_floating_point || other.dtype.is_complex ? other : convert(other, get_default_dtype());
    return mul(input, pow(2, e));
  });
}

/**
 * frexp(input) -> (mantissa, exponent) with input = mantissa * 2^exponent,
 * 0.5 <= |mantissa| < 1 (0, inf and NaN give themselves and exponent 0). The
 * exponent comes from log2 of the detached magnitude in float64, corrected by
 * one step either way (log2 rounds near powers of two); 2^-e is applied in two
 * halves so subnormal inputs do not overflow it. The mantissa is input times a
 * constant, so its gradient is 2^-exponent, PyTorch's.
 */
export function frexp(input: Tensor): Tensor[] & { mantissa: Tensor; exponent: Tensor } {
  checkTensor("frexp", "input", input);
  if (!input.dtype.is_floating_point) throw new TorchError("torch.frexp() only supports floating-point dtypes");
  return surface("frexp", () => {
    const x = convert(input.detach(), float64);
    const ax = abs(x);
    const regular = logical_and(isfinite(x), ne(x, 0));
    const safe = where(regular, ax, 1);
    let e = add(floor(mul(log(safe), 1 / Math.LN2)), 1);
    const scale = (v: Tensor, k: Tensor) => {
      const h = floor(mul(k, 0.5));
      return mul(mul(v, pow(2, h)), pow(2, sub(k, h)));
    };
    let m = scale(safe, mul(e, -1));
    const up = ge(m, 1),
      down = lt(m, 0.5);
    e = where(up, add(e, 1), where(down, sub(e, 1), e));
    e = where(regular, e, 0);
    // the mantissa of the differentiable input: input * 2^-e
    const dt = isHalf(input.dtype) ? float32 : input.dtype;
    m = scale(convert(input, dt), convert(mul(e, -1), dt));
    const mantissa = convert(m, input.dtype);
    const exponent = convert(e, int32);
    const out = [mantissa, exponent] as Tensor[] & { mantissa: Tensor; exponent: Tensor };
    out.mantissa = mantissa;
    out.exponent = exponent;
    return out;
  });
}

/**
 * nextafter(input, other): the next value of input's dtype after input toward
 * other. Without a bit cast, the step is the unit in the last place read off
 * frexp's exponent: 2^(e - p) (p = 53 or 24 mantissa bits), half that when
 * stepping toward zero from a power of two, never below the smallest
 * subnormal; x + step is exact. Not differentiable (as in PyTorch).
 */
export function nextafter(input: Tensor, other: Tensor): Tensor {
  checkTensor("nextafter", "input", input);
  checkTensor("nextafter", "other", other);
  const dt = result_type(operand(input), operand(other));
  if (dt !== float32 && dt !== float64) throw new TorchError(`"nextafter_cpu" not implemented for '${dt.scalarName}'`);
  return surface("nextafter", () => {
    const [x, y] = prepare("nextafter", [input.detach(), other.detach()], dt);
    const p = dt === float64 ? 53 : 24;
    const tiny = dt === float64 ? 2 ** -1074 : 2 ** -149;
    const big = dt === float64 ? Number.MAX_VALUE : 3.4028234663852886e38;
    const { mantissa, exponent } = frexp(x!);
    const e = convert(exponent, float64);
    const up = gt(y!, x!);
    const away = logical_or(logical_and(up, gt(x!, 0)), logical_and(logical_not(up), lt(x!, 0)));
    const pow2 = eq(abs(mantissa), 0.5);
    const shift = where(logical_and(logical_not(away), pow2), sub(e, p + 1), sub(e, p));
    const pw = pow(2, shift);
    const ulp = convert(where(lt(pw, tiny), tiny, pw), dt);
    let r = add(x!, where(up, ulp, mul(ulp, -1)));
    r = where(eq(x!, 0), where(up, tiny, -tiny), r);
    r = where(isinf(x!), mul(sign(x!), big), r);
    r = where(eq(x!, y!), y!, r);
    return where(logical_or(isnan(x!), isnan(y!)), Number.NaN, r);
  });
}
