// Fused multiply-add for doubles and float32 values in plain JavaScript.
//
// PyTorch's kernels and glibc's libm are compiled for CPUs with FMA, and the
// compiler fuses many a * b + c into one instruction that rounds once. To
// reproduce their bits, those steps must round once here too.

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1;
const HI = LITTLE ? 1 : 0;

/** Correctly rounded float32 fma(a, b, c) for float32 inputs a, b, c. */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 bits
  const s = p + c; // within half a double ulp of the exact sum
  const r = Math.fround(s);
  if (r === s) return r;
  // Only if s sits exactly halfway between two floats can the bits lost in s change
  // the float rounding. Then o = r + 2 (s - r) is the float on the other side.
  const d = s - r;
  const o = r + 2 * d;
  if (Math.fround(o) !== o || s - s !== 0) return r;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0) return r;
  // the exact sum lies past the midpoint on err's side
  return err > 0 === o > r ? o : r;
}

const SPLIT = 134217729; // 2^27 + 1
const SAFE_MAX = 2 ** 995;
const SAFE_MIN = 2 ** -900;

/**
 * Correctly rounded double fma(a, b, c) = RN(a * b + c).
 * Exact product by Dekker splitting, then Boldo and Melquiond's emulation with
 * rounding to odd; inputs whose splitting could overflow or underflow go to an
 * exact BigInt computation.
 */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  const ap = Math.abs(p);
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  const ac = Math.abs(c);
  if (
    !(ap < SAFE_MAX && aa < SAFE_MAX && ab < SAFE_MAX && ac < SAFE_MAX) ||
    (p !== 0 && ap < SAFE_MIN) ||
    (aa !== 0 && aa < SAFE_MIN) ||
    (ab !== 0 && ab < SAFE_MIN) ||
    (c !== 0 && ac < SAFE_MIN)
  ) {
    return fma64Exact(a, b, c);
  }
  if (p === 0 || a === 0 || b === 0) return p + c;
  // uh + ul = a * b exactly
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const uh = p;
  const ul = ah * bh - uh + ah * bl + al * bh + al * bl;
  // th + tl = c + ul exactly
  const th = c + ul;
  let bv = th - c;
  const tl = c - (th - bv) + (ul - bv);
  // vh + vl = uh + th exactly
  const vh = uh + th;
  bv = vh - uh;
  const vl = uh - (vh - bv) + (th - bv);
  // ws + we = tl + vl exactly; the result is RN(vh + ws + we)
  const ws = tl + vl;
  bv = ws - tl;
  const we = tl - (ws - bv) + (vl - bv);
  const z = vh + ws;
  if (we === 0) return z;
  // we can only matter when vh + ws is exactly halfway between two doubles:
  // then its rounding error e2 is half an ulp and z + 2 e2 is the other neighbour.
  bv = z - vh;
  const e2 = vh - (z - bv) + (ws - bv);
  if (e2 === 0) return z;
  const o = z + 2 * e2;
  if (o - z !== 2 * e2) return z;
  return we > 0 === e2 > 0 ? o : z;
}

// ---- exact reference (slow): value = m * 2^e with m a BigInt ----

function decompose(x: number): [bigint, number] {
  F64[0] = x;
  const hi = U32[HI];
  const lo = U32[LO];
  const sign = hi >>> 31 ? -1n : 1n;
  const ex = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (ex === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = ex - 1075;
  }
  return [sign * mant, e];
}

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** Rounds m * 2^e (exact) to the nearest double, ties to even. */
function toDouble(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const neg = m < 0n;
  let a = neg ? -m : m;
  const len = bitLength(a);
  // exponent of the leading bit: len - 1 + e; doubles keep 53 bits down to 2^-1074.
  let shift = Math.max(len - 53, -1074 - e);
  if (shift > 0) {
    const sh = BigInt(shift);
    const q = a >> sh;
    const r = a - (q << sh);
    const half = 1n << (sh - 1n);
    a = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
    e += shift;
  } else shift = 0;
  // a * 2^e, a < 2^54: exact in double unless it overflows
  let v = Number(a) * 2 ** Math.max(e, -1022);
  if (e < -1022) v *= 2 ** (e + 1022);
  return neg ? -v : v;
}

/** Exact fma through BigInt (slow; for special ranges and for tests). */
export function fma64Exact(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  if (a === 0 || b === 0) return a * b + c;
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const mp = ma * mb;
  const ep = ea + eb;
  if (mc === 0n) return toDouble(mp, ep) + c; // keeps the sign rules of x + 0
  const e = Math.min(ep, ec);
  const sum = (mp << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (sum === 0n) return 0; // exact cancellation: +0 in round-to-nearest
  return toDouble(sum, e);
}
