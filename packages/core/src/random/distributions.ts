// PyTorch 1.13's CPU samplers as pure functions on host arrays. Each consumes
// the generator's MT19937 stream exactly as PyTorch's CPU kernel does (same
// number of 32/64-bit draws, same order, same arithmetic and rounding), so a
// seeded sequence of calls here returns PyTorch's values bit for bit.
//
// Which PyTorch call each function stands for:
//   uniform(g, n, dt, a, b)         torch.rand(n, dtype=dt, generator=g)  (a=0, b=1); t.uniform_(a, b)
//   normal(g, n, dt, m, s)          torch.randn(n, dtype=dt) (m=0, s=1); t.normal_(m, s); torch.normal(m, s, (n,))
//   normalTensor(g, mean, std, dt)  torch.normal(mean, std) with tensor mean and/or std
//   randint(g, n, dt, low, high)    torch.randint(low, high, (n,), dtype=dt)
//   random_(g, n, dt)               t.random_()           random_(g, n, dt, from, to): t.random_(from, to)
//                                   t.random_(to) is random_(g, n, dt, 0, to); from with to = null: t.random_(from, None)
//   randperm(g, n, dt)              torch.randperm(n, dtype=dt)
//   bernoulli(g, p, n, dt)          number p: t.bernoulli_(p) / torch.bernoulli(x, p); array p: t.bernoulli_(p_tensor),
//                                   torch.bernoulli(p_tensor) (dt = the tensor's dtype)
//   multinomial(g, probs, k, s, r)  torch.multinomial(probs.view(-1, k), s, replacement=r)
//   exponential(g, n, dt, lambd)    t.exponential_(lambd)
// "n" is the element count of a contiguous tensor; values come in its memory order.

import { fma32, fma64 } from "./fma.js";
import { log256, sincos256 } from "./float32math.js";
import { Generator } from "./generator.js";
import { topkIndices } from "./topk.js";
import { log as libmLog, sin as libmSin, cos as libmCos } from "./libm.js";
import { logf as libmLogf, sinf as libmSinf, cosf as libmCosf } from "./libmf.js";
import {
  allocHost,
  bf16FromFloat,
  bf16ToFloat,
  checkCount,
  checkDType,
  halfFromFloat,
  halfToFloat,
  int64ToFloat32,
  isFloatDType,
  type FloatDType,
  type HostArrayOf,
  type RandomDType,
} from "./dtypes.js";

const f = Math.fround;
const TWO_M24 = 2 ** -24;
const TWO_M53 = 2 ** -53;
const TWO_32 = 4294967296;
const TWO_PI = 2 * Math.PI; // 2.0 * c10::pi<double>
const TWO_PI_F = Math.fround(TWO_PI);

const FLOAT_TYPES: readonly RandomDType[] = ["float32", "float64", "float16", "bfloat16"];
const ALL_TYPES: readonly RandomDType[] = ["float32", "float64", "float16", "bfloat16", "int8", "uint8", "int16", "int32", "int64", "bool"];

// ---------------------------------------------------------------- raw draws

// Bulk fills take the engine's outputs a chunk at a time (MT19937.fill) into this buffer and
// compose them exactly as the scalar draws below do: the same words in the same order, so the
// values and the generator's state afterwards are those of the per-value loop.
const CHUNK = 4096; // words: 16 KiB, stays in the L1/L2 cache between the fill and its use
const WORDS = new Uint32Array(CHUNK);

/** The engine's next `count` (<= CHUNK) outputs, in a shared buffer that the next call overwrites. */
function words(gen: Generator, count: number): Uint32Array {
  gen.engine.fill(WORDS, 0, count);
  return WORDS;
}

/** uniformFloat for out[from..to) (to - from <= CHUNK), in order. */
function fillUniformFloat(gen: Generator, out: Float32Array, from: number, to: number): void {
  const w = words(gen, to - from);
  for (let i = from, j = 0; i < to; i++, j++) out[i] = (w[j] & 0xffffff) * TWO_M24;
}

/** uniformDouble for out[from..to) (to - from <= CHUNK / 2), in order. */
function fillUniformDouble(gen: Generator, out: Float64Array, from: number, to: number): void {
  const w = words(gen, 2 * (to - from));
  for (let i = from, j = 0; i < to; i++, j += 2) out[i] = ((w[j] & 0x1fffff) * TWO_32 + w[j + 1]) * TWO_M53;
}

/** fill(gen, out, from, to) over out[0..n) in pieces of at most `per` elements. */
function inChunks<A>(gen: Generator, out: A, n: number, per: number, fill: (g: Generator, o: A, a: number, b: number) => void): void {
  for (let i = 0; i < n; i += per) fill(gen, out, i, Math.min(n, i + per));
}

/** uniform_real_distribution<float>(0, 1): 24 random bits of one 32-bit draw. */
export function uniformFloat(gen: Generator): number {
  return (gen.engine.random() & 0xffffff) * TWO_M24;
}

/** uniform_real_distribution<double>(0, 1): 53 random bits of one 64-bit draw. */
export function uniformDouble(gen: Generator): number {
  const hi = gen.engine.random();
  const lo = gen.engine.random();
  return ((hi & 0x1fffff) * TWO_32 + lo) * TWO_M53;
}

/**
 * One sample of at::normal_distribution<double>(mean, std), the scalar path:
 * Box-Muller on two double uniforms, the sine half cached on the generator.
 */
export function normalDouble(gen: Generator, mean = 0, std = 1): number {
  const cached = gen.nextDoubleNormal;
  if (cached !== null) {
    gen.nextDoubleNormal = null;
    return fma64(cached, std, mean);
  }
  const u1 = uniformDouble(gen);
  const u2 = uniformDouble(gen);
  const r = Math.sqrt(-2 * libmLog(1 - u2));
  const theta = TWO_PI * u1;
  gen.nextDoubleNormal = r * libmSin(theta);
  return fma64(r * libmCos(theta), std, mean);
}

// ---------------------------------------------------------------- helpers

function floatLimits(dtype: FloatDType): { lowest: number; max: number; digits: number } {
  switch (dtype) {
    case "float32":
      return { lowest: -3.4028234663852886e38, max: 3.4028234663852886e38, digits: 24 };
    case "float64":
      return { lowest: -Number.MAX_VALUE, max: Number.MAX_VALUE, digits: 53 };
    case "float16":
      return { lowest: -65504, max: 65504, digits: 11 };
    case "bfloat16":
      return { lowest: -3.3895313892515355e38, max: 3.3895313892515355e38, digits: 8 };
  }
}

function intLimits(dtype: RandomDType): { min: bigint; max: bigint } {
  switch (dtype) {
    case "int8":
      return { min: -128n, max: 127n };
    case "uint8":
      return { min: 0n, max: 255n };
    case "int16":
      return { min: -32768n, max: 32767n };
    case "int32":
      return { min: -2147483648n, max: 2147483647n };
    case "int64":
      return { min: -(1n << 63n), max: (1n << 63n) - 1n };
    case "bool":
      return { min: 0n, max: 1n };
    default:
      throw new TypeError(`not an integer dtype: ${dtype}`);
  }
}

/** Rounds a float to the dtype's precision and back (the value a stored scalar_t holds). */
function roundTo(dtype: FloatDType, v: number): number {
  switch (dtype) {
    case "float64":
      return v;
    case "float32":
      return f(v);
    case "float16":
      return halfToFloat(halfFromFloat(f(v)));
    case "bfloat16":
      return bf16ToFloat(bf16FromFloat(f(v)));
  }
}

/** Stores a double as static_cast<scalar_t>(double) does. */
function storeDouble(dtype: FloatDType, out: Float32Array | Float64Array | Uint16Array, i: number, v: number): void {
  if (dtype === "float16") out[i] = halfFromFloat(f(v));
  else if (dtype === "bfloat16") out[i] = bf16FromFloat(f(v));
  else out[i] = v;
}

/** static_cast<scalar_t>(int64 v) for every dtype; v is a safe integer number or a bigint. */
function storeInt(dtype: RandomDType, out: HostArrayOf[RandomDType], i: number, v: number | bigint): void {
  switch (dtype) {
    case "int64":
      (out as BigInt64Array)[i] = typeof v === "bigint" ? BigInt.asIntN(64, v) : BigInt(v);
      return;
    case "bool":
      (out as Uint8Array)[i] = v === 0 || v === 0n ? 0 : 1;
      return;
    case "int8":
    case "uint8":
    case "int16":
    case "int32":
      // typed-array stores truncate modulo 2^bits, as the C++ integer conversion does
      (out as Int32Array)[i] = typeof v === "bigint" ? Number(BigInt.asIntN(32, v)) : v;
      return;
    case "float64":
      (out as Float64Array)[i] = Number(v);
      return;
    case "float32":
      (out as Float32Array)[i] = typeof v === "bigint" ? int64ToFloat32(v) : v;
      return;
    case "float16":
      (out as Uint16Array)[i] = halfFromFloat(typeof v === "bigint" ? int64ToFloat32(v) : f(v));
      return;
    case "bfloat16":
      (out as Uint16Array)[i] = bf16FromFloat(typeof v === "bigint" ? int64ToFloat32(v) : f(v));
      return;
  }
}

// ---------------------------------------------------------------- uniform

/**
 * `torch.rand` / `Tensor.uniform_(from, to)`: one draw per element, in order.
 * float32: 24 bits of a 32-bit draw; float64: 53 bits of a 64-bit draw;
 * float16: 11 bits, bfloat16: 8 bits of a 32-bit draw. Then u * (to - from) + from,
 * with from/to first cast to the dtype and the arithmetic in float (double for float64).
 */
export function uniform<D extends RandomDType = "float32">(
  gen: Generator,
  n: number,
  dtype: D = "float32" as D,
  from = 0,
  to = 1,
): HostArrayOf[D] {
  checkCount("uniform_", n);
  const dt = checkDType("uniform_", dtype, FLOAT_TYPES) as FloatDType;
  const { lowest, max } = floatLimits(dt);
  if (!(from >= lowest && from <= max)) throw new RangeError(`uniform_: from is out of bounds for ${dt}`);
  if (!(to >= lowest && to <= max)) throw new RangeError(`uniform_: to is out of bounds for ${dt}`);
  if (!(from <= to)) throw new RangeError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  if (!(to - from <= max)) {
    throw new RangeError(
      `uniform_ expects to-from <= std::numeric_limits<${dt}>::max(), but found to=${to} and from=${from} which result in to-from to exceed the limit`,
    );
  }
  const out = allocHost(dtype, n);
  if (dt === "float64") {
    const o = out as Float64Array;
    const d = to - from;
    inChunks(gen, o, n, CHUNK / 2, fillUniformDouble);
    for (let i = 0; i < n; i++) o[i] = fma64(o[i], d, from);
  } else if (dt === "float32") {
    const o = out as Float32Array;
    const a = f(from);
    const d = f(f(to) - a);
    inChunks(gen, o, n, CHUNK, fillUniformFloat);
    for (let i = 0; i < n; i++) o[i] = fma32(o[i], d, a);
  } else {
    const half = dt === "float16";
    const o = out as Uint16Array;
    const toBits = half ? halfFromFloat : bf16FromFloat;
    const toF = half ? halfToFloat : bf16ToFloat;
    const mask = half ? 0x7ff : 0xff;
    const scale = half ? 2 ** -11 : 2 ** -8;
    const a = toF(toBits(f(from)));
    const b = toF(toBits(f(to)));
    const d = toF(toBits(f(b - a))); // Half - Half -> Half
    for (let i = 0; i < n; i += CHUNK) {
      const c = Math.min(CHUNK, n - i);
      const w = words(gen, c);
      for (let j = 0; j < c; j++) o[i + j] = toBits(fma32((w[j] & mask) * scale, d, a));
    }
  }
  return out;
}

// ---------------------------------------------------------------- normal

export interface NormalOptions {
  /**
   * Whether the target tensor is contiguous (default true). PyTorch takes its
   * 16-at-a-time fill only for contiguous tensors of 16 or more elements;
   * otherwise every element goes through the scalar path (in iteration order).
   */
  contiguous?: boolean;
}

/** normal_fill for float32 (PyTorch's AVX2 kernel): uniforms for all, then Box-Muller 16 at a time. */
function normalFillFloat32(gen: Generator, o: Float32Array, mean: number, std: number): void {
  const n = o.length;
  inChunks(gen, o, n, CHUNK, fillUniformFloat);
  const m = f(mean);
  const s = f(std);
  const sc = new Float64Array(2);
  const block = (base: number): void => {
    for (let j = 0; j < 8; j++) {
      const u1 = f(1 - o[base + j]);
      const u2 = o[base + j + 8];
      const radius = f(Math.sqrt(f(-2 * log256(u1))));
      const theta = f(TWO_PI_F * u2);
      sincos256(theta, sc);
      o[base + j] = fma32(f(radius * sc[1]), s, m);
      o[base + j + 8] = fma32(f(radius * sc[0]), s, m);
    }
  };
  for (let i = 0; i + 16 <= n; i += 16) block(i);
  if (n % 16 !== 0) {
    fillUniformFloat(gen, o, n - 16, n);
    block(n - 16);
  }
}

/** normal_fill<double>: the same layout in double with the C library's log/sin/cos. */
function normalFillFloat64(gen: Generator, o: Float64Array, mean: number, std: number): void {
  const n = o.length;
  inChunks(gen, o, n, CHUNK / 2, fillUniformDouble);
  const block = (base: number): void => {
    for (let j = 0; j < 8; j++) {
      const u1 = 1 - o[base + j];
      const u2 = o[base + j + 8];
      const radius = Math.sqrt(-2 * libmLog(u1));
      const theta = TWO_PI * u2;
      o[base + j] = fma64(radius * libmCos(theta), std, mean);
      o[base + j + 8] = fma64(radius * libmSin(theta), std, mean);
    }
  };
  for (let i = 0; i + 16 <= n; i += 16) block(i);
  if (n % 16 !== 0) {
    fillUniformDouble(gen, o, n - 16, n);
    block(n - 16);
  }
}

/**
 * normal_fill<Half> / normal_fill<BFloat16>: uniforms of 11 (8) bits stored in the
 * dtype, then the 16-element transform with every intermediate stored in the
 * dtype, float math from the C library (logf, sinf, cosf) in between.
 */
function normalFillReduced(gen: Generator, dt: "float16" | "bfloat16", o: Uint16Array, mean: number, std: number): void {
  const n = o.length;
  const half = dt === "float16";
  const toBits = half ? halfFromFloat : bf16FromFloat;
  const toF = half ? halfToFloat : bf16ToFloat;
  const mask = half ? 0x7ff : 0xff;
  const scale = half ? 2 ** -11 : 2 ** -8;
  const uniforms = (from: number, to: number): void => {
    for (let i = from; i < to; i += CHUNK) {
      const c = Math.min(CHUNK, to - i);
      const w = words(gen, c);
      for (let j = 0; j < c; j++) o[i + j] = toBits((w[j] & mask) * scale);
    }
  };
  uniforms(0, n);
  const m = toF(toBits(f(mean)));
  const s = toF(toBits(f(std)));
  const r = (v: number): number => toF(toBits(v)); // round a float to the dtype
  const block = (base: number): void => {
    for (let j = 0; j < 8; j++) {
      const u1 = r(f(1 - toF(o[base + j])));
      const u2 = toF(o[base + j + 8]);
      const theta = r(f(TWO_PI * u2)); // double * scalar_t -> double, stored in scalar_t
      if (half) {
        // Half: std::log/sqrt/cos/sin are the float functions; products in float
        const radius = r(f(Math.sqrt(f(-2 * libmLogf(u1)))));
        o[base + j] = toBits(fma32(f(radius * libmCosf(theta)), s, m));
        o[base + j + 8] = toBits(fma32(f(radius * libmSinf(theta)), s, m));
      } else {
        // BFloat16: c10's BFloat16-math overloads return BFloat16, and BFloat16 * BFloat16 is
        // rounded to BFloat16, so every step rounds to the dtype
        const radius = r(f(Math.sqrt(r(f(-2 * r(libmLogf(u1)))))));
        o[base + j] = toBits(r(f(r(f(radius * r(libmCosf(theta)))) * s)) + m);
        o[base + j + 8] = toBits(r(f(r(f(radius * r(libmSinf(theta)))) * s)) + m);
      }
    }
  };
  for (let i = 0; i + 16 <= n; i += 16) block(i);
  if (n % 16 !== 0) {
    uniforms(n - 16, n);
    block(n - 16);
  }
}

/**
 * `torch.randn` / `Tensor.normal_(mean, std)` / `torch.normal(mean, std, size)`.
 * Contiguous tensors of 16 or more elements take the fill path (float32: PyTorch's
 * vectorized float math, reproduced bit for bit); smaller or non-contiguous ones take
 * the scalar Box-Muller path in double, which caches every second sample on the generator.
 */
export function normal<D extends RandomDType = "float32">(
  gen: Generator,
  n: number,
  dtype: D = "float32" as D,
  mean = 0,
  std = 1,
  options: NormalOptions = {},
): HostArrayOf[D] {
  checkCount("normal_", n);
  const dt = checkDType("normal_", dtype, FLOAT_TYPES) as FloatDType;
  if (!(std >= 0)) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  const out = allocHost(dtype, n);
  const contiguous = options.contiguous ?? true;
  if (n >= 16 && contiguous) {
    if (dt === "float32") normalFillFloat32(gen, out as Float32Array, mean, std);
    else if (dt === "float64") normalFillFloat64(gen, out as Float64Array, mean, std);
    else {
      const m = dt === "float16" ? halfToFloat(halfFromFloat(f(mean))) : bf16ToFloat(bf16FromFloat(f(mean)));
      const s = dt === "float16" ? halfToFloat(halfFromFloat(f(std))) : bf16ToFloat(bf16FromFloat(f(std)));
      normalFillReduced(gen, dt, out as Uint16Array, m, s);
    }
    return out;
  }
  const o = out as Float32Array | Float64Array | Uint16Array;
  for (let i = 0; i < n; i++) storeDouble(dt, o, i, normalDouble(gen, mean, std));
  return out;
}

/**
 * `torch.normal(mean, std)` with a tensor mean and/or std (the other may be a number).
 * Arrays hold the values of a tensor of `dtype` (float16/bfloat16 as bits); each must have
 * n elements or 1 (broadcast). PyTorch draws normal_(0, std) then adds mean (tensor mean,
 * number std), or normal_(0, 1) then multiplies by std and adds mean (tensor std), each
 * step rounded to the dtype.
 */
export function normalTensor<D extends FloatDType = "float32">(
  gen: Generator,
  mean: number | HostArrayOf[D],
  std: number | HostArrayOf[D],
  dtype: D = "float32" as D,
  options: NormalOptions = {},
): HostArrayOf[D] {
  const dt = checkDType("normal", dtype, FLOAT_TYPES) as FloatDType;
  const lenOf = (x: number | ArrayLike<number>): number => (typeof x === "number" ? 1 : x.length);
  if (typeof mean === "number" && typeof std === "number") return normal(gen, 1, dtype, mean, std, options);
  const lm = lenOf(mean);
  const ls = lenOf(std);
  if (lm !== ls && lm !== 1 && ls !== 1) {
    throw new RangeError(`normal: the size of mean (${lm}) must match the size of std (${ls}) or one of them must be 1`);
  }
  const n = typeof mean === "number" ? ls : typeof std === "number" ? lm : Math.max(lm, ls);
  const val = (x: number | HostArrayOf[D], i: number): number => {
    if (typeof x === "number") return x;
    const arr = x as Float32Array | Float64Array | Uint16Array;
    const v = arr[arr.length === 1 ? 0 : i];
    return dt === "float16" ? halfToFloat(v) : dt === "bfloat16" ? bf16ToFloat(v) : v;
  };
  if (typeof std !== "number") {
    for (let i = 0; i < ls; i++) {
      if (!(val(std, i) >= 0)) throw new RangeError("normal expects all elements of std >= 0.0");
    }
  } else if (!(std >= 0)) throw new RangeError(`normal expects std >= 0.0, but found std ${std}`);
  const o = (typeof std === "number" ? normal(gen, n, dtype, 0, std, options) : normal(gen, n, dtype, 0, 1, options)) as
    | Float32Array
    | Float64Array
    | Uint16Array;
  const load = (i: number): number => (dt === "float16" ? halfToFloat(o[i]) : dt === "bfloat16" ? bf16ToFloat(o[i]) : o[i]);
  // the scalar mean becomes a 0-dim tensor of the dtype
  const meanScalar = typeof mean === "number" ? roundTo(dt, mean) : 0;
  for (let i = 0; i < n; i++) {
    let v = load(i);
    if (typeof std !== "number") v = roundTo(dt, v * val(std, i));
    v = roundTo(dt, v + (typeof mean === "number" ? meanScalar : val(mean, i)));
    if (dt === "float16") o[i] = halfFromFloat(v);
    else if (dt === "bfloat16") o[i] = bf16FromFloat(v);
    else o[i] = v;
  }
  return o as HostArrayOf[D];
}

// ---------------------------------------------------------------- integers

/**
 * Fills with (draw % range) + base cast to the dtype: a 32-bit draw, or a 64-bit draw when
 * range >= 2^32 and the dtype is int64, float64, float32 or bfloat16 (uniform_int_from_to_distribution).
 */
function fromTo(gen: Generator, out: HostArrayOf[RandomDType], dtype: RandomDType, n: number, range: bigint, base: bigint): void {
  const e = gen.engine;
  const wide = range >= 1n << 32n && (dtype === "int64" || dtype === "float64" || dtype === "float32" || dtype === "bfloat16");
  if (!wide) {
    const r = Number(range & 0xffffffffn) || TWO_32; // range 2^32 (int32 full range) -> the draw itself
    const safeBase = base >= -(1n << 52n) && base <= 1n << 52n;
    if (safeBase) {
      const b = Number(base);
      if (dtype === "int64") {
        const o = out as BigInt64Array;
        for (let i = 0; i < n; i += CHUNK) {
          const c = Math.min(CHUNK, n - i);
          const w = words(gen, c);
          for (let j = 0; j < c; j++) o[i + j] = BigInt((w[j] % r) + b);
        }
      } else if (dtype === "int32" || dtype === "int16" || dtype === "int8" || dtype === "uint8") {
        const o = out as Int32Array;
        for (let i = 0; i < n; i += CHUNK) {
          const c = Math.min(CHUNK, n - i);
          const w = words(gen, c);
          for (let j = 0; j < c; j++) o[i + j] = (w[j] % r) + b;
        }
      } else {
        for (let i = 0; i < n; i += CHUNK) {
          const c = Math.min(CHUNK, n - i);
          const w = words(gen, c);
          for (let j = 0; j < c; j++) storeInt(dtype, out, i + j, (w[j] % r) + b);
        }
      }
    } else {
      for (let i = 0; i < n; i += CHUNK) {
        const c = Math.min(CHUNK, n - i);
        const w = words(gen, c);
        for (let j = 0; j < c; j++) storeInt(dtype, out, i + j, BigInt.asIntN(64, BigInt(w[j] % r) + base));
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = e.random64();
    storeInt(dtype, out, i, BigInt.asIntN(64, (v % range) + base));
  }
}

/** C++ static_cast<int64_t>(static_cast<scalar_t>(v)) for a floating dtype. */
function castThroughFloat(dt: FloatDType, v: bigint): bigint {
  let x: number;
  if (dt === "float64") x = Number(v);
  else {
    x = int64ToFloat32(v);
    if (dt === "float16") x = halfToFloat(halfFromFloat(x));
    else if (dt === "bfloat16") x = bf16ToFloat(bf16FromFloat(x));
  }
  if (!Number.isFinite(x)) return x > 0 ? (1n << 63n) - 1n : -(1n << 63n);
  return BigInt(Math.trunc(x));
}

function bitLen(x: bigint): number {
  let n = 0;
  while (x > 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

/** PyTorch's update_from: moves from up so that it stays >= from after the cast to the dtype. */
function updateFrom(dt: FloatDType, from: bigint): bigint {
  const fp1 = castThroughFloat(dt, from + 1n);
  if (fp1 < from) {
    const a = from + 1n < 0n ? -(from + 1n) : from + 1n;
    const nbits = bitLen(a) - 1;
    from = fp1 + (1n << BigInt(nbits - floatLimits(dt).digits + 1));
  }
  return from;
}

/** PyTorch's update_to: moves to down so that values stay < to after the cast to the dtype. */
function updateTo(dt: FloatDType, to: bigint): bigint {
  const tm1 = castThroughFloat(dt, to - 1n);
  if (tm1 >= to) {
    const a = to - 1n < 0n ? -(to - 1n) : to - 1n;
    const nbits = bitLen(a) - 1;
    to = tm1 - (1n << BigInt(nbits - floatLimits(dt).digits + 1));
  }
  return to;
}

function checkFromTo(op: string, dtype: RandomDType, from: bigint, toInc: bigint): void {
  if (isFloatDType(dtype)) {
    const { lowest, max } = floatLimits(dtype);
    if (!(Number(from) >= lowest && Number(from) <= max)) throw new RangeError(`${op}: from is out of bounds for ${dtype}`);
    if (!(Number(toInc) >= lowest && Number(toInc) <= max)) throw new RangeError(`${op}: to - 1 is out of bounds for ${dtype}`);
  } else {
    const { min, max } = intLimits(dtype);
    if (!(from >= min && from <= max)) throw new RangeError(`${op}: from is out of bounds for ${dtype}`);
    if (!(toInc >= min && toInc <= max)) throw new RangeError(`${op}: to - 1 is out of bounds for ${dtype}`);
  }
}

function toBig(op: string, name: string, v: number | bigint): bigint {
  if (typeof v === "bigint") return v;
  if (!Number.isInteger(v)) throw new TypeError(`${op}: ${name} must be an integer, got ${v}`);
  return BigInt(v);
}

const INT64_MIN = -(1n << 63n);

/**
 * `Tensor.random_()` (from and to undefined), `Tensor.random_(from, to)`, and
 * `Tensor.random_(from, None)` (to === null: up to the dtype's largest value, or 2^digits for floats).
 * Python's `t.random_(to)` is random_(g, n, dt, 0, to).
 * Without bounds: bool takes the lowest bit of a 32-bit draw, int8/uint8/int16/int32 a 32-bit
 * draw modulo max + 1, int64 a 64-bit draw modulo 2^63, float32 a 32-bit draw modulo 2^24 + 1,
 * float64 a 64-bit draw modulo 2^53 + 1, float16 (bfloat16) a 32-bit draw modulo 2^11 + 1 (2^8 + 1).
 */
export function random_<D extends RandomDType>(
  gen: Generator,
  n: number,
  dtype: D,
  from?: number | bigint,
  to?: number | bigint | null,
): HostArrayOf[D] {
  checkCount("random_", n);
  const dt = checkDType("random_", dtype, ALL_TYPES);
  const out = allocHost(dtype, n);
  if (from === undefined) {
    if (to !== undefined && to !== null) throw new TypeError("random_: give from (use 0) when to is given");
    randomDefault(gen, dt, out, n);
    return out;
  }
  let lo = toBig("random_", "from", from);
  if (to !== undefined && to !== null) {
    let hi = toBig("random_", "to", to);
    if (!(lo < hi)) throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
    if (isFloatDType(dt)) {
      lo = updateFrom(dt, lo);
      hi = updateTo(dt, hi);
      if (!(lo < hi)) {
        throw new RangeError(`random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=${lo} >= to=${hi}`);
      }
    }
    checkFromTo("random_", dt, lo, hi - 1n);
    fromTo(gen, out, dt, n, BigInt.asUintN(64, hi - lo), lo);
    return out;
  }
  if (lo !== INT64_MIN) {
    let toInc: bigint;
    if (isFloatDType(dt)) {
      toInc = 1n << BigInt(floatLimits(dt).digits);
      lo = updateFrom(dt, lo);
      if (!(lo < toInc)) {
        throw new RangeError(
          `random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from=${lo} > to_inc=${toInc}`,
        );
      }
    } else toInc = intLimits(dt).max;
    checkFromTo("random_", dt, lo, toInc);
    fromTo(gen, out, dt, n, BigInt.asUintN(64, toInc - lo + 1n), lo);
    return out;
  }
  // [int64 min, int64 max]: one 64-bit draw per element, as int64
  if (!(dt === "int64" || dt === "float64" || dt === "float32" || dt === "bfloat16")) {
    throw new TypeError("random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16");
  }
  for (let i = 0; i < n; i++) storeInt(dt, out, i, BigInt.asIntN(64, gen.engine.random64()));
  return out;
}

function randomDefault(gen: Generator, dt: RandomDType, out: HostArrayOf[RandomDType], n: number): void {
  // each case is a per-element formula of the next draw(s), taken a chunk at a time
  const per = dt === "int64" || dt === "float64" ? CHUNK / 2 : CHUNK;
  for (let i = 0; i < n; i += per) {
    const c = Math.min(per, n - i);
    switch (dt) {
      case "bool": {
        const o = out as Uint8Array;
        const w = words(gen, c);
        for (let j = 0; j < c; j++) o[i + j] = w[j] & 1;
        break;
      }
      case "uint8":
      case "int8":
      case "int16":
      case "int32": {
        const mod = dt === "uint8" ? 256 : dt === "int8" ? 128 : dt === "int16" ? 32768 : 2147483648;
        const o = out as Int32Array;
        const w = words(gen, c);
        for (let j = 0; j < c; j++) o[i + j] = w[j] % mod;
        break;
      }
      case "int64": {
        const o = out as BigInt64Array;
        const w = words(gen, 2 * c);
        for (let j = 0; j < c; j++) o[i + j] = (BigInt(w[2 * j] & 0x7fffffff) << 32n) | BigInt(w[2 * j + 1]);
        break;
      }
      case "float32": {
        const o = out as Float32Array;
        const w = words(gen, c);
        for (let j = 0; j < c; j++) o[i + j] = w[j] % 16777217;
        break;
      }
      case "float64": {
        // random64() % (2^53 + 1)
        const o = out as Float64Array;
        const mod = (1n << 53n) + 1n;
        const w = words(gen, 2 * c);
        for (let j = 0; j < c; j++) o[i + j] = Number(((BigInt(w[2 * j]) << 32n) | BigInt(w[2 * j + 1])) % mod);
        break;
      }
      case "float16": {
        const o = out as Uint16Array;
        const w = words(gen, c);
        for (let j = 0; j < c; j++) o[i + j] = halfFromFloat(w[j] % 2049);
        break;
      }
      case "bfloat16": {
        const o = out as Uint16Array;
        const w = words(gen, c);
        for (let j = 0; j < c; j++) o[i + j] = bf16FromFloat(w[j] % 257);
        break;
      }
    }
  }
}

/** `torch.randint(low, high, (n,), dtype=dtype)` (Python's randint(high, size) is low = 0): random_(low, high). */
export function randint<D extends RandomDType = "int64">(
  gen: Generator,
  n: number,
  dtype: D = "int64" as D,
  low: number | bigint = 0,
  high?: number | bigint,
): HostArrayOf[D] {
  if (high === undefined) throw new TypeError("randint: high is required (randint(g, n, dtype, low, high))");
  return random_(gen, n, dtype, low, high);
}

// ---------------------------------------------------------------- randperm

/**
 * `torch.randperm(n, dtype=dtype)`: 0..n-1, then for i in 0..n-2 swap element i with
 * element i + (32-bit draw % (n - i)) (PyTorch 1.13's randperm_cpu, for every n).
 */
export function randperm<D extends RandomDType = "int64">(gen: Generator, n: number, dtype: D = "int64" as D): HostArrayOf[D] {
  checkCount("randperm", n);
  const dt = checkDType("randperm", dtype, ["float32", "float64", "float16", "bfloat16", "int8", "uint8", "int16", "int32", "int64"]);
  if (isFloatDType(dt)) {
    const digits = floatLimits(dt).digits;
    if (n > 2 ** digits) throw new RangeError(`n cannot be greater than 2^${digits}+1 for ${dt}.`);
  } else if (dt !== "int64") {
    const max = Number(intLimits(dt).max);
    if (n > max + 1) throw new RangeError(`n cannot be greater than ${max + 1} for ${dt}.`);
  }
  const perm = n <= 0xffffffff ? new Float64Array(n) : null;
  if (!perm) throw new RangeError("randperm: n too large");
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i0 = 0; i0 < n - 1; i0 += CHUNK) {
    const c = Math.min(CHUNK, n - 1 - i0);
    const w = words(gen, c);
    for (let j = 0; j < c; j++) {
      const i = i0 + j;
      const z = w[j] % (n - i);
      const t = perm[i];
      perm[i] = perm[z + i];
      perm[z + i] = t;
    }
  }
  const out = allocHost(dtype, n);
  for (let i = 0; i < n; i++) storeInt(dt, out, i, perm[i]);
  return out;
}

// ---------------------------------------------------------------- bernoulli

export type ProbDType = "float32" | "float64" | "bfloat16";

const BERNOULLI_TYPES: readonly RandomDType[] = ["float32", "float64", "bfloat16", "int8", "uint8", "int16", "int32", "int64", "bool"];

/**
 * Bernoulli draws into a tensor of `dtype` (PyTorch 1.13 CPU: every dtype but float16).
 * - p a number: `t.bernoulli_(p)` / `torch.bernoulli(t, p)`: a double uniform (64-bit draw) < p per element.
 * - p an array: `t.bernoulli_(p_tensor)` / `torch.bernoulli(p_tensor)`: per element, if p is float64 a
 *   double uniform (64-bit draw) < p, else (float32, bfloat16) a float uniform (32-bit draw) < float(p).
 *   p has n elements or 1 (broadcast); its dtype comes from the array type (Uint16Array: bfloat16) or pDtype.
 */
export function bernoulli<D extends RandomDType = "float32">(
  gen: Generator,
  p: number | Float64Array | Float32Array | Uint16Array,
  n: number,
  dtype: D = "float32" as D,
  pDtype?: ProbDType,
): HostArrayOf[D] {
  checkCount("bernoulli_", n);
  const dt = checkDType("bernoulli_", dtype, BERNOULLI_TYPES);
  const out = allocHost(dtype, n);
  if (typeof p === "number") {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
    // Per element uniformDouble(gen) < p, in integers and without a branch (a compare-and-branch
    // per element mispredicts at dropout's p). The uniform is K * 2^-53 with K = (hi & 0x1fffff) *
    // 2^32 + lo, an integer below 2^53; p * 2^53 is exact (a power-of-two scaling), so u < p iff
    // K < Q = ceil(p * 2^53). K - Q is negative iff (hi & 0x1fffff) - qh - borrow is, where
    // Q = qh * 2^32 + ql and borrow = (lo < ql unsigned), Hacker's Delight's branch-free form.
    const Q = Math.ceil(p * 2 ** 53);
    const qh = Math.floor(Q / TWO_32);
    const ql = (Q - qh * TWO_32) | 0;
    for (let i = 0; i < n; i += CHUNK / 2) {
      const c = Math.min(CHUNK / 2, n - i);
      const w = words(gen, 2 * c);
      for (let j = 0; j < c; j++) {
        const lo = w[2 * j + 1] | 0;
        const borrow = ((~lo & ql) | ((~lo | ql) & ((lo - ql) | 0))) >>> 31;
        BITS[j] = ((w[2 * j] & 0x1fffff) - qh - borrow) >>> 31;
      }
      storeBits(dt, out, i, c);
    }
    return out;
  }
  const pd: ProbDType = pDtype ?? (p instanceof Float64Array ? "float64" : p instanceof Float32Array ? "float32" : "bfloat16");
  if (pd === "float64" && !(p instanceof Float64Array)) throw new TypeError("bernoulli_: float64 probabilities must be a Float64Array");
  if (pd === "float32" && !(p instanceof Float32Array)) throw new TypeError("bernoulli_: float32 probabilities must be a Float32Array");
  if (pd === "bfloat16" && !(p instanceof Uint16Array))
    throw new TypeError("bernoulli_: bfloat16 probabilities must be a Uint16Array of bits");
  if (p.length !== n && p.length !== 1) {
    throw new RangeError(`bernoulli_: probabilities of ${p.length} elements do not broadcast to ${n} elements`);
  }
  const one = p.length === 1;
  // per element: float64 p, uniformDouble(gen) < p[i]; float32 or bfloat16 p, uniformFloat(gen) < float(p[i])
  const per = pd === "float64" ? CHUNK / 2 : CHUNK;
  for (let i = 0; i < n; i += per) {
    const c = Math.min(per, n - i);
    if (pd === "float64") {
      const pa = p as Float64Array;
      const w = words(gen, 2 * c);
      for (let j = 0; j < c; j++) {
        BITS[j] = ((w[2 * j] & 0x1fffff) * TWO_32 + w[2 * j + 1]) * TWO_M53 < pa[one ? 0 : i + j] ? 1 : 0;
      }
    } else if (pd === "float32") {
      const pa = p as Float32Array;
      const w = words(gen, c);
      for (let j = 0; j < c; j++) BITS[j] = (w[j] & 0xffffff) * TWO_M24 < pa[one ? 0 : i + j] ? 1 : 0;
    } else {
      const pa = p as Uint16Array;
      const w = words(gen, c);
      for (let j = 0; j < c; j++) BITS[j] = (w[j] & 0xffffff) * TWO_M24 < bf16ToFloat(pa[one ? 0 : i + j]) ? 1 : 0;
    }
    storeBits(dt, out, i, c);
  }
  return out;
}

/** Bernoulli outcomes (0/1 per element) of one chunk. */
const BITS = new Uint8Array(CHUNK);

/** Stores BITS[0..c) at out[at..at + c) as the dtype's 0 and 1. */
function storeBits(dt: RandomDType, out: HostArrayOf[RandomDType], at: number, c: number): void {
  if (dt === "int64") {
    const o = out as BigInt64Array;
    for (let j = 0; j < c; j++) o[at + j] = BITS[j] ? 1n : 0n;
  } else if (dt === "bfloat16") {
    const o = out as Uint16Array;
    for (let j = 0; j < c; j++) o[at + j] = BITS[j] ? 0x3f80 : 0; // bfloat16 1.0
  } else {
    // float32, float64 and the integer arrays take 0/1 as they are (bool: Uint8Array)
    (out as Float32Array).set(BITS.subarray(0, c), at);
  }
}

// ---------------------------------------------------------------- exponential

/**
 * `Tensor.exponential_(lambd)`: per element a double uniform u (64-bit draw), then
 * (-1 / lambd) * log(1 - u) in double with the C library's log, cast to the dtype.
 */
export function exponential<D extends RandomDType = "float32">(
  gen: Generator,
  n: number,
  dtype: D = "float32" as D,
  lambd = 1,
): HostArrayOf[D] {
  checkCount("exponential_", n);
  const dt = checkDType("exponential_", dtype, FLOAT_TYPES) as FloatDType;
  if (!(lambd >= 0)) throw new RangeError(`exponential_ expects lambda >= 0.0, but found lambda=${lambd}`);
  const out = allocHost(dtype, n) as Float32Array | Float64Array | Uint16Array;
  const k = -1 / lambd;
  const u = new Float64Array(Math.min(n, CHUNK / 2));
  for (let i = 0; i < n; i += u.length) {
    const c = Math.min(u.length, n - i);
    fillUniformDouble(gen, u, 0, c);
    for (let j = 0; j < c; j++) storeDouble(dt, out, i + j, k * libmLog(1 - u[j]));
  }
  return out as HostArrayOf[D];
}

// ---------------------------------------------------------------- multinomial

/**
 * `torch.multinomial(probs, numSamples, replacement)` for `rows = probs.length / numCategories`
 * distributions of numCategories each (a 1-d probs is one row). Returns int64 indices, row-major
 * (rows x numSamples). probs is a float32, float64 or bfloat16 (Uint16Array of bits) tensor's data
 * (PyTorch 1.13 has no float16 multinomial on CPU).
 *
 * Without replacement PyTorch 1.13 draws q ~ Exp(1) for every
 * category (exponential_, one 64-bit draw each, all rows first), then takes the top numSamples of
 * probs / q per row. With replacement (one sample or more) it builds the normalized cumulative
 * sum in the probs dtype (float for bfloat16) and binary-searches one double uniform (64-bit draw) per sample.
 * Equal scores (zero probabilities, or values that round alike in bfloat16) come out in the order
 * PyTorch's topk leaves them in (see topk.ts).
 */
export function multinomial(
  gen: Generator,
  probs: Float32Array | Float64Array | Uint16Array,
  numCategories: number,
  numSamples: number,
  replacement = false,
  probsDtype?: FloatDType,
): BigInt64Array {
  const given: FloatDType =
    probsDtype ?? (probs instanceof Float64Array ? "float64" : probs instanceof Float32Array ? "float32" : "bfloat16");
  if (given === "float16") throw new TypeError("multinomial is not implemented for half on CPU");
  const pd = checkDType("multinomial", given, ["float32", "float64", "bfloat16"]) as "float32" | "float64" | "bfloat16";
  if (!Number.isSafeInteger(numCategories) || numCategories <= 0)
    throw new RangeError("multinomial: numCategories must be a positive integer");
  if (probs.length % numCategories !== 0) {
    throw new RangeError(`multinomial: probs has ${probs.length} elements, not a multiple of numCategories=${numCategories}`);
  }
  if (!Number.isSafeInteger(numSamples) || numSamples <= 0) throw new RangeError("cannot sample n_sample <= 0 samples");
  if (!replacement && numSamples > numCategories) {
    throw new RangeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  }
  if (numCategories > 2 ** 24) throw new RangeError("number of categories cannot exceed 2^24");
  const rows = probs.length / numCategories;
  const out = new BigInt64Array(rows * numSamples);
  if (rows === 0) return out;
  const val = (i: number): number => (pd === "bfloat16" ? bf16ToFloat(probs[i]) : probs[i]);

  if (!replacement) {
    let ok = true;
    for (let i = 0; i < probs.length; i++) {
      const v = val(i);
      if (!(v >= 0 && v < Infinity)) ok = false;
    }
    if (!ok) throw new RangeError("probability tensor contains either `inf`, `nan` or element < 0");
    for (let r = 0; r < rows; r++) {
      let any = false;
      for (let j = 0; j < numCategories; j++) if (val(r * numCategories + j) !== 0) any = true;
      if (!any) throw new RangeError("invalid multinomial distribution (sum of probabilities <= 0)");
    }
    const q = exponential(gen, probs.length, pd, 1) as Float32Array | Float64Array | Uint16Array;
    const qv = new Float64Array(probs.length);
    for (let i = 0; i < probs.length; i++) {
      const qi = pd === "bfloat16" ? bf16ToFloat(q[i]) : q[i];
      qv[i] = roundTo(pd, val(i) / qi);
    }
    const row = new Float64Array(numCategories);
    for (let r = 0; r < rows; r++) {
      const base = r * numCategories;
      if (numSamples === 1) {
        // argmax: the first largest (NaN would win; there is none here)
        let best = 0;
        for (let j = 1; j < numCategories; j++) if (qv[base + j] > qv[base + best]) best = j;
        out[r] = BigInt(best);
        continue;
      }
      for (let j = 0; j < numCategories; j++) row[j] = qv[base + j];
      const top = topkIndices(row, numSamples);
      for (let s = 0; s < numSamples; s++) out[r * numSamples + s] = BigInt(top[s]);
    }
    return out;
  }

  // the cumulative sum is kept in the probs dtype, except bfloat16 which accumulates in float
  const acc: FloatDType = pd === "bfloat16" ? "float32" : pd;
  const cum = new Float64Array(numCategories);
  for (let r = 0; r < rows; r++) {
    const base = r * numCategories;
    let sum = 0;
    for (let j = 0; j < numCategories; j++) {
      const v = val(base + j);
      if (!(v >= 0)) throw new RangeError("invalid multinomial distribution (encountering probability entry < 0)");
      if (!Number.isFinite(v)) throw new RangeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      sum = roundTo(acc, sum + v);
      cum[j] = sum;
    }
    if (!(sum > 0)) throw new RangeError("invalid multinomial distribution (sum of probabilities <= 0)");
    for (let j = 0; j < numCategories; j++) cum[j] = roundTo(acc, cum[j] / sum);
    cum[numCategories - 1] = 1;
    for (let s = 0; s < numSamples; s++) {
      const u = uniformDouble(gen);
      let left = 0;
      let right = numCategories;
      while (right - left > 0) {
        const mid = left + ((right - left) >> 1);
        if (cum[mid] < u) left = mid + 1;
        else right = mid;
      }
      out[r * numSamples + s] = BigInt(left);
    }
  }
  return out;
}
