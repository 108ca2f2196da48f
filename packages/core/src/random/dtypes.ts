// The dtype names and host layouts this layer fills (see docs/ARCHITECTURE.md),
// and the exact scalar conversions PyTorch's CPU kernels apply when they store
// a sample: float -> float16 / bfloat16 with round-to-nearest-even, and int64 ->
// the integer dtypes by two's-complement truncation.

export type RandomDType = "float32" | "float64" | "float16" | "bfloat16" | "int8" | "uint8" | "int16" | "int32" | "int64" | "bool";

export type FloatDType = "float32" | "float64" | "float16" | "bfloat16";

export type RandomHostArray = Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

/** Host array type per dtype. */
export interface HostArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
}

const ALL: readonly RandomDType[] = ["float32", "float64", "float16", "bfloat16", "int8", "uint8", "int16", "int32", "int64", "bool"];

export function isFloatDType(d: RandomDType): d is FloatDType {
  return d === "float32" || d === "float64" || d === "float16" || d === "bfloat16";
}

export function checkDType(op: string, dtype: string, allowed: readonly RandomDType[] = ALL): RandomDType {
  if (!(ALL as readonly string[]).includes(dtype)) {
    throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}; expected one of ${ALL.join(", ")}`);
  }
  if (!allowed.includes(dtype as RandomDType)) {
    throw new TypeError(`${op}: dtype ${dtype} is not supported (PyTorch 1.13 CPU supports ${allowed.join(", ")})`);
  }
  return dtype as RandomDType;
}

export function checkCount(op: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${op}: element count must be a non-negative integer, got ${n}`);
}

/** A zeroed host array of n elements of dtype. */
export function allocHost<D extends RandomDType>(dtype: D, n: number): HostArrayOf[D] {
  switch (dtype) {
    case "float32":
      return new Float32Array(n) as HostArrayOf[D];
    case "float64":
      return new Float64Array(n) as HostArrayOf[D];
    case "float16":
    case "bfloat16":
      return new Uint16Array(n) as HostArrayOf[D];
    case "int8":
      return new Int8Array(n) as HostArrayOf[D];
    case "uint8":
    case "bool":
      return new Uint8Array(n) as HostArrayOf[D];
    case "int16":
      return new Int16Array(n) as HostArrayOf[D];
    case "int32":
      return new Int32Array(n) as HostArrayOf[D];
    case "int64":
      return new BigInt64Array(n) as HostArrayOf[D];
  }
  throw new TypeError(`unknown dtype ${String(dtype)}`);
}

// The half-precision conversions are core's (one implementation for kernels and RNG).
export { f32ToF16 as halfFromFloat, f16ToF32 as halfToFloat, f32ToBf16 as bf16FromFloat, bf16ToF32 as bf16ToFloat } from "../half.js";
import { bf16ToF32 as bf16ToFloat, f16ToF32 as halfToFloat, f32ToBf16 as bf16FromFloat, f32ToF16 as halfFromFloat } from "../half.js";

/** float64 -> dtype as C++ static_cast does for PyTorch's reduced floats (double -> float -> half/bf16). */
export function storeFloat(dtype: FloatDType, out: Float32Array | Float64Array | Uint16Array, i: number, v: number): void {
  switch (dtype) {
    case "float32":
    case "float64":
      out[i] = v;
      return;
    case "float16":
      out[i] = halfFromFloat(Math.fround(v));
      return;
    case "bfloat16":
      out[i] = bf16FromFloat(Math.fround(v));
      return;
  }
}

/** A float value of element i of a float host array of the given dtype. */
export function loadFloat(dtype: FloatDType, arr: Float32Array | Float64Array | Uint16Array, i: number): number {
  if (dtype === "float16") return halfToFloat(arr[i]);
  if (dtype === "bfloat16") return bf16ToFloat(arr[i]);
  return arr[i];
}

/** int64 -> float32 with one rounding (as cvtsi2ss), for any int64 held as a bigint. */
export function int64ToFloat32(v: bigint): number {
  if (v >= -(1n << 53n) && v <= 1n << 53n) return Math.fround(Number(v));
  const neg = v < 0n;
  let a = neg ? -v : v;
  const len = a.toString(2).length;
  const sh = BigInt(len - 24);
  const q = a >> sh;
  const r = a - (q << sh);
  const half = 1n << (sh - 1n);
  a = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
  const f = Number(a) * 2 ** Number(sh);
  return neg ? -f : f;
}

/** int64 -> float64 with one rounding (Number(bigint) rounds to nearest even). */
export function int64ToFloat64(v: bigint): number {
  return Number(v);
}
