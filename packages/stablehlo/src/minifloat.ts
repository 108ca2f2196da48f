// The 8-, 6- and 4-bit float formats (f8E4M3FN, f6E2M3FN, f4E2M1FN, ...): their
// bit encodings and round-to-nearest-even conversion from a double, with the
// semantics of LLVM's APFloat, which the StableHLO reference interpreter
// computes with (stablehlo/reference/Element.cpp): a value is kept as its bits,
// and every result is the exact value rounded once to the format.
//   IEEE   : infinities and NaNs in the all-ones exponent (f8E3M4, f8E4M3, f8E5M2).
//   FN     : no infinities; the all-ones bit pattern (either sign) is NaN; an
//            overflow becomes NaN (f8E4M3FN).
//   FNUZ   : no infinities, no -0; 0x80 (the -0 pattern) is the only NaN; -0
//            becomes +0 and an overflow NaN (f8E4M3FNUZ, f8E4M3B11FNUZ, f8E5M2FNUZ).
//   FINITE : no infinities, no NaN; an overflow saturates to the largest
//            magnitude (f6E2M3FN, f6E3M2FN, f4E2M1FN).
//   E8M0   : f8E8M0FNU: unsigned, exponent only (2^(bits-127)), 0xFF is NaN, no zero
//            (zero becomes the smallest value 2^-127, as APFloat's makeSmallestNormalized).
import type { ElementType, NarrowElementType } from "./ir.js";

/** The small float element types: those of NarrowElementType (ir.ts) named f<bits>... */
export type MinifloatType = Extract<NarrowElementType, `f${string}`>;

type Kind = "IEEE" | "FN" | "FNUZ" | "FINITE" | "E8M0";

export interface MinifloatFormat {
  bits: number;
  expBits: number;
  mantBits: number;
  bias: number;
  kind: Kind;
  /** The largest finite magnitude. */
  max: number;
  /** The smallest normal exponent (subnormals below it share it). */
  emin: number;
}

function format(bits: number, expBits: number, mantBits: number, bias: number, kind: Kind): MinifloatFormat {
  const topExp = 2 ** expBits - 1;
  // the largest finite value: IEEE reserves the all-ones exponent; FN reserves the all-ones mantissa in it
  const maxExp = (kind === "IEEE" ? topExp - 1 : topExp) - bias;
  const maxMant = kind === "FN" ? 2 - 2 ** (1 - mantBits) : 2 - 2 ** -mantBits;
  return { bits, expBits, mantBits, bias, kind, max: kind === "E8M0" ? 2 ** 127 : maxMant * 2 ** maxExp, emin: 1 - bias };
}

/** LLVM's fltSemantics of each type, as (width, exponent bits, mantissa bits, bias, non-finite behavior). */
export const MINIFLOAT_FORMATS: Record<MinifloatType, MinifloatFormat> = {
  f8E3M4: format(8, 3, 4, 3, "IEEE"),
  f8E4M3: format(8, 4, 3, 7, "IEEE"),
  f8E4M3FN: format(8, 4, 3, 7, "FN"),
  f8E4M3FNUZ: format(8, 4, 3, 8, "FNUZ"),
  f8E4M3B11FNUZ: format(8, 4, 3, 11, "FNUZ"),
  f8E5M2: format(8, 5, 2, 15, "IEEE"),
  f8E5M2FNUZ: format(8, 5, 2, 16, "FNUZ"),
  f8E8M0FNU: format(8, 8, 0, 127, "E8M0"),
  f6E2M3FN: format(6, 2, 3, 1, "FINITE"),
  f6E3M2FN: format(6, 3, 2, 3, "FINITE"),
  f4E2M1FN: format(4, 2, 1, 1, "FINITE"),
};

export function isMinifloat(e: ElementType | string): e is MinifloatType {
  return Object.hasOwn(MINIFLOAT_FORMATS, e);
}

/** The value of a bit pattern (the low `bits` bits of `b`). */
export function minifloatFromBits(b: number, e: MinifloatType): number {
  const f = MINIFLOAT_FORMATS[e];
  b &= 2 ** f.bits - 1;
  if (f.kind === "E8M0") return b === 0xff ? NaN : 2 ** (b - 127);
  const signBit = 1 << (f.bits - 1);
  if (f.kind === "FNUZ" && b === signBit) return NaN;
  const sign = b & signBit ? -1 : 1;
  const ex = (b >> f.mantBits) & (2 ** f.expBits - 1);
  const mant = b & (2 ** f.mantBits - 1);
  const topExp = 2 ** f.expBits - 1;
  if (f.kind === "IEEE" && ex === topExp) return mant === 0 ? sign * Infinity : NaN;
  if (f.kind === "FN" && ex === topExp && mant === 2 ** f.mantBits - 1) return NaN;
  if (ex === 0) return sign * mant * 2 ** (f.emin - f.mantBits);
  return sign * (1 + mant / 2 ** f.mantBits) * 2 ** (ex - f.bias);
}

/** floor(log2(a)) exactly, for a finite a > 0. */
function ilog2(a: number): number {
  let ex = Math.floor(Math.log2(a));
  if (2 ** ex > a) ex--;
  else if (2 ** (ex + 1) <= a) ex++;
  return ex;
}

/** Round half to even of a non-negative number. */
function rne(y: number): number {
  const fl = Math.floor(y);
  const d = y - fl;
  return d > 0.5 || (d === 0.5 && fl % 2 !== 0) ? fl + 1 : fl;
}

/**
 * The bit pattern of x rounded to the format (round to nearest, ties to even),
 * with APFloat's rules for what the format cannot hold: an overflow becomes
 * infinity (IEEE), NaN (FN, FNUZ, E8M0) or the largest magnitude (FINITE); a NaN
 * becomes the quiet NaN (FINITE types have none: APFloat gives +0).
 */
export function minifloatToBits(x: number, e: MinifloatType): number {
  const f = MINIFLOAT_FORMATS[e];
  const signBit = 1 << (f.bits - 1);
  const topExp = 2 ** f.expBits - 1;
  const nan =
    f.kind === "IEEE"
      ? (topExp << f.mantBits) | (1 << (f.mantBits - 1))
      : f.kind === "FN"
        ? 2 ** (f.bits - 1) - 1
        : f.kind === "FNUZ"
          ? signBit
          : f.kind === "E8M0"
            ? 0xff
            : 0;
  if (Number.isNaN(x)) return nan;
  if (f.kind === "E8M0") {
    // unsigned, one significand bit: a tie rounds up (the significand is odd)
    if (x < 0) return nan;
    if (x === 0) return 0; // no zero: the smallest value (APFloat)
    if (x === Infinity) return nan;
    let ex = ilog2(x);
    if (x / 2 ** ex >= 1.5) ex++;
    if (ex > 127) return nan;
    return Math.max(ex, -127) + 127;
  }
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? signBit : 0;
  const a = Math.abs(x);
  if (a === 0) return f.kind === "FNUZ" ? 0 : sign; // FNUZ: -0 is the NaN pattern, zero is unsigned
  const overflow = () => (f.kind === "IEEE" ? sign | (topExp << f.mantBits) : f.kind === "FINITE" ? sign | maxBits(f) : nan);
  if (a === Infinity) return overflow();
  const ex = ilog2(a);
  const q = 2 ** (Math.max(ex, f.emin) - f.mantBits);
  const r = rne(a / q) * q;
  if (r > f.max) return overflow();
  if (r === 0) return f.kind === "FNUZ" ? 0 : sign;
  const rex = ilog2(r);
  if (rex < f.emin) return sign | (r / 2 ** (f.emin - f.mantBits)); // subnormal
  return sign | ((rex + f.bias) << f.mantBits) | ((r / 2 ** rex - 1) * 2 ** f.mantBits);
}

/** The largest magnitude's bits of a FINITE format: every exponent and mantissa bit set. */
function maxBits(f: MinifloatFormat): number {
  return ((2 ** f.expBits - 1) << f.mantBits) | (2 ** f.mantBits - 1);
}

/** x rounded to the format, as a number (what storing and reading it back gives). */
export function roundToMinifloat(x: number, e: MinifloatType): number {
  return minifloatFromBits(minifloatToBits(x, e), e);
}
