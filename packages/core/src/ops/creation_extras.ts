// Factories and conversions beside creation.ts: logspace (computed on the
// host as ATen's kernel computes it), is_tensor, as_tensor and frombuffer.
import { fromHost } from "../dispatch.js";
import { type DType, get_default_dtype } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { describe, parseArgs } from "./args.js";
import { resolveDevice, resolveDtype } from "./base.js";
import { tensor } from "./creation.js";

/** A number as the dtype holds it (ATen casts start and end to scalar_t first). */
function asDtype(v: number, dt: DType): number {
  if (dt.name === "float32") return Math.fround(v);
  if (dt.name === "float64" || dt.name === "float16" || dt.name === "bfloat16") return v;
  return Math.trunc(v);
}

/**
 * logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
 * base ** linspace(start, end, steps), as ATen's kernel: the exponents in double
 * from start and end cast to the dtype, the first half counted from start, the
 * second from end, each power stored in the dtype.
 */
export function logspace(start: number, end: number, steps: number, ...args: unknown[]): Tensor {
  const o = parseArgs("logspace", args, ["base", "dtype", "device", "requires_grad"], {
    base: 10,
    dtype: null,
    device: null,
    requires_grad: false,
  });
  for (const [name, v] of [
    ["start", start],
    ["end", end],
    ["base", o.base],
  ] as const)
    if (typeof v !== "number") throw new TorchTypeError(`logspace(): argument '${name}' must be Number, not ${describe(v)}`);
  if (!Number.isInteger(steps)) throw new TorchTypeError(`logspace(): argument 'steps' must be int, not ${describe(steps)}`);
  if (steps < 0) throw new TorchError("number of steps must be non-negative");
  const dtype = resolveDtype(o.dtype, get_default_dtype());
  const s = asDtype(start, dtype),
    e = asDtype(end, dtype);
  const step = steps > 1 ? (e - s) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  const v: number[] = [];
  for (let i = 0; i < steps; i++) {
    const p = steps === 1 ? o.base ** s : i < half ? o.base ** (s + step * i) : o.base ** (e - step * (steps - i - 1));
    v.push(dtype.is_floating_point ? p : dtype.name === "bool" ? p : Math.trunc(p));
  }
  return tensor(dtype.name === "bool" ? v.map(Boolean) : v, { dtype, device: resolveDevice(o.device), requires_grad: !!o.requires_grad });
}

/** is_tensor(obj): whether obj is a Tensor. */
export const is_tensor = (obj: unknown): boolean => obj instanceof Tensor;

/**
 * as_tensor(data, dtype=None, device=None): a tensor of `data` that is `data`
 * itself when it is a tensor of that dtype and device (else converted), and a
 * new tensor for other data.
 */
export function as_tensor(data: unknown, ...args: unknown[]): Tensor {
  const o = parseArgs("as_tensor", args, ["dtype", "device"], { dtype: null, device: null });
  if (data instanceof Tensor) {
    let t = data;
    if (o.device !== null) t = t.to(resolveDevice(o.device));
    if (o.dtype !== null) t = t.to(resolveDtype(o.dtype, t.dtype));
    return t;
  }
  const opts: Record<string, unknown> = {};
  if (o.dtype !== null) opts.dtype = o.dtype;
  if (o.device !== null) opts.device = o.device;
  return tensor(data as never, opts);
}

const HOST_ARRAYS: Record<string, (b: ArrayBuffer, n: number) => ArrayLike<unknown>> = {
  float32: (b, n) => new Float32Array(b, 0, n),
  float64: (b, n) => new Float64Array(b, 0, n),
  float16: (b, n) => new Uint16Array(b, 0, n),
  bfloat16: (b, n) => new Uint16Array(b, 0, n),
  int8: (b, n) => new Int8Array(b, 0, n),
  uint8: (b, n) => new Uint8Array(b, 0, n),
  int16: (b, n) => new Int16Array(b, 0, n),
  int32: (b, n) => new Int32Array(b, 0, n),
  int64: (b, n) => new BigInt64Array(b, 0, n),
  bool: (b, n) => new Uint8Array(b, 0, n),
};

/**
 * frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False): a 1-D
 * tensor of the buffer's bytes read as dtype (an ArrayBuffer, a typed array's
 * bytes, or an array of byte values standing for Python's bytes). PyTorch shares the buffer's memory; here the bytes are
 * copied, so later writes to either side are not seen by the other.
 */
export function frombuffer(buffer: ArrayBuffer | ArrayBufferView | readonly number[], ...args: unknown[]): Tensor {
  const o = parseArgs("frombuffer", args, ["dtype", "count", "offset", "requires_grad"], { count: -1, offset: 0, requires_grad: false });
  if (o.dtype === undefined || o.dtype === null) throw new TorchTypeError("frombuffer() missing required argument 'dtype'");
  // Python's bytes/bytearray: an ArrayBuffer, a typed array's bytes, or an array of byte values
  const bytes =
    buffer instanceof ArrayBuffer
      ? new Uint8Array(buffer)
      : ArrayBuffer.isView(buffer)
        ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
        : Array.isArray(buffer) && buffer.every((b) => Number.isInteger(b) && b >= 0 && b < 256)
          ? Uint8Array.from(buffer as number[])
          : null;
  if (!bytes)
    throw new TorchTypeError(`frombuffer(): argument 'buffer' must be a buffer (ArrayBuffer or typed array), not ${describe(buffer)}`);
  const dtype = resolveDtype(o.dtype, get_default_dtype());
  const len = bytes.byteLength,
    size = dtype.itemsize,
    offset = o.offset as number,
    count = o.count as number;
  if (len <= 0) throw new TorchError("both buffer length (0) and count (-1) must not be 0");
  if (offset < 0 || offset >= len)
    throw new TorchError(`offset (${offset} bytes) must be non-negative and no greater than buffer length (${len} bytes) minus 1`);
  if (count <= 0 && (len - offset) % size !== 0)
    throw new TorchError(
      `buffer length (${len - offset} bytes) after offset (${offset} bytes) must be a multiple of element size (${size})`,
    );
  const n = count < 0 ? (len - offset) / size : count;
  if (n === 0) throw new TorchError(`both buffer length (${len}) and count (${count}) must not be 0`);
  if (offset + n * size > len)
    throw new TorchError(
      `requested buffer length (${n} * ${size} bytes) after offset (${offset} bytes) must not be greater than actual buffer length (${len} bytes)`,
    );
  const copy = new ArrayBuffer(n * size);
  new Uint8Array(copy).set(bytes.subarray(offset, offset + n * size));
  const t = fromHost(HOST_ARRAYS[dtype.name]!(copy, n) as never, [n], dtype, resolveDevice(null));
  return o.requires_grad ? t.requires_grad_(true) : t;
}
