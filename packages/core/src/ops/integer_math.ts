// Integer arithmetic composed from the elementwise ops: gcd, lcm and the bit
// shifts. None of them has a primitive: a shift is a product (or a floored
// quotient) by powers of two chosen per bit of the shift amount, and gcd is
// Euclid's algorithm unrolled to the most steps the dtype can need.
import { surface } from "../autograd.js";
import { int64, result_type, type DType } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkOperand, type TensorOrScalar } from "./args.js";
import { convert, operand } from "./base.js";
import { abs, bitwise_and, div, eq, fmod, lt, logical_or, mul, ne, prepare, where } from "./elementwise.js";

/** The integral result dtype of a binary integer op, else PyTorch's "<kernel>_cpu" not implemented error. */
function intResult(op: string, kernel: string, a: TensorOrScalar, b: TensorOrScalar): DType {
  checkOperand(op, a, "input");
  checkOperand(op, b, "other");
  const dt = result_type(operand(a), operand(b));
  if (dt.is_floating_point || dt.name === "bool") throw new TorchError(`"${kernel}_cpu" not implemented for '${dt.scalarName}'`);
  return dt;
}

const BITS: Record<string, number> = { int8: 8, uint8: 8, int16: 16, int32: 32, int64: 64 };
/**
 * Euclid's steps that suffice for any pair of the dtype: consecutive Fibonacci
 * numbers are the worst case, F(k) < 2^bits after about 1.44 * bits steps.
 */
const EUCLID_STEPS: Record<string, number> = { int8: 12, uint8: 14, int16: 25, int32: 47, int64: 93 };

function gcdImpl(x: Tensor, y: Tensor): Tensor {
  let a = x,
    b = y;
  for (let i = 0; i < EUCLID_STEPS[x.dtype.name]!; i++) {
    const nz = ne(b, 0);
    const r = where(nz, fmod(a, where(nz, b, 1)), 0);
    a = where(nz, b, a);
    b = r;
  }
  // unsigned values are their own magnitude (and StableHLO's abs refuses them)
  return x.dtype.name === "uint8" ? a : abs(a);
}

/** gcd(input, other): the greatest common divisor, elementwise (always >= 0; gcd(0, 0) = 0). */
export function gcd(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  const dt = intResult("gcd", "gcd", input, other);
  return surface("gcd", () => {
    const [a, b] = prepare("gcd", [input, other], dt);
    return gcdImpl(a!, b!);
  });
}

/** lcm(input, other) = |a / gcd(a, b) * b| (0 where gcd is 0), elementwise. */
export function lcm(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  const dt = intResult("lcm", "lcm", input, other);
  return surface("lcm", () => {
    const [a, b] = prepare("lcm", [input, other], dt);
    const g = gcdImpl(a!, b!);
    const z = eq(g, 0);
    const r = mul(div(a!, where(z, 1, g), { rounding_mode: "trunc" }), b!);
    return where(z, 0, dt.name === "uint8" ? r : abs(r));
  });
}

/** 2^(2^k) as a factor where bit k of `s` is set, 1 elsewhere. */
const bitFactor = (s: Tensor, k: number): Tensor => where(ne(bitwise_and(s, 2 ** k), 0), 2 ** (2 ** k), 1);

/**
 * bitwise_left_shift(input, other): input * 2^other with the dtype's wrap-around.
 * The product is taken in int64 and converted back (the conversion wraps as C's
 * does); shift amounts are masked as x86 shifts mask them (PyTorch 1.13 shifts
 * with C's `<<`: 63 for int64, 31 for the narrower types, promoted to int).
 */
export function bitwise_left_shift(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  const dt = intResult("bitwise_left_shift", "lshift", input, other);
  return surface("bitwise_left_shift", () => {
    const [a, b] = prepare("bitwise_left_shift", [input, other], dt);
    const s = bitwise_and(convert(b!, int64), dt.name === "int64" ? 63 : 31);
    let r = convert(a!, int64);
    for (let k = 0; k < 6; k++) r = mul(r, bitFactor(s, k));
    return convert(r, dt);
  });
}

/**
 * bitwise_right_shift(input, other): floor(input / 2^other) (an arithmetic
 * shift). PyTorch 1.13 shifts by bits - 1 where other is negative or at least
 * the dtype's width, so the result is then 0 or -1.
 */
export function bitwise_right_shift(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  const dt = intResult("bitwise_right_shift", "rshift", input, other);
  return surface("bitwise_right_shift", () => {
    const [a, b] = prepare("bitwise_right_shift", [input, other], dt);
    const w = BITS[dt.name]!;
    const b64 = convert(b!, int64);
    const s = where(logical_or(lt(b64, 0), lt(w - 1, b64)), w - 1, b64);
    let r = convert(a!, int64);
    for (let k = 0; k < 6; k++) r = div(r, bitFactor(s, k), { rounding_mode: "floor" });
    return convert(r, dt);
  });
}
