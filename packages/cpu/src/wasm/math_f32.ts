// Vectorised float32 transcendental functions on f32x4 lanes, for the float32
// elementwise kernels (elementwise_module.ts) and through them the CPU
// runtime's fused loops (fused_module.ts): one emitter per function, so the
// eager kernel and a fused chain compute the same bits.
//
// Why float32 lanes: four values per v128 instead of two, and polynomials of
// degree 6-9 instead of 10-17 (the float64-lane versions this replaced), about
// 2x less time per value (and erf, which had no WebAssembly kernel, about 10x
// less than the JavaScript loop). The price is accuracy: issue 11 allows 2 ulps
// from the correctly rounded float32 value (PyTorch's own vectorised float32
// kernels, Sleef's u10 functions, are within 1); these are within 1 over all
// 2^32 inputs (scripts/check_math_f32.ts --step 1; tests/wasm_math_f32.test.ts
// checks a million of them and the special values). The JavaScript kernels
// (Math.exp etc. rounded once) stay correctly rounded, so the two paths may
// differ by an ulp: a strided operand is therefore gathered into these lanes
// too (simd_f32.ts), so the eager kernel and a fused chain agree bit for bit.
//
// The methods are the classic ones (fdlibm/Cephes): exp by k ln2 + r with a
// minimax polynomial for e^r and 2^k built in the exponent bits; tanh by an
// odd polynomial below 0.625 and 1 - 2/(e^2x + 1) above; logistic from
// e^-|x| with the roundings of e^-|x| and 1 + e^-|x| carried to first order;
// erf by an odd polynomial below 0.92 and 1 - e^(-x^2) q(x) above; log by
// fdlibm's logf. Coefficients are minimax fits rounded to float32 (fitted in float64
// by Lawson's iteration over Chebyshev nodes; the fit's relative error is
// under 0.3 ulp, the rest is the rounding of each float32 operation).
// Special values are handled without branches: clamps with pmin/pmax (which
// return their first operand when it is NaN, so NaN flows through), and
// lane masks for the cases a formula gets wrong (±0, denormals, ±Inf).
import type { Body } from "./builder.js";
import { op, V128 } from "./encoder.js";
import { f32x4, konst, sop } from "./simd_ops.js";

/** A v128 constant of four equal int32 lanes. */
const i32x4 = (x: number): number[] => konst(new Int32Array([x, x, x, x]));

// ln 2 split so that k * LN2_HI is exact for |k| < 2^8 (fdlibm's expf constants)
const LN2_HI = 6.9314575195e-1,
  LN2_LO = 1.4286067653e-6;

/** e^r - 1 - r = r^2 (c2 + c3 r + ...) on |r| <= ln2/2: degree 6 for exp (fit error 0.07 ulp), 7 for expm1 (0.04 ulp, near 0 the relative error counts). */
const EXP_C = [0.4999999403953552, 0.1666652113199234, 0.04166838899254799, 0.008368710055947304, 0.0013814611593261361];
const EXPM1_C = [0.5, 0.1666666567325592, 0.041666362434625626, 0.008333389647305012, 0.0013940617209300399, 0.00019845877250190824];
/** tanh x = x + x^3 (c1 + c2 x^2 + ...) on |x| < 0.625 (fit error 0.05 ulp). */
const TANH_C = [
  -0.3333333134651184, 0.1333320587873459, -0.05394676327705383, 0.021700702607631683, -0.008177397772669792, 0.0021429613698273897,
];
const TANH_SMALL = 0.625;
/** erf x = x + x (K + x^2 p(x^2)) below 0.921875 (K = 2/sqrt(pi) - 1, fit error 0.03 ulp). */
const ERF_SMALL = 0.921875,
  ERF_K = 0.12837916612625122,
  ERF_C = [
    -0.3761262893676758, 0.11283629387617111, -0.02685593254864216, 0.005192840937525034, -0.0008053926867432892, 8.010923193069175e-5,
  ];
/** erfc x = e^(-x^2) q(x - 2.5) on [0.921875, 4] (fit error 0.09 ulp of erf's result, absolute as erf = 1 - erfc there). */
const ERFC_MID = 2.5,
  ERFC_C = [
    0.21080832183361053, -0.07434482872486115, 0.02487780712544918, -0.00821297150105238, 0.0022959948983043432, -0.0004915629397146404,
    0.0007636960945092142, 0.00033780973171815276, 0.00012800794502254575,
  ];
// fdlibm's logf: ln(1+f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f/(2+f)
const LG1 = 0.66666662693,
  LG2 = 0.40000972152,
  LG3 = 0.28498786688,
  LG4 = 0.24279078841;
const LN2_HI_LOG = 6.9313812256e-1,
  LN2_LO_LOG = 9.0580006145e-6;

/** Emits code leaving one v128 on the stack and stores it in a fresh local; returns the local. */
function let_(b: Body, ...code: (readonly number[])[]): number {
  const l = b.local(V128);
  b.emit(...code, op.set(l));
  return l;
}
const get = op.get;

/** Horner: c[0] + r (c[1] + r (c[2] + ...)), leaving the value on the stack. */
function horner(r: number, c: readonly number[]): number[] {
  let code: number[] = f32x4(c[c.length - 1]!);
  for (let i = c.length - 2; i >= 0; i--) code = [...code, ...get(r), ...sop.f32x4Mul, ...f32x4(c[i]!), ...sop.f32x4Add];
  return code;
}

/** 1.5 * 2^23: adding it rounds a float32 of magnitude < 2^22 to an integer (ties to even), left in the low mantissa bits. */
const ROUND = 12582912;
const ROUND_BITS = 0x4b400000;

/**
 * t = k ln2 + r with k = nearest(t log2 e), |r| <= ln2/2 (a little more after
 * rounding). Returns kb, whose int32 lanes hold k in their low 9 bits (the
 * bits of k + ROUND: pow2 shifts the rest out; kb - ROUND_BITS is k itself),
 * and r. t must be within [-150 ln2, 150 ln2] or NaN (then r is NaN).
 */
function reduce(b: Body, t: number): { kb: number; r: number } {
  const kb = let_(b, get(t), f32x4(Math.LOG2E), sop.f32x4Mul, f32x4(ROUND), sop.f32x4Add);
  const kf = let_(b, get(kb), f32x4(ROUND), sop.f32x4Sub);
  const r = let_(b, get(t), get(kf), f32x4(LN2_HI), sop.f32x4Mul, sop.f32x4Sub, get(kf), f32x4(LN2_LO), sop.f32x4Mul, sop.f32x4Sub);
  return { kb, r };
}

/** 2^k as float32 bits from int32 lanes holding k (mod 2^9 suffices) for k in [-126, 127]. */
const pow2 = (k: number): number[] => [...get(k), ...op.i32(23), ...sop.i32x4Shl, ...i32x4(127 << 23), ...sop.i32x4Add];

/** e^r on the reduced argument: 1 + (r + r^2 p(r)). */
const expReduced = (b: Body, r: number): number =>
  let_(b, get(r), get(r), get(r), sop.f32x4Mul, horner(r, EXP_C), sop.f32x4Mul, sop.f32x4Add, f32x4(1), sop.f32x4Add);

/**
 * e^x. x is clamped to [-104, 89] first (e^-104 rounds to 0 and e^89 to Inf
 * in float32), so k is in [-150, 128]; 2^k is applied as two factors
 * 2^(k>>1) 2^(k - (k>>1)), both normal, so a result in the denormal range is
 * rounded once, by the last multiplication (the first is exact).
 */
export const exp = (b: Body, x: number): number => expSplit(b, x, false).e;

/**
 * e^x as above, and (when `tail`) el, the part of e^x that the rounding of
 * e^r = 1 + s (s = r + r^2 p(r)) dropped, scaled alike: e + el carries e^x to
 * about 2^-40 relative (Fast2Sum: 1 - (1 + s) + s is exact as |s| < 1).
 */
function expSplit(b: Body, x: number, tail: boolean): { e: number; el: number } {
  const t = let_(b, get(x), f32x4(-104), sop.f32x4Pmax, f32x4(89), sop.f32x4Pmin);
  const { kb, r } = reduce(b, t);
  const s = let_(b, get(r), get(r), get(r), sop.f32x4Mul, horner(r, EXP_C), sop.f32x4Mul, sop.f32x4Add);
  const p = let_(b, get(s), f32x4(1), sop.f32x4Add);
  const k = let_(b, get(kb), i32x4(ROUND_BITS), sop.i32x4Sub);
  const k1 = let_(b, get(k), op.i32(1), sop.i32x4ShrS);
  const k2 = let_(b, get(k), get(k1), sop.i32x4Sub);
  const e = let_(b, get(p), pow2(k1), sop.f32x4Mul, pow2(k2), sop.f32x4Mul);
  if (!tail) return { e, el: -1 };
  const el = let_(b, f32x4(1), get(p), sop.f32x4Sub, get(s), sop.f32x4Add, pow2(k1), sop.f32x4Mul, pow2(k2), sop.f32x4Mul);
  return { e, el };
}

/**
 * e^x - 1. With p = e^r - 1 (r + r^2 q(r), accurate relative to r), e^x - 1 =
 * 2 (s p + (s - 1/2)) with s = 2^(k-1) (normal for k in [-29, 128]: x is
 * clamped to [-20, 89], where e^-20 - 1 rounds to -1 and e^89 - 1 to Inf);
 * for k = 0 that is p itself, taken directly so that denormal inputs stay
 * exact and -0 keeps its sign; otherwise |e^x - 1| > 0.29, so the final
 * addition's rounding is the only one that matters.
 */
export function expm1(b: Body, x: number): number {
  const t = let_(b, get(x), f32x4(-20), sop.f32x4Pmax, f32x4(89), sop.f32x4Pmin);
  const { kb, r } = reduce(b, t);
  const p = let_(b, get(r), get(r), get(r), sop.f32x4Mul, horner(r, EXPM1_C), sop.f32x4Mul, sop.f32x4Add);
  const s = let_(b, get(kb), op.i32(23), sop.i32x4Shl, i32x4(126 << 23), sop.i32x4Add);
  const big = let_(b, get(s), get(p), sop.f32x4Mul, get(s), f32x4(0.5), sop.f32x4Sub, sop.f32x4Add, f32x4(2), sop.f32x4Mul);
  // k = 0: p, with x's sign (p of -0 is +0)
  return let_(b, get(p), get(x), f32x4(-0), sop.v128And, sop.v128Or, get(big), get(kb), i32x4(ROUND_BITS), sop.i32x4Eq, sop.v128Bitselect);
}

/**
 * tanh x = sign(x) tanh|x|: below 0.625 by the odd polynomial, above as
 * 1 - 2/(e^2|x| + 1) (there tanh > 0.55, so the error of 2/(e + 1) < 0.45
 * shrinks relative to the result), |x| clamped to 10 (tanh 10 rounds to 1).
 * Both are computed for every lane and the mask picks, except that a vector
 * whose lanes are all below 0.625 skips the second (as erf does: the same
 * bits); NaN takes the second path, which carries it.
 */
export function tanh(b: Body, x: number): number {
  const a = let_(b, get(x), sop.f32x4Abs);
  const z = let_(b, get(a), get(a), sop.f32x4Mul);
  const small = let_(b, get(a), get(a), get(z), sop.f32x4Mul, horner(z, TANH_C), sop.f32x4Mul, sop.f32x4Add);
  // where every lane is below TANH_SMALL the exp branch is not computed: the mask would discard it (erf, below)
  const mask = let_(b, get(a), f32x4(TANH_SMALL), sop.f32x4Lt);
  const r = let_(b, get(small));
  b.emit(op.block, get(mask), sop.i32x4AllTrue, op.brIf(0));
  const t = let_(b, get(a), f32x4(10), sop.f32x4Pmin, f32x4(2), sop.f32x4Mul);
  // 2|x| in [1.25, 20]: k in [2, 29], one factor 2^k
  const { kb, r: rr } = reduce(b, t);
  const e = let_(b, get(expReduced(b, rr)), pow2(kb), sop.f32x4Mul);
  const large = let_(b, f32x4(1), f32x4(2), get(e), f32x4(1), sop.f32x4Add, sop.f32x4Div, sop.f32x4Sub);
  b.emit(get(small), get(large), get(mask), sop.v128Bitselect, op.set(r), op.end);
  return let_(b, get(r), get(x), f32x4(-0), sop.v128And, sop.v128Or);
}

/**
 * 1 / (1 + e^-x), as e^-|x| / (1 + e^-|x|) for x < 0 and 1 / (1 + e^-|x|)
 * otherwise: e^-|x| never overflows, so results down in the denormals
 * (x < -87) are e^x rounded once, not 1/Inf = 0.
 */
export function logistic(b: Body, x: number): number {
  const n = let_(b, get(x), sop.f32x4Abs, sop.f32x4Neg);
  const { e, el } = expSplit(b, n, true);
  const d = let_(b, get(e), f32x4(1), sop.f32x4Add);
  // num + nl over d + dd is the exact quotient's operands to ~2^-40 (num = e + el for x < 0, 1 otherwise;
  // d + dd = 1 + e + el, Fast2Sum as e <= 1), and q + (nl - q dd) / d its value to first order: the
  // roundings of e^-|x| and of 1 + e leave the result (1 or 2 ulps otherwise), only the division's and the
  // final addition's remain
  const dd = let_(b, get(e), get(d), f32x4(1), sop.f32x4Sub, sop.f32x4Sub, get(el), sop.f32x4Add);
  const pos = let_(b, get(x), f32x4(0), sop.f32x4Ge);
  const q = let_(b, f32x4(1), get(e), get(pos), sop.v128Bitselect, get(d), sop.f32x4Div);
  return let_(
    b,
    get(q),
    get(el),
    get(pos),
    sop.v128AndNot,
    get(q),
    get(dd),
    sop.f32x4Mul,
    sop.f32x4Sub,
    get(d),
    sop.f32x4Div,
    sop.f32x4Add,
  );
}

/**
 * erf x = sign(x) erf|x|: below 0.921875 by the odd polynomial; above as
 * 1 - e^(-x^2) q(x), |x| clamped to 4 (1 - erfc 4 rounds to 1), where the
 * result is above 0.8 so erfc's error counts absolutely, not relative to it.
 * The mask picks each lane's branch; NaN takes the second path, which carries
 * it. Where every lane of the vector is below 0.921875 the second branch (an
 * exp and a second polynomial, most of the cost) is not computed at all: the
 * mask would discard it, so the bits are the same. GELU's erf(x / sqrt 2) of
 * activations near unit scale is such a vector about half of the time.
 */
export function erf(b: Body, x: number): number {
  const a = let_(b, get(x), sop.f32x4Abs);
  const z = let_(b, get(a), get(a), sop.f32x4Mul);
  const small = let_(b, get(a), get(a), f32x4(ERF_K), get(z), horner(z, ERF_C), sop.f32x4Mul, sop.f32x4Add, sop.f32x4Mul, sop.f32x4Add);
  const mask = let_(b, get(a), f32x4(ERF_SMALL), sop.f32x4Lt);
  const r = let_(b, get(small));
  b.emit(op.block, get(mask), sop.i32x4AllTrue, op.brIf(0));
  const c = let_(b, get(a), f32x4(4), sop.f32x4Pmin);
  const t = let_(b, get(c), f32x4(ERFC_MID), sop.f32x4Sub);
  const n = let_(b, get(c), get(c), sop.f32x4Mul, sop.f32x4Neg);
  const e = exp(b, n);
  const large = let_(b, f32x4(1), get(e), horner(t, ERFC_C), sop.f32x4Mul, sop.f32x4Sub);
  b.emit(get(small), get(large), get(mask), sop.v128Bitselect, op.set(r), op.end);
  return let_(b, get(r), get(x), f32x4(-0), sop.v128And, sop.v128Or);
}

/**
 * ln x, fdlibm's logf: x = 2^k m with m in [sqrt(1/2), sqrt(2)) from the bits
 * (denormals scaled by 2^25 first), f = m - 1, then the series in s = f/(2+f).
 * 0, negatives, +Inf and NaN are patched in after.
 */
export function log(b: Body, x: number): number {
  const sub = let_(b, get(x), f32x4(1.1754943508222875e-38), sop.f32x4Lt);
  const xs = let_(b, get(x), f32x4(2 ** 25), sop.f32x4Mul, get(x), get(sub), sop.v128Bitselect);
  // bits + (1 - sqrt(1/2))'s offset: the exponent field then counts from sqrt(1/2)
  const ix = let_(b, get(xs), i32x4(0x3f800000 - 0x3f3504f3), sop.i32x4Add);
  const k = let_(b, get(ix), op.i32(23), sop.i32x4ShrS, i32x4(0x7f), sop.i32x4Sub, get(sub), i32x4(-25), sop.v128And, sop.i32x4Add);
  const f = let_(b, get(ix), i32x4(0x007fffff), sop.v128And, i32x4(0x3f3504f3), sop.i32x4Add, f32x4(1), sop.f32x4Sub);
  const s = let_(b, get(f), f32x4(2), get(f), sop.f32x4Add, sop.f32x4Div);
  const z = let_(b, get(s), get(s), sop.f32x4Mul);
  const w = let_(b, get(z), get(z), sop.f32x4Mul);
  const R = let_(
    b,
    get(z),
    get(w),
    f32x4(LG3),
    sop.f32x4Mul,
    f32x4(LG1),
    sop.f32x4Add,
    sop.f32x4Mul,
    get(w),
    get(w),
    f32x4(LG4),
    sop.f32x4Mul,
    f32x4(LG2),
    sop.f32x4Add,
    sop.f32x4Mul,
    sop.f32x4Add,
  );
  const hfsq = let_(b, f32x4(0.5), get(f), sop.f32x4Mul, get(f), sop.f32x4Mul);
  const dk = let_(b, get(k), sop.f32x4ConvertI32x4S);
  // s (hfsq + R) + k ln2_lo - hfsq + f + k ln2_hi, in fdlibm's order
  const res = let_(
    b,
    get(s),
    get(hfsq),
    get(R),
    sop.f32x4Add,
    sop.f32x4Mul,
    get(dk),
    f32x4(LN2_LO_LOG),
    sop.f32x4Mul,
    sop.f32x4Add,
    get(hfsq),
    sop.f32x4Sub,
    get(f),
    sop.f32x4Add,
    get(dk),
    f32x4(LN2_HI_LOG),
    sop.f32x4Mul,
    sop.f32x4Add,
  );
  // ln 0 = -Inf, ln +Inf = +Inf, ln(x < 0) = ln NaN = NaN
  return let_(
    b,
    f32x4(Number.NaN),
    f32x4(Number.POSITIVE_INFINITY),
    f32x4(Number.NEGATIVE_INFINITY),
    get(res),
    get(x),
    f32x4(0),
    sop.f32x4Eq,
    sop.v128Bitselect,
    get(x),
    f32x4(Number.POSITIVE_INFINITY),
    sop.f32x4Eq,
    sop.v128Bitselect,
    get(x),
    f32x4(0),
    sop.f32x4Lt,
    get(x),
    get(x),
    sop.f32x4Ne,
    sop.v128Or,
    sop.v128Bitselect,
  );
}
