// Decode/encode between a dtype's host array and plain JS values, for the
// non-elementwise kernels that compute in float64 (or BigInt for int64).
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, isContiguous, numelOf, type DType, type HostArray, type Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { dense } from "./layout.js";
import { takeResultMemory } from "./result_memory.js";

/** Values of a strided input, permuted by `perm`, as a dense number array (null for int64). */
export function decode(s: Strided, shape: Shape, dtype: DType, perm?: readonly number[]): Float64Array | BigInt64Array {
  const src = perm ? { data: s.data, offset: s.offset, strides: perm.map((p) => s.strides[p]!) } : s;
  const pshape = perm ? perm.map((p) => shape[p]!) : shape;
  const d = dense(src, pshape, dtype);
  if (d instanceof BigInt64Array) return d;
  if (d instanceof Float64Array) return d;
  const out = new Float64Array(d.length);
  if (dtype.name === "float16") for (let i = 0; i < d.length; i++) out[i] = f16ToF32(d[i]!);
  else if (dtype.name === "bfloat16") for (let i = 0; i < d.length; i++) out[i] = bf16ToF32(d[i]!);
  else out.set(d as ArrayLike<number>);
  return out;
}

/**
 * Like decode, but may return the input's own memory (a subarray) when it is
 * already dense in the requested order and needs no decoding. Read-only use only.
 */
export function values(s: Strided, shape: Shape, dtype: DType, perm?: readonly number[]): ArrayLike<number> | BigInt64Array {
  const identity = !perm || perm.every((p, i) => p === i);
  const half = dtype.name === "float16" || dtype.name === "bfloat16";
  if (identity && !half && isContiguous(shape, s.strides)) {
    const n = numelOf(shape);
    return (s.data as Float64Array).subarray(s.offset, s.offset + n);
  }
  return decode(s, shape, dtype, perm);
}

/**
 * Store computed values into a new host array of `dtype` (every value written: in the CPU runtime, an
 * array of its pool where one is offered, result_memory.ts).
 */
export function encode(vals: Float64Array | BigInt64Array | number[], dtype: DType): HostArray {
  const n = dtype.is_complex ? -1 : vals.length;
  const out = (n >= 0 ? takeResultMemory(dtype.name, n) : null) ?? dtype.alloc(vals.length);
  if (out instanceof BigInt64Array) {
    if (vals instanceof BigInt64Array) out.set(vals);
    else for (let i = 0; i < vals.length; i++) out[i] = BigInt(Math.trunc(vals[i] as number));
    return out;
  }
  const v = vals instanceof BigInt64Array ? Array.from(vals, Number) : vals;
  if (dtype.name === "float16") for (let i = 0; i < v.length; i++) out[i] = f32ToF16(v[i]!);
  else if (dtype.name === "bfloat16") for (let i = 0; i < v.length; i++) out[i] = f32ToBf16(v[i]!);
  else if (dtype.name === "bool") for (let i = 0; i < v.length; i++) out[i] = v[i] ? 1 : 0;
  else (out as Float64Array).set(v as ArrayLike<number>);
  return out;
}

/** Permutation moving `dims` to the end, keeping the others' order. */
export const permToEnd = (nd: number, dims: readonly number[]): number[] => [
  ...[...Array(nd).keys()].filter((d) => !dims.includes(d)),
  ...dims,
];

export const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
export { numelOf };
