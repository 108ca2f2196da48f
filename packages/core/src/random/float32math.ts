// Float32 arithmetic helpers, and a bit-exact scalar model of the vectorized
// float32 math PyTorch 1.13's CPU `normal_` uses on 16 or more float32 elements
// (ATen/native/cpu/avx_mathfun.h: Cephes-style log256_ps and sincos256_ps, in
// PyTorch's AVX2 build).
//
// Every float32 step is a double operation rounded with Math.fround; for +, -, *
// and sqrt on float32 inputs that is the correctly rounded float32 result. The
// compiled library (GCC, -mfma, default -ffp-contract=fast) fuses most
// multiply-add pairs of those intrinsics into FMAs; fma32 (fma.ts) models
// them with one correct rounding. Which pairs are fused was settled by
// comparison with PyTorch 1.13 (Debian build, AVX2 kernels): with the choices
// below, 1.6 million randn / normal_(0.3, 2.7) values on 25 seeds were all
// bit-identical; the next best choice left about 230 of them one ulp off, and
// rounding every step separately (no FMA) about 12,800.

import { fma32 } from "./fma.js";

const f = Math.fround;

const F32 = new Float32Array(1);
const F32U = new Uint32Array(F32.buffer);

/** Bits of a float32 value (as uint32). */
export function f32bits(x: number): number {
  F32[0] = x;
  return F32U[0];
}

/** The float32 value with these bits. */
export function f32frombits(b: number): number {
  F32U[0] = b >>> 0;
  return F32[0];
}

// ---- Cephes constants, as float32 ----
const SQRTHF = f(0.707106781186547524);
const LOG_P0 = f(7.0376836292e-2);
const LOG_P1 = f(-1.151461031e-1);
const LOG_P2 = f(1.167699874e-1);
const LOG_P3 = f(-1.2420140846e-1);
const LOG_P4 = f(1.4249322787e-1);
const LOG_P5 = f(-1.6668057665e-1);
const LOG_P6 = f(2.0000714765e-1);
const LOG_P7 = f(-2.4999993993e-1);
const LOG_P8 = f(3.3333331174e-1);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);

const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SINCOF_P0 = f(-1.9515295891e-4);
const SINCOF_P1 = f(8.3321608736e-3);
const SINCOF_P2 = f(-1.6666654611e-1);
const COSCOF_P0 = f(2.443315711809948e-5);
const COSCOF_P1 = f(-1.388731625493765e-3);
const COSCOF_P2 = f(4.166664568298827e-2);
const FOPI = f(1.27323954473516);

const MIN_NORM_POS = f32frombits(0x00800000);

/** Natural log of a float32 x > 0, as PyTorch's AVX2 log256_ps computes one lane. */
export function log256(x0: number): number {
  if (!(x0 > 0)) return NaN; // invalid lanes are OR-ed with all ones: NaN
  let x = x0 < MIN_NORM_POS ? MIN_NORM_POS : x0;
  const bits = f32bits(x);
  const imm0 = (bits >>> 23) - 0x7f;
  x = f32frombits((bits & ~0x7f800000) | 0x3f000000);
  let e = f(imm0 + 1);
  const lt = x < SQRTHF;
  const tmp = lt ? x : 0;
  x = f(x - 1);
  if (lt) e = f(e - 1);
  x = f(x + tmp);
  const z = f(x * x);
  let y = LOG_P0;
  y = fma32(y, x, LOG_P1);
  y = fma32(y, x, LOG_P2);
  y = fma32(y, x, LOG_P3);
  y = fma32(y, x, LOG_P4);
  y = fma32(y, x, LOG_P5);
  y = fma32(y, x, LOG_P6);
  y = fma32(y, x, LOG_P7);
  y = fma32(y, x, LOG_P8);
  y = f(y * x);
  y = fma32(y, z, f(e * LOG_Q1)); // (y * z) + (e * q1), fused on the y * z side
  y = f(y - z * 0.5); // z * 0.5 is exact, fused or not
  x = f(x + y);
  x = fma32(e, LOG_Q2, x);
  return x;
}

/** sin and cos of a float32 x, as PyTorch's AVX2 sincos256_ps computes one lane. Writes [sin, cos] into out. */
export function sincos256(x0: number, out: Float64Array | number[]): void {
  const negIn = x0 < 0 || Object.is(x0, -0);
  let x = Math.abs(x0);
  let y = f(x * FOPI);
  let j = y >= 2147483648 || y !== y ? -2147483648 : Math.trunc(y) | 0; // cvttps: out of range -> 0x80000000
  j = ((j + 1) & ~1) | 0;
  y = j;
  const swapSin = (j & 4) !== 0;
  const polyMask = (j & 2) === 0;
  x = fma32(y, DP1, x);
  x = fma32(y, DP2, x);
  x = fma32(y, DP3, x);
  const cosNeg = (~(j - 2) & 4) !== 0;
  const sinNeg = negIn !== swapSin;
  const z = f(x * x);
  let yc = COSCOF_P0;
  yc = fma32(yc, z, COSCOF_P1);
  yc = fma32(yc, z, COSCOF_P2);
  yc = f(yc * z);
  yc = fma32(yc, z, -(z * 0.5)); // the second * z fused with - z * 0.5
  yc = f(yc + 1);
  let ys = SINCOF_P0;
  ys = fma32(ys, z, SINCOF_P1);
  ys = fma32(ys, z, SINCOF_P2);
  ys = f(ys * z);
  ys = fma32(ys, x, x);
  // polyMask picks the sine polynomial (ys) for the sine and the cosine one (yc) for the cosine, else swapped.
  let s: number;
  let co: number;
  if (polyMask) {
    s = f(0 + ys);
    co = f(yc + f(ys - ys));
  } else {
    s = f(yc + 0);
    co = f(f(yc - yc) + ys);
  }
  out[0] = sinNeg ? -s : s;
  out[1] = cosNeg ? -co : co;
}
