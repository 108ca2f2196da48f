// Reductions with dim/keepdim: sum/prod/mean, max/min/amax/amin/aminmax,
// argmax/argmin, any/all, count_nonzero, var/std (and their *_mean pairs),
// nansum/nanmean, norm, dist/cdist, logsumexp, softmax/log_softmax.
import { recordCustom, surface } from "../autograd.js";
import { bind, bind1 } from "../dispatch.js";
import { bool, get_default_dtype, int64, result_type } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { is_grad_enabled, no_grad } from "../grad_mode.js";
import { P, type ReduceOp } from "../prims.js";
import { broadcastShapes, normDim, normDims } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, parseArgs } from "./args.js";
import { complexProd } from "./complex_products.js";
import { accDtype, convert, dotGeneral, namedPair, opmath, operand, resolveDtype, type ValuesIndices } from "./base.js";
import {
  abs,
  add,
  div,
  eq,
  exp,
  isinf,
  isnan,
  log,
  logical_not,
  maximum,
  minimum,
  mul,
  ne,
  pow,
  sign,
  sqrt,
  sub,
  where,
} from "./elementwise.js";
import { expand, permute, reshape, sliceDim, transpose, unsqueeze } from "./shape.js";
import { gather } from "./indexing.js";
import { withNoGradient, withZeroGradient } from "./grad_links.js";
import { powAbs, rootOf } from "./norm_root.js";

/** reduce over dims, optionally keeping them as size-1. */
export function reducePrim(x: Tensor, op: ReduceOp, dims: number[], keepdim: boolean): Tensor {
  let r = bind1(P.reduce!, [x], { op, dims });
  if (keepdim)
    r = reshape(
      r,
      x.shape.map((s, i) => (dims.includes(i) ? 1 : s)),
    );
  return r;
}

const dimsOf = (op: string, x: Tensor, dim: unknown): number[] =>
  dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0)
    ? [...Array(x.ndim).keys()]
    : normDims(dim as number | number[], x.ndim, op);

const allDims = (x: Tensor) => [...Array(x.ndim).keys()];

export function sum(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("sum", args, ["dim", "keepdim", "dtype"], { dim: null, keepdim: false });
  const dims = dimsOf("sum", x, o.dim);
  return surface(o.dim === null ? "sum" : "SumBackward1", () => reducePrim(convert(x, accDtype(x, o.dtype)), "sum", dims, o.keepdim));
}
export function prod(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("prod", args, ["dim", "keepdim", "dtype"], { dim: null, keepdim: false });
  // a 0-dim input takes dim 0 or -1 and reduces over nothing (normDims gives [])
  const dims = o.dim === null ? [...Array(x.ndim).keys()] : normDims(normDim(o.dim, x.ndim, "prod"), x.ndim, "prod");
  return surface("prod", () => {
    const xc = convert(x, accDtype(x, o.dtype));
    return xc.dtype.is_complex ? complexProd(xc, dims, o.keepdim) : reducePrim(xc, "prod", dims, o.keepdim);
  });
}
export function mean(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("mean", args, ["dim", "keepdim", "dtype"], { dim: null, keepdim: false });
  const dt = resolveDtype(o.dtype, x.dtype);
  if (!dt.is_floating_point && !dt.is_complex)
    throw new TorchError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${dt.scalarName}`,
    );
  const dims = dimsOf("mean", x, o.dim);
  const n = dims.reduce((a, d) => a * x.shape[d]!, 1);
  return surface(o.dim === null ? "mean" : "MeanBackward1", () => div(reducePrim(convert(x, dt), "sum", dims, o.keepdim), n));
}

function extremum(op: "max" | "min", x: Tensor, args: unknown[]): Tensor | ValuesIndices {
  if (args[0] instanceof Tensor) return op === "max" ? maximum(x, args[0]) : minimum(x, args[0]);
  const o = parseArgs(op, args, ["dim", "keepdim"], { dim: null, keepdim: false });
  if (o.dim === null) {
    if (x.numel() === 0)
      throw new TorchError(
        `${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
      );
    return surface(`${op === "max" ? "Max" : "Min"}Backward1`, () => reducePrim(x, op, [...Array(x.ndim).keys()], false));
  }
  const d = normDim(o.dim, x.ndim, op);
  if (x.ndim > 0 && x.shape[d] === 0) throw new TorchError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  return surface(op, () => {
    const indices = argreducePrim(x, op, d, true);
    let values = x.ndim === 0 ? x.clone() : gather(x, d, indices);
    let idx = indices;
    if (!o.keepdim && x.ndim > 0) {
      values = reshape(
        values,
        x.shape.filter((_, i) => i !== d),
      );
      idx = reshape(idx, values.shape as number[]);
    }
    if (x.ndim === 0) idx = reshape(idx, []);
    return namedPair(values, idx);
  });
}

/** max(input) and max(input, other) give a Tensor; max(input, dim, keepdim=False) gives (values, indices). */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, kwargs: { dim: number; keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, dim: number, kwargs?: { keepdim?: boolean }): ValuesIndices;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, ...a: unknown[]): Tensor | ValuesIndices {
  return extremum("max", x, a);
}
/** min(input) and min(input, other) give a Tensor; min(input, dim, keepdim=False) gives (values, indices). */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, kwargs: { dim: number; keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, dim: number, kwargs?: { keepdim?: boolean }): ValuesIndices;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, ...a: unknown[]): Tensor | ValuesIndices {
  return extremum("min", x, a);
}

function argreducePrim(x: Tensor, op: "max" | "min", d: number, keepdim: boolean): Tensor {
  if (x.ndim === 0) return reshape(bind1(P.argreduce!, [reshape(x, [1])], { op, dim: 0 }), keepdim ? [] : []);
  const r = bind1(P.argreduce!, [x], { op, dim: d });
  return keepdim
    ? reshape(
        r,
        x.shape.map((s, i) => (i === d ? 1 : s)),
      )
    : r;
}
function argx(op: "max" | "min", x: Tensor, args: unknown[]): Tensor {
  const o = parseArgs(`arg${op}`, args, ["dim", "keepdim"], { dim: null, keepdim: false });
  if (x.numel() === 0) throw new TorchIndexError(`arg${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
  if (o.dim === null) {
    const r = argreducePrim(reshape(x, [-1]), op, 0, false);
    return o.keepdim
      ? reshape(
          r,
          x.shape.map(() => 1),
        )
      : r;
  }
  return argreducePrim(x, op, normDim(o.dim, x.ndim, `arg${op}`), o.keepdim);
}
export const argmax = (x: Tensor, ...a: unknown[]) => argx("max", x, a);
export const argmin = (x: Tensor, ...a: unknown[]) => argx("min", x, a);

function amx(op: "max" | "min", x: Tensor, args: unknown[]): Tensor {
  const o = parseArgs(`a${op}`, args, ["dim", "keepdim"], { dim: [], keepdim: false });
  if (x.numel() === 0) {
    // no identity: every reduced dim must be non-empty, and an empty input needs a dim
    const name = `a${op}`;
    if (o.dim === null || o.dim === undefined || (Array.isArray(o.dim) && o.dim.length === 0)) {
      throw new TorchError(
        `${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
      );
    }
    for (const d of typeof o.dim === "number" ? [o.dim] : (o.dim as number[])) {
      if (x.ndim > 0 && x.shape[normDim(d, x.ndim, name)] === 0)
        throw new TorchIndexError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
    }
  }
  return surface(`a${op}`, () => reducePrim(x, op, dimsOf(`a${op}`, x, o.dim), o.keepdim));
}
export const amax = (x: Tensor, ...a: unknown[]) => amx("max", x, a);
export const amin = (x: Tensor, ...a: unknown[]) => amx("min", x, a);

function anyAll(op: "any" | "all", x: Tensor, args: unknown[]): Tensor {
  const o = parseArgs(op, args, ["dim", "keepdim"], { dim: null, keepdim: false });
  return surface(op, () => {
    const b = x.dtype === bool ? x : ne(x, 0);
    const r = reducePrim(b, op === "any" ? "or" : "and", dimsOf(op, x, o.dim), o.keepdim);
    // PyTorch keeps uint8 for any/all of uint8 inputs
    return x.dtype.name === "uint8" ? convert(r, x.dtype) : r;
  });
}
export const any = (x: Tensor, ...a: unknown[]) => anyAll("any", x, a);
export const all = (x: Tensor, ...a: unknown[]) => anyAll("all", x, a);

export function var_(x: Tensor, ...args: unknown[]): Tensor {
  // var(dim, unbiased, keepdim), var(unbiased) or var(dim, {correction, keepdim})
  const o = parseArgs("var", normalizeVarArgs(args), ["dim", "unbiased", "keepdim", "correction"], { dim: null, keepdim: false });
  if (!x.dtype.is_floating_point && !x.dtype.is_complex)
    throw new TorchError(`var(): std and var only support floating point and complex dtypes, got ${x.dtype.scalarName}`);
  const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
  const dims = dimsOf("var", x, o.dim);
  const n = dims.reduce((acc, d) => acc * x.shape[d]!, 1);
  return surface("var", () => {
    const m = reducePrim(x, "sum", dims, true);
    let centered = sub(x, div(m, n));
    // complex: the mean of |x - mean|^2 (a real result)
    if (centered.dtype.is_complex) centered = abs(centered);
    return div(reducePrim(mul(centered, centered), "sum", dims, o.keepdim), Math.max(0, n - correction));
  });
}
/** var(True) / var(dim, True, keepdim): a bare boolean means `unbiased`. */
function normalizeVarArgs(args: unknown[]): unknown[] {
  if (typeof args[0] === "boolean") return [null, ...args];
  return args;
}
export const std = (x: Tensor, ...a: unknown[]) => surface("std", () => sqrt(var_(x, ...a)));

function momentsArgs(op: string, args: unknown[]) {
  // (dim, unbiased, keepdim) | (unbiased) | (dim, {correction, keepdim})
  const a = typeof args[0] === "boolean" ? [null, ...args] : args;
  return parseArgs(op, a, ["dim", "unbiased", "keepdim", "correction"], { dim: null, keepdim: false });
}
function moments(op: string, x: Tensor, args: unknown[], root: boolean): Tensor[] {
  checkTensor(op, "input", x);
  const o = momentsArgs(op, args);
  if (!x.dtype.is_floating_point && !x.dtype.is_complex)
    throw new TorchError(`${op} only support floating point and complex dtypes, got ${x.dtype.scalarName}`);
  return surface(op, () => {
    const v = var_(x, {
      dim: o.dim,
      keepdim: o.keepdim,
      ...(o.correction !== undefined ? { correction: o.correction } : { unbiased: o.unbiased ?? true }),
    });
    const m = mean(x, { dim: o.dim, keepdim: o.keepdim });
    return [root ? v.sqrt() : v, m];
  });
}
/** std_mean(input, dim=None, unbiased=True, keepdim=False, *, correction): [std, mean]. */
export const std_mean = (x: Tensor, ...args: unknown[]): Tensor[] => moments("std_mean", x, args, true);
/** var_mean(input, dim=None, unbiased=True, keepdim=False, *, correction): [var, mean]. */
export const var_mean = (x: Tensor, ...args: unknown[]): Tensor[] => moments("var_mean", x, args, false);

/** count_nonzero(input, dim=None): int64 count of nonzero (NaN counts) elements. */
export function count_nonzero(x: Tensor, ...args: unknown[]): Tensor {
  const { dim } = parseArgs("count_nonzero", args, ["dim"], { dim: null });
  checkTensor("count_nonzero", "input", x);
  const dims = dimsOf("count_nonzero", x, dim);
  return surface("count_nonzero", () => reducePrim(convert(x.dtype === bool ? x : ne(x, 0), int64), "sum", dims, false));
}

/** aminmax(input, *, dim=None, keepdim=False): [min, max] with .min/.max. */
export function aminmax(x: Tensor, ...args: unknown[]): Tensor[] & { min: Tensor; max: Tensor } {
  const { dim, keepdim } = parseArgs("aminmax", args, ["dim", "keepdim"], { dim: null, keepdim: false });
  checkTensor("aminmax", "input", x);
  const dims = dim === null ? allDims(x) : normDims(normDim(dim, x.ndim, "aminmax"), x.ndim, "aminmax"); // 0-dim: []
  // PyTorch: an empty reduced dim is an IndexError; along a non-empty dim an empty input gives empty results
  if (dim === null && x.numel() === 0)
    throw new TorchError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
  if (dim !== null && x.ndim > 0 && x.shape[dims[0]!] === 0)
    throw new TorchIndexError(`aminmax: Expected reduction dim ${dims[0]} to have non-zero size.`);
  return surface("aminmax", () => {
    const keep = keepdim && !(dim === null && x.ndim === 0);
    let lo = reducePrim(x, "min", dims, keep),
      hi = reducePrim(x, "max", dims, keep);
    // PyTorch 1.13 resizes a 0-d input's keepdim results along a dim to shape [1] (with a deprecation warning)
    if (x.ndim === 0 && dim !== null && keepdim) {
      lo = lo.reshape([1]);
      hi = hi.reshape([1]);
    }
    return Object.assign([lo, hi], { min: lo, max: hi });
  });
}

/** nansum(input, dim=None, keepdim=False, *, dtype=None): sum treating NaN as 0. */
export function nansum(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("nansum", args, ["dim", "keepdim", "dtype"], { dim: null, keepdim: false, dtype: null });
  checkTensor("nansum", "input", x);
  return surface("nansum", () =>
    sum(x.dtype.is_floating_point ? where(isnan(x), 0, x) : x, { dim: o.dim, keepdim: o.keepdim, dtype: o.dtype }),
  );
}

/** nanmean(input, dim=None, keepdim=False, *, dtype=None): mean of the non-NaN elements. */
export function nanmean(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("nanmean", args, ["dim", "keepdim", "dtype"], { dim: null, keepdim: false, dtype: null });
  checkTensor("nanmean", "input", x);
  if (!x.dtype.is_floating_point)
    throw new TorchError(`nanmean(): expected input to have floating point dtype but got ${x.dtype.scalarName}`);
  return surface("div", () => {
    const dims = dimsOf("nanmean", x, o.dim);
    const cnt = reducePrim(convert(logical_not(isnan(x)), x.dtype), "sum", dims, o.keepdim);
    const s = nansum(x, { dim: dims, keepdim: o.keepdim });
    const r = div(s, cnt);
    return o.dtype ? convert(r, o.dtype) : r;
  });
}

export function norm(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("norm", args, ["p", "dim", "keepdim", "dtype"], { p: "fro", dim: null, keepdim: false });
  if (o.p === "nuc") return nuclearNorm(x, o.dim, !!o.keepdim);
  if (!x.dtype.is_floating_point && !x.dtype.is_complex)
    throw new TorchError(`norm(): input dtype should be either floating point or complex. Got ${x.dtype.scalarName} instead.`);
  // a complex input's norm is |x|'s (a real result)
  if (x.dtype.is_complex) return norm(abs(x), o.p, o.dim, { keepdim: o.keepdim });
  const dims = dimsOf("norm", x, o.dim);
  const p = o.p === "fro" ? 2 : o.p;
  if (typeof p !== "number") throw new TorchTypeError(`norm(): unsupported p ${String(o.p)}`);
  // p = 0 counts the nonzero entries: PyTorch's result requires grad, its backward gives no gradient
  if (p === 0) return withNoGradient("NormBackward1", [x], () => reducePrim(convert(ne(x, 0), x.dtype), "sum", dims, o.keepdim));
  return surface("NormBackward1", () => {
    const ax = abs(x);
    if (p === Infinity) return reducePrim(ax, "max", dims, o.keepdim);
    if (p === -Infinity) return reducePrim(ax, "min", dims, o.keepdim);
    if (p === 1) return reducePrim(ax, "sum", dims, o.keepdim);
    // (PyTorch's subgradient at a zero norm, and for p < 1 at zero entries, is 0)
    if (p === 2) return rootOf(reducePrim(mul(x, x), "sum", dims, o.keepdim), 2);
    return rootOf(reducePrim(powAbs(ax, p), "sum", dims, o.keepdim), p);
  });
}

/**
 * norm(x, p='nuc'): the sum of the singular values of each matrix over `dim`
 * (two dims; the whole 2-D input without one). Without an SVD it is composed
 * for matrices with min(m, n) <= 2: one column k gives ||A||_F, two columns
 * give s1 + s2 = sqrt(||A||_F^2 + 2 sqrt(det(A^T A))), det(A^T A) being the
 * sum of the squared 2x2 minors (Cauchy-Binet: never negative, no cancellation).
 * The gradient is U V^T where A has full rank (at rank 1 the sqrt of a zero
 * det has no derivative, unlike PyTorch's SVD-based gradient).
 * Larger matrices: see polarNuclearNorm.
 */
function nuclearNorm(x: Tensor, dim: unknown, keepdim: boolean): Tensor {
  let dims: number[];
  if (dim === null || dim === undefined) {
    if (x.ndim !== 2)
      throw new TorchError(
        `norm: Expected a tensor with 2 dimensions, but got a tensor with ${x.ndim} dimension${x.ndim === 1 ? "" : "s"} instead.`,
      );
    dims = [0, 1];
  } else {
    if (!Array.isArray(dim) || dim.length !== 2) throw new TorchError("norm: nuclear norm requires a 'dim' argument of size 2");
    dims = (dim as number[]).map((d) => normDim(d, x.ndim, "norm"));
    if (dims[0] === dims[1]) throw new TorchError(`linalg.matrix_norm: dims must be different. Got (${dim[0]}, ${dim[1]})`);
  }
  if (!x.dtype.is_floating_point && !x.dtype.is_complex)
    throw new TorchError(`norm: linalg.svd: Expected a floating point or complex tensor as input. Got ${x.dtype.scalarName}`);
  // complex: the sum of the singular values (the complex SVD's; the real paths below avoid the SVD for their gradient)
  if (x.dtype.is_complex)
    return surface("nuclear_norm", () => {
      const rest = [...Array(x.ndim).keys()].filter((d) => !dims.includes(d));
      const S = bind(P.svd, [permute(x, [...rest, ...dims])], { full_matrices: false })[1]!;
      const r = reducePrim(S, "sum", [S.ndim - 1], false);
      return keepdim
        ? reshape(
            r,
            x.shape.map((s, i) => (dims.includes(i) ? 1 : s)),
          )
        : r;
    });
  let [m, n] = [x.shape[dims[0]!]!, x.shape[dims[1]!]!];
  return surface("nuclear_norm", () => {
    const rest = [...Array(x.ndim).keys()].filter((d) => !dims.includes(d));
    // [..., rows, k] with k = min(m, n) columns
    const tall = m >= n;
    let a = permute(x, [...rest, ...(tall ? dims : [dims[1]!, dims[0]!])]);
    if (!tall) [m, n] = [n, m];
    const nd = a.ndim,
      mat = [nd - 2, nd - 1];
    const fro2 = reducePrim(mul(a, a), "sum", mat, false);
    let r: Tensor;
    if (n <= 1) {
      r = sqrt(fro2);
    } else if (n > 2) {
      r = polarNuclearNorm(a, fro2);
    } else {
      const c1 = sliceDim(a, nd - 1, 0, 1),
        c2 = sliceDim(a, nd - 1, 1, 2); // [..., m, 1]
      const t1 = transpose(c1, -1, -2),
        t2 = transpose(c2, -1, -2); // [..., 1, m]
      const minors = sub(mul(c1, t2), mul(c2, t1)); // [..., m, m], each 2x2 minor twice (antisymmetric)
      const det = mul(reducePrim(mul(minors, minors), "sum", mat, false), 0.5);
      r = sqrt(add(fro2, mul(sqrt(det), 2)));
    }
    return keepdim
      ? reshape(
          r,
          x.shape.map((s, i) => (dims.includes(i) ? 1 : s)),
        )
      : r;
  });
}

/**
 * The nuclear norm of [..., m, n] matrices (m >= n > 2) without an SVD:
 * ||A||_* = trace(U^T A) for the polar factor U of A = U H (U = U_r V_r^T from
 * A's SVD), found by the Newton-Schulz iteration X <- 1.5 X - 0.5 X (X^T X)
 * from X = A / ||A||_F, which only multiplies matrices (one graph on any
 * device, no data-dependent steps). Each singular value s of X moves to
 * s (3 - s^2) / 2: zero stays zero, and any s >= 1.5^-50 (a condition number
 * up to about 1e9) reaches 1 to working precision within POLAR_STEPS; smaller
 * ones can only be off by less than themselves. The gradient is U, PyTorch's
 * U_r V_r^T (U enters as a constant; so no second derivative).
 */
const POLAR_STEPS = 60;
function polarNuclearNorm(a: Tensor, fro2: Tensor): Tensor {
  const nd = a.ndim;
  const batch = [...Array(nd - 2).keys()];
  const fro = sqrt(fro2);
  // a zero matrix stays zero (its norm is 0): divide by 1 instead of 0
  let u = div(a.detach(), reshape(where(eq(fro, 0), 1, fro), [...fro.shape, 1, 1]).detach());
  for (let k = 0; k < POLAR_STEPS; k++) {
    const gram = dotGeneral(u, u, batch, batch, [nd - 2], [nd - 2]); // [..., n, n]
    u = sub(mul(u, 1.5), mul(dotGeneral(u, gram, batch, batch, [nd - 1], [nd - 2]), 0.5));
  }
  return reducePrim(mul(u, a), "sum", [nd - 2, nd - 1], false);
}

/**
 * p-norm of `d` over `dims`. Where the norm is 0 its gradient is 0 (PyTorch's
 * norm/cdist backward), so the root is taken of a value kept away from 0.
 */
function pnorm(d: Tensor, p: number, dims: number[]): Tensor {
  if (p === 0) return reducePrim(convert(ne(d, 0), d.dtype), "sum", dims, false);
  if (p === Infinity) return reducePrim(abs(d), "max", dims, false);
  if (p === -Infinity) return reducePrim(abs(d), "min", dims, false);
  if (p === 1) return reducePrim(abs(d), "sum", dims, false);
  // (PyTorch's subgradient at a zero distance, and for p < 1 at a zero coordinate, is 0)
  if (p === 2) return rootOf(reducePrim(mul(d, d), "sum", dims, false), 2);
  return rootOf(reducePrim(powAbs(abs(d), p), "sum", dims, false), p);
}

/** cdist(x1, x2, p=2): p-norm distances between the rows of x1 [..., P, M] and x2 [..., R, M] -> [..., P, R]. */
export function cdist(x1: Tensor, x2: Tensor, ...args: unknown[]): Tensor {
  const { p } = parseArgs("cdist", args, ["p", "compute_mode"], { p: 2 });
  checkTensor("cdist", "x1", x1);
  checkTensor("cdist", "x2", x2);
  if (x1.ndim < 2) throw new TorchError(`cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D`);
  if (x2.ndim < 2) throw new TorchError(`cdist only supports at least 2D tensors, X2 got: ${x2.ndim}D`);
  if (!x1.dtype.is_floating_point) throw new TorchError(`cdist only supports floating-point dtypes, X1 got: ${x1.dtype.scalarName}`);
  if (!x2.dtype.is_floating_point) throw new TorchError(`cdist only supports floating-point dtypes, X2 got: ${x2.dtype.scalarName}`);
  const m1 = x1.shape[x1.ndim - 1]!,
    m2 = x2.shape[x2.ndim - 1]!;
  if (m1 !== m2) throw new TorchError(`cdist: X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2}`);
  if (typeof p !== "number" || p < 0) throw new TorchError(`cdist only supports non-negative p values (got ${String(p)})`);
  if (x1.dtype !== x2.dtype) throw new TorchError(`cdist: X1 and X2 must have the same dtype, but got ${x1.dtype} and ${x2.dtype}`);
  const batch = broadcastShapes("cdist", x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  const P1 = x1.shape[x1.ndim - 2]!,
    R = x2.shape[x2.ndim - 2]!;
  const dists = () =>
    opmath(x1.dtype, [x1, x2], (a, b) => {
      const ea = unsqueeze(expand(a!, [...batch, P1, m1]), -2);
      const eb = unsqueeze(expand(b!, [...batch, R, m1]), -3);
      return pnorm(sub(ea, eb), p, [batch.length + 2]);
    });
  // p = 0 counts the differing coordinates: PyTorch's result requires grad, its backward gives zeros
  if (p === 0) return withZeroGradient("CdistBackward0", [x1, x2], dists);
  // p = inf: PyTorch's cdist backward gives each coordinate where |x1 - x2| reaches the maximum the whole
  // gradient (sign(diff) g), where the max reduction's derivative would share it among the ties
  if (p === Infinity)
    return withTiesGradient([x1, x2], dists, (a, b, g, dist) => {
      const diff = sub(unsqueeze(expand(a, [...batch, P1, m1]), -2), unsqueeze(expand(b, [...batch, R, m1]), -3));
      const tied = convert(eq(abs(diff), unsqueeze(dist, -1)), diff.dtype);
      const w = mul(mul(sign(diff), tied), unsqueeze(g, -1)); // [..., P, R, M]
      const nb = batch.length;
      return [sumToShape(reducePrim(w, "sum", [nb + 1], false), a.shape), sumToShape(mul(reducePrim(w, "sum", [nb], false), -1), b.shape)];
    });
  return surface("cdist", dists);
}

/** cdist's result (computed without recording) on the graph with its own backward `grads(x1, x2, g, dist)`. */
function withTiesGradient(
  inputs: [Tensor, Tensor],
  f: () => Tensor,
  grads: (a: Tensor, b: Tensor, g: Tensor, dist: Tensor) => [Tensor, Tensor],
): Tensor {
  if (!is_grad_enabled() || !inputs.some((t) => t.requires_grad)) return surface("cdist", f);
  const out = no_grad(f);
  recordCustom("CdistBackward0", inputs, [out], ([g], [a, b], [dist]) => (g ? grads(a!, b!, g, dist!) : [null, null]), {
    inputs: true,
    outputs: true,
  });
  return out;
}
/** t summed over the leading dims and the dims where `shape` has 1 (the broadcast that made t from `shape`). */
function sumToShape(t: Tensor, shape: readonly number[]): Tensor {
  const lead = t.ndim - shape.length;
  let y = lead > 0 ? reducePrim(t, "sum", [...Array(lead).keys()], false) : t;
  const ones = shape.map((n, i) => (n === 1 && y.shape[i] !== 1 ? i : -1)).filter((i) => i >= 0);
  if (ones.length) y = reducePrim(y, "sum", ones, true);
  return y;
}

/** dist(input, other, p=2): the p-norm of input - other (broadcast). */
export function dist(a: Tensor, b: Tensor, ...args: unknown[]): Tensor {
  const { p } = parseArgs("dist", args, ["p"], { p: 2 });
  checkTensor("dist", "input", a);
  checkTensor("dist", "other", b);
  const dt = result_type(operand(a), operand(b));
  if (!dt.is_floating_point && !dt.is_complex) throw new TorchError(`dist: expected a floating point dtype, got ${dt.scalarName}`);
  if (typeof p !== "number") throw new TorchTypeError(`dist(): argument 'p' must be Number, not ${describe(p)}`);
  broadcastShapes("dist", a.shape, b.shape);
  return surface("dist", () =>
    opmath(dt, [a, b], (x, y) => {
      const d = sub(x!, y!);
      // complex: the norm of |x - y| (real)
      return pnorm(d.dtype.is_complex ? abs(d) : d, p, [...Array(d.ndim).keys()]);
    }),
  );
}

export function logsumexp(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("logsumexp", args, ["dim", "keepdim"], { keepdim: false });
  if (x.dtype.is_complex)
    throw new TorchError(`logsumexp(): Expected floating point type for result tensor, but got: ${x.dtype.scalarName}`);
  const xf = x.dtype.is_floating_point ? x : convert(x, get_default_dtype());
  const dims = dimsOf("logsumexp", x, o.dim);
  return surface("logsumexp", () => {
    let m = reducePrim(xf, "max", dims, true).detach();
    m = where(isinf(m), 0, m);
    const s = log(reducePrim(exp(sub(xf, m)), "sum", dims, true));
    const r = add(s, m);
    return o.keepdim
      ? r
      : reshape(
          r,
          xf.shape.filter((_, i) => !dims.includes(i)),
        );
  });
}

function softmaxArgs(op: string, x: Tensor, args: unknown[]): [Tensor, number] {
  const o = parseArgs(op, args, ["dim", "dtype"]);
  if (o.dim === undefined || o.dim === null)
    throw new TorchTypeError(`${op}() missing required argument 'dim' (implicit dim choice is deprecated in PyTorch)`);
  let xf = o.dtype ? convert(x, resolveDtype(o.dtype, x.dtype)) : x;
  if (!xf.dtype.is_floating_point) throw new TorchError(`${op}: not implemented for '${x.dtype.scalarName}'`);
  return [xf, x.ndim === 0 ? 0 : normDim(o.dim, x.ndim, op)];
}
export function softmax(x: Tensor, ...args: unknown[]): Tensor {
  const [xf, d] = softmaxArgs("softmax", x, args);
  return surface("softmax", () => {
    if (xf.ndim === 0) return div(xf, xf);
    // exp(x - max(x)) / sum(...), one primitive each way (prims_softmax.ts)
    return bind(P.softmax!, [xf], { dim: d })[0]!;
  });
}
export function log_softmax(x: Tensor, ...args: unknown[]): Tensor {
  const [xf, d] = softmaxArgs("log_softmax", x, args);
  return surface("log_softmax", () => {
    if (xf.ndim === 0) return sub(xf, xf);
    const shifted = sub(xf, reducePrim(xf, "max", [d], true).detach());
    return sub(shifted, log(reducePrim(exp(shifted), "sum", [d], true)));
  });
}
