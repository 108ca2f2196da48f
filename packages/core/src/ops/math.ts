// Elementwise math composed from the ops in elementwise.ts, floating-point
// results computed in PyTorch's opmath precision: nan_to_num, hypot,
// logaddexp/logaddexp2, xlogy, sinc, heaviside, copysign, deg2rad/rad2deg,
// float_power, sgn, logit, erfc, addcmul/addcdiv.
import { surface } from "../autograd.js";
import { CA, CB, CC, CD, CP, CQ, SQRPI } from "../erfc_coefficients.js";
import { bool, complex128, float64, get_default_dtype, result_type, type DType } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { broadcastShapes } from "../shape.js";
import { Tensor } from "../tensor.js";
import { castScalars, checkOperand, checkTensor, parseArgs, type Scalar, type TensorOrScalar } from "./args.js";
import { constant, convert, dtypeLowest, dtypeMax, opmath, operand } from "./base.js";
import {
  abs,
  add,
  div,
  eq,
  erf,
  exp,
  exp2,
  floor,
  gt,
  isfinite,
  isinf,
  isnan,
  le,
  log,
  log1p,
  logical_and,
  logical_or,
  lt,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  prepare,
  sign,
  unaryPrim,
  sin,
  sqrt,
  sub,
  where,
} from "./elementwise.js";

/** Result dtype of a float function of (a, b): promoted, integers lifted to the default float dtype. */
function floatResult(a: TensorOrScalar, b: TensorOrScalar): DType {
  const dt = result_type(operand(a), operand(b));
  return dt.is_floating_point ? dt : get_default_dtype();
}

/** A float binary op computed in opmath precision on broadcast operands. */
function floatBinary(op: string, a: TensorOrScalar, b: TensorOrScalar, f: (x: Tensor, y: Tensor) => Tensor, floatOnly = false): Tensor {
  checkOperand(op, a, "input");
  checkOperand(op, b, "other");
  const dt0 = result_type(operand(a), operand(b));
  if (floatOnly && !dt0.is_floating_point) throw new TorchError(`"${op}_cpu" not implemented for '${dt0.scalarName}'`);
  const dt = floatResult(a, b);
  return surface(op, () => {
    const [x, y] = prepare(op, [a, b], dt);
    return opmath(dt, [x!, y!], (u, v) => f(u!, v!));
  });
}

/** A float unary op (integers lifted to the default float dtype), in opmath precision. */
function floatUnary(op: string, x: Tensor, f: (x: Tensor) => Tensor, nodeName = op): Tensor {
  checkTensor(op, "input", x);
  const dt = x.dtype.is_floating_point ? x.dtype : get_default_dtype();
  return surface(nodeName, () => opmath(dt, [x], (u) => f(u!)));
}

/** log(exp(a) + exp(b)) as PyTorch evaluates it: max + log1p(exp(-|a - b|)), equal infinities passed through. */
export function logaddexpImpl(x: Tensor, y: Tensor, base2: boolean): Tensor {
  const m = maximum(x, y);
  const d = neg(abs(sub(x, y)));
  const r = base2 ? add(m, mul(log1p(exp2(d)), 1 / Math.LN2)) : add(m, log1p(exp(d)));
  return where(logical_and(isinf(x), eq(x, y)), x, r);
}

/** nan_to_num(input, nan=0.0, posinf=None, neginf=None): NaN and infinities replaced (default: the dtype's extremes). */
export function nan_to_num(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("nan_to_num", args, ["nan", "posinf", "neginf"], { nan: 0, posinf: null, neginf: null });
  checkTensor("nan_to_num", "input", x);
  if (x.dtype.is_complex) throw new TorchError(`nan_to_num: "nan_to_num" not implemented for '${x.dtype.scalarName}'`);
  if (!x.dtype.is_floating_point) return surface("nan_to_num", () => x.clone());
  const posinf = o.posinf ?? dtypeMax(x.dtype),
    neginf = o.neginf ?? dtypeLowest(x.dtype);
  return surface("nan_to_num", () => {
    const k = (v: Scalar) => constant(v, x.dtype, x, x.shape);
    return where(isnan(x), k(o.nan), where(eq(x, Infinity), k(posinf), where(eq(x, -Infinity), k(neginf), x)));
  });
}

/** hypot(input, other) = sqrt(input^2 + other^2) without intermediate overflow. */
export function hypot(a: Tensor, b: Tensor): Tensor {
  checkTensor("hypot", "input", a);
  checkTensor("hypot", "other", b);
  return floatBinary(
    "hypot",
    a,
    b,
    (x, y) => {
      const ax = abs(x),
        ay = abs(y);
      const hi = maximum(ax, ay),
        lo = minimum(ax, ay);
      const safe = where(eq(hi, 0), 1, hi);
      const q = div(lo, safe);
      const r = mul(hi, sqrt(add(mul(q, q), 1)));
      return where(logical_or(isinf(x), isinf(y)), Infinity, r);
    },
    true,
  );
}

export const logaddexp = (a: Tensor, b: Tensor): Tensor => floatBinary("logaddexp", a, b, (x, y) => logaddexpImpl(x, y, false), true);
export const logaddexp2 = (a: Tensor, b: Tensor): Tensor => floatBinary("logaddexp2", a, b, (x, y) => logaddexpImpl(x, y, true), true);

/**
 * xlogy(x, y) = x * log(y), 0 where x == 0 (NaN where y is NaN). Where x == 0
 * the value is x * log(y) with log(y) kept finite, so the gradient in x is
 * log(y) there too, as PyTorch 1.13's derivative (grad * log(y)) has it.
 */
export const xlogy = (a: TensorOrScalar, b: TensorOrScalar): Tensor =>
  refuseComplex("xlogy", [a, b]) ??
  floatBinary("xlogy", a, b, (x, y) => {
    const l = log(y);
    const atZero = mul(x, where(isfinite(l), l, 0));
    return where(isnan(y), NaN, where(eq(x, 0), atZero, mul(x, l)));
  });

/** PyTorch 1.13's CPU kernels of these real functions refuse complex tensors (their result would drop the imaginary parts). */
function refuseComplex(op: string, xs: readonly unknown[], kernel = `${op}_cpu`): undefined {
  const c = xs.find((x) => x instanceof Tensor && x.dtype.is_complex) as Tensor | undefined;
  if (c) throw new TorchError(`${op}: "${kernel}" not implemented for '${c.dtype.scalarName}'`);
  return undefined;
}

/** sinc(x) = sin(pi x) / (pi x), 1 at 0; complex in, complex out (PyTorch's sinc computes in the complex type). */
export const sinc = (x: Tensor): Tensor => {
  const body = (u: Tensor) => {
    const zero = eq(u, 0);
    const px = mul(where(zero, 1, u), Math.PI);
    return where(zero, 1, div(sin(px), px));
  };
  return x instanceof Tensor && x.dtype.is_complex ? surface("sinc", () => body(x)) : floatUnary("sinc", x, body);
};

/** heaviside(input, values): 0 for x < 0, values where x == 0, 1 for x > 0 (NaN -> 0). */
export function heaviside(x: Tensor, values: Tensor): Tensor {
  checkTensor("heaviside", "input", x);
  checkTensor("heaviside", "values", values);
  if (x.dtype !== values.dtype) throw new TorchError("heaviside is not yet implemented for tensors with different dtypes.");
  broadcastShapes("heaviside", x.shape, values.shape);
  return surface("heaviside", () => where(eq(x, 0), values, convert(gt(x, 0), x.dtype)));
}

/** copysign(input, other): |input| with the sign of other (-0.0 counts as negative); always floating point. */
export const copysign = (a: TensorOrScalar, b: TensorOrScalar): Tensor =>
  floatBinary("copysign", a, b, (x, y) => {
    const neg_ = logical_or(lt(y, 0), logical_and(eq(y, 0), lt(div(1, y), 0)));
    const ax = abs(x);
    const r = where(neg_, neg(ax), ax);
    // other reaches r only through comparisons; PyTorch still gives it a (zero) gradient:
    // selecting r over it everywhere keeps the value and sends other zeros
    return y.requires_grad ? where(constant(true, bool, r), r, y) : r;
  });

const noComplexAngle = (op: string, x: Tensor) => {
  if (x instanceof Tensor && x.dtype.is_complex) throw new TorchError(`${op} is not supported for complex tensors.`);
};
export const deg2rad = (x: Tensor): Tensor => {
  noComplexAngle("deg2rad", x);
  return floatUnary("deg2rad", x, (u) => mul(u, Math.PI / 180), "Deg2RadBackward0");
};
export const rad2deg = (x: Tensor): Tensor => {
  noComplexAngle("rad2deg", x);
  return floatUnary("rad2deg", x, (u) => mul(u, 180 / Math.PI), "Rad2DegBackward0");
};

/** float_power(input, exponent): pow in float64. */
export function float_power(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  checkOperand("float_power", a, "input");
  checkOperand("float_power", b, "exponent");
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TorchTypeError("float_power(): expected at least one Tensor argument");
  // complex128 when either operand is complex (a tensor or a Python complex), float64 otherwise
  const cx = [a, b].some((v: unknown) => (v instanceof Tensor ? v.dtype.is_complex : typeof v === "object" && v !== null && "im" in v));
  const to = cx ? complex128 : float64;
  return surface("pow", () => pow(a instanceof Tensor ? convert(a, to) : a, b instanceof Tensor ? convert(b, to) : b));
}

/** sgn: sign for real tensors, z / |z| (0 at 0) for complex ones (the sign primitive's complex form). */
export const sgn = (x: Tensor): Tensor => surface("sgn", () => (x.dtype.is_complex ? unaryPrim("sign", x) : sign(x)));

/** logit(input, eps=None) = log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is given. */
export function logit(x: Tensor, ...args: unknown[]): Tensor {
  const { eps } = parseArgs("logit", args, ["eps"], { eps: null });
  refuseComplex("logit", [x]);
  return floatUnary("logit", x, (u) => {
    let z = u;
    if (eps !== null && eps !== undefined) {
      const lo = eps,
        hi = 1 - eps;
      z = where(lt(z, lo), lo, where(gt(z, hi), hi, z));
    }
    return log(div(z, sub(1, z)));
  });
}

// W. J. Cody's CALERF (erfc_coefficients.ts): relative accuracy ~1e-16 over the whole range.

function rational(t: Tensor, num: number[], den: number[], nTerms: number, lastNum: number, lastDen: number, leadNum: number): Tensor {
  let xn = mul(t, leadNum),
    xd = t;
  for (let i = 0; i < nTerms; i++) {
    xn = mul(add(xn, num[i]!), t);
    xd = mul(add(xd, den[i]!), t);
  }
  return div(add(xn, lastNum), add(xd, lastDen));
}

function erfcValue(x: Tensor): Tensor {
  const y = abs(x);
  // |x| <= 0.46875: 1 - x R(x^2)
  const ysq = mul(y, y);
  const small = sub(1, mul(x, rational(ysq, CA, CB, 3, CA[3]!, CB[3]!, CA[4]!)));
  // exp(-y^2) computed as exp(-ys^2) exp(-(y - ys)(y + ys)) with ys = trunc(16 y) / 16
  const ys = div(floor(mul(y, 16)), 16);
  const expm = mul(exp(neg(mul(ys, ys))), exp(neg(mul(sub(y, ys), add(y, ys)))));
  const mid = mul(expm, rational(y, CC, CD, 7, CC[7]!, CD[7]!, CC[8]!));
  const inv = div(1, mul(y, y));
  const tail = div(sub(SQRPI, mul(inv, rational(inv, CP, CQ, 4, CP[4]!, CQ[4]!, CP[5]!))), y);
  let big = where(isinf(y), 0, mul(expm, tail));
  big = where(le(y, 4), mid, big);
  const pos = where(lt(x, 0), sub(2, big), big);
  return where(le(y, 0.46875), small, pos);
}

/**
 * erfc(x) = 1 - erf(x), accurate in the tails (Cody's approximations); the
 * gradient is exactly -2/sqrt(pi) exp(-x^2), the one of -erf.
 */
export const erfc = (x: Tensor): Tensor =>
  refuseComplex("erfc", [x], "erfc_vml_cpu") ??
  floatUnary("erfc", x, (u) => {
    const v = erfcValue(u.detach());
    if (!u.requires_grad) return v;
    const e = erf(u);
    return sub(v, sub(e, e.detach()));
  });

/** addcmul(input, tensor1, tensor2, *, value=1) = input + value * tensor1 * tensor2 (PyTorch's evaluation order). */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: unknown[]): Tensor {
  const { value } = parseArgs("addcmul", args, ["value"], { value: 1 });
  checkTensor("addcmul", "input", input);
  checkTensor("addcmul", "tensor1", tensor1);
  checkTensor("addcmul", "tensor2", tensor2);
  const dt = result_type(operand(input), operand(tensor1), operand(tensor2));
  const [v] = castScalars("addcmul", dt, { value });
  broadcastShapes("addcmul", input.shape, tensor1.shape, tensor2.shape);
  return surface("addcmul", () => opmath(dt, [input, tensor1, tensor2], (x, a, b) => add(x!, mul(v === 1 ? a! : mul(a!, v!), b!))));
}

/** addcdiv(input, tensor1, tensor2, *, value=1) = input + value * tensor1 / tensor2. */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: unknown[]): Tensor {
  const { value } = parseArgs("addcdiv", args, ["value"], { value: 1 });
  checkTensor("addcdiv", "input", input);
  checkTensor("addcdiv", "tensor1", tensor1);
  checkTensor("addcdiv", "tensor2", tensor2);
  if (!tensor1.dtype.is_floating_point && !tensor1.dtype.is_complex && !tensor2.dtype.is_floating_point && !tensor2.dtype.is_complex) {
    throw new TorchError(
      "addcdiv: Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.",
    );
  }
  const dt = result_type(operand(input), operand(tensor1), operand(tensor2));
  const [v] = castScalars("addcdiv", dt, { value });
  broadcastShapes("addcdiv", input.shape, tensor1.shape, tensor2.shape);
  return surface("addcdiv", () => opmath(dt, [input, tensor1, tensor2], (x, a, b) => add(x!, div(v === 1 ? a! : mul(a!, v!), b!))));
}
