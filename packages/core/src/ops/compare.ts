// Comparisons and predicates beyond elementwise.ts's eq/lt/...: isclose,
// allclose, equal, isin, signbit, isposinf/isneginf/isreal.
import { surface } from "../autograd.js";
import { bool, float32, get_default_dtype, result_type } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { broadcastShapes, sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkOperand, checkTensor, parseArgs, type TensorOrScalar } from "./args.js";
import { constant, convert, isHalf } from "./base.js";
import { imag } from "./complex.js";
import { abs, add, div, eq, isfinite, isnan, le, logical_and, logical_not, logical_or, lt, mul, sub } from "./elementwise.js";
import { any, reducePrim } from "./reduce.js";
import { reshape } from "./shape.js";

/** x (op) scalar rounded to x's dtype, with half operands computed in float32 like PyTorch's scalar kernels. */
const scalarOp = (x: Tensor, f: (t: Tensor) => Tensor): Tensor => (isHalf(x.dtype) ? convert(f(convert(x, float32)), x.dtype) : f(x));

/**
 * isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
 * |input - other| <= atol + rtol * |other|, elementwise, with PyTorch's
 * handling of infinities (equal values are close) and NaN.
 */
export function isclose(a: Tensor, b: Tensor, ...args: unknown[]): Tensor {
  const { rtol, atol, equal_nan } = parseArgs("isclose", args, ["rtol", "atol", "equal_nan"], { rtol: 1e-5, atol: 1e-8, equal_nan: false });
  checkTensor("isclose", "input", a);
  checkTensor("isclose", "other", b);
  if (a.dtype !== b.dtype) throw new TorchError(`isclose: ${a.dtype.scalarName} did not match ${b.dtype.scalarName}`);
  if (typeof rtol !== "number" || rtol < 0) throw new TorchError(`isclose: rtol must be greater than or equal to zero, but got ${rtol}`);
  if (typeof atol !== "number" || atol < 0) throw new TorchError(`isclose: atol must be greater than or equal to zero, but got ${atol}`);
  broadcastShapes("isclose", a.shape, b.shape);
  return surface("isclose", () => {
    let close = eq(a, b);
    if (equal_nan && a.dtype.is_floating_point) close = logical_or(close, logical_and(isnan(a), isnan(b)));
    if (rtol === 0 && atol === 0) return close;
    // integers (and bools) meet float tolerances in the default float dtype, as rtol * other does in PyTorch
    const fa = a.dtype.is_floating_point ? a : a.dtype === bool ? convert(a, get_default_dtype()) : a;
    const fb = b.dtype.is_floating_point ? b : convert(b, get_default_dtype());
    const allowed = scalarOp(abs(scalarOp(fb, (t) => mul(t, rtol))), (t) => add(t, atol));
    const actual = abs(sub(fa, a.dtype === bool ? fb : b));
    const within = actual.dtype.is_floating_point ? logical_and(isfinite(actual), le(actual, allowed)) : le(actual, allowed);
    return logical_or(close, within);
  });
}

/** allclose(...): all(isclose(...)) as a JS boolean (reads one value: a sync point on xla). */
export function allclose(a: Tensor, b: Tensor, ...args: unknown[]): boolean {
  const o = parseArgs("allclose", args, ["rtol", "atol", "equal_nan"], { rtol: 1e-5, atol: 1e-8, equal_nan: false });
  const c = isclose(a, b, o);
  return surface("allclose", () => reducePrim(c, "and", [...Array(c.ndim).keys()], false)).item() as boolean;
}

/** equal(input, other): same shape and equal elements, as a JS boolean (a sync point on xla). */
export function equal(a: Tensor, b: Tensor): boolean {
  checkTensor("equal", "input", a);
  checkTensor("equal", "other", b);
  if (!sameShape(a.shape, b.shape)) return false;
  if (a.numel() === 0) return true;
  const e = eq(a, b);
  return reducePrim(e, "and", [...Array(e.ndim).keys()], false).item() as boolean;
}

/**
 * signbit(input): true where the sign bit is set, -0.0 included. (The sign of a
 * NaN cannot be seen without a bitcast primitive; NaNs read as positive.)
 */
export function signbit(x: Tensor): Tensor {
  checkTensor("signbit", "input", x);
  return surface("signbit", () => {
    if (x.dtype === bool || x.dtype.name === "uint8") return constant(false, bool, x, x.shape).clone();
    if (!x.dtype.is_floating_point) return lt(x, 0);
    return logical_or(lt(x, 0), logical_and(eq(x, 0), lt(div(1, x), 0)));
  });
}

/** isin(elements, test_elements, *, assume_unique=False, invert=False); one [n, m] comparison table. */
export function isin(elements: TensorOrScalar, test: TensorOrScalar, ...args: unknown[]): Tensor {
  const { invert } = parseArgs("isin", args, ["assume_unique", "invert"], { assume_unique: false, invert: false });
  checkOperand("isin", elements, "elements");
  checkOperand("isin", test, "test_elements");
  if (!(elements instanceof Tensor) && !(test instanceof Tensor))
    throw new TorchTypeError("isin(): at least one of elements and test_elements must be a Tensor");
  return surface("isin", () => {
    const like = (elements instanceof Tensor ? elements : test) as Tensor;
    const e = elements instanceof Tensor ? elements : constant(elements, result_type(elements), like);
    const t = test instanceof Tensor ? reshape(test, [-1]) : reshape(constant(test, result_type(test), like), [1]);
    const table = eq(reshape(e, [...e.shape, 1]), t);
    const hit = any(table, -1);
    return invert ? logical_not(hit) : hit;
  });
}

export function isposinf(x: Tensor): Tensor {
  checkTensor("isposinf", "input", x);
  if (x.dtype.is_complex) throw new TorchError("isposinf does not support complex inputs.");
  return surface("isposinf", () => (x.dtype.is_floating_point ? eq(x, Infinity) : constant(false, bool, x, x.shape).clone()));
}
export function isneginf(x: Tensor): Tensor {
  checkTensor("isneginf", "input", x);
  if (x.dtype.is_complex) throw new TorchError("isneginf does not support complex inputs.");
  return surface("isneginf", () => (x.dtype.is_floating_point ? eq(x, -Infinity) : constant(false, bool, x, x.shape).clone()));
}
/** isreal(input): imag == 0 for a complex tensor, true everywhere for a real one. */
export function isreal(x: Tensor): Tensor {
  checkTensor("isreal", "input", x);
  return surface("isreal", () => (x.dtype.is_complex ? eq(imag(x), 0) : constant(true, bool, x, x.shape).clone()));
}
