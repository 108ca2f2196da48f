// Scalar double log, sin and cos that return the same bits as the C library
// under PyTorch (glibc 2.36 on x86-64, the FMA variants its ifuncs pick on
// CPUs with AVX2 + FMA). PyTorch's scalar normal path, its float64 normal
// fill and its exponential sampler call these, so matching PyTorch's float64
// (and float32-from-double) samples bit for bit needs them; V8's Math.log,
// Math.sin and Math.cos differ from glibc in the last bit for a few percent of
// arguments.
//
// The algorithms are the ones glibc documents: log splits x = 2^k z, looks up
// c ~ z in a 128-entry table and evaluates a polynomial in r = z/c - 1 (a
// separate polynomial near 1); sin and cos reduce the argument by multiples of
// pi/2 in extended precision, then combine a table of sin/cos(i/128) with
// short Taylor polynomials. The FMA build fuses multiply-adds; fma64 models
// each fused step.

import { fma64 } from "./fma.js";
import { LOG_A, LOG_B, LOG_LN2HI, LOG_LN2LO, LOG_TAB, SINCOS_TAB } from "./libm_tables.js";

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1;
const HI = LITTLE ? 1 : 0;

// ---------------------------------------------------------------- log

const A0 = LOG_A[0],
  A1 = LOG_A[1],
  A2 = LOG_A[2],
  A3 = LOG_A[3],
  A4 = LOG_A[4];
const B0 = LOG_B[0],
  B1 = LOG_B[1],
  B2 = LOG_B[2],
  B3 = LOG_B[3],
  B4 = LOG_B[4],
  B5 = LOG_B[5];
const B6 = LOG_B[6],
  B7 = LOG_B[7],
  B8 = LOG_B[8],
  B9 = LOG_B[9],
  B10 = LOG_B[10];
const NEAR1_LO = 1 - 0.0625; // 1 - 2^-4
const NEAR1_HI = 1 + 0x109 / 4096; // 1 + 0x1.09p-4

/** glibc's log(x). */
export function log(x: number): number {
  if (x >= NEAR1_LO && x < NEAR1_HI) {
    if (x === 1) return 0;
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    const inner3 = fma64(r3, B10, fma64(r2, B9, fma64(r, B8, B7)));
    const inner2 = fma64(r3, inner3, fma64(r2, B6, fma64(r, B5, B4)));
    const inner1 = fma64(r3, inner2, fma64(r2, B3, fma64(r, B2, B1)));
    let w = r * 134217728; // 2^27
    const rhi = r + w - w;
    const rlo = r - rhi;
    w = rhi * rhi * B0; // exact
    const hi = r + w;
    let lo = r - hi + w;
    lo = fma64(B0 * rlo, rhi + r, lo);
    const y = fma64(r3, inner1, lo);
    return y + hi;
  }
  if (!(x > 0) || x === Infinity) {
    if (x === 0) return -Infinity;
    if (x === Infinity) return x;
    return NaN;
  }
  F64[0] = x;
  let hi32 = U32[HI];
  let lo32 = U32[LO];
  let kadj = 0;
  if (hi32 >>> 20 === 0) {
    // subnormal: scale by 2^52
    F64[0] = x * 4503599627370496;
    hi32 = U32[HI];
    lo32 = U32[LO];
    kadj = -52;
  }
  // tmp = ix - OFF, OFF = 0x3fe6000000000000 (only the high word is affected)
  const tmpHi = (hi32 - 0x3fe60000) | 0;
  const i = (tmpHi >>> 13) & 127; // bits 45..51 of tmp
  const k = (tmpHi >> 20) + kadj; // arithmetic shift of the 64-bit tmp by 52
  // iz = ix - (tmp & 0xfff << 52): keep the mantissa, exponent field from OFF
  U32[HI] = (hi32 - (tmpHi & 0xfff00000)) | 0;
  U32[LO] = lo32;
  const z = F64[0];
  const invc = LOG_TAB[2 * i];
  const logc = LOG_TAB[2 * i + 1];
  const r = fma64(z, invc, -1);
  const kd = k;
  const w = fma64(kd, LOG_LN2HI, logc);
  const hi = w + r;
  const lo = fma64(kd, LOG_LN2LO, w - hi + r);
  const r2 = r * r;
  const p = fma64(r2, fma64(r, A4, A3), fma64(r, A2, A1));
  const y = fma64(r * r2, p, fma64(r2, A0, lo)) + hi;
  return y;
}

// ---------------------------------------------------------------- sin, cos

const S1 = -0x15555555555555 / 2 ** 55; // -0x1.5555555555555p-3
const S2 = 0x11111111110ece / 2 ** 59; // 0x1.1111111110ECEp-7
const S3 = -0x1a01a019db08b8 / 2 ** 65; // -0x1.A01A019DB08B8p-13
const S4 = 0x171de27b9a7ed9 / 2 ** 71; // 0x1.71DE27B9A7ED9p-19
const S5 = -0x1addffc2fcdf59 / 2 ** 78; // -0x1.ADDFFC2FCDF59p-26
const BIG = 52776558133248; // 0x1.8p45
const HP0 = 0x1921fb54442d18 / 2 ** 52; // 0x1.921FB54442D18p0
const HP1 = 0x11a62633145c07 / 2 ** 106; // 0x1.1A62633145C07p-54
const MP1 = 0x1921fb58000000 / 2 ** 52; // 0x1.921FB58000000p0
const MP2 = -0x1dde973c000000 / 2 ** 79; // -0x1.DDE973C000000p-27
const PP3 = -0x1cb3b398000000 / 2 ** 107; // -0x1.CB3B398000000p-55
const PP4 = -0x1d747f23e32ed7 / 2 ** 135; // -0x1.d747f23e32ed7p-83
const HPINV = 0x145f306dc9c883 / 2 ** 53; // 0x1.45F306DC9C883p-1
const TOINT = 6755399441055744; // 0x1.8p52
const SN3 = -1.66666666666664880952546298448555e-1;
const SN5 = 8.33333214285722277379541354343671e-3;
const CS2 = 4.99999999999999999999950396842453e-1;
const CS4 = -4.16666666666664434524222570944589e-2;
const CS6 = 1.38888874007937613028114285595617e-3;

/** Low 32 bits of a double (for big + |x|: round(|x| * 128); for t of the reduction: the quadrant). */
function lowWord(v: number): number {
  F64[0] = v;
  return U32[LO];
}

function doCos(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const ux = BIG + Math.abs(x);
  x = Math.abs(x) - (ux - BIG) + dx;
  const k = lowWord(ux) << 2;
  const xx = x * x;
  const s = fma64(x * xx, fma64(xx, SN5, SN3), x);
  const c = xx * fma64(xx, fma64(xx, CS6, CS4), CS2);
  const sn = SINCOS_TAB[k],
    ssn = SINCOS_TAB[k + 1],
    cs = SINCOS_TAB[k + 2],
    ccs = SINCOS_TAB[k + 3];
  const cor = fma64(-sn, s, fma64(-cs, c, fma64(-s, ssn, ccs)));
  return cs + cor;
}

function doSin(x: number, dx: number): number {
  const xold = x;
  if (Math.abs(x) < 0.126) {
    const xx = x * x;
    const P = fma64(fma64(fma64(fma64(S5, xx, S4), xx, S3), xx, S2), xx, S1);
    const inner = fma64(P, x, -0.5 * dx);
    const t = fma64(inner, xx, dx);
    return x + t;
  }
  if (x <= 0) dx = -dx;
  const ux = BIG + Math.abs(x);
  x = Math.abs(x) - (ux - BIG);
  const k = lowWord(ux) << 2;
  const xx = x * x;
  const s = x + fma64(x * xx, fma64(xx, SN5, SN3), dx);
  const cpoly = fma64(xx, fma64(xx, CS6, CS4), CS2);
  const c = fma64(xx, cpoly, x * dx);
  const sn = SINCOS_TAB[k],
    ssn = SINCOS_TAB[k + 1],
    cs = SINCOS_TAB[k + 2],
    ccs = SINCOS_TAB[k + 3];
  const cor = fma64(cs, s, fma64(-sn, c, fma64(s, ccs, ssn)));
  const r = sn + cor;
  return xold < 0 || Object.is(xold, -0) ? -Math.abs(r) : Math.abs(r);
}

/** Reduces x (2.426265 <= |x| < 105414350) by multiples of pi/2: returns the quadrant; a + da in RED. */
const RED = [0, 0];
function reduce(x: number): number {
  const t = fma64(x, HPINV, TOINT);
  const xn = t - TOINT;
  const n = lowWord(t) & 3;
  const y = x - xn * MP1 - xn * MP2;
  const t1 = xn * PP3; // exact
  const t2 = y - t1;
  let db = y - t2 - t1;
  const b = fma64(-xn, PP4, t2);
  db += fma64(-xn, PP4, t2 - b);
  RED[0] = b;
  RED[1] = db;
  return n;
}

function doSincos(a: number, da: number, n: number): number {
  const r = n & 1 ? doCos(a, da) : doSin(a, da);
  return n & 2 ? -r : r;
}

/** glibc's sin(x). */
export function sin(x: number): number {
  F64[0] = x;
  const k = U32[HI] & 0x7fffffff;
  if (k < 0x3e500000) return x;
  if (k < 0x3feb6000) return doSin(x, 0);
  if (k < 0x400368fd) {
    const t = HP0 - Math.abs(x);
    const r = doCos(t, HP1);
    return x < 0 ? -Math.abs(r) : Math.abs(r);
  }
  if (k < 0x419921fb) {
    const n = reduce(x);
    return doSincos(RED[0], RED[1], n);
  }
  return Math.sin(x); // |x| >= 105414350 or not finite: outside what PyTorch's samplers pass
}

/** glibc's cos(x). */
export function cos(x: number): number {
  F64[0] = x;
  const k = U32[HI] & 0x7fffffff;
  if (k < 0x3e400000) return 1;
  if (k < 0x3feb6000) return doCos(x, 0);
  if (k < 0x400368fd) {
    const y = HP0 - Math.abs(x);
    const a = y + HP1;
    const da = y - a + HP1;
    return doSin(a, da);
  }
  if (k < 0x419921fb) {
    const n = reduce(x);
    return doSincos(RED[0], RED[1], n + 1);
  }
  return Math.cos(x);
}
