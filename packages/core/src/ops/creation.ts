// Creation ops: tensor, zeros, ones, full, empty, arange, linspace, eye,
// *_like and new_* (dtype and device from another tensor), type_as,
// tril_indices/triu_indices.
import { surface } from "../autograd.js";
import { fromHost, bind1 } from "../dispatch.js";
import type { DeviceLike } from "../device.js";
import { bool, get_default_complex_dtype, get_default_dtype, int32, int64, type ComplexScalar, type DType } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { Tensor } from "../tensor.js";
import { checkInt, checkTensor, describe, parseArgs, splitSizes, type Scalar } from "./args.js";
import { convert, expandTo, resolveDevice, resolveDtype, scalarOperand, scalarTensor, setHost } from "./base.js";

type Nested = Scalar | ComplexScalar | Nested[] | ArrayLike<number>;

/** The keyword arguments every creation op takes (PyTorch's dtype=, device=, requires_grad=). */
export interface CreateOptions {
  dtype?: DType | string | null;
  device?: DeviceLike | null;
  requires_grad?: boolean;
}

function finish(t: Tensor, requires_grad: unknown): Tensor {
  if (requires_grad) t.requires_grad_(true);
  return t;
}

/** torch.tensor(data, {dtype, device, requires_grad}): infers shape and dtype like PyTorch. */
export function tensor(data: Nested | Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("tensor", args, ["dtype", "device", "requires_grad"]);
  if (data instanceof Tensor) {
    const t = data.detach().to({ dtype: resolveDtype(o.dtype, data.dtype), device: o.device ?? data.device, copy: true });
    return finish(t, o.requires_grad);
  }
  const shape: number[] = [];
  const flat: Scalar[] = [];
  walk(data, 0, shape, flat);
  const dtype = resolveDtype(o.dtype, inferDtype(flat));
  const host = dtype.alloc(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]! as Scalar | ComplexScalar;
    if (typeof v === "object") {
      // a {re, im} element (JavaScript has no complex numbers)
      if (!dtype.is_complex) throw new TorchTypeError(`tensor: can't convert complex to ${dtype.scalarName}`);
      host[2 * i] = v.re;
      host[2 * i + 1] = v.im;
    } else setHost(host, i, v, dtype);
  }
  return finish(fromHost(host, shape, dtype, resolveDevice(o.device)), o.requires_grad);
}

function walk(x: Nested, depth: number, shape: number[], flat: Scalar[]): void {
  const isSeq = Array.isArray(x) || ArrayBuffer.isView(x);
  if (!isSeq) {
    if (depth < shape.length) throw new TorchError(`tensor: expected sequence of length ${shape[depth]} at dim ${depth} (got a scalar)`);
    if (typeof x !== "number" && typeof x !== "boolean" && typeof x !== "bigint" && !isComplexScalar(x))
      throw new TorchTypeError(`tensor: could not infer dtype of ${typeof x}`);
    flat.push(x as Scalar);
    return;
  }
  const arr = x as ArrayLike<Nested>;
  if (depth === shape.length) shape.push(arr.length);
  else if (shape[depth] !== arr.length)
    throw new TorchError(`tensor: expected sequence of length ${shape[depth]} at dim ${depth} (got ${arr.length})`);
  for (let i = 0; i < arr.length; i++) walk(arr[i]!, depth + 1, shape, flat);
}

const isComplexScalar = (x: unknown): x is ComplexScalar =>
  typeof x === "object" && x !== null && typeof (x as ComplexScalar).re === "number" && typeof (x as ComplexScalar).im === "number";

function inferDtype(flat: readonly Scalar[]): DType {
  if (flat.some(isComplexScalar)) return get_default_complex_dtype();
  let sawBool = false,
    sawInt = false,
    sawFloat = false;
  for (const v of flat) {
    if (typeof v === "boolean") sawBool = true;
    else if (typeof v === "bigint" || Number.isInteger(v)) sawInt = true;
    else sawFloat = true;
  }
  return sawFloat ? get_default_dtype() : sawInt ? int64 : sawBool ? bool : get_default_dtype();
}

/** Fill value's natural dtype, as torch.full infers it. */
export const scalarDtype = (v: Scalar | ComplexScalar): DType =>
  typeof v === "object"
    ? get_default_complex_dtype()
    : typeof v === "boolean"
      ? bool
      : typeof v === "bigint" || Number.isInteger(v)
        ? int64
        : get_default_dtype();

function filled(op: string, size: number[], value: Scalar | ComplexScalar, o: CreateOptions, fallback: DType): Tensor {
  for (const d of size)
    if (d < 0) throw new TorchError(`${op}: Trying to create tensor with negative dimension ${d}: [${size.join(", ")}]`);
  const dtype = resolveDtype(o.dtype, fallback);
  const device = resolveDevice(o.device);
  // the value is only broadcast and copied, never returned: a shared scalar operand (zeros_like in a VJP, per step)
  const s = typeof value === "object" ? scalarTensor(value, dtype, device) : scalarOperand(value, dtype, device);
  return finish(bind1(P.copy!, [expandTo(s, size)]), o.requires_grad);
}

const CREATE_OPTS = ["dtype", "device", "requires_grad"] as const;
export function zeros(...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("zeros", args);
  return filled("zeros", size, 0, parseArgs("zeros", rest, CREATE_OPTS), get_default_dtype());
}
export function ones(...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("ones", args);
  return filled("ones", size, 1, parseArgs("ones", rest, CREATE_OPTS), get_default_dtype());
}
/** Contents are unspecified in PyTorch; ours are zeros. */
export function empty(...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("empty", args);
  return filled("empty", size, 0, parseArgs("empty", rest, CREATE_OPTS), get_default_dtype());
}
export function full(size: number[], fill_value: Scalar | ComplexScalar, ...args: unknown[]): Tensor {
  const o = parseArgs("full", args, CREATE_OPTS);
  return filled("full", size, fill_value, o, scalarDtype(fill_value));
}

const likeOpts = (x: Tensor, o: CreateOptions): CreateOptions => ({ ...o, dtype: o.dtype ?? x.dtype, device: o.device ?? x.device });
export const zeros_like = (x: Tensor, ...a: unknown[]) =>
  filled("zeros_like", x.shape.slice(), 0, likeOpts(x, parseArgs("zeros_like", a, CREATE_OPTS)), x.dtype);
export const ones_like = (x: Tensor, ...a: unknown[]) =>
  filled("ones_like", x.shape.slice(), 1, likeOpts(x, parseArgs("ones_like", a, CREATE_OPTS)), x.dtype);
export const empty_like = (x: Tensor, ...a: unknown[]) =>
  filled("empty_like", x.shape.slice(), 0, likeOpts(x, parseArgs("empty_like", a, CREATE_OPTS)), x.dtype);
export const full_like = (x: Tensor, v: Scalar | ComplexScalar, ...a: unknown[]) =>
  filled("full_like", x.shape.slice(), v, likeOpts(x, parseArgs("full_like", a, CREATE_OPTS)), x.dtype);

/** type_as(other): this tensor converted to other's dtype. */
export function type_as(x: Tensor, other: Tensor): Tensor {
  checkTensor("type_as", "other", other);
  return x.dtype === other.dtype ? x : surface("to_copy", () => convert(x, other.dtype));
}

/** x.new_zeros(*size, *, dtype=x.dtype, device=x.device, requires_grad=False). */
export function new_zeros(x: Tensor, ...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("new_zeros", args);
  return zeros(size, likeOpts(x, parseArgs("new_zeros", rest, CREATE_OPTS)));
}
export function new_ones(x: Tensor, ...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("new_ones", args);
  return ones(size, likeOpts(x, parseArgs("new_ones", rest, CREATE_OPTS)));
}
/** Contents are unspecified in PyTorch; ours are zeros. */
export function new_empty(x: Tensor, ...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("new_empty", args);
  return empty(size, likeOpts(x, parseArgs("new_empty", rest, CREATE_OPTS)));
}
export function new_full(x: Tensor, size: number[], fill_value: Scalar | ComplexScalar, ...args: unknown[]): Tensor {
  if (!Array.isArray(size)) throw new TorchTypeError(`new_full(): argument 'size' must be tuple of ints, not ${describe(size)}`);
  return full(size, fill_value, likeOpts(x, parseArgs("new_full", args, CREATE_OPTS)));
}
/** x.new_tensor(data): a new tensor (a copy) with x's dtype and device unless given. */
export function new_tensor(x: Tensor, data: unknown, ...args: unknown[]): Tensor {
  return tensor(data as Nested | Tensor, likeOpts(x, parseArgs("new_tensor", args, CREATE_OPTS)));
}

/** Host-computed values uploaded to the device (arange, linspace). */
function fromValues(values: ArrayLike<number>, dtype: DType, o: CreateOptions): Tensor {
  const host = dtype.alloc(values.length);
  for (let i = 0; i < values.length; i++) setHost(host, i, values[i]!, dtype);
  return finish(fromHost(host, [values.length], dtype, resolveDevice(o.device)), o.requires_grad);
}

/** A number as Python prints it where it matters in messages: inf, -inf, nan. */
const pyFloat = (v: number) => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v));

/** arange(end) | arange(start, end, step=1), {dtype, device, requires_grad}. */
export function arange(...args: unknown[]): Tensor {
  const nums: number[] = [];
  while (args.length && typeof args[0] === "number") nums.push(args.shift() as number);
  const o = parseArgs("arange", args, ["start", "end", "step", ...CREATE_OPTS]);
  // bools are Python ints here (arange(False, True) is [0])
  const num = (v: unknown) => (typeof v === "boolean" ? Number(v) : v) as number;
  let start = num(o.start ?? 0),
    end = num(o.end),
    step = num(o.step ?? 1);
  if (nums.length === 1) end = nums[0]!;
  else if (nums.length >= 2) [start, end, step] = [nums[0]!, nums[1]!, nums[2] ?? step];
  if (end === undefined) throw new TorchTypeError("arange() missing required argument 'end'");
  if (![start, end].every(Number.isFinite)) throw new TorchError(`arange: unsupported range: ${pyFloat(start)} -> ${pyFloat(end)}`);
  const allInt = [start, end, step].every(Number.isInteger);
  const dtype = resolveDtype(o.dtype, allInt ? int64 : get_default_dtype());
  // An integer dtype computes in int64 as ATen does: start, end and step truncated (a step of 0.5
  // is then 0); int64 also takes its length from them, the other integer dtypes from the doubles.
  const integral = !dtype.is_floating_point;
  const [s, e, st] = integral ? [Math.trunc(start), Math.trunc(end), Math.trunc(step)] : [start, end, step];
  if (st === 0) throw new TorchError("arange: step must be nonzero");
  if ((e - s) * st < 0)
    throw new TorchError(`arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  const n = Math.ceil(dtype === int64 ? (e - s) / st : (end - start) / step);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = s + i * st;
  return fromValues(v, dtype, o);
}

export function linspace(start: number, end: number, steps: number, ...args: unknown[]): Tensor {
  const o = parseArgs("linspace", args, CREATE_OPTS);
  if (!Number.isInteger(steps) || steps < 0) throw new TorchError(`linspace: number of steps must be non-negative, got ${steps}`);
  const dtype = resolveDtype(o.dtype, get_default_dtype());
  const v = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  if (dtype.is_floating_point || dtype.is_complex || dtype === bool) {
    for (let i = 0; i < steps; i++) v[i] = steps === 1 ? start : i < half ? start + step * i : end - step * (steps - 1 - i);
  } else integerLinspace(v, Math.trunc(start), Math.trunc(end), step, dtype.itemsize);
  return fromValues(v, dtype, o);
}

/**
 * linspace of an integer dtype as PyTorch's CPU kernel computes it (RangeFactoriesKernel.cpp):
 * a double step, each value truncated toward zero; and in the vectorised body (whole pairs of
 * 256-bit vectors: 4 int64 lanes, 8 int32, ...) each vector is arange(base, step) from a base
 * that is truncated first, the tail element by element. So linspace(0, -3, 50) has 20 zeros,
 * not the 17 a per-element formula gives.
 */
function integerLinspace(v: Float64Array, start: number, end: number, step: number, itemsize: number): void {
  const steps = v.length;
  const half = Math.floor(steps / 2);
  const at = (i: number) => (i < half ? start + step * i : end - step * (steps - i - 1));
  if (steps === 1) {
    v[0] = start;
    return;
  }
  const lanes = 32 / itemsize;
  let i = 0;
  for (; i + 2 * lanes <= steps; i += 2 * lanes)
    for (const k of [i, i + lanes]) {
      const base = Math.trunc(at(k));
      for (let j = 0; j < lanes; j++) v[k + j] = Math.trunc(base + j * step);
    }
  for (; i < steps; i++) v[i] = Math.trunc(at(i));
}

export function eye(n: number, ...args: unknown[]): Tensor {
  const m = typeof args[0] === "number" ? (args.shift() as number) : n;
  const o = parseArgs("eye", args, CREATE_OPTS);
  if (n < 0 || m < 0) throw new TorchError(`eye: n and m must be non-negative, got n=${n}, m=${m}`);
  const dev = resolveDevice(o.device);
  const r = bind1(P.iota!, [], { shape: [n, m], dim: 0, dtype: int64 }, dev);
  const c = bind1(P.iota!, [], { shape: [n, m], dim: 1, dtype: int64 }, dev);
  const eq = bind1(P.compare!, [r, c], { direction: "EQ" });
  return finish(bind1(P.convert!, [eq], { dtype: resolveDtype(o.dtype, get_default_dtype()) }), o.requires_grad);
}

function triIndices(op: string, lower: boolean, row: number, col: number, args: unknown[]): Tensor {
  const o = parseArgs(op, args, ["offset", "dtype", "device", "layout"], { offset: 0 });
  checkInt(op, "row", row);
  checkInt(op, "col", col);
  checkInt(op, "offset", o.offset);
  if (row < 0) throw new TorchError(`${op}: row must be non-negative, got ${row}`);
  if (col < 0) throw new TorchError(`${op}: col must be non-negative, got ${col}`);
  const dtype = resolveDtype(o.dtype, int64);
  if (dtype !== int64 && dtype !== int32) throw new TorchError(`"${op}" not implemented for '${dtype.scalarName}'`);
  const rs: number[] = [],
    cs: number[] = [];
  for (let i = 0; i < row; i++) {
    const lo = lower ? 0 : Math.max(0, i + o.offset),
      hi = lower ? Math.min(col - 1, i + o.offset) : col - 1;
    for (let j = lo; j <= hi; j++) {
      rs.push(i);
      cs.push(j);
    }
  }
  const host = dtype.alloc(2 * rs.length) as BigInt64Array | Int32Array;
  [...rs, ...cs].forEach((v, i) => {
    host[i] = (dtype === int64 ? BigInt(v) : v) as never;
  });
  return fromHost(host, [2, rs.length], dtype, resolveDevice(o.device));
}
/** tril_indices(row, col, offset=0, *, dtype=int64, device): [2, N] coordinates of the lower triangle, row-major. */
export const tril_indices = (row: number, col: number, ...args: unknown[]) => triIndices("tril_indices", true, row, col, args);
/** triu_indices(row, col, offset=0, *, dtype=int64, device): [2, N] coordinates of the upper triangle, row-major. */
export const triu_indices = (row: number, col: number, ...args: unknown[]) => triIndices("triu_indices", false, row, col, args);
