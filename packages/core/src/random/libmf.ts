// Scalar float logf, sinf and cosf with the same bits as glibc 2.36 on x86-64
// (FMA variants). PyTorch's float16 normal fill (16 or more elements) calls
// them between its float16 roundings; bfloat16 calls them through c10's
// BFloat16 overloads. Both evaluate in double and round once to float:
// logf from a 16-entry table of (1/c, log c) and a cubic in r = z/c - 1;
// sinf/cosf from a one-step reduction by pi/2 (|x| < 120) and short
// polynomials. Multiply-adds the FMA build fuses go through fma64.

import { fma64 } from "./fma.js";
import { LOGF_A, LOGF_LN2, LOGF_TAB, SINCOSF_TAB } from "./libm_tables.js";

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const f = Math.fround;

function bitsOf(x: number): number {
  F32[0] = x;
  return U32[0];
}

const A0 = LOGF_A[0],
  A1 = LOGF_A[1],
  A2 = LOGF_A[2];

/** glibc's logf(x) for a float32 x. */
export function logf(x: number): number {
  let ix = bitsOf(x);
  if (ix === 0x3f800000) return 0;
  if ((ix - 0x00800000) >>> 0 >= 0x7f800000 - 0x00800000) {
    if ((ix & 0x7fffffff) === 0) return -Infinity;
    if (ix === 0x7f800000) return x;
    if (ix & 0x80000000 || (ix << 1) >>> 0 >= 0xff000000) return NaN;
    ix = (bitsOf(f(x * 8388608)) - (23 << 23)) >>> 0; // subnormal: scale by 2^23
  }
  const tmp = (ix - 0x3f330000) | 0;
  const i = (tmp >>> 19) & 15;
  const k = tmp >> 23;
  U32[0] = (ix - (tmp & (0x1ff << 23))) >>> 0;
  const z = F32[0];
  const invc = LOGF_TAB[2 * i];
  const logc = LOGF_TAB[2 * i + 1];
  const r = fma64(z, invc, -1);
  const y0 = fma64(k, LOGF_LN2, logc);
  const r2 = r * r;
  let y = fma64(A1, r, A2);
  y = fma64(A0, r2, y);
  y = fma64(y, r2, y0 + r);
  return f(y);
}

// record offsets in SINCOSF_TAB
const REC = 14;
const HPI_INV = 4,
  HPI = 5,
  C0 = 6,
  C1 = 7,
  S1 = 8,
  C2 = 9,
  S2 = 10,
  C3 = 11,
  S3 = 12,
  C4 = 13;

function abstop12(x: number): number {
  return (bitsOf(x) >>> 20) & 0x7ff;
}
const TOP_PIO4 = abstop12(f(Math.PI / 4)); // abstop12 takes a float: pi/4 rounded to float
const TOP_TINY = abstop12(2 ** -12);
const TOP_120 = abstop12(120);

/** sinf_poly: the sine polynomial (n even) or the cosine polynomial (n odd) of record p. */
function poly(x: number, x2: number, p: number, n: number): number {
  const t = SINCOSF_TAB;
  if ((n & 1) === 0) {
    const x3 = x * x2;
    const s1 = fma64(x2, t[p + S3], t[p + S2]);
    const x7 = x3 * x2;
    const s = fma64(x3, t[p + S1], x);
    return f(fma64(x7, s1, s));
  }
  const x4 = x2 * x2;
  const c2 = fma64(x2, t[p + C4], t[p + C3]);
  const c1 = fma64(x2, t[p + C1], t[p + C0]);
  const x6 = x4 * x2;
  const c = fma64(x4, t[p + C2], c1);
  return f(fma64(x6, c2, c));
}

const RED = { n: 0 };
function reduceFast(x: number): number {
  const r = x * SINCOSF_TAB[HPI_INV];
  const n = ((r | 0) + 0x800000) >> 24;
  RED.n = n;
  return fma64(-n, SINCOSF_TAB[HPI], x);
}

/** glibc's sinf(x) for a float32 x with |x| < 120 (other arguments: Math.sin rounded). */
export function sinf(x: number): number {
  const top = abstop12(x);
  if (top < TOP_PIO4) {
    if (top < TOP_TINY) return x;
    return poly(x, x * x, 0, 0);
  }
  if (top < TOP_120) {
    const r = reduceFast(x);
    const n = RED.n;
    const s = SINCOSF_TAB[n & 3];
    const p = n & 2 ? REC : 0;
    return poly(r * s, r * r, p, n);
  }
  return f(Math.sin(x));
}

/** glibc's cosf(x) for a float32 x with |x| < 120 (other arguments: Math.cos rounded). */
export function cosf(x: number): number {
  const top = abstop12(x);
  if (top < TOP_PIO4) {
    if (top < TOP_TINY) return 1;
    return poly(x, x * x, 0, 1);
  }
  if (top < TOP_120) {
    const r = reduceFast(x);
    const n = RED.n;
    const s = SINCOSF_TAB[n & 3];
    const p = n & 2 ? REC : 0;
    return poly(r * s, r * r, p, n ^ 1);
  }
  return f(Math.cos(x));
}
