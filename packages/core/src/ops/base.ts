// Building blocks used across the op surface: constants and iotas, dtype
// conversion, limits and opmath precision, broadcasting, (values, indices)
// pairs, ops without a derivative. Everything funnels into `bind` on primitives.
import { recordCustom } from "../autograd.js";
import { captureHooks } from "../capture_hooks.js";
import { bind1 } from "../dispatch.js";
import { fromHost } from "../dispatch.js";
import { Device, get_default_device, device as toDevice, type DeviceLike } from "../device.js";
import {
  bfloat16,
  bool,
  type ComplexScalar,
  dtypeOf,
  f32ToBf16,
  f32ToF16,
  float16,
  float32,
  float64,
  int16,
  int32,
  int64,
  int8,
  uint8,
  type DType,
  type HostArray,
} from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { is_grad_enabled, no_grad } from "../grad_mode.js";
import { P } from "../prims.js";
import { sameShape, Size, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import type { Scalar, TensorOrScalar } from "./args.js";

/** A 0-dim tensor holding `value` (on xla this is a parameter, not a constant). */
export function scalarTensor(value: Scalar | ComplexScalar, dtype: DType, device: Device): Tensor {
  const a = dtype.alloc(1);
  setHost(a, 0, value, dtype);
  return fromHost(a, [], dtype, device);
}

/**
 * The 0-d tensor of a Python scalar operand of a primitive (`x.mul(0.9)`), shared
 * by every call with the same device, dtype and value: an optimizer step or a
 * loop multiplies by the same few numbers thousands of times, and on xla each
 * fresh scalar is a Tensor, a data node and a host upload. Only for operands
 * that are bound into a new result at once (never returned, so never written by
 * a user); one that was written, made to require grad or disposed all the same
 * is replaced. Inside torch.compile's capture, scalars stay fresh (the capture
 * owns what it records). The xla device gives a 0-d leaf a graph parameter per
 * use, so sharing never changes a graph's structure (lazy/graph.ts).
 */
export function scalarOperand(value: Scalar, dtype: DType, device: Device): Tensor {
  if (captureHooks() !== null) return scalarTensor(value, dtype, device);
  // a short table scanned by identity: no hashing of a double per call
  for (let i = 0; i < OPERAND_CACHE; i++) {
    const e = operandValues[i];
    if (e === value && operandDtypes[i] === dtype && (value !== 0 || Object.is(value, e))) {
      const t = operandTensors[i]!;
      if ((t.device === device || t.device.equals(device)) && t._vc.v === 0 && !t.requires_grad && !t._disposed) return t;
    }
  }
  const t = scalarTensor(value, dtype, device);
  // round robin: a schedule's per-step values pass through, a constant evicted comes back at its next use
  const i = operandNext;
  operandNext = (operandNext + 1) % OPERAND_CACHE;
  operandValues[i] = value;
  operandDtypes[i] = dtype;
  operandTensors[i] = t;
  return t;
}
const OPERAND_CACHE = 32;
const operandValues: (Scalar | undefined)[] = new Array(OPERAND_CACHE).fill(undefined);
const operandDtypes: (DType | undefined)[] = new Array(OPERAND_CACHE).fill(undefined);
const operandTensors: (Tensor | undefined)[] = new Array(OPERAND_CACHE).fill(undefined);
let operandNext = 0;
/** Forgets the shared scalars: a device's executor changed (their device buffers belong to the old one). */
export function clearScalarOperands(): void {
  operandValues.fill(undefined);
  operandDtypes.fill(undefined);
  operandTensors.fill(undefined);
}

/** c10's names of the C types in "value cannot be converted to type X without overflow". */
const C_TYPE: Record<string, string> = {
  float32: "float",
  float64: "double",
  float16: "at::Half",
  bfloat16: "at::BFloat16",
  int64: "int64_t",
  int32: "int",
  int16: "int16_t",
  int8: "int8_t",
  uint8: "uint8_t",
};

/**
 * Store one JS value into a host array slot with the dtype's conversion. A complex value ({re, im}) goes
 * to a real dtype only with a zero imaginary part (bool: whether its real part is nonzero), as c10's checked
 * conversion of a complex Scalar (full_like(float_tensor, 1+2j) throws PyTorch's overflow message).
 */
export function setHost(a: HostArray, i: number, v: Scalar | ComplexScalar, dtype: DType): void {
  if (typeof v === "object") {
    if (dtype.is_complex) {
      a[2 * i] = v.re;
      a[2 * i + 1] = v.im;
      return;
    }
    if (dtype === bool) {
      a[i] = v.re !== 0 ? 1 : 0;
      return;
    }
    if (v.im !== 0) throw new TorchError(`value cannot be converted to type ${C_TYPE[dtype.name] ?? dtype.name} without overflow`);
    v = v.re;
  }
  if (a instanceof BigInt64Array) {
    // int64 is the only dtype whose host array holds BigInts
    a[i] = typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v)));
    return;
  }
  switch (dtype.name) {
    case "bool":
      a[i] = v ? 1 : 0;
      return;
    case "float16":
      a[i] = f32ToF16(Number(v));
      return;
    case "bfloat16":
      a[i] = f32ToBf16(Number(v));
      return;
    case "complex64":
    case "complex128":
      // interleaved (re, im); a real scalar has a zero imaginary part
      a[2 * i] = Number(v);
      a[2 * i + 1] = 0;
      return;
    default:
      a[i] = dtype.is_floating_point ? Number(v) : Math.trunc(Number(v));
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

/** dot_general with explicit batch and contracting dims. */
export const dotGeneral = (a: Tensor, b: Tensor, lb: number[], rb: number[], lc: number[], rc: number[]) =>
  bind1(P.dot_general!, [a, b], { lhs_batch: lb, rhs_batch: rb, lhs_contract: lc, rhs_contract: rc });

export function convert(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : bind1(P.convert!, [x], { dtype });
}

/** Broadcast (as a view) to `shape`, which must be broadcast-compatible. */
export function expandTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const n = x.shape.length;
  // a Size is frozen, so the attribute can share it (and the result takes it as its shape)
  return bind1(
    P.broadcast_in_dim!,
    [x],
    shape instanceof Size ? broadcastAttrs(shape, n) : { shape: [...shape], dims: trailingDims(n, shape.length) },
  );
}
type BroadcastAttrs = { readonly shape: readonly number[]; readonly dims: readonly number[] };
/**
 * The attributes of a trailing-dims broadcast to a Size, one frozen object per
 * (Size, input rank): Sizes are shared, so the xla device's signature lookup
 * finds a recorded node's attributes identical (===) instead of comparing them.
 */
const BROADCASTS = new WeakMap<Size, (BroadcastAttrs | undefined)[]>();
function broadcastAttrs(shape: Size, n: number): BroadcastAttrs {
  let byRank = BROADCASTS.get(shape);
  if (!byRank) BROADCASTS.set(shape, (byRank = []));
  return (byRank[n] ??= Object.freeze({ shape, dims: Object.freeze(trailingDims(n, shape.length)) }));
}
function trailingDims(n: number, rank: number): number[] {
  const dims = new Array<number>(n);
  for (let i = 0; i < n; i++) dims[i] = i + rank - n;
  return dims;
}

export function resolveDevice(d: DeviceLike | undefined | null): Device {
  return d === undefined || d === null ? get_default_device() : toDevice(d);
}

export function resolveDtype(d: DType | string | undefined | null, fallback: DType): DType {
  return d === undefined || d === null ? fallback : dtypeOf(d);
}

export const isBoolOrInt = (d: DType): boolean => !d.is_floating_point;
export { bool, int64, float64 };

/** What result_type sees of an operand: a tensor's dtype and rank, or the scalar itself. */
export const operand = (x: TensorOrScalar) => (x instanceof Tensor ? { dtype: x.dtype, ndim: x.ndim } : x);

/** sum/prod of bool and integer tensors accumulate in int64, as in PyTorch. */
export const accDtype = (x: Tensor, dtype: unknown): DType =>
  resolveDtype(dtype as DType, x.dtype.is_floating_point || x.dtype.is_complex ? x.dtype : int64);

export const isHalf = (d: DType): boolean => d === float16 || d === bfloat16;

/**
 * Computes `f` in PyTorch's "opmath" precision: float16/bfloat16 operands are
 * widened to float32 and the result rounded back once, as PyTorch's kernels
 * do; other dtypes run as they are (after conversion to `dt`).
 */
export function opmath(dt: DType, xs: readonly Tensor[], f: (...ys: Tensor[]) => Tensor): Tensor {
  if (!isHalf(dt)) return f(...xs.map((x) => convert(x, dt)));
  return convert(f(...xs.map((x) => convert(x, float32))), dt);
}

/** An int64 iota of `shape` counting along `dim`, on `like`'s device. */
export const iota = (shape: Shape, dim: number, like: Tensor, dtype: DType = int64): Tensor =>
  bind1(P.iota!, [], { shape: [...shape], dim, dtype }, like.device);

/** A constant of x's device broadcast (as a view) to `shape`. */
export const constant = (v: Scalar | ComplexScalar, dtype: DType, like: Tensor, shape: Shape = []): Tensor =>
  expandTo(scalarTensor(v, dtype, like.device), shape);

/** Largest finite value / lowest value of a dtype (torch.finfo / torch.iinfo). */
export function dtypeMax(d: DType): Scalar {
  switch (d) {
    case float32:
      return 3.4028234663852886e38;
    case float64:
      return Number.MAX_VALUE;
    case float16:
      return 65504;
    case bfloat16:
      return 3.3895313892515355e38;
    case int8:
      return 127;
    case uint8:
      return 255;
    case int16:
      return 32767;
    case int32:
      return 2147483647;
    case int64:
      return 2n ** 63n - 1n;
    case bool:
      return true;
  }
  throw new TorchTypeError(`no maximum for ${d}`);
}
export function dtypeLowest(d: DType): Scalar {
  if (d.is_floating_point) return -(dtypeMax(d) as number);
  switch (d) {
    case int8:
      return -128;
    case uint8:
      return 0;
    case int16:
      return -32768;
    case int32:
      return -2147483648;
    case int64:
      return -(2n ** 63n);
    case bool:
      return false;
  }
  throw new TorchTypeError(`no minimum for ${d}`);
}

/** (values, indices) as a JS array that also has .values/.indices like torch.return_types. */
/** PyTorch's (values, indices) named tuple: an array [values, indices] with the two names. */
export type ValuesIndices = Tensor[] & { values: Tensor; indices: Tensor };

export function namedPair(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices], { values, indices });
}

/**
 * An op PyTorch gives no derivative: when an input requires grad, the result
 * is computed without recording and gets a node (named as PyTorch's grad_fn)
 * whose backward throws PyTorch's message.
 */
export function withoutDerivative<T extends Tensor | Tensor[]>(
  node: string,
  message: string,
  inputs: readonly (Tensor | unknown)[],
  f: () => T,
): T {
  const ts = inputs.filter((t): t is Tensor => t instanceof Tensor);
  if (!is_grad_enabled() || !ts.some((t) => t.requires_grad)) return f();
  const out = no_grad(f);
  const outs = (Array.isArray(out) ? out : [out]).filter((t) => t.dtype.is_floating_point);
  if (outs.length)
    recordCustom(node, ts, outs, () => {
      throw new TorchError(message);
    });
  return out;
}
