// Integer arithmetic: gcd and lcm composed from the elementwise ops (Euclid's
// algorithm unrolled to the most steps the dtype can need), and the bit shifts,
// one shift primitive each (prims_bits.ts) with PyTorch's treatment of shift
// amounts outside [0, bits).
import { surface } from "../autograd.js";
import { result_type, type DType } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkOperand, type TensorOrScalar } from "./args.js";
import { operand } from "./base.js";
import { bind1 } from "../dispatch.js";
import { P } from "../prims.js";
import { abs, bitwise_and, div, eq, fmod, mul, ne, prepare, prepareScalars, where } from "./elementwise.js";

/** The integral result dtype of a binary integer op, else PyTorch's "<kernel>_cpu" not implemented error. */
function intResult(op: string, kernel: string, a: TensorOrScalar, b: TensorOrScalar): DType {
  checkOperand(op, a, "input");
  checkOperand(op, b, "other");
  const dt = result_type(operand(a), operand(b));
  if (dt.is_floating_point || dt.name === "bool") throw new TorchError(`"${kernel}_cpu" not implemented for '${dt.scalarName}'`);
  return dt;
}

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

/**
 * bitwise_left_shift(input, other): one shift_left primitive. PyTorch 1.13
 * shifts with C's `<<` on x86, which masks the amount: by 63 for int64 and 31
 * for the narrower types (promoted to int; an amount >= the width then leaves
 * no bits in a narrow type, as shift_left gives). -1 shifts by 31 or 63;
 * int32 << 32 is the input itself.
 */
export function bitwise_left_shift(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  const dt = intResult("bitwise_left_shift", "lshift", input, other);
  return surface("bitwise_left_shift", () => {
    const [a, b] = prepareScalars("bitwise_left_shift", input, other, dt);
    return bind1(P.shift_left, [a!, bitwise_and(b!, dt.name === "int64" ? 63 : 31)]);
  });
}

/**
 * bitwise_right_shift(input, other): one shift_right_arithmetic primitive
 * (logical for uint8), the amount masked as for left shifts (C's `>>` on x86 in
 * PyTorch 1.13): int32 >> 32 is the input itself, >> -1 shifts by 31.
 */
export function bitwise_right_shift(input: TensorOrScalar, other: TensorOrScalar): Tensor {
  const dt = intResult("bitwise_right_shift", "rshift", input, other);
  return surface("bitwise_right_shift", () => {
    const [a, b] = prepareScalars("bitwise_right_shift", input, other, dt);
    const s = bitwise_and(b!, dt.name === "int64" ? 63 : 31);
    return bind1(dt.is_signed ? P.shift_right_arithmetic : P.shift_right_logical, [a!, s]);
  });
}
