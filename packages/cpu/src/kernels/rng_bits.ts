// stablehlo.rng_bit_generator's algorithms exactly as XLA expands them
// (xla/service/rng_bit_generator_expander.cc over xla/hlo/builder/lib/prng.cc),
// so a program gives the same bits on the CPU runtime as on an XLA device, and
// the StableHLO testdata's expected values hold. Shared by the primitive's
// kernel (kernels/bits.ts) and the reference evaluator (runtime/interpret/rng.ts).
//
// The state is ui64 words, the key first. THREE_FRY: [key, counter]; element j
// (row-major) of a 64-bit result is Threefry2x32(counter + j, key), the two
// 32-bit halves of the output joined; a 32-bit result splits one dim into
// halves and takes x0 and x1 in turn (XLA's SplitShapeIntoHalves). PHILOX:
// [key, counter low, counter high], or [key, counter] (then the counter's high
// word is the key, as XLA reverses a 2-word state); Philox4x32-10 over the
// 128-bit counter, outputs round-robin. DEFAULT is PHILOX, as XLA's CPU and GPU
// backends choose. Results narrower than 32 bits are the low bits of 32-bit ones.
import { numelOf } from "@xlatorch/core";

export type Algorithm = "DEFAULT" | "THREE_FRY" | "PHILOX";

const M64 = (1n << 64n) - 1n;
const lo32 = (x: bigint): number => Number(x & 0xffffffffn);
const hi32 = (x: bigint): number => Number((x >> 32n) & 0xffffffffn);
const join = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

const add = (a: number, b: number): number => (a + b) >>> 0;
const rotl = (v: number, r: number): number => ((v << r) | (v >>> (32 - r))) >>> 0;
const ROT = [13, 15, 26, 6, 17, 29, 16, 24];

/** Threefry2x32 with 20 rounds (Salmon et al., SC 2011), as XLA's ThreeFry2x32; writes the pair into out[0..1]. */
function threefry2x32(x0: number, x1: number, k0: number, k1: number, out: Uint32Array): void {
  const ks = [k0, k1, (0x1bd11bda ^ k0 ^ k1) >>> 0];
  let a = add(x0, ks[0]!),
    b = add(x1, ks[1]!);
  for (let block = 0; block < 5; block++) {
    const rot = block % 2 === 0 ? 0 : 4;
    for (let r = 0; r < 4; r++) {
      a = add(a, b);
      b = (rotl(b, ROT[rot + r]!) ^ a) >>> 0;
    }
    a = add(a, ks[(block + 1) % 3]!);
    b = add(add(b, ks[(block + 2) % 3]!), block + 1);
  }
  out[0] = a;
  out[1] = b;
}

/** The high 32 bits of a 32 x 32-bit product (exact in doubles via 16-bit halves). */
function mulhi(a: number, b: number): number {
  const a1 = a >>> 16,
    a0 = a & 0xffff,
    b1 = b >>> 16,
    b0 = b & 0xffff;
  const p01 = a0 * b1,
    p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) >>> 0;
}

/** Philox4x32 with 10 rounds, as XLA's Philox4x32; x is updated in place. */
function philox4x32(x: Uint32Array, k0: number, k1: number): void {
  for (let r = 0; r < 10; r++) {
    const x0 = x[0]!,
      x2 = x[2]!;
    const h0 = mulhi(x0, 0xd2511f53),
      l0 = Math.imul(x0, 0xd2511f53) >>> 0;
    const h1 = mulhi(x2, 0xcd9e8d57),
      l1 = Math.imul(x2, 0xcd9e8d57) >>> 0;
    x[0] = (h1 ^ x[1]! ^ k0) >>> 0;
    x[1] = l1;
    x[2] = (h0 ^ x[3]! ^ k1) >>> 0;
    x[3] = l0;
    k0 = add(k0, 0x9e3779b9);
    k1 = add(k1, 0xbb67ae85);
  }
}

/** XLA's split of a shape for 32-bit ThreeFry: the first even dim, else the first largest; rank 0 is [1] x 2. */
function splitDim(shape: readonly number[]): number {
  if (!shape.length) return -1;
  const even = shape.findIndex((d) => d % 2 === 0);
  if (even >= 0) return even;
  let best = 0;
  for (let i = 1; i < shape.length; i++) if (shape[i]! > shape[best]!) best = i;
  return best;
}

export interface RngResult {
  /** The new state words (same count as the input's). */
  state: bigint[];
  /** The result's elements, row-major, each the low `bits` bits as an unsigned value (bigint for 64, else number). */
  values: BigUint64Array | Uint32Array;
}

/** The bits and new state of rng_bit_generator for a result of `shape` with `bits`-bit elements (8, 16, 32 or 64). */
export function rngBitGenerator(algorithm: Algorithm, state: readonly bigint[], shape: readonly number[], bits: number): RngResult {
  const s = state.map((w) => w & M64);
  if (algorithm === "THREE_FRY") {
    if (s.length !== 2) throw new Error(`rng_bit_generator: THREE_FRY takes a state of 2 ui64 words, got ${s.length}`);
    return threeFry(s, shape, bits);
  }
  if (s.length !== 2 && s.length !== 3)
    throw new Error(`rng_bit_generator: ${algorithm} takes a state of 2 or 3 ui64 words, got ${s.length}`);
  return philox(s, shape, bits);
}

function threeFry([key, ctr]: bigint[], shape: readonly number[], bits: number): RngResult {
  const k0 = lo32(key!),
    k1 = hi32(key!);
  const n = numelOf(shape);
  const pair = new Uint32Array(2);
  if (bits === 64) {
    const values = new BigUint64Array(n);
    for (let j = 0; j < n; j++) {
      const c = (ctr! + BigInt(j)) & M64;
      threefry2x32(lo32(c), hi32(c), k0, k1, pair);
      values[j] = join(pair[0]!, pair[1]!);
    }
    return { state: [key!, (ctr! + BigInt(n)) & M64], values };
  }
  // 32 bits (narrower: their low bits): one dim of the shape split into halves, x0 and x1 alternating along it
  const d = splitDim(shape);
  const dims = d < 0 ? [1] : shape;
  const dd = d < 0 ? 0 : d;
  const half = Math.ceil(dims[dd]! / 2);
  const inner = dims.slice(dd + 1).reduce((a, b) => a * b, 1);
  const outer = dims.slice(0, dd).reduce((a, b) => a * b, 1);
  const halfN = outer * half * inner;
  const x0 = new Uint32Array(halfN),
    x1 = new Uint32Array(halfN);
  for (let j = 0; j < halfN; j++) {
    const c = (ctr! + BigInt(j)) & M64;
    threefry2x32(lo32(c), hi32(c), k0, k1, pair);
    x0[j] = pair[0]!;
    x1[j] = pair[1]!;
  }
  const values = new Uint32Array(n);
  if (d < 0) values[0] = x0[0]!;
  else {
    const len = dims[dd]!;
    let o = 0;
    for (let p = 0; p < outer; p++)
      for (let k = 0; k < len; k++) {
        const h = (p * half + (k >> 1)) * inner;
        const src = k & 1 ? x1 : x0;
        for (let q = 0; q < inner; q++) values[o++] = src[h + q]!;
      }
  }
  return { state: [key!, (ctr! + BigInt(halfN)) & M64], values: narrow(values, bits) };
}

function philox(s: bigint[], shape: readonly number[], bits: number): RngResult {
  const key = s[0]!;
  // the 128-bit counter (low word first): [s1, s2], or [s1, s0] for a 2-word state (XLA reverses it)
  const low = s[1]!,
    high = s.length >= 3 ? s[2]! : s[0]!;
  const k0 = lo32(key),
    k1 = hi32(key);
  const n = numelOf(shape);
  const wide = bits === 64;
  const blocks = Math.ceil((wide ? 2 * n : n) / 4);
  const words = new Uint32Array(4 * blocks);
  const x = new Uint32Array(4);
  for (let j = 0; j < blocks; j++) {
    const l = (low + BigInt(j)) & M64;
    const h = l < low ? (high + 1n) & M64 : high;
    x[0] = lo32(l);
    x[1] = hi32(l);
    x[2] = lo32(h);
    x[3] = hi32(h);
    philox4x32(x, k0, k1);
    words.set(x, 4 * j);
  }
  const nl = (low + BigInt(blocks)) & M64;
  const nh = nl < low ? (high + 1n) & M64 : high;
  const state = s.length >= 3 ? [key, nl, nh, ...s.slice(3)] : [key, nl];
  if (wide) {
    // block j gives (w0 | w1 << 32) then (w2 | w3 << 32)
    const values = new BigUint64Array(n);
    for (let i = 0; i < n; i++) values[i] = join(words[2 * i]!, words[2 * i + 1]!);
    return { state, values };
  }
  return { state, values: narrow(words.subarray(0, n), bits) };
}

/** The low `bits` bits of 32-bit values. */
function narrow(v: Uint32Array, bits: number): Uint32Array {
  if (bits >= 32) return v;
  const m = 2 ** bits - 1;
  return v.map((x) => x & m);
}
