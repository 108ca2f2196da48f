// Vectorised transcendental functions for the float32 elementwise kernels,
// evaluated on f64x2 lanes (each float32 input widened exactly to float64).
// Why float64: the approximations below have relative error around 1e-14,
// far below a float32 ulp (6e-8), so after the one final rounding to float32
// the result is the correctly rounded value except within ~1e-14 of a
// rounding midpoint, where it is off by at most 1 ulp (issue 11 asks for 2).
// The JavaScript kernels compute Math.exp(x) etc. in float64 and round the
// same way, so the two paths agree bit for bit almost everywhere. Overflow,
// underflow to float32 denormals/zero, ±Inf and NaN fall out of the final
// float64 -> float32 rounding, because float32's whole range (denormals
// included) is made of normal float64 values.
//
// Each function takes several f64x2 locals (the halves of one f32x4 and so
// on) and returns the locals of the results: every step is emitted for all
// of them in turn, so their independent dependency chains interleave, and
// polynomials are evaluated by Estrin's scheme (depth log2 of the degree)
// rather than Horner's, since the loops are latency-bound otherwise.
import type { Body } from "./builder.js";
import { op, V128 } from "./encoder.js";
import { f64x2, i64x2, sop } from "./simd_ops.js";

const LOG2E = Math.LOG2E;
// ln 2 split so that k * LN2_HI is exact for |k| < 2^20 (fdlibm's constants)
const LN2_HI = 6.9314718036912381649e-1,
  LN2_LO = 1.90821492927058770002e-10;

type Lanes = readonly number[];
const fresh = (b: Body, xs: Lanes): number[] => xs.map(() => b.local(V128));

/** For each lane i, emit `code(i)` (which leaves one value) and store it into a fresh local; returns those. */
function each(b: Body, xs: Lanes, code: (i: number) => readonly (readonly number[])[]): number[] {
  const out = fresh(b, xs);
  xs.forEach((_, i) => b.emit(...code(i), op.set(out[i]!)));
  return out;
}

/** c[0] + c[1] r + ... + c[n] r^n by Estrin's scheme, per lane. */
function poly(b: Body, r: Lanes, c: readonly number[]): number[] {
  // level 0: c[2j] + c[2j+1] r
  let terms: number[][] = [];
  for (let j = 0; j < c.length; j += 2)
    terms.push(
      j + 1 < c.length
        ? each(b, r, (i) => [op.get(r[i]!), f64x2(c[j + 1]!), sop.f64x2Mul, f64x2(c[j]!), sop.f64x2Add])
        : each(b, r, () => [f64x2(c[j]!)]),
    );
  let pw: Lanes = r;
  while (terms.length > 1) {
    const p = pw;
    pw = each(b, r, (i) => [op.get(p[i]!), op.get(p[i]!), sop.f64x2Mul]);
    const next: number[][] = [];
    for (let j = 0; j < terms.length; j += 2) {
      const lo = terms[j]!,
        hi = terms[j + 1];
      next.push(hi ? each(b, r, (i) => [op.get(hi[i]!), op.get(pw[i]!), sop.f64x2Mul, op.get(lo[i]!), sop.f64x2Add]) : lo);
    }
    terms = next;
  }
  return terms[0]!;
}

const invFact = (n: number): number => {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return 1 / f;
};

/** 1.5 * 2^52: adding it rounds a float64 of magnitude < 2^51 to an integer (ties to even), left in the low mantissa bits. */
const ROUND = 6755399441055744;

/**
 * Range reduction y = k ln2 + r, |r| <= ln2/2, with y clamped to [-110, 110]
 * first (e^±110 are normal float64 values well past float32's range, so the
 * float32 result of anything clamped is already 0 or Inf). pmax/pmin return
 * their first operand when it is NaN, so NaN passes through. Returns k + ROUND
 * (kr: k in its low bits), k itself, and r.
 */
function reduce(b: Body, y: Lanes): { kr: number[]; k: number[]; r: number[] } {
  const t = each(b, y, (i) => [op.get(y[i]!), f64x2(-110), sop.f64x2Pmax, f64x2(110), sop.f64x2Pmin]);
  const kr = each(b, y, (i) => [op.get(t[i]!), f64x2(LOG2E), sop.f64x2Mul, f64x2(ROUND), sop.f64x2Add]);
  const k = each(b, y, (i) => [op.get(kr[i]!), f64x2(ROUND), sop.f64x2Sub]);
  const r = each(b, y, (i) => [
    op.get(t[i]!),
    op.get(k[i]!),
    f64x2(LN2_HI),
    sop.f64x2Mul,
    sop.f64x2Sub,
    op.get(k[i]!),
    f64x2(LN2_LO),
    sop.f64x2Mul,
    sop.f64x2Sub,
  ]);
  return { kr, k, r };
}

/**
 * 2^k from kr = k + ROUND: the low bits of kr's int64 lanes are k, so
 * (bits + 1023) << 52 is 2^k's float64 bit pattern (ROUND's own bits shift out).
 * A NaN input gives some power of two; the polynomial carries the NaN.
 */
const pow2 = (b: Body, kr: Lanes): number[] => each(b, kr, (i) => [op.get(kr[i]!), i64x2(1023n), sop.i64x2Add, op.i32(52), sop.i64x2Shl]);

/** e^x: e^r by its Taylor polynomial (degree 10: truncation error < 3e-13 for |r| <= ln2/2), times 2^k. */
export function exp(b: Body, x: Lanes): number[] {
  const { kr, r } = reduce(b, x);
  const p = poly(
    b,
    r,
    Array.from({ length: 11 }, (_, i) => invFact(i)),
  );
  const s = pow2(b, kr);
  return each(b, x, (i) => [op.get(p[i]!), op.get(s[i]!), sop.f64x2Mul]);
}

/**
 * e^x - 1 without cancellation near 0: with e^r - 1 = p(r) (Taylor, degree 12),
 * e^x - 1 = 2^k p + (2^k - 1); for k = 0 that is p itself, and otherwise
 * |e^x - 1| > 0.29 so the final addition loses nothing.
 */
export function expm1(b: Body, x: Lanes): number[] {
  const { kr, r } = reduce(b, x);
  // p = r * (1 + r/2 + r^2/6 + ...)
  const q = poly(
    b,
    r,
    Array.from({ length: 12 }, (_, i) => invFact(i + 1)),
  );
  const s = pow2(b, kr);
  return each(b, x, (i) => [
    op.get(q[i]!),
    op.get(r[i]!),
    sop.f64x2Mul,
    op.get(s[i]!),
    sop.f64x2Mul,
    op.get(s[i]!),
    f64x2(1),
    sop.f64x2Sub,
    sop.f64x2Add,
  ]);
}

/** tanh x = sign(x) e/(e + 2), e = expm1(2|x|), |x| clamped to 20 (tanh 20 rounds to 1 in float32 and float64 alike). */
export function tanh(b: Body, x: Lanes): number[] {
  const y = each(b, x, (i) => [op.get(x[i]!), sop.f64x2Abs, f64x2(20), sop.f64x2Pmin]);
  const y2 = each(b, x, (i) => [op.get(y[i]!), op.get(y[i]!), sop.f64x2Add]);
  const e = expm1(b, y2);
  // the sign of x restored (tanh(-0) = -0)
  return each(b, x, (i) => [
    op.get(e[i]!),
    op.get(e[i]!),
    f64x2(2),
    sop.f64x2Add,
    sop.f64x2Div,
    op.get(x[i]!),
    f64x2(-0),
    sop.v128And,
    sop.v128Or,
  ]);
}

/** 1 / (1 + e^-x), as the JavaScript template computes it. */
export function logistic(b: Body, x: Lanes): number[] {
  const n = each(b, x, (i) => [op.get(x[i]!), sop.f64x2Neg]);
  const e = exp(b, n);
  return each(b, x, (i) => [f64x2(1), f64x2(1), op.get(e[i]!), sop.f64x2Add, sop.f64x2Div]);
}

/** 1 / sqrt(x) in float64, exactly as the JavaScript template computes it. */
export const rsqrt = (b: Body, x: Lanes): number[] => each(b, x, (i) => [f64x2(1), op.get(x[i]!), sop.f64x2Sqrt, sop.f64x2Div]);

/**
 * ln x = e ln2 + ln m, x = 2^e m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh s,
 * s = (m-1)/(m+1), |s| <= 0.1716, by its series to s^17 (truncation < 1e-14).
 * The exponent and mantissa come from the float64 bits (a float32 input is
 * never a float64 denormal); 0, negatives, +Inf and NaN are patched in after.
 */
export function log(b: Body, x: Lanes): number[] {
  const e0 = each(b, x, (i) => [op.get(x[i]!), op.i32(52), sop.i64x2ShrS, i64x2(1023n), sop.i64x2Sub]);
  const m0 = each(b, x, (i) => [op.get(x[i]!), i64x2(0x000fffffffffffffn), sop.v128And, i64x2(0x3ff0000000000000n), sop.v128Or]);
  // m > sqrt 2: halve it and add one to e (the comparison's mask is -1 per lane)
  const c = each(b, x, (i) => [op.get(m0[i]!), f64x2(Math.SQRT2), sop.f64x2Gt]);
  const m = each(b, x, (i) => [op.get(m0[i]!), f64x2(0.5), sop.f64x2Mul, op.get(m0[i]!), op.get(c[i]!), sop.v128Bitselect]);
  const e = each(b, x, (i) => [op.get(e0[i]!), op.get(c[i]!), sop.i64x2Sub]);
  const s = each(b, x, (i) => [op.get(m[i]!), f64x2(1), sop.f64x2Sub, op.get(m[i]!), f64x2(1), sop.f64x2Add, sop.f64x2Div]);
  const z = each(b, x, (i) => [op.get(s[i]!), op.get(s[i]!), sop.f64x2Mul]);
  // 2 s (1 + z/3 + z^2/5 + ... + z^8/17)
  const p = poly(
    b,
    z,
    Array.from({ length: 9 }, (_, i) => 2 / (2 * i + 1)),
  );
  // e as float64 (the low 32 bits of each int64 lane into i32x4 lanes 0, 1), times ln 2, plus s p
  const res = each(b, x, (i) => [
    op.get(e[i]!),
    op.get(e[i]!),
    sop.shuffle([0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]),
    sop.f64x2ConvertLowI32x4S,
    f64x2(Math.LN2),
    sop.f64x2Mul,
    op.get(s[i]!),
    op.get(p[i]!),
    sop.f64x2Mul,
    sop.f64x2Add,
  ]);
  // ln 0 = -Inf, ln +Inf = +Inf, ln(x < 0) = ln NaN = NaN
  return each(b, x, (i) => [
    f64x2(Number.NaN),
    f64x2(Number.POSITIVE_INFINITY),
    f64x2(Number.NEGATIVE_INFINITY),
    op.get(res[i]!),
    op.get(x[i]!),
    f64x2(0),
    sop.f64x2Eq,
    sop.v128Bitselect,
    op.get(x[i]!),
    f64x2(Number.POSITIVE_INFINITY),
    sop.f64x2Eq,
    sop.v128Bitselect,
    op.get(x[i]!),
    f64x2(0),
    sop.f64x2Lt,
    op.get(x[i]!),
    op.get(x[i]!),
    sop.f64x2Ne,
    sop.v128Or,
    sop.v128Bitselect,
  ]);
}
