// The reference evaluator's values: a dense row-major host array of a StableHLO
// tensor type (the cpu dtype's layout: f16/bf16 as bits, complex interleaved,
// i64 as BigInt). Elements are read as numbers (floats) or bigints (integers
// and i1), so integer arithmetic is exact at every width.
import {
  bf16ToF32,
  dtypeOf as coreDtype,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
  numelOf,
  type DType,
  type DTypeName,
  type HostArray,
} from "@xlatorch/core";
import {
  dtypeOf,
  isComplex,
  isFloat,
  isMinifloat,
  isQuantized,
  quantParams,
  TOKEN,
  MINIFLOAT_FORMATS,
  minifloatFromBits,
  minifloatToBits,
  roundToMinifloat,
  type ElementType,
  type Op,
  type TensorType,
} from "@xlatorch/stablehlo";

export interface DenseValue {
  type: TensorType;
  data: HostArray;
  /** A tuple's elements (its type's `parts`); data is then a placeholder. */
  parts?: DenseValue[];
}

/** Thrown for what the runtime does not compute; names the op and where it is written. */
export class Unsupported extends Error {
  constructor(op: Op | string, why: string) {
    const name = typeof op === "string" ? op : op.name;
    const loc = typeof op !== "string" && op.loc ? ` at line ${op.loc.line}:${op.loc.column}` : "";
    super(`cpu runtime: unsupported ${name}${loc}: ${why}`);
    this.name = "Unsupported";
  }
}

/**
 * Integer types with no cpu dtype live in a wider carrier inside the runtime
 * (only the reference evaluator computes on them: reads wrap to the type's
 * range, so the carrier's extra bits never show): ui16 in int32, ui32 in
 * int64, ui64 as int64 bits, the 2- and 4-bit types in int8. The f8/f6/f4
 * float types are kept as their bit patterns in uint8 (as the reference
 * interpreter stores them): reads decode, writes round to the type (minifloat.ts).
 */
const CARRIER: Partial<Record<string, DTypeName>> = {
  ui16: "int32",
  ui32: "int64",
  ui64: "int64",
  i2: "int8",
  ui2: "int8",
  i4: "int8",
  ui4: "int8",
  ...Object.fromEntries(Object.keys(MINIFLOAT_FORMATS).map((k) => [k, "uint8"])),
};

/** Element types that have a carrier instead of their own dtype. */
export const hasCarrier = (e: ElementType): boolean => CARRIER[e] !== undefined || isSpecial(e);

/** Tokens, tuples and quantized types: only the reference evaluator's own ops (tuples.ts, quant.ts, host.ts) take them. */
const isSpecial = (e: ElementType): boolean => e === TOKEN || e.startsWith("tuple<") || isQuantized(e);

/**
 * The cpu dtype holding an element type; refuses element types with none. A
 * quantized tensor is held as its storage integers; a token or a tuple as a
 * one-element bool placeholder (a tuple's elements are its buffer's `parts`).
 */
export function dtypeFor(e: ElementType, op?: Op): DType {
  if (isQuantized(e)) return dtypeFor(quantParams(e).storage, op);
  if (e === TOKEN || e.startsWith("tuple<")) return coreDtype("bool");
  const c = CARRIER[e];
  if (c) return coreDtype(c);
  try {
    return coreDtype(dtypeOf(e));
  } catch {
    throw new Unsupported(op ?? "tensor", `element type ${e} is not supported by the cpu runtime`);
  }
}

/** Host-array slots per element (complex: re, im). */
export const slotsOf = (e: ElementType): number => (isComplex(e) ? 2 : 1);

export function alloc(type: TensorType, op?: Op): DenseValue {
  return { type, data: dtypeFor(type.element, op).alloc(numelOf(type.shape)) };
}

export const isIntLike = (e: ElementType): boolean => !isFloat(e) && !isComplex(e);

/** Bit width and signedness of an integer (or i1) element type. */
export function intInfo(e: ElementType): { bits: number; unsigned: boolean } {
  if (e === "i1") return { bits: 1, unsigned: true };
  const m = /^(u?)i([0-9]+)$/.exec(e);
  if (!m) throw new Error(`not an integer type: ${e}`);
  return { bits: Number(m[2]), unsigned: m[1] === "u" };
}

/** Wraps an integer to an element type's range (two's complement), as StableHLO's integer ops do. */
export function wrapInt(x: bigint, e: ElementType): bigint {
  const { bits, unsigned } = intInfo(e);
  return unsigned ? BigInt.asUintN(bits, x) : BigInt.asIntN(bits, x);
}

/** Element i of an integer (or i1) value as a bigint. */
export function getInt(v: DenseValue, i: number): bigint {
  const x = v.data[i]!;
  const b = typeof x === "bigint" ? x : BigInt(x);
  return hasCarrier(v.type.element) ? wrapInt(b, v.type.element) : b;
}

export function setInt(v: DenseValue, i: number, x: bigint): void {
  const w = wrapInt(x, v.type.element);
  if (v.data instanceof BigInt64Array) v.data[i] = w;
  else v.data[i] = Number(w);
}

/** Element i of a real float value as a number (f16/bf16 decoded). */
export function getFloat(v: DenseValue, i: number): number {
  const x = v.data[i] as number;
  const e = v.type.element;
  return e === "f16" ? f16ToF32(x) : e === "bf16" ? bf16ToF32(x) : isMinifloat(e) ? minifloatFromBits(x, e) : x;
}

/** Stores a number rounded to the value's float type (round to nearest even). */
export function setFloat(v: DenseValue, i: number, x: number): void {
  const e = v.type.element;
  // rounded once to the narrow format, then stored exactly (no double rounding through f32)
  v.data[i] =
    e === "f16"
      ? f32ToF16(roundFloat(x, 5, 10))
      : e === "bf16"
        ? f32ToBf16(roundFloat(x, 8, 7))
        : isMinifloat(e)
          ? minifloatToBits(x, e)
          : x;
}

/**
 * Rounding to a float element type's precision (the identity for f64): what
 * storing a value of that type keeps. For evaluators that round each step, as
 * the reference interpreter's APFloat arithmetic in the type does.
 */
export function rounderOf(e: ElementType): (x: number) => number {
  if (e === "f32" || e === "complex<f32>") return Math.fround;
  if (e === "f16") return (x) => roundFloat(x, 5, 10);
  if (e === "bf16") return (x) => roundFloat(x, 8, 7);
  if (isMinifloat(e)) return (x) => roundToMinifloat(x, e);
  return (x) => x;
}

/**
 * x rounded (to nearest, ties to even) to a binary float format with `expBits`
 * exponent and `mantBits` explicit mantissa bits, subnormals included; too large
 * becomes infinity. NaN and infinities are kept. (Also reduce_precision's rule.)
 */
export function roundFloat(x: number, expBits: number, mantBits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const bias = 2 ** (expBits - 1) - 1;
  const emin = 1 - bias;
  let ex = Math.floor(Math.log2(Math.abs(x)));
  if (2 ** ex > Math.abs(x)) ex--;
  else if (2 ** (ex + 1) <= Math.abs(x)) ex++;
  const q = 2 ** (Math.max(ex, emin) - mantBits);
  const y = x / q;
  const f = Math.floor(y);
  const d = y - f;
  const r = (d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f) * q;
  if (Math.abs(r) >= 2 ** (bias + 1)) return x > 0 ? Infinity : -Infinity;
  return r === 0 ? (x < 0 ? -0 : 0) : r;
}

/** Element i as a number or bigint, whichever the type's reads give (complex: not here). */
export function get(v: DenseValue, i: number): number | bigint {
  return isIntLike(v.type.element) ? getInt(v, i) : getFloat(v, i);
}

export function set(v: DenseValue, i: number, x: number | bigint): void {
  if (isIntLike(v.type.element)) setInt(v, i, typeof x === "bigint" ? x : BigInt(x));
  else setFloat(v, i, Number(x));
}

/** Copies element j of `src` into element i of `dst` (same element type; complex: both parts). */
export function copyElement(dst: DenseValue, i: number, src: DenseValue, j: number): void {
  if (isComplex(src.type.element)) {
    dst.data[2 * i] = src.data[2 * j]!;
    dst.data[2 * i + 1] = src.data[2 * j + 1]!;
  } else dst.data[i] = src.data[j]!;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let n = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = n;
    n *= shape[d]!;
  }
  return s;
}

/** Calls f(index, linear) for every index of `shape` in row-major order (the index array is reused). */
export function forEachIndex(shape: readonly number[], f: (idx: number[], linear: number) => void): void {
  const n = numelOf(shape);
  if (n === 0) return;
  const idx = shape.map(() => 0);
  for (let k = 0; k < n; k++) {
    f(idx, k);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** The scalar (first element) of an integer value, as a JS number (clamped to the safe range). */
export function scalarInt(v: DenseValue): number {
  const x = getInt(v, 0);
  return x > BigInt(Number.MAX_SAFE_INTEGER)
    ? Number.MAX_SAFE_INTEGER
    : x < -BigInt(Number.MAX_SAFE_INTEGER)
      ? -Number.MAX_SAFE_INTEGER
      : Number(x);
}

/** The raw bits of float element i (NaN sign and payload included), as an unsigned bigint. */
export function floatBits(v: DenseValue, i: number): { bits: bigint; width: number } {
  const d = v.data;
  const e = v.type.element;
  if (isMinifloat(e)) return { bits: BigInt(d[i] as number), width: MINIFLOAT_FORMATS[e].bits };
  if (d instanceof Float64Array) return { bits: new BigUint64Array(d.buffer, d.byteOffset, d.length)[i]!, width: 64 };
  if (d instanceof Float32Array) return { bits: BigInt(new Uint32Array(d.buffer, d.byteOffset, d.length)[i]!), width: 32 };
  return { bits: BigInt(d[i] as number), width: 16 };
}

/** IEEE totalOrder key of float element i: -NaN < -inf < ... < -0 < +0 < ... < +inf < +NaN. */
export function totalOrderKey(v: DenseValue, i: number): bigint {
  const { bits, width } = floatBits(v, i);
  if (v.type.element === "f8E8M0FNU") return bits; // unsigned: its bits are in order, NaN (0xFF) last
  const sign = 1n << BigInt(width - 1);
  return bits & sign ? -(bits & (sign - 1n)) - 1n : bits;
}
