// Elementwise ops that map onto primitives, with PyTorch's promotion and
// broadcasting: arithmetic, pow, comparison, logic, bitwise, unary math,
// rounding, isnan/isinf, where, clamp, lerp.
import { enterSurface, exitSurface, surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { bool, complex128, float64, get_default_complex_dtype, get_default_dtype, int64, result_type, type DType } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P, type CompareDirection, type PrimName } from "../prims.js";
import { broadcastShapes, sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkOperand, describe, isComplexScalar, parseArgs, type Scalar, type TensorOrScalar } from "./args.js";
import { commonDevice, convert, cpuScalarTo, expandTo, operand, scalarOperand, scalarTensor } from "./base.js";

/**
 * Bring operands to one dtype and one broadcast shape, as tensors on one device
 * (the first non-cpu tensor's, `like` counting as an operand; 0-dim cpu tensors
 * move there as scalar operands, as PyTorch's TensorIterator allows).
 */
export function prepare(op: string, xs: readonly TensorOrScalar[], dtype: DType, like?: Tensor): Tensor[] {
  if (xs.length === 2 && !like) {
    // the common cases: two tensors of one shape on one device, a tensor and a scalar
    const a = xs[0]!,
      b = xs[1]!;
    if (a instanceof Tensor) {
      if (!(b instanceof Tensor)) return [convert(a, dtype), expandTo(scalarTensor(b, dtype, a.device), a.shape)];
      if (sameShape(a.shape, b.shape) && (a.device === b.device || a.device.equals(b.device)))
        return [convert(a, dtype), convert(b, dtype)];
    } else if (b instanceof Tensor) {
      return [expandTo(scalarTensor(a, dtype, b.device), b.shape), convert(b, dtype)];
    }
  }
  return prepareGeneral(op, xs, dtype, like);
}
/**
 * prepare() for the operands of one primitive with scalarOperands: a Python
 * scalar stays a 0-d tensor (no broadcast node), the primitive reads it at
 * every position.
 */
export function prepareScalars(op: string, a: TensorOrScalar, b: TensorOrScalar, dtype: DType): Tensor[] {
  if (a instanceof Tensor) {
    if (!(b instanceof Tensor)) return [convert(a, dtype), scalarOperand(b, dtype, a.device)];
  } else if (b instanceof Tensor) {
    return [scalarOperand(a, dtype, b.device), convert(b, dtype)];
  }
  return prepare(op, [a, b], dtype);
}
function prepareGeneral(op: string, xs: readonly TensorOrScalar[], dtype: DType, like?: Tensor): Tensor[] {
  const device = commonDevice(like ? [like, ...xs] : xs);
  if (!device) throw new TorchTypeError(`${op}: expected at least one Tensor argument`);
  const shape = broadcastShapes(op, ...xs.map((x) => (x instanceof Tensor ? x.shape : [])));
  return xs.map((x) => expandTo(x instanceof Tensor ? convert(cpuScalarTo(x, device), dtype) : scalarTensor(x, dtype, device), shape));
}

export function binaryPrim(prim: PrimName, a: Tensor, b: Tensor): Tensor {
  return bind1(P[prim], [a, b]);
}
export function unaryPrim(prim: PrimName, a: Tensor): Tensor {
  return bind1(P[prim], [a]);
}

/** result_type of two operands, with the common tensor-tensor and tensor-scalar cases answered directly. */
function resultType2(a: TensorOrScalar, b: TensorOrScalar): DType {
  if (a instanceof Tensor) {
    if (b instanceof Tensor) {
      if (a.dtype === b.dtype) return a.dtype;
    } else return scalarResult(a.dtype, b);
  } else if (b instanceof Tensor) {
    return scalarResult(b.dtype, a);
  }
  return result_type(operand(a), operand(b));
}
/** result_type(tensor of dtype d, scalar s): a scalar only lifts the category (bool < int < float). */
function scalarResult(d: DType, s: Scalar): DType {
  if (typeof s === "boolean") return d;
  if (typeof s === "bigint" || Number.isInteger(s)) return d === bool ? int64 : d;
  return d.is_floating_point || d.is_complex ? d : get_default_dtype();
}

/**
 * A Python complex operand ({re, im}) of a binary op, as PyTorch's complex Scalar: a 0-d tensor of the complex
 * dtype the other operand promotes to (complex128 beside float64 or complex128, else the default complex dtype).
 */
function complexScalarOperands(a: unknown, b: unknown): [TensorOrScalar, TensorOrScalar] {
  return [liftComplex(a, b), liftComplex(b, a)] as [TensorOrScalar, TensorOrScalar];
}
// module-level, not a closure inside complexScalarOperands: every binary op passes here, and a closure
// per call (plus the name esbuild's keepNames gives it under tsx) cost ~0.5 us of an 8x8 add's ~3.5
function liftComplex(s: unknown, other: unknown): unknown {
  if (!isComplexScalar(s) || !(other instanceof Tensor)) return s;
  const d = other.dtype;
  const dt = d.is_complex ? d : d === float64 ? complex128 : get_default_complex_dtype();
  return scalarTensor(s, dt, other.device);
}

function binary(op: string, prim: PrimName, a0: TensorOrScalar, b0: TensorOrScalar, floatOnly = false): Tensor {
  let a = a0,
    b = b0;
  // two tensors (the common case) have no Python complex scalar to lift
  if (!(a0 instanceof Tensor && b0 instanceof Tensor)) [a, b] = complexScalarOperands(a0, b0);
  checkOperand(op, a, "input");
  checkOperand(op, b, "other");
  enterSurface(op);
  try {
    let dt = resultType2(a, b);
    if (floatOnly && !dt.is_floating_point && !dt.is_complex) dt = get_default_dtype();
    const xy = prepareScalars(op, a, b, dt);
    return bind1(P[prim], xy);
  } finally {
    exitSurface();
  }
}

/** Unary float functions promote integer inputs to the default float dtype. */
function unaryFloat(op: string, prim: PrimName, x: Tensor): Tensor {
  checkOperand(op, x, "input");
  enterSurface(op);
  try {
    return unaryPrim(prim, x.dtype.is_floating_point || x.dtype.is_complex ? x : convert(x, get_default_dtype()));
  } finally {
    exitSurface();
  }
}
function unarySame(op: string, prim: PrimName, x: Tensor): Tensor {
  checkOperand(op, x, "input");
  if (x.dtype === bool && prim !== "not") throw new TorchError(`${op}: not implemented for 'Bool'`);
  enterSurface(op);
  try {
    return unaryPrim(prim, x);
  } finally {
    exitSurface();
  }
}

export const add = (a: TensorOrScalar, b: TensorOrScalar, ...args: unknown[]): Tensor => {
  if (args.length === 0) return binary("add", "add", a, b);
  const { alpha } = parseArgs("add", args, ["alpha"], { alpha: 1 });
  enterSurface("add");
  try {
    return binary("add", "add", a, alpha === 1 ? b : scaled(b, alpha), false);
  } finally {
    exitSurface();
  }
};
const NO_ALPHA = { alpha: 1 };
export const sub = (a: TensorOrScalar, b: TensorOrScalar, ...args: unknown[]): Tensor => {
  // no alpha (the common call): no parse, no closure; binary() enters the same "sub" surface
  const { alpha } = args.length === 0 ? NO_ALPHA : parseArgs("sub", args, ["alpha"], { alpha: 1 });
  if ((a instanceof Tensor && a.dtype === bool) || (b instanceof Tensor && b.dtype === bool)) {
    throw new TorchError(
      "sub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.",
    );
  }
  if (alpha === 1) return binary("sub", "subtract", a, b);
  return surface("sub", () => binary("sub", "subtract", a, scaled(b, alpha)));
};
/** b * alpha for add/sub's alpha; either may be a Python complex ({re, im}), as PyTorch's Scalar. */
function scaled(b: TensorOrScalar, alpha: number): TensorOrScalar {
  if (b instanceof Tensor) return mul(b, alpha);
  const c = (v: unknown): [number, number] => (isComplexScalar(v) ? [v.re, v.im] : [Number(v), 0]);
  if (!isComplexScalar(b) && !isComplexScalar(alpha)) return Number(b) * alpha;
  const [p, q] = c(b),
    [r, t] = c(alpha);
  return { re: p * r - q * t, im: p * t + q * r } as unknown as TensorOrScalar;
}
export const mul = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary("mul", "multiply", a, b);
export const maximum = (a: Tensor, b: Tensor): Tensor => binary("maximum", "maximum", a, b);
export const minimum = (a: Tensor, b: Tensor): Tensor => binary("minimum", "minimum", a, b);
export const atan2 = (a: Tensor, b: Tensor): Tensor => binary("atan2", "atan2", a, b, true);
export const fmod = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary("fmod", "remainder", a, b);

export function div(a0: TensorOrScalar, b0: TensorOrScalar, ...args: unknown[]): Tensor {
  const [a, b] = complexScalarOperands(a0, b0);
  const rounding_mode = args.length === 0 ? null : parseArgs("div", args, ["rounding_mode"], { rounding_mode: null }).rounding_mode;
  checkOperand("div", a, "input");
  checkOperand("div", b, "other");
  if (rounding_mode === null) return binary("div", "divide", a, b, true);
  if (rounding_mode !== "trunc" && rounding_mode !== "floor") {
    throw new TorchError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${rounding_mode}'`);
  }
  const cdt = result_type(operand(a), operand(b));
  if (cdt.is_complex) throw new TorchError(`div: "div_${rounding_mode}_cpu" not implemented for '${cdt.scalarName}'`);
  return surface("div", () => {
    const dt = cdt;
    const [x, y] = prepare("div", [a, b], dt);
    const q = binaryPrim("divide", x!, y!);
    if (dt.is_floating_point) return rounding_mode === "trunc" ? truncF(q) : floorDivFloat(x!, y!, q);
    if (rounding_mode === "trunc") return q;
    // floor division on integers: step down where the remainder's sign differs from the divisor's
    const r = binaryPrim("remainder", x!, y!);
    const zero = expandTo(scalarTensor(0, dt, x!.device), x!.shape);
    const adjust = and_(cmp(r, zero, "NE"), xorPrim(cmp(r, zero, "LT"), cmp(y!, zero, "LT")));
    return bind1(P.select!, [adjust, binaryPrim("subtract", q, expandTo(scalarTensor(1, dt, x!.device), q.shape)), q]);
  });
}
/**
 * Floor division as PyTorch computes it (div_floor_floating): from fmod, so that
 * 1 // 0.1 is 9 like Python, not floor(1 / 0.1) = 10.
 */
function floorDivFloat(a: Tensor, b: Tensor, q: Tensor): Tensor {
  const zero = expandTo(scalarTensor(0, a.dtype, a.device), a.shape);
  const one = expandTo(scalarTensor(1, a.dtype, a.device), a.shape);
  const mod = binaryPrim("remainder", a, b);
  let d = binaryPrim("divide", binaryPrim("subtract", a, mod), b);
  const fix = and_(cmp(mod, zero, "NE"), xorPrim(cmp(b, zero, "LT"), cmp(mod, zero, "LT")));
  d = bind1(P.select!, [fix, binaryPrim("subtract", d, one), d]);
  let fl = unaryPrim("floor", d);
  const half = expandTo(scalarTensor(0.5, a.dtype, a.device), a.shape);
  fl = bind1(P.select!, [cmp(binaryPrim("subtract", d, fl), half, "GT"), binaryPrim("add", fl, one), fl]);
  // exact zero quotients keep the sign of a / b; division by zero gives a / b
  fl = bind1(P.select!, [cmp(d, zero, "EQ"), binaryPrim("multiply", zero, q), fl]);
  return bind1(P.select!, [cmp(b, zero, "EQ"), q, fl]);
}

// trunc for floats: StableHLO has no trunc op, so compose it from floor and ceil.
function truncF(q: Tensor): Tensor {
  const zero = expandTo(scalarTensor(0, q.dtype, q.device), q.shape);
  return bind1(P.select!, [cmp(q, zero, "LT"), unaryPrim("ceil", q), unaryPrim("floor", q)]);
}
export const true_divide = (a: TensorOrScalar, b: TensorOrScalar) => div(a, b);
export const floor_divide = (a: TensorOrScalar, b: TensorOrScalar) => div(a, b, { rounding_mode: "floor" });

/** Python-style modulus: the result takes the divisor's sign. */
export function remainder(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  checkOperand("remainder", a, "input");
  checkOperand("remainder", b, "other");
  return surface("remainder", () => {
    const dt = result_type(operand(a), operand(b));
    const [x, y] = prepare("remainder", [a, b], dt);
    const r = binaryPrim("remainder", x!, y!);
    const zero = expandTo(scalarTensor(0, dt, x!.device), x!.shape);
    const fix = and_(cmp(r, zero, "NE"), xorPrim(cmp(r, zero, "LT"), cmp(y!, zero, "LT")));
    return bind1(P.select!, [fix, binaryPrim("add", r, y!), r]);
  });
}

export function pow(a0: TensorOrScalar, b0: TensorOrScalar): Tensor {
  const [a, b] = complexScalarOperands(a0, b0);
  checkOperand("pow", a, "input");
  checkOperand("pow", b, "exponent");
  if (a instanceof Tensor && !a.dtype.is_floating_point && !a.dtype.is_complex && typeof b === "number" && Number.isInteger(b) && b < 0) {
    throw new TorchError("pow: Integers to negative integer powers are not allowed.");
  }
  if (b instanceof Tensor) {
    const dt = resultType2(a, b);
    if (dt === bool) throw new TorchError(`pow: "pow" not implemented for 'Bool'`);
    if (!dt.is_floating_point && !dt.is_complex) return surface("pow", () => intPow(a, b, dt));
  }
  return binary("pow", "power", a, b);
}

/**
 * Integer pow with a tensor exponent, as PyTorch: a negative exponent gives
 * 1 for base 1, +-1 for base -1 (by the exponent's parity) and 0 for every
 * other base, 0 included. The power primitive only sees exponents >= 0.
 */
function intPow(a: TensorOrScalar, b: Tensor, dt: DType): Tensor {
  const [x, e] = prepare("pow", [a, b], dt);
  const zero = expandTo(scalarTensor(0, dt, x!.device), x!.shape);
  const one = expandTo(scalarTensor(1, dt, x!.device), x!.shape);
  const minusOne = expandTo(scalarTensor(-1, dt, x!.device), x!.shape);
  const negative = cmp(e!, zero, "LT");
  const p = binaryPrim("power", x!, bind1(P.select!, [negative, zero, e!]));
  const odd = cmp(binaryPrim("remainder", e!, expandTo(scalarTensor(2, dt, x!.device), x!.shape)), zero, "NE");
  const minusOnePow = bind1(P.select!, [odd, minusOne, one]);
  const negPow = bind1(P.select!, [cmp(x!, one, "EQ"), one, bind1(P.select!, [cmp(x!, minusOne, "EQ"), minusOnePow, zero])]);
  return bind1(P.select!, [negative, negPow, p]);
}

const cmp = (a: Tensor, b: Tensor, direction: CompareDirection): Tensor => bind1(P.compare!, [a, b], { direction });
const and_ = (a: Tensor, b: Tensor) => binaryPrim("and", a, b);
const xorPrim = (a: Tensor, b: Tensor) => binaryPrim("xor", a, b);

function compare(op: string, direction: CompareDirection, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  checkOperand(op, a, "input");
  checkOperand(op, b, "other");
  enterSurface(op);
  try {
    const xy = prepareScalars(op, a, b, resultType2(a, b));
    if (xy[0]!.dtype.is_complex) return complexCompare(op, direction, xy[0]!, xy[1]!);
    return cmp(xy[0]!, xy[1]!, direction);
  } finally {
    exitSurface();
  }
}
/**
 * eq/ne of complex operands: both parts equal / either part different (so NaN parts compare
 * unequal, as PyTorch's); complex numbers have no order, so lt/le/gt/ge refuse them as PyTorch does.
 */
function complexCompare(op: string, direction: CompareDirection, x: Tensor, y: Tensor): Tensor {
  if (direction !== "EQ" && direction !== "NE") throw new TorchError(`"${op}_cpu" not implemented for '${x.dtype.scalarName}'`);
  const re = cmp(bind1(P.real, [x]), bind1(P.real, [y]), direction);
  const im = cmp(bind1(P.imag, [x]), bind1(P.imag, [y]), direction);
  return direction === "EQ" ? and_(re, im) : binaryPrim("or", re, im);
}
export const eq = (a: TensorOrScalar, b: TensorOrScalar) => compare("eq", "EQ", a, b);
export const ne = (a: TensorOrScalar, b: TensorOrScalar) => compare("ne", "NE", a, b);
export const lt = (a: TensorOrScalar, b: TensorOrScalar) => compare("lt", "LT", a, b);
export const le = (a: TensorOrScalar, b: TensorOrScalar) => compare("le", "LE", a, b);
export const gt = (a: TensorOrScalar, b: TensorOrScalar) => compare("gt", "GT", a, b);
export const ge = (a: TensorOrScalar, b: TensorOrScalar) => compare("ge", "GE", a, b);
export const greater = gt,
  less = lt,
  greater_equal = ge,
  less_equal = le,
  not_equal = ne;

const asBool = (x: TensorOrScalar): TensorOrScalar => (x instanceof Tensor ? (x.dtype === bool ? x : ne(x, 0)) : !!x);
function logical(op: string, prim: PrimName, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  checkOperand(op, a, "input");
  checkOperand(op, b, "other");
  return surface(op, () => {
    const [x, y] = prepare(op, [asBool(a), asBool(b)], bool);
    return binaryPrim(prim, x!, y!);
  });
}
export const logical_and = (a: TensorOrScalar, b: TensorOrScalar) => logical("logical_and", "and", a, b);
export const logical_or = (a: TensorOrScalar, b: TensorOrScalar) => logical("logical_or", "or", a, b);
export const logical_xor = (a: TensorOrScalar, b: TensorOrScalar) => logical("logical_xor", "xor", a, b);
export const logical_not = (a: Tensor) => surface("logical_not", () => unaryPrim("not", asBool(a) as Tensor));
export function bitwise_not(a: Tensor): Tensor {
  if (a.dtype.is_floating_point) throw new TorchTypeError(`bitwise_not: not implemented for '${a.dtype.scalarName}'`);
  return unaryPrim("not", a);
}
function bitwise(op: string, prim: PrimName, a: Tensor, b: TensorOrScalar): Tensor {
  const dt = result_type(operand(a), operand(b));
  if (dt.is_floating_point) throw new TorchError(`${op}: "${op}_cpu" not implemented for '${dt.scalarName}'`);
  return binary(op, prim, a, b);
}
export const bitwise_and = (a: Tensor, b: TensorOrScalar) => bitwise("bitwise_and", "and", a, b);
export const bitwise_or = (a: Tensor, b: TensorOrScalar) => bitwise("bitwise_or", "or", a, b);
export const bitwise_xor = (a: Tensor, b: TensorOrScalar) => bitwise("bitwise_xor", "xor", a, b);

export const neg = (x: Tensor) => unarySame("neg", "neg", x);
export const negative = neg;
export const abs = (x: Tensor) => (x.dtype === bool ? x : unarySame("abs", "abs", x));
export const absolute = abs;
export const sign = (x: Tensor) => {
  if (x instanceof Tensor && x.dtype.is_complex)
    throw new TorchError("sign: Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn instead.");
  return x.dtype === bool ? x : unarySame("sign", "sign", x);
};
export const exp = (x: Tensor) => unaryFloat("exp", "exp", x);
export const log = (x: Tensor) => unaryFloat("log", "log", x);
export const log1p = (x: Tensor) => unaryFloat("log1p", "log1p", x);
export const expm1 = (x: Tensor) => unaryFloat("expm1", "expm1", x);
export const sqrt = (x: Tensor) => unaryFloat("sqrt", "sqrt", x);
export const rsqrt = (x: Tensor) => unaryFloat("rsqrt", "rsqrt", x);
export const sin = (x: Tensor) => unaryFloat("sin", "sin", x);
export const cos = (x: Tensor) => unaryFloat("cos", "cos", x);
export const tan = (x: Tensor) => unaryFloat("tan", "tan", x);
export const tanh = (x: Tensor) => unaryFloat("tanh", "tanh", x);
export const asin = (x: Tensor) => unaryFloat("asin", "asin", x);
export const acos = (x: Tensor) => unaryFloat("acos", "acos", x);
export const atan = (x: Tensor) => unaryFloat("atan", "atan", x);
export const sinh = (x: Tensor) => unaryFloat("sinh", "sinh", x);
export const cosh = (x: Tensor) => unaryFloat("cosh", "cosh", x);
export const asinh = (x: Tensor) => unaryFloat("asinh", "asinh", x);
export const acosh = (x: Tensor) => unaryFloat("acosh", "acosh", x);
export const atanh = (x: Tensor) => unaryFloat("atanh", "atanh", x);
export const sigmoid = (x: Tensor) => unaryFloat("sigmoid", "logistic", x);
export const erf = (x: Tensor) => unaryFloat("erf", "erf", x);
export const erfinv = (x: Tensor) => unaryFloat("erfinv", "erfinv", x);
export const log2 = (x: Tensor) => surface("log2", () => mul(log(x), 1 / Math.LN2));
export const log10 = (x: Tensor) => surface("log10", () => mul(log(x), 1 / Math.LN10));
export const exp2 = (x: Tensor) =>
  surface("exp2", () => pow(2, x.dtype.is_floating_point || x.dtype.is_complex ? x : convert(x, get_default_dtype())));
/** square(x) is pow(x, 2): a bool input gives int64, as PyTorch's pow promotes bool with an int exponent. */
export const square = (x: Tensor) =>
  surface("pow", () => {
    const y = x.dtype === bool ? convert(x, int64) : x;
    return mul(y, y);
  });
/** Rounding has no complex meaning: PyTorch refuses complex tensors (a copy would be a silent wrong value). */
function noComplexRounding(op: string, x: Tensor): void {
  if (x instanceof Tensor && x.dtype.is_complex) throw new TorchError(`${op} is not supported for complex inputs`);
}
export const floor = (x: Tensor) => {
  noComplexRounding("floor", x);
  return x.dtype.is_floating_point ? unarySame("floor", "floor", x) : x.clone();
};
export const ceil = (x: Tensor) => {
  noComplexRounding("ceil", x);
  return x.dtype.is_floating_point ? unarySame("ceil", "ceil", x) : x.clone();
};
export const trunc = (x: Tensor) => {
  noComplexRounding("trunc", x);
  return x.dtype.is_floating_point ? surface("trunc", () => truncF(x)) : x.clone();
};
export const fix = trunc;
export const frac = (x: Tensor) => {
  if (x.dtype.is_complex) throw new TorchError(`frac: "frac_cpu" not implemented for '${x.dtype.scalarName}'`);
  return surface("frac", () => sub(x, trunc(x)));
};
export const reciprocal = (x: Tensor) => surface("reciprocal", () => div(1, x));

export function round(x: Tensor, ...args: unknown[]): Tensor {
  const { decimals } = parseArgs("round", args, ["decimals"], { decimals: 0 });
  if (x instanceof Tensor && x.dtype.is_complex) throw new TorchError(`round: "round_vml_cpu" not implemented for '${x.dtype.scalarName}'`);
  if (!x.dtype.is_floating_point) return x.clone();
  return surface("round", () => {
    if (decimals === 0) return unaryPrim("round_nearest_even", x);
    const s = 10 ** decimals;
    return div(unaryPrim("round_nearest_even", mul(x, s)), s);
  });
}

export function relu(x: Tensor): Tensor {
  if (x.dtype === bool) throw new TorchError("relu: not implemented for 'Bool'");
  enterSurface("relu");
  try {
    // x <= 0 picks zero, so NaN passes through as in PyTorch (and so does its gradient, as threshold_backward's)
    const z = scalarOperand(0, x.dtype, x.device);
    return bind1(P.select!, [cmp(x, z, "LE"), z, x]);
  } finally {
    exitSurface();
  }
}

export function isnan(x: Tensor): Tensor {
  return surface("isnan", () => (x.dtype.is_floating_point ? cmp(x, x, "NE") : expandBool(x, false)));
}
export function isfinite(x: Tensor): Tensor {
  return surface("isfinite", () => (x.dtype.is_floating_point ? unaryPrim("is_finite", x) : expandBool(x, true)));
}
export function isinf(x: Tensor): Tensor {
  return surface("isinf", () => (x.dtype.is_floating_point ? eq(abs(x), Infinity) : expandBool(x, false)));
}
const expandBool = (x: Tensor, v: boolean) => bind1(P.copy!, [expandTo(scalarTensor(v, bool, x.device), x.shape)]);

/** Whether two tensors are on one device (device() interns its results, but a Device made with `new` is another object). */
const sameDevice = (x: Tensor, y: Tensor): boolean => x.device === y.device || x.device.equals(y.device);

/** where(condition, input, other): promotes input/other, broadcasts all three. where(condition) is nonzero(condition, as_tuple=True). */
export function where(cond: Tensor): Tensor[];
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor;
export function where(cond: Tensor, a?: TensorOrScalar, b?: TensorOrScalar): Tensor | Tensor[] {
  // nonzero's declared (generated) overloads do not tell as_tuple=True's Tensor[] apart
  if (a === undefined && b === undefined && cond instanceof Tensor) return cond.nonzero({ as_tuple: true }) as unknown as Tensor[];
  if (!(cond instanceof Tensor)) throw new TorchTypeError(`where(): argument 'condition' must be Tensor, not ${describe(cond)}`);
  if (cond.dtype !== bool)
    throw new TorchError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${cond.dtype.scalarName}`);
  checkOperand("where", a, "input");
  checkOperand("where", b, "other");
  // the common case: operands of the condition's shape, or scalars (at most one: norm's where(z, 0, root)), on its
  // device (what the general path below does then, without a fresh 0-d tensor and a broadcast per scalar)
  const at = a instanceof Tensor,
    bt = b instanceof Tensor;
  if (
    (at || bt) &&
    (!at || (sameShape(cond.shape, a.shape) && sameDevice(cond, a))) &&
    (!bt || (sameShape(cond.shape, b.shape) && sameDevice(cond, b)))
  ) {
    enterSurface("where");
    try {
      const dt = resultType2(a!, b!);
      const x = at ? convert(a, dt) : scalarOperand(a!, dt, cond.device);
      const y = bt ? convert(b, dt) : scalarOperand(b!, dt, cond.device);
      return bind1(P.select!, [cond, x, y]);
    } finally {
      exitSurface();
    }
  }
  return surface("where", () => {
    const dt = result_type(operand(a!), operand(b!));
    const shape = broadcastShapes("where", cond.shape, a instanceof Tensor ? a.shape : [], b instanceof Tensor ? b.shape : []);
    // PyTorch's where moves every 0-dim cpu operand, the condition included, to the others' device
    const c = cpuScalarTo(cond, commonDevice([cond, a, b])!);
    const [x, y] = prepare("where", [a!, b!], dt, c).map((t) => expandTo(t, shape));
    return bind1(P.select!, [expandTo(c, shape), x!, y!]);
  });
}

/**
 * clamp(min, max) with scalar or tensor bounds: one clamp primitive
 * (stablehlo.clamp: min(max(x, min), max), a NaN input or tensor bound giving
 * NaN; min > max gives max). A missing bound of a float clamp is the infinity
 * on its side, so clamp_min/clamp_max are one clamp too and take PyTorch's
 * gradients (ties at a bound go to the input; maximum's VJP would split them);
 * integer dtypes with one bound use maximum/minimum (no gradients to keep).
 * A NaN Python-scalar bound propagates when both bounds are given and is
 * ignored when it is torch.clamp's only one (as PyTorch 1.13's kernels do).
 */
export function clamp(x: Tensor, ...args: unknown[]): Tensor {
  const { min, max } = parseArgs("clamp", args, ["min", "max"], { min: null, max: null });
  if (min === null && max === null) throw new TorchError("clamp: At least one of 'min' or 'max' must not be None");
  return clampBounds(x, min, max, true);
}

function clampBounds(x: Tensor, min: unknown, max: unknown, loneNanIgnored: boolean): Tensor {
  checkOperand("clamp", x, "input");
  if (x.dtype.is_complex) throw new TorchError("clamp is not supported for complex types");
  return surface(min !== null && max !== null ? "ClampBackward1" : min !== null ? "clamp_min" : "clamp_max", () => {
    let dt = x.dtype;
    for (const b of [min, max])
      if (b !== null) dt = result_type({ dtype: dt, ndim: x.ndim }, b instanceof Tensor ? operand(b) : (b as Scalar));
    const lo = min as TensorOrScalar | null,
      hi = max as TensorOrScalar | null;
    if (!dt.is_floating_point && (lo === null || hi === null)) {
      const [a, b] = prepareScalars("clamp", x, (lo ?? hi)!, dt);
      return binaryPrim(lo !== null ? "maximum" : "minimum", a!, b!);
    }
    const tensors = [x, lo, hi].filter((t): t is Tensor => t instanceof Tensor);
    const device = commonDevice(tensors)!;
    const shape = broadcastShapes("clamp", ...tensors.map((t) => t.shape));
    const bound = (b: TensorOrScalar | null, missing: number): Tensor => {
      if (b instanceof Tensor) {
        const t = convert(cpuScalarTo(b, device), dt);
        return t.ndim === 0 ? t : expandTo(t, shape);
      }
      const alone = loneNanIgnored && (lo === null || hi === null);
      return scalarOperand(b === null || (alone && typeof b === "number" && Number.isNaN(b)) ? missing : (b as Scalar), dt, device);
    };
    return bind1(P.clamp, [bound(lo, -Infinity), expandTo(convert(cpuScalarTo(x, device), dt), shape), bound(hi, Infinity)]);
  });
}
export const clip = clamp;
// (torch.clamp_min/clamp_max propagate a NaN scalar bound where torch.clamp with one bound ignores it)
export const clamp_min = (x: Tensor, min: TensorOrScalar) => clampBounds(x, min, null, false);
export const clamp_max = (x: Tensor, max: TensorOrScalar) => clampBounds(x, null, max, false);

/** lerp as PyTorch computes it: from the nearer end, for accuracy near weight 1. */
export function lerp(start: Tensor, end: Tensor, weight: TensorOrScalar): Tensor {
  return surface("lerp", () => {
    const diff = sub(end, start);
    if (typeof weight === "number") return Math.abs(weight) < 0.5 ? add(start, mul(diff, weight)) : sub(end, mul(diff, 1 - weight));
    const w = weight as Tensor;
    return where(lt(abs(w), 0.5), add(start, mul(w, diff)), sub(end, mul(diff, sub(1, w))));
  });
}

export { convert };

// Small helpers for VJPs that build index tables ([n, n] masks) on x's device.
const iota2 = (n: number, d: number, like: Tensor) => bind1(P.iota!, [], { shape: [n, n], dim: d, dtype: int64 }, like.device);
/** [n, n] bool mask i == k. */
export const eqIota = (n: number, like: Tensor) => cmp(iota2(n, 0, like), iota2(n, 1, like), "EQ");
/** [n, n] bool mask k >= i (row i, column k). */
export const geIota = (n: number, like: Tensor) => cmp(iota2(n, 1, like), iota2(n, 0, like), "GE");
export const movedimLast = (x: Tensor, dim: number): Tensor => x.movedim(dim, -1);
export const movedimBack = (x: Tensor, dim: number): Tensor => x.movedim(-1, dim);
