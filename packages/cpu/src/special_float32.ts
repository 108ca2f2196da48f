// float32 forms of special functions whose PyTorch CPU kernel computes in float
// (not in double then rounded): trigamma's float overload (ATen's Math.h
// trigamma(float): reflection through sinf(pi_f * x) below 1/2, six recurrence
// steps, the short asymptotic series, each operation rounded to float). Near a
// pole the float reflection term is what PyTorch returns (polygamma(1, -2) is
// pi_f^2 / sinf(2 pi_f)^2 = 3.2e14, not infinity), and elsewhere its float
// rounding differs from the double result by up to ~1e-5 (relative).
import { polygamma } from "./special_math.js";

const f = Math.fround;
const PI_F = f(Math.PI);
const SIXTH = f(1 / 6);
const THIRTIETH = f(1 / 30);
const FORTY_SECOND = f(1 / 42);

/** ATen's trigamma(float), every operation in float. */
export function trigammaF32(x0: number): number {
  let x = f(x0);
  let sign = 1;
  let result = 0;
  if (x < 0.5) {
    sign = -1;
    const s = f(Math.sin(f(PI_F * x)));
    result = f(result - f(f(PI_F * PI_F) / f(s * s)));
    x = f(1 - x);
  }
  for (let i = 0; i < 6; i++) {
    result = f(result + f(1 / f(x * x)));
    x = f(x + 1);
  }
  const ixx = f(1 / f(x * x));
  const series = f(ixx * f(SIXTH - f(ixx * f(THIRTIETH - f(ixx * FORTY_SECOND)))));
  result = f(result + f(f(f(1 + f(1 / f(2 * x))) + series) / x));
  return f(sign * result);
}

/** polygamma(n, x) of a float32 tensor, as PyTorch's float kernel: n = 1 is trigamma(float); the others as the double form. */
export function polygammaF32(n: number, x: number): number {
  return n === 1 ? trigammaF32(x) : polygamma(n, x);
}
