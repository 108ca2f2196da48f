// Scalar semantics of StableHLO's elementwise ops, one function per element
// class: integers as bigint (wrapped to the type by the caller), floats as
// numbers (rounded to the type by the caller), complex as [re, im] pairs.
// Integer corner cases follow XLA, which the spec defers to: x / 0 = -1,
// x % 0 = x, INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0, shifts by >= the bit
// width give 0 (or the sign for an arithmetic right shift).
import { intInfo, wrapInt } from "./values.js";
import type { ElementType } from "@xlatorch/stablehlo";

export type C = [number, number];

export function intBinary(name: string, a: bigint, b: bigint, e: ElementType): bigint | undefined {
  const { bits, unsigned } = intInfo(e);
  if (e === "i1") {
    // booleans: add is or, multiply is and (the spec's logical reading)
    if (name === "add" || name === "or" || name === "maximum") return a | b;
    if (name === "multiply" || name === "and" || name === "minimum") return a & b;
    if (name === "xor") return a ^ b;
  }
  const min = unsigned ? 0n : -(1n << BigInt(bits - 1));
  switch (name) {
    case "add":
      return a + b;
    case "subtract":
      return a - b;
    case "multiply":
      return a * b;
    case "divide":
      if (b === 0n) return -1n;
      if (!unsigned && a === min && b === -1n) return min;
      return a / b; // bigint division truncates toward zero
    case "remainder":
      if (b === 0n) return a;
      if (!unsigned && a === min && b === -1n) return 0n;
      return a % b;
    case "power": {
      if (b < 0n) return a === 1n ? 1n : a === -1n ? (b % 2n === 0n ? 1n : -1n) : 0n;
      let r = 1n,
        x = a,
        k = b;
      while (k > 0n) {
        if (k & 1n) r = wrapInt(r * x, e);
        x = wrapInt(x * x, e);
        k >>= 1n;
      }
      return r;
    }
    case "maximum":
      return a > b ? a : b;
    case "minimum":
      return a < b ? a : b;
    case "and":
      return a & b;
    case "or":
      return a | b;
    case "xor":
      return a ^ b;
    case "shift_left": {
      const s = BigInt.asUintN(bits, b);
      return s >= BigInt(bits) ? 0n : a << s;
    }
    case "shift_right_logical": {
      const s = BigInt.asUintN(bits, b);
      return s >= BigInt(bits) ? 0n : BigInt.asUintN(bits, a) >> s;
    }
    case "shift_right_arithmetic": {
      const s = BigInt.asUintN(bits, b);
      const x = BigInt.asIntN(bits, a);
      return s >= BigInt(bits) ? (x < 0n ? -1n : 0n) : x >> s;
    }
  }
  return undefined;
}

export function intUnary(name: string, a: bigint, e: ElementType): bigint | undefined {
  const { bits } = intInfo(e);
  switch (name) {
    case "negate":
      return -a;
    case "abs":
      return a < 0n ? -a : a;
    case "sign":
      return a < 0n ? -1n : a > 0n ? 1n : 0n;
    case "not":
      return e === "i1" ? (a ? 0n : 1n) : ~a;
    case "popcnt": {
      let x = BigInt.asUintN(bits, a),
        n = 0n;
      while (x) {
        n += x & 1n;
        x >>= 1n;
      }
      return n;
    }
    case "count_leading_zeros": {
      const x = BigInt.asUintN(bits, a);
      return BigInt(bits - (x === 0n ? 0 : x.toString(2).length));
    }
  }
  return undefined;
}

const roundAfz = (x: number): number => (Number.isFinite(x) ? Math.sign(x) * Math.round(Math.abs(x)) || x * 0 : x);
function roundEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x),
    d = x - f;
  const r = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
  return r === 0 ? x * 0 : r; // keeps the sign of zero
}

export function floatUnary(name: string, x: number): number | undefined {
  switch (name) {
    case "negate":
      return -x;
    case "abs":
      return Math.abs(x);
    case "sign":
      return Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : x;
    case "exponential":
      return Math.exp(x);
    case "exponential_minus_one":
      return Math.expm1(x);
    case "log":
      return Math.log(x);
    case "log_plus_one":
      return Math.log1p(x);
    case "sqrt":
      return Math.sqrt(x);
    case "rsqrt":
      return 1 / Math.sqrt(x);
    case "cbrt":
      return Math.cbrt(x);
    case "sine":
      return Math.sin(x);
    case "cosine":
      return Math.cos(x);
    case "tan":
      return Math.tan(x);
    case "tanh":
      return Math.tanh(x);
    case "logistic":
      return 1 / (1 + Math.exp(-x));
    case "floor":
      return Math.floor(x);
    case "ceil":
      return Math.ceil(x);
    case "round_nearest_afz":
      return roundAfz(x);
    case "round_nearest_even":
      return roundEven(x);
  }
  return undefined;
}

export function floatBinary(name: string, a: number, b: number): number | undefined {
  switch (name) {
    case "add":
      return a + b;
    case "subtract":
      return a - b;
    case "multiply":
      return a * b;
    case "divide":
      return a / b;
    case "remainder":
      return a % b; // fmod: the sign of the dividend
    case "power":
      return a ** b;
    case "atan2":
      return Math.atan2(a, b);
    // NaN propagates; -0 < +0
    case "maximum":
      return Number.isNaN(a) || Number.isNaN(b) ? NaN : a === b ? (Object.is(a, -0) ? b : a) : a > b ? a : b;
    case "minimum":
      return Number.isNaN(a) || Number.isNaN(b) ? NaN : a === b ? (Object.is(a, -0) ? a : b) : a < b ? a : b;
  }
  return undefined;
}

// ---- complex -----------------------------------------------------------------

const cmul = ([a, b]: C, [c, d]: C): C => [a * c - b * d, a * d + b * c];
function cdiv([a, b]: C, [c, d]: C): C {
  // Smith's algorithm: no overflow for large denominators
  if (Math.abs(c) >= Math.abs(d)) {
    const r = d / c,
      den = c + d * r;
    return [(a + b * r) / den, (b - a * r) / den];
  }
  const r = c / d,
    den = c * r + d;
  return [(a * r + b) / den, (b * r - a) / den];
}
const cexp = ([a, b]: C): C => {
  const m = Math.exp(a);
  return b === 0 ? [m, b] : [m * Math.cos(b), m * Math.sin(b)];
};
const cabs = ([a, b]: C): number => Math.hypot(a, b);
/** log|z| without overflow: log(max) + log1p((min/max)^2)/2. */
function logAbs([a, b]: C): number {
  const x = Math.abs(a),
    y = Math.abs(b);
  if (x === Infinity || y === Infinity) return Infinity;
  const m = Math.max(x, y),
    r = Math.min(x, y);
  if (Number.isNaN(m) || Number.isNaN(r)) return NaN;
  if (m === 0) return -Infinity;
  const q = r / m;
  return Math.log(m) + Math.log1p(q * q) / 2;
}
const clog = (z: C): C => [logAbs(z), Math.atan2(z[1], z[0])];
/** The principal square root, with C99's special values and no overflow for large parts. */
function csqrt([a, b]: C): C {
  if (b === Infinity || b === -Infinity) return [Infinity, b];
  if (Number.isNaN(a)) return [NaN, NaN];
  if (a === -Infinity) return Number.isNaN(b) ? [NaN, Infinity] : [0, b < 0 || Object.is(b, -0) ? -Infinity : Infinity];
  if (a === Infinity) return Number.isNaN(b) ? [Infinity, NaN] : [Infinity, b < 0 || Object.is(b, -0) ? -0 : 0];
  if (Number.isNaN(b)) return [NaN, NaN];
  if (a === 0 && b === 0) return [0, b];
  // scale huge values down (and tiny ones up) so |a| + |z| neither overflows nor loses its bits
  const big = Math.max(Math.abs(a), Math.abs(b));
  const [k, back] = big > 1e300 ? [0.25, 2] : big < 1e-300 ? [2 ** 104, 2 ** -52] : [1, 1];
  const x = a * k,
    y = b * k;
  const t = Math.sqrt((Math.abs(x) + Math.hypot(x, y)) / 2);
  const r: C = x >= 0 ? [t, y / (2 * t)] : [Math.abs(y) / (2 * t), y < 0 || Object.is(y, -0) ? -t : t];
  return [r[0] * back, r[1] * back];
}
const csin = ([a, b]: C): C => [Math.sin(a) * Math.cosh(b), Math.cos(a) * Math.sinh(b)];
const ccos = ([a, b]: C): C => [Math.cos(a) * Math.cosh(b), -Math.sin(a) * Math.sinh(b)];
function ctanh([a, b]: C): C {
  // |a| > 22: cosh 2a would overflow; tanh is +-1 + i 2 sin(2b) e^(-2|a|) to double precision (as C99's ctanh)
  if (Math.abs(a) > 22) return [Math.sign(a), 4 * Math.sin(b) * Math.cos(b) * Math.exp(-2 * Math.abs(a))];
  // tanh(a + ib) = (sinh 2a + i sin 2b) / (cosh 2a + cos 2b)
  const den = Math.cosh(2 * a) + Math.cos(2 * b);
  return [Math.sinh(2 * a) / den, Math.sin(2 * b) / den];
}
const ctan = ([a, b]: C): C => {
  const [x, y] = ctanh([-b, a]); // tan z = -i tanh(i z)
  return [y, -x];
};
function cexpm1([a, b]: C): C {
  // exp(a)cos(b) - 1 = expm1(a)cos(b) - 2 sin^2(b/2), accurate near zero
  const s = Math.sin(b / 2);
  return [Math.expm1(a) * Math.cos(b) - 2 * s * s, Math.exp(a) * Math.sin(b)];
}
function clog1p([a, b]: C): C {
  // |1 + z|^2 = 1 + 2a + a^2 + b^2: log1p of the excess keeps precision near zero
  if (!(Math.max(Math.abs(a), Math.abs(b)) < 1e150)) return clog([1 + a, b]);
  return [Math.log1p(2 * a + a * a + b * b) / 2, Math.atan2(b, 1 + a)];
}

export function complexUnary(name: string, z: C): C | undefined {
  switch (name) {
    case "negate":
      return [-z[0], -z[1]];
    case "sign": {
      if (Number.isNaN(z[0]) || Number.isNaN(z[1])) return [NaN, NaN];
      const m = cabs(z);
      return m === 0 ? [0, 0] : [z[0] / m, z[1] / m];
    }
    case "exponential":
      return cexp(z);
    case "exponential_minus_one":
      return cexpm1(z);
    case "log":
      return clog(z);
    case "log_plus_one":
      return clog1p(z);
    case "sqrt":
      return csqrt(z);
    case "cbrt": {
      // the principal cube root: exp(log(z) / 3)
      if (z[0] === 0 && z[1] === 0) return [0, z[1]];
      const l = clog(z);
      return cexp([l[0] / 3, l[1] / 3]);
    }
    case "rsqrt":
      return cdiv([1, 0], csqrt(z));
    case "sine":
      return csin(z);
    case "cosine":
      return ccos(z);
    case "tan":
      return ctan(z);
    case "tanh":
      return ctanh(z);
    case "logistic":
      return cdiv([1, 0], [1 + cexp([-z[0], -z[1]])[0], cexp([-z[0], -z[1]])[1]]);
  }
  return undefined;
}

export function complexBinary(name: string, x: C, y: C): C | undefined {
  switch (name) {
    case "add":
      return [x[0] + y[0], x[1] + y[1]];
    case "subtract":
      return [x[0] - y[0], x[1] - y[1]];
    case "multiply":
      return cmul(x, y);
    case "divide":
      return cdiv(x, y);
    case "power":
      if (y[0] === 0 && y[1] === 0) return [1, 0];
      return cexp(cmul(y, clog(x)));
    // lexicographic (real part, then imaginary part)
    case "maximum":
      return x[0] > y[0] || (x[0] === y[0] && x[1] >= y[1]) ? x : y;
    case "minimum":
      return x[0] < y[0] || (x[0] === y[0] && x[1] <= y[1]) ? x : y;
    case "atan2": {
      // atan2(y, x) = -i log((x + i y) / sqrt(x^2 + y^2))
      // here x is the first operand (the "y" of atan2) and y the second
      const top: C = [y[0] - x[1], y[1] + x[0]];
      const den = csqrt([y[0] * y[0] - y[1] * y[1] + x[0] * x[0] - x[1] * x[1], 2 * (y[0] * y[1] + x[0] * x[1])]);
      const l = clog(cdiv(top, den));
      return [l[1], -l[0]];
    }
  }
  return undefined;
}

export { cabs };
