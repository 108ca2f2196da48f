// Building blocks used across the op surface: constants, dtype conversion,
// broadcasting. Everything funnels into `bind` on primitives.
import { bind1 } from "../dispatch.js";
import { fromHost } from "../dispatch.js";
import { Device, get_default_device, device as toDevice, type DeviceLike } from "../device.js";
import { bool, dtypeOf, f32ToBf16, f32ToF16, float64, int64, type DType } from "../dtype_all.js";
import { P } from "../prims.js";
import { sameShape, Size, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import type { Scalar } from "./args.js";

/** A 0-dim tensor holding `value` (on xla this is a parameter, not a constant). */
export function scalarTensor(value: Scalar, dtype: DType, device: Device): Tensor {
  const a = dtype.alloc(1);
  setHost(a, 0, value, dtype);
  return fromHost(a, [], dtype, device);
}

/** Store one JS value into a host array slot with the dtype's conversion. */
export function setHost(a: any, i: number, v: Scalar, dtype: DType): void {
  switch (dtype.name) {
    case "int64": a[i] = typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v))); return;
    case "bool": a[i] = v ? 1 : 0; return;
    case "float16": a[i] = f32ToF16(Number(v)); return;
    case "bfloat16": a[i] = f32ToBf16(Number(v)); return;
    default: a[i] = dtype.is_floating_point ? Number(v) : Math.trunc(Number(v));
  }
}

/**
 * PyTorch's cpu-scalar rule (TensorIterator's cpu scalars, index_put_'s and
 * masked_fill's value): a 0-dim cpu tensor used with tensors on another device
 * is a scalar operand and moves to their device (differentiably). Any other
 * tensor comes back as it is, so a real device mismatch is still reported.
 */
export function cpuScalarTo(t: Tensor, device: Device): Tensor {
  if (t.device === device || t.device.equals(device)) return t;
  return t.ndim === 0 && t.device.type === "cpu" ? (t as unknown as { to(d: Device): Tensor }).to(device) : t;
}

/**
 * The device an elementwise op runs on (TensorIterator's common device): that
 * of the first operand not on cpu, else cpu; undefined without tensors.
 */
export function commonDevice(xs: readonly unknown[]): Device | undefined {
  let dev: Device | undefined;
  for (const x of xs) {
    if (!(x instanceof Tensor)) continue;
    if (dev === undefined) dev = x.device;
    if (dev.type === "cpu" && x.device.type !== "cpu") return x.device;
  }
  return dev;
}

export function convert(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : bind1(P.convert!, [x], { dtype });
}

/** Broadcast (as a view) to `shape`, which must be broadcast-compatible. */
export function expandTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const n = x.shape.length, off = shape.length - n;
  const dims = new Array<number>(n);
  for (let i = 0; i < n; i++) dims[i] = i + off;
  // a Size is frozen, so the attribute can share it (and the result takes it as its shape)
  return bind1(P.broadcast_in_dim!, [x], { shape: shape instanceof Size ? shape : [...shape], dims });
}

export function resolveDevice(d: DeviceLike | undefined | null): Device {
  return d === undefined || d === null ? get_default_device() : toDevice(d);
}

export function resolveDtype(d: DType | string | undefined | null, fallback: DType): DType {
  return d === undefined || d === null ? fallback : dtypeOf(d);
}

export const isBoolOrInt = (d: DType): boolean => !d.is_floating_point;
export { bool, int64, float64 };
