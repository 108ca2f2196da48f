// Complex elementwise math of the primitives beyond + - * / exp log sqrt:
// scalar functions (re, im) -> [re, im] in float64 (a complex64 result is
// rounded once when stored), PyTorch's values on its CPU:
// - the formulas are the StableHLO reference evaluator's (runtime/interpret/
//   scalar.ts, chlo_math.ts), which the CPU runtime behind the `xla` device runs;
// - asin, acos, asinh, acosh, atanh take C99's branch cuts as PyTorch's
//   std::complex functions do: the sign of a zero imaginary part picks the side
//   (f(conj z) = conj f(z)), where the CHLO decomposition's comparisons see -0 as 0;
// - atan is PyTorch's vectorized formula, i/2 log((i + z) / (i - z)) with a
//   plain complex division, so its poles at +-i are PyTorch's NaNs.
import { cacos, cacosh, casin, casinh, catanh, complexSinhCosh } from "../runtime/interpret/chlo_math.js";
import { type C, complexBinary, complexUnary } from "../runtime/interpret/scalar.js";

const viaHlo =
  (name: string) =>
  (a: number, b: number): C =>
    complexUnary(name, [a, b])!;

/** f with C99's conjugate symmetry: evaluated at (a, |b|), conjugated when b's sign bit is set (-0 included). */
const conjSymmetric =
  (f: (z: C) => C) =>
  (a: number, b: number): C => {
    const r = f([a, Math.abs(b)]);
    return b < 0 || Object.is(b, -0) ? [r[0], -r[1]] : r;
  };

/** PyTorch's Vectorized<complex>::atan: i/2 * log((i + z) / (i - z)), the division as (p * conj(q)) / |q|^2. */
function atanTorch(a: number, b: number): C {
  const [pr, pi] = [a, 1 + b],
    [qr, qi] = [-a, 1 - b];
  const den = qr * qr + qi * qi;
  const l = complexUnary("log", [(pr * qr + pi * qi) / den, (pi * qr - pr * qi) / den])!;
  // (0 + 0.5i) * l as a complex product (0 * inf is NaN, as PyTorch's at -i)
  return [0 * l[0] - 0.5 * l[1], 0 * l[1] + 0.5 * l[0]];
}

/** Unary primitives by name (the primitive names of core/prims.ts UNARY). */
export const COMPLEX_UNARY_MATH: Record<string, (a: number, b: number) => C> = {
  // z / |z| (0 at 0): sgn's values, what stablehlo.sign is for complex
  sign: viaHlo("sign"),
  sin: viaHlo("sine"),
  cos: viaHlo("cosine"),
  tan: viaHlo("tan"),
  tanh: viaHlo("tanh"),
  logistic: viaHlo("logistic"),
  rsqrt: viaHlo("rsqrt"),
  log1p: viaHlo("log_plus_one"),
  expm1: viaHlo("exponential_minus_one"),
  asin: conjSymmetric(casin),
  acos: conjSymmetric(cacos),
  atan: atanTorch,
  asinh: conjSymmetric(casinh),
  acosh: conjSymmetric(cacosh),
  atanh: conjSymmetric(catanh),
  sinh: (a, b) => complexSinhCosh("sinh", [a, b]),
  cosh: (a, b) => complexSinhCosh("cosh", [a, b]),
};

/** Binary primitives: power is exp(y log x) (x^0 = 1), as C99's cpow that std::pow calls. */
export const COMPLEX_BINARY_MATH: Record<string, (a: number, b: number, c: number, d: number) => C> = {
  power: (a, b, c, d) => complexBinary("power", [a, b], [c, d])!,
};
