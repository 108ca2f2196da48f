// bitcast_convert on the cpu device: a view. The result is a typed array of the
// new dtype over the operand's own bytes (every dtype's host array holds its
// raw little-endian bytes: docs/ARCHITECTURE.md's layout table; complex is the
// component array, two per element), with offset and strides rescaled:
// - same element size: the same offset and strides;
// - a smaller element (ratio r): offset and strides times r, and a trailing
//   dim of size r and stride 1 (float32 -> uint8 [..., 4]; complex64 ->
//   float32 [..., 2], view_as_real);
// - a larger element: the trailing dim of size r must have stride 1, the
//   offset and the other strides be multiples of r (the surface checks them
//   with PyTorch's messages: view_dtype.ts, view_as_complex); they are divided.
// So view(dtype), view_as_real, view_as_complex and real/imag alias their input
// as PyTorch's do, and a write through one lands in the input's bytes.
import { inheritStorage, TorchError, type DType, type HostArray } from "@xlatorch/core";
import { contiguous, type Strided } from "../strided.js";
import { dense } from "./layout.js";
import type { Kernel } from "./types.js";

/** The dtype's host array over bytes [byteOffset, byteOffset + byteLength) of `buffer` (whole elements only). */
function arrayOver(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, byteLength: number): HostArray {
  const complex = dtype.is_complex;
  const unit = complex ? dtype.itemsize / 2 : dtype.itemsize;
  if (byteOffset % unit !== 0)
    throw new TorchError(
      `view(dtype): this tensor's storage starts at byte ${byteOffset} of its buffer, not a multiple of ${unit}: xlatorch cannot read it as ${dtype.scalarName} in place (clone() it first)`,
    );
  const n = Math.floor(byteLength / dtype.itemsize) * (complex ? 2 : 1);
  switch (dtype.name) {
    case "float32":
    case "complex64":
      return new Float32Array(buffer, byteOffset, n);
    case "float64":
    case "complex128":
      return new Float64Array(buffer, byteOffset, n);
    case "float16":
    case "bfloat16":
      return new Uint16Array(buffer, byteOffset, n);
    case "int8":
      return new Int8Array(buffer, byteOffset, n);
    case "uint8":
    case "bool":
      return new Uint8Array(buffer, byteOffset, n);
    case "int16":
      return new Int16Array(buffer, byteOffset, n);
    case "int32":
      return new Int32Array(buffer, byteOffset, n);
    case "int64":
      return new BigInt64Array(buffer, byteOffset, n);
  }
}

export const reinterpret: Kernel = ([x], [a], _attrs, [o]) => {
  const s = x!;
  const from = a!.dtype.itemsize,
    to = o!.dtype.itemsize;
  const data = arrayOver(o!.dtype, s.data.buffer, s.data.byteOffset, s.data.byteLength);
  // the same storage as x's array (a pool block's mark, core's storage_key.ts)
  inheritStorage(data, s.data);
  if (from === to) return [{ data, offset: s.offset, strides: [...s.strides] } satisfies Strided];
  if (from > to) {
    const r = from / to;
    return [{ data, offset: s.offset * r, strides: [...s.strides.map((st) => st * r), 1] } satisfies Strided];
  }
  const r = to / from;
  const shape = a!.shape;
  const last = shape.length - 1;
  const ok =
    last >= 0 &&
    shape[last] === r &&
    (r === 1 || s.strides[last] === 1) &&
    s.offset % r === 0 &&
    s.strides.every((st, d) => d === last || shape[d] === 1 || st % r === 0);
  // the surface checks these with PyTorch's messages: reaching here is a bug, never a silent copy
  if (!ok)
    throw new Error(
      `bitcast_convert: internal error: a ${a!.dtype.name} operand of shape [${shape.join(", ")}], strides [${s.strides.join(", ")}], offset ${s.offset} cannot be read as ${o!.dtype.name} in place`,
    );
  return [
    {
      data,
      offset: s.offset / r,
      strides: s.strides.slice(0, last).map((st) => (st % r === 0 ? st / r : 0)),
    } satisfies Strided,
  ];
};

/**
 * The CPU runtime's stablehlo.bitcast_convert (runtime/kernel_step.ts): a value op on any layout, so the
 * operand is made dense first and the result owns its bytes (no alias of a runtime buffer).
 */
export const bitcastCopy: Kernel = ([x], [a], attrs, [o]) =>
  reinterpret([contiguous(dense(x!, a!.shape, a!.dtype), a!.shape)], [a!], attrs, [o!]);
