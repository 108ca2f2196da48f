// Host layout per dtype (docs/ARCHITECTURE.md) and its PJRT_Buffer_Type code.
import type { DTypeName, HostArray } from "@xlatorch/stablehlo";
import { BufferType } from "./layout.js";

type HostArrayCtor = {
  new (n: number): HostArray;
  new (buf: ArrayBuffer, byteOffset?: number, length?: number): HostArray;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

export interface DTypeInfo {
  readonly dtype: DTypeName;
  readonly code: number;
  readonly bytes: number;
  readonly ctor: HostArrayCtor;
}

const table: DTypeInfo[] = [
  { dtype: "float32", code: BufferType.F32, bytes: 4, ctor: Float32Array },
  { dtype: "float64", code: BufferType.F64, bytes: 8, ctor: Float64Array },
  { dtype: "float16", code: BufferType.F16, bytes: 2, ctor: Uint16Array },
  { dtype: "bfloat16", code: BufferType.BF16, bytes: 2, ctor: Uint16Array },
  { dtype: "int8", code: BufferType.S8, bytes: 1, ctor: Int8Array },
  { dtype: "uint8", code: BufferType.U8, bytes: 1, ctor: Uint8Array },
  { dtype: "int16", code: BufferType.S16, bytes: 2, ctor: Int16Array },
  { dtype: "int32", code: BufferType.S32, bytes: 4, ctor: Int32Array },
  { dtype: "int64", code: BufferType.S64, bytes: 8, ctor: BigInt64Array },
  { dtype: "bool", code: BufferType.PRED, bytes: 1, ctor: Uint8Array },
];

const byName = new Map(table.map((d) => [d.dtype, d]));
const byCode = new Map(table.map((d) => [d.code, d]));

export const DTYPES: readonly DTypeInfo[] = table;

export function dtypeInfo(dtype: DTypeName): DTypeInfo {
  const d = byName.get(dtype);
  if (!d) throw new TypeError(`dtype ${String(dtype)} has no PJRT buffer type`);
  return d;
}

export function dtypeFromBufferType(code: number): DTypeInfo {
  const d = byCode.get(code);
  if (!d) throw new TypeError(`PJRT_Buffer_Type ${code} has no xlatorch dtype`);
  return d;
}

export function numElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new TypeError(`bad dimension ${d} in shape [${shape.join(", ")}]`);
    n *= d;
  }
  return n;
}

/** Checks that `data` is the host array the dtype's layout calls for, of the shape's size. */
export function checkHostArray(data: HostArray, dtype: DTypeName, shape: readonly number[]): DTypeInfo {
  const info = dtypeInfo(dtype);
  if (!(data instanceof info.ctor)) {
    throw new TypeError(`${dtype} data must be a ${info.ctor.name}, got ${data.constructor.name}`);
  }
  const n = numElements(shape);
  if (data.length !== n) {
    throw new TypeError(`${dtype} data has ${data.length} elements, shape [${shape.join(", ")}] needs ${n}`);
  }
  return info;
}
