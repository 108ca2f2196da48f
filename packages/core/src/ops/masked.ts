// torch.masked: PyTorch 1.13's masked reductions and normalizations on strided
// tensors (torch/masked/_ops.py), composed as PyTorch composes them: the
// masked-out elements are replaced by the reduction's identity
// (_reduction_identity: 0 for sum, 1 for prod, -inf/+inf or the integer limits
// for amax/amin, NaN for median, ...) with where(), then the ordinary op runs.
// Autograd comes from where() and the op. The quirks are PyTorch's: argmax and
// argmin return indices in `dtype` (the input's by default), softmax masks with
// -inf (a fully masked row gives NaN), mean/var count the masked-in elements.
import { bool, float32, int64, type DType } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, isKwargs, parseArgs, type ParsedArgs } from "./args.js";
import { dtypeLowest, dtypeMax, scalarTensor } from "./base.js";
import { broadcast_to } from "./shape.js";
import { conj } from "./complex.js";
import { isnan, maximum, where } from "./elementwise.js";
import { logaddexp as logaddexpImpl } from "./math.js";
import { linalg_vector_norm } from "./linalg_norms.js";
import { amax as amaxImpl, amin as aminImpl, any, argmax as argmaxImpl, argmin as argminImpl, logsumexp as lseImpl } from "./reduce.js";
import { log_softmax as logSoftmaxImpl, softmax as softmaxImpl, sum as sumImpl } from "./reduce.js";
import { cumprod as cumprodImpl, cumsum as cumsumImpl } from "./scan.js";
import { nanmedian } from "./sort.js";

type Dims = number | readonly number[] | null;

/**
 * Python's argument binding for a function `op(input, <positional>, *, <kwonly>)`:
 * at most `positional.length` positional values, keyword-only names only in
 * the trailing options object.
 */
function bind<K extends string>(
  op: string,
  input: unknown,
  args: readonly unknown[],
  positional: readonly K[],
  kwonly: readonly K[],
  defaults: Partial<Record<K, unknown>>,
  required = 0,
): ParsedArgs<K> {
  const name = `${op}()`;
  if (!(input instanceof Tensor)) throw new TorchTypeError(`masked.${name}: argument 'input' must be Tensor, not ${describe(input)}`);
  const npos = args.length && isKwargs(args[args.length - 1]) ? args.length - 1 : args.length;
  if (npos > positional.length) {
    const lo = 1 + required;
    const hi = 1 + positional.length;
    const range = lo === hi ? `${hi}` : `from ${lo} to ${hi}`;
    throw new TorchTypeError(`${name} takes ${range} positional arguments but ${npos + 1} were given`);
  }
  const o = parseArgs(op, args, [...positional, ...kwonly], defaults);
  for (const k of positional.slice(0, required))
    if (o[k] === undefined) throw new TorchTypeError(`${name} missing 1 required positional argument: '${k}'`);
  const mask = (o as Record<string, unknown>).mask;
  if (mask !== undefined && mask !== null && !(mask instanceof Tensor))
    throw new TorchTypeError(`masked.${name}: argument 'mask' must be Tensor, not ${describe(mask)}`);
  return o;
}

/** _canonical_dim: the reduced dims, sorted; None or () is every dim. */
function canonicalDims(op: string, dim: Dims, ndim: number): number[] {
  if (dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0)) return [...Array(ndim).keys()];
  const n = Math.max(ndim, 1);
  const out: number[] = [];
  for (const d of typeof dim === "number" ? [dim] : dim) {
    if (typeof d !== "number" || !Number.isInteger(d))
      throw new TorchTypeError(`masked.${op}(): argument 'dim' must be an int or a tuple of ints, not ${describe(d)}`);
    if (out.includes(d)) throw new TorchError(`masked.${op}(): dim=${d} appears multiple times in the list of dims`);
    if (d >= n || d < -n)
      throw new TorchIndexError(`masked.${op}(): Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${d})`);
    out.push(d);
  }
  return out.map((d) => (d + n) % n).sort((a, b) => a - b);
}

/** _input_mask: the mask broadcast to the input's shape, as bool. */
function inputMask(op: string, input: Tensor, mask: Tensor): Tensor {
  let m = mask;
  if (m.shape.join() !== input.shape.join()) {
    if (m.ndim > input.ndim)
      throw new TorchIndexError(
        `masked.${op}(): _input_mask expected broadcastable mask (got mask dimensionality higher than of the input): mask [${m.shape.join(", ")}], input [${input.shape.join(", ")}]`,
      );
    m = broadcast_to(m, input.shape.slice());
  }
  return m.dtype === bool ? m : m.to(bool);
}

type IdentityOp = "sum" | "prod" | "amax" | "amin" | "median" | "norm" | "logsumexp";

/** _reduction_identity as a 0-d tensor of the input's dtype (so where() keeps that dtype). */
function identity(op: string, kind: IdentityOp, input: Tensor, ord?: number): Tensor {
  const dt = input.dtype;
  const fp = dt.is_floating_point;
  let v: number | bigint | boolean;
  switch (kind) {
    case "sum":
      v = 0;
      break;
    case "prod":
      v = 1;
      break;
    case "amax":
    case "logsumexp":
      if (fp) v = -Infinity;
      else if (dt.name === "bool") throw new TorchError(`masked.${op}(): identity of ${kind} on torch.bool input is not defined`);
      else v = dtypeLowest(dt);
      break;
    case "amin":
      if (fp) v = Infinity;
      else if (dt.name === "bool") throw new TorchError(`masked.${op}(): identity of ${kind} on torch.bool input is not defined`);
      else v = dtypeMax(dt);
      break;
    case "norm":
      v = ord === -Infinity ? Infinity : 0;
      break;
    case "median":
      v = Number.NaN;
      break;
  }
  if (dt.name === "bool") v = Boolean(v);
  return scalarTensor(v, dt, input.device);
}

/** _combine_input_and_mask: masked-out elements replaced by the identity (the input itself without a mask). */
function combine(op: string, kind: IdentityOp, input: Tensor, mask: Tensor | null | undefined, ord?: number): Tensor {
  if (mask === null || mask === undefined) return input;
  return where(inputMask(op, input, mask), input, identity(op, kind, input, ord));
}

const INT_TO_INT64 = new Set(["bool", "uint8", "int8", "int16", "int32"]);
const REDUCE_KW = ["keepdim", "dtype", "mask"] as const;
const REDUCE_DEFAULTS = { dim: null, keepdim: false, dtype: null, mask: null };

/** masked.sum(input, dim=None, *, keepdim=False, dtype=None, mask=None) */
export function sum(input: Tensor, ...args: unknown[]): Tensor {
  const o = bind("sum", input, args, ["dim"], REDUCE_KW, REDUCE_DEFAULTS);
  const dtype: DType = o.dtype ?? (INT_TO_INT64.has(input.dtype.name) ? int64 : input.dtype);
  const dims = canonicalDims("sum", o.dim, input.ndim);
  return sumImpl(combine("sum", "sum", input, o.mask), dims, !!o.keepdim, { dtype });
}

/** masked.prod(input, dim=None, *, keepdim=False, dtype=None, mask=None): one dim at a time, the last first, as PyTorch. */
export function prod(input: Tensor, ...args: unknown[]): Tensor {
  const o = bind("prod", input, args, ["dim"], REDUCE_KW, REDUCE_DEFAULTS);
  const dtype: DType = o.dtype ?? (INT_TO_INT64.has(input.dtype.name) ? int64 : input.dtype);
  const dims = canonicalDims("prod", o.dim, input.ndim);
  let r = combine("prod", "prod", input, o.mask).to(dtype);
  for (const d of [...dims].reverse()) r = r.prod(d, !!o.keepdim);
  return r;
}

function cumulative(op: "cumsum" | "cumprod", input: Tensor, args: unknown[]): Tensor {
  const o = bind(op, input, args, ["dim"], ["dtype", "mask"], { dtype: null, mask: null }, 1);
  const dtype: DType = o.dtype ?? input.dtype;
  const dim = canonicalDims(op, o.dim, input.ndim)[0]!;
  const x = combine(op, op === "cumsum" ? "sum" : "prod", input, o.mask);
  return (op === "cumsum" ? cumsumImpl : cumprodImpl)(x, dim, { dtype }).to(dtype);
}
/** masked.cumsum(input, dim, *, dtype=None, mask=None) */
export const cumsum = (input: Tensor, ...args: unknown[]): Tensor => cumulative("cumsum", input, args);
/** masked.cumprod(input, dim, *, dtype=None, mask=None) */
export const cumprod = (input: Tensor, ...args: unknown[]): Tensor => cumulative("cumprod", input, args);

function extreme(op: "amax" | "amin", input: Tensor, args: unknown[]): Tensor {
  const o = bind(op, input, args, ["dim"], REDUCE_KW, REDUCE_DEFAULTS);
  const dtype: DType = o.dtype ?? input.dtype;
  const x = combine(op, op, input, o.mask);
  const dims = canonicalDims(op, o.dim, x.ndim);
  return (op === "amax" ? amaxImpl : aminImpl)(x, dims, !!o.keepdim).to(dtype);
}
/** masked.amax(input, dim=None, *, keepdim=False, dtype=None, mask=None) */
export const amax = (input: Tensor, ...args: unknown[]): Tensor => extreme("amax", input, args);
/** masked.amin(input, dim=None, *, keepdim=False, dtype=None, mask=None) */
export const amin = (input: Tensor, ...args: unknown[]): Tensor => extreme("amin", input, args);

function argExtreme(op: "argmax" | "argmin", input: Tensor, args: unknown[]): Tensor {
  const o = bind(op, input, args, ["dim"], REDUCE_KW, REDUCE_DEFAULTS);
  const dtype: DType = o.dtype ?? input.dtype;
  const x = combine(op, op === "argmax" ? "amax" : "amin", input, o.mask);
  const f = op === "argmax" ? argmaxImpl : argminImpl;
  // PyTorch converts the indices to `dtype`, the input's by default
  return f(x, o.dim, !!o.keepdim).to(dtype);
}
/** masked.argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None) */
export const argmax = (input: Tensor, ...args: unknown[]): Tensor => argExtreme("argmax", input, args);
/** masked.argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None) */
export const argmin = (input: Tensor, ...args: unknown[]): Tensor => argExtreme("argmin", input, args);

/** The number of masked-in elements along `dim` (int64), PyTorch's `count`. */
function countOf(input: Tensor, inmask: Tensor | null, dim: Dims, keepdim: boolean): Tensor {
  const ones = inmask ? inmask.to(int64) : broadcast_to(scalarTensor(1, int64, input.device), input.shape.slice());
  return sum(ones, dim, { keepdim });
}

/** masked.mean(input, dim=None, *, keepdim=False, dtype=None, mask=None): masked sum / masked count. */
export function mean(input: Tensor, ...args: unknown[]): Tensor {
  const o = bind("mean", input, args, ["dim"], REDUCE_KW, REDUCE_DEFAULTS);
  const dtype: DType = o.dtype ?? input.dtype;
  const inmask = o.mask ? inputMask("mean", input, o.mask) : null;
  const count = countOf(input, inmask, o.dim, !!o.keepdim);
  const total = sum(input, o.dim, { keepdim: !!o.keepdim, dtype, mask: inmask });
  return total.div(count);
}

/** masked.median(input, dim=-1, *, keepdim=False, dtype=None, mask=None): nanmedian with NaN at the masked-out places. */
export function median(input: Tensor, ...args: unknown[]): Tensor {
  const o = bind("median", input, args, ["dim"], REDUCE_KW, { ...REDUCE_DEFAULTS, dim: -1 });
  const dtype: DType = o.dtype ?? input.dtype;
  const dim = canonicalDims("median", o.dim, input.ndim)[0]!;
  const isFloat = input.dtype.is_floating_point;
  const x = combine("median", "median", isFloat ? input : input.to(float32), o.mask);
  const out = nanmedian(x, dim, !!o.keepdim).values;
  if (isFloat) return out;
  // PyTorch reads the result here too, to refuse a fully masked-out row of an integer input
  if (any(isnan(out)).item())
    throw new TorchError("masked.median(): masked median expects no fully masked out rows if dtype is not floating point");
  return out.to(dtype);
}

/** masked.logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None) */
export function logsumexp(input: Tensor, ...args: unknown[]): Tensor {
  const o = bind("logsumexp", input, args, ["dim"], REDUCE_KW, REDUCE_DEFAULTS);
  const dtype: DType = o.dtype ?? input.dtype;
  const dims = canonicalDims("logsumexp", o.dim, input.ndim);
  return lseImpl(combine("logsumexp", "logsumexp", input, o.mask), dims, !!o.keepdim).to(dtype);
}

/** masked.logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None) */
export function logaddexp(input: Tensor, ...args: unknown[]): Tensor {
  const o = bind(
    "logaddexp",
    input,
    args,
    ["other"],
    ["dtype", "input_mask", "other_mask"],
    { dtype: null, input_mask: null, other_mask: null },
    1,
  );
  checkTensor("masked.logaddexp", "other", o.other);
  for (const k of ["input_mask", "other_mask"] as const)
    if (o[k] !== null && !(o[k] instanceof Tensor))
      throw new TorchTypeError(`masked.logaddexp(): argument '${k}' must be Tensor, not ${describe(o[k])}`);
  const dtype: DType = o.dtype ?? input.dtype;
  const a = combine("logaddexp", "logsumexp", input, o.input_mask);
  const b = combine("logaddexp", "logsumexp", o.other, o.other_mask);
  return logaddexpImpl(a, b).to(dtype);
}

/** masked.norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None): vector_norm, 0 (inf for ord=-inf) where masked out. */
export function norm(input: Tensor, ...args: unknown[]): Tensor {
  const o = bind("norm", input, args, ["ord", "dim"], REDUCE_KW, { ...REDUCE_DEFAULTS, ord: 2 });
  if (typeof o.ord !== "number") throw new TorchTypeError(`masked.norm(): argument 'ord' must be a number, not ${describe(o.ord)}`);
  const dtype: DType = o.dtype ?? input.dtype;
  const x = combine("norm", "norm", input, o.mask, o.ord);
  const dims = canonicalDims("norm", o.dim, input.ndim);
  return linalg_vector_norm(x, o.ord, dims, !!o.keepdim, { dtype });
}

/** _std_var: masked sum of squared deviations from the masked mean over the masked count (minus 1 if unbiased, at least 0). */
function stdVar(op: "var" | "std", input: Tensor, args: unknown[]): Tensor {
  const o = bind(op, input, args, ["dim", "unbiased"], REDUCE_KW, { ...REDUCE_DEFAULTS, unbiased: false });
  // complex stays complex (PyTorch 1.13's _std_var: the sum of x * conj(x) in the input's dtype)
  const floatOrComplex = (d: DType) => d.is_floating_point || d.is_complex;
  const dtype: DType = o.dtype ?? (floatOrComplex(input.dtype) ? input.dtype : float32);
  const compute: DType = floatOrComplex(dtype) ? dtype : float32;
  const keepdim = !!o.keepdim;
  const inmask = o.mask ? inputMask(op, input, o.mask) : null;
  let count = countOf(input, inmask, o.dim, true);
  const sampleTotal = sum(input, o.dim, { keepdim: true, dtype, mask: inmask });
  const x = input.sub(sampleTotal.div(count));
  const total = sum(x.mul(conj(x)), o.dim, { keepdim, dtype: compute, mask: inmask });
  if (!keepdim) count = count.reshape(total.shape);
  if (o.unbiased) count = maximum(count.sub(1), scalarTensor(0, count.dtype, count.device));
  const out = total.div(count).to(dtype);
  return op === "std" ? out.sqrt() : out;
}
/** masked.var(input, dim=None, unbiased=False, *, keepdim=False, dtype=None, mask=None) */
const var_ = (input: Tensor, ...args: unknown[]): Tensor => stdVar("var", input, args);
export { var_ as var };
/** masked.std(input, dim=None, unbiased=False, *, keepdim=False, dtype=None, mask=None) */
export const std = (input: Tensor, ...args: unknown[]): Tensor => stdVar("std", input, args);

function normalization(op: "softmax" | "log_softmax" | "softmin", input: Tensor, args: unknown[]): Tensor {
  const o = bind(op, input, args, ["dim"], ["dtype", "mask"], { dtype: null, mask: null }, 1);
  const dtype: DType = o.dtype ?? input.dtype;
  const dim = canonicalDims(op, o.dim, input.ndim)[0]!;
  const x = combine(op, op === "softmin" ? "amin" : "amax", input, o.mask);
  if (op === "log_softmax") return logSoftmaxImpl(x, dim, { dtype });
  // F.softmin(x) is softmax(-x)
  return softmaxImpl(op === "softmin" ? x.neg() : x, dim, { dtype });
}
/** masked.softmax(input, dim, *, dtype=None, mask=None) */
export const softmax = (input: Tensor, ...args: unknown[]): Tensor => normalization("softmax", input, args);
/** masked.log_softmax(input, dim, *, dtype=None, mask=None) */
export const log_softmax = (input: Tensor, ...args: unknown[]): Tensor => normalization("log_softmax", input, args);
/** masked.softmin(input, dim, *, dtype=None, mask=None) */
export const softmin = (input: Tensor, ...args: unknown[]): Tensor => normalization("softmin", input, args);

/** masked.normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None): input (0 where masked out) / max(masked norm, eps). */
export function normalize(input: Tensor, ...args: unknown[]): Tensor {
  const o = bind("normalize", input, args, ["ord", "dim"], ["eps", "dtype", "mask"], { eps: 1e-12, dtype: null, mask: null }, 2);
  const dtype: DType = o.dtype ?? input.dtype;
  canonicalDims("normalize", o.dim, input.ndim);
  const x = combine("normalize", "sum", input, o.mask);
  const nrm = norm(input, o.ord, o.dim, { keepdim: true, dtype, mask: o.mask });
  const denom = maximum(nrm, scalarTensor(o.eps, nrm.dtype, nrm.device));
  return x.div(denom);
}
