// More reductions and scans, composed from existing ops: std_mean/var_mean,
// count_nonzero, aminmax, median/nanmedian, nansum/nanmean, logcumsumexp,
// cummax/cummin, diff, searchsorted/bucketize, unique/unique_consecutive.
import { surface } from "../autograd.js";
import { bind, bind1, fromHost } from "../dispatch.js";
import { bool, int32, int64, uint8 } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { normDim, normDims, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, isScalar, parseArgs, type TensorOrScalar } from "./args.js";
import { convert } from "./base.js";
import { div, eq, isnan, logical_not, logical_or, logical_xor, gt, ge, ne, sub, where } from "./elementwise.js";
import { gather, index_select, sort, take_along_dim } from "./indexing.js";
import { mean, namedPair, reducePrim, sum, var_ } from "./reduce.js";
import { cat, narrow, reshape, sliceDim, unsqueeze } from "./shape.js";
import { constant, iota, logaddexpImpl, opmath, withoutDerivative } from "./more_util.js";

const allDims = (x: Tensor) => [...Array(x.ndim).keys()];
const dimsOf = (op: string, x: Tensor, dim: unknown): number[] =>
  dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0) ? allDims(x) : normDims(dim as number | number[], x.ndim, op);

// ---- moments ---------------------------------------------------------------------

function momentsArgs(op: string, args: unknown[]) {
  // (dim, unbiased, keepdim) | (unbiased) | (dim, {correction, keepdim})
  const a = typeof args[0] === "boolean" ? [null, ...args] : args;
  return parseArgs(op, a, ["dim", "unbiased", "keepdim", "correction"], { dim: null, keepdim: false });
}
function moments(op: string, x: Tensor, args: unknown[], root: boolean): Tensor[] {
  checkTensor(op, "input", x);
  const o = momentsArgs(op, args);
  if (!x.dtype.is_floating_point) throw new TorchError(`${op} only support floating point and complex dtypes, got ${x.dtype.scalarName}`);
  return surface(op, () => {
    const v = var_(x, { dim: o.dim, keepdim: o.keepdim, ...(o.correction !== undefined ? { correction: o.correction } : { unbiased: o.unbiased ?? true }) });
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
  if (x.numel() === 0 || (dim !== null && x.ndim > 0 && x.shape[dims[0]!] === 0)) {
    throw new TorchError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
  }
  return surface("aminmax", () => {
    const keep = keepdim && !(dim === null && x.ndim === 0);
    const lo = reducePrim(x, "min", dims, keep), hi = reducePrim(x, "max", dims, keep);
    return Object.assign([lo, hi], { min: lo, max: hi });
  });
}

// ---- medians ---------------------------------------------------------------------

/**
 * Lower median along dim from a stable sort. Rows with NaN give NaN at the
 * first NaN's index (median) or ignore NaN (nanmedian), as PyTorch does.
 */
function medianAlong(op: "median" | "nanmedian", x: Tensor, d: number, keepdim: boolean): Tensor[] & { values: Tensor; indices: Tensor } {
  const n = x.shape[d]!;
  if (x.numel() === 0) {
    // nothing to gather from (an empty gather has no lowering): empty results of the reduced shape
    const shape = x.shape.map((s, i) => (i === d ? 1 : s)).filter((_, i) => keepdim || i !== d);
    return namedPair(constant(0, x.dtype, x, shape).clone(), constant(0, int64, x, shape).clone());
  }
  const [sv, si] = sort(x, { dim: d, stable: true });
  let pos: Tensor;
  if (x.dtype.is_floating_point) {
    const nans = reducePrim(convert(isnan(x), int64), "sum", [d], true);
    const k = sub(n, nans); // non-NaN count
    pos = op === "median" ? where(gt(nans, 0), k, Math.floor((n - 1) / 2)) : div(sub(k, 1), 2, { rounding_mode: "trunc" });
    pos = where(ge(pos, n), n - 1, pos);
  } else {
    pos = constant(Math.floor((n - 1) / 2), int64, x, x.shape.map((s, i) => (i === d ? 1 : s)));
  }
  let values = gather(sv!, d, pos), indices = gather(si!, d, pos);
  if (!keepdim) { values = values.squeeze(d); indices = indices.squeeze(d); }
  return namedPair(values, indices);
}

function medianImpl(op: "median" | "nanmedian", x: Tensor, args: unknown[]): any {
  checkTensor(op, "input", x);
  const o = parseArgs(op, args, ["dim", "keepdim"], { dim: null, keepdim: false });
  if (x.dtype === bool) throw new TorchError(`"${op}_cpu" not implemented for 'Bool'`);
  if (o.dim === null) {
    return surface(op, () => {
      if (x.numel() === 0) {
        if (!x.dtype.is_floating_point) throw new TorchError(`${op}() input tensor cannot be empty`);
        return constant(NaN, x.dtype, x).clone();
      }
      return medianAlong(op, reshape(x, [-1]), 0, false).values;
    });
  }
  const d = normDim(o.dim, x.ndim, op);
  if (x.ndim > 0 && x.shape[d] === 0) throw new TorchIndexError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  return surface(op === "median" ? "MedianBackward1" : "NanmedianBackward1", () => {
    if (x.ndim === 0) return namedPair(x.clone(), constant(0, int64, x).clone());
    return medianAlong(op, x, d, o.keepdim);
  });
}
/** median(input) (lower median of all elements) | median(input, dim, keepdim=False) -> (values, indices). */
export const median = (x: Tensor, ...args: unknown[]): any => medianImpl("median", x, args);
/** nanmedian: median ignoring NaN (NaN only where a row is all NaN). */
export const nanmedian = (x: Tensor, ...args: unknown[]): any => medianImpl("nanmedian", x, args);

// ---- NaN-ignoring reductions -------------------------------------------------------

/** nansum(input, dim=None, keepdim=False, *, dtype=None): sum treating NaN as 0. */
export function nansum(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("nansum", args, ["dim", "keepdim", "dtype"], { dim: null, keepdim: false, dtype: null });
  checkTensor("nansum", "input", x);
  return surface("nansum", () => sum(x.dtype.is_floating_point ? where(isnan(x), 0, x) : x, { dim: o.dim, keepdim: o.keepdim, dtype: o.dtype }));
}

/** nanmean(input, dim=None, keepdim=False, *, dtype=None): mean of the non-NaN elements. */
export function nanmean(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("nanmean", args, ["dim", "keepdim", "dtype"], { dim: null, keepdim: false, dtype: null });
  checkTensor("nanmean", "input", x);
  if (!x.dtype.is_floating_point) throw new TorchError(`nanmean(): expected input to have floating point dtype but got ${x.dtype.scalarName}`);
  return surface("div", () => {
    const dims = dimsOf("nanmean", x, o.dim);
    const cnt = reducePrim(convert(logical_not(isnan(x)), x.dtype), "sum", dims, o.keepdim);
    const s = nansum(x, { dim: dims, keepdim: o.keepdim });
    const r = div(s, cnt);
    return o.dtype ? convert(r, o.dtype) : r;
  });
}

// ---- scans -------------------------------------------------------------------------

/** Shift right by k along dim, filling with `fill`. */
function shiftRight(x: Tensor, d: number, k: number, fill: number): Tensor {
  const n = x.shape[d]!;
  const kept = sliceDim(x, d, 0, n - k);
  return bind1(P.pad!, [kept], { low: x.shape.map((_, i) => (i === d ? k : 0)), high: x.shape.map(() => 0), interior: x.shape.map(() => 0), value: fill });
}

/**
 * logcumsumexp(input, dim): log(cumsum(exp(x))) as a log-step (Hillis-Steele)
 * scan of logaddexp, so small early terms are not lost to a global shift.
 */
export function logcumsumexp(x: Tensor, ...args: unknown[]): Tensor {
  const { dim } = parseArgs("logcumsumexp", args, ["dim"]);
  checkTensor("logcumsumexp", "input", x);
  if (dim === undefined) throw new TorchTypeError("logcumsumexp() missing required argument 'dim'");
  if (!x.dtype.is_floating_point) throw new TorchError(`"logcumsumexp_out_cpu" not implemented for '${x.dtype.scalarName}'`);
  const d = normDim(dim, x.ndim, "logcumsumexp");
  return surface("logcumsumexp", () => opmath(x.dtype, [x], (u) => {
    if (u!.ndim === 0) return u!.clone();
    const n = u!.shape[d]!;
    let y = u!;
    for (let k = 1; k < n; k *= 2) y = logaddexpImpl(y, shiftRight(y, d, k, -Infinity), false);
    return n <= 1 ? y.clone() : y;
  }));
}

/**
 * cummax/cummin(input, dim) -> (values, indices). The index is the last
 * position where the running extreme was reached (ties move it forward, a NaN
 * sticks), as in PyTorch; values gather from the input so gradients flow there.
 */
function cumExtreme(op: "max" | "min", x: Tensor, args: unknown[]): Tensor[] & { values: Tensor; indices: Tensor } {
  const name = `cum${op}`;
  const { dim } = parseArgs(name, args, ["dim"]);
  checkTensor(name, "input", x);
  if (dim === undefined) throw new TorchTypeError(`${name}() missing required argument 'dim'`);
  const d = normDim(dim, x.ndim, name);
  return surface(name, () => {
    if (x.ndim === 0) return namedPair(x.clone(), constant(0, int64, x).clone());
    if (x.numel() === 0) return namedPair(x.clone(), constant(0, int64, x, x.shape).clone());
    const xd = x.dtype === bool ? convert(x.detach(), uint8) : x.detach();
    const run = bind1(P.cumulative!, [xd], { op, dim: d });
    let mask = eq(xd, run);
    if (x.dtype.is_floating_point) mask = logical_or(mask, isnan(xd));
    const idx = bind1(P.cumulative!, [where(mask, iota(x.shape, d, x), 0)], { op: "max", dim: d });
    return namedPair(gather(x, d, idx), idx);
  });
}
export const cummax = (x: Tensor, ...args: unknown[]) => cumExtreme("max", x, args);
export const cummin = (x: Tensor, ...args: unknown[]) => cumExtreme("min", x, args);

/** diff(input, n=1, dim=-1, prepend=None, append=None): n-th forward difference (xor for bool). */
export function diff(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("diff", args, ["n", "dim", "prepend", "append"], { n: 1, dim: -1, prepend: null, append: null });
  checkTensor("diff", "input", x);
  if (x.ndim === 0) throw new TorchError("diff expects input to be at least one-dimensional");
  if (!Number.isInteger(o.n) || o.n < 0) throw new TorchError(`diff: order must be non-negative but got ${o.n}`);
  const d = normDim(o.dim, x.ndim, "diff");
  for (const [name, t] of [["prepend", o.prepend], ["append", o.append]] as const) {
    if (t === null) continue;
    if (!(t instanceof Tensor)) throw new TorchTypeError(`diff(): argument '${name}' must be Tensor, not ${describe(t)}`);
    if (t.ndim !== x.ndim) throw new TorchError(`diff expects prepend or append to be the same dimension as input`);
  }
  return surface("sub", () => {
    let y = o.prepend || o.append ? cat([...(o.prepend ? [o.prepend as Tensor] : []), x, ...(o.append ? [o.append as Tensor] : [])], d) : x;
    if (o.n === 0) return y === x ? x.clone() : y;
    for (let i = 0; i < o.n && y.shape[d]! > 0; i++) {
      const len = y.shape[d]! - 1;
      const hi = narrow(y, d, 1, len), lo = narrow(y, d, 0, len);
      y = y.dtype === bool ? logical_xor(hi, lo) : sub(hi, lo);
    }
    return y;
  });
}

// ---- searching -----------------------------------------------------------------------

/**
 * Insertion points by counting: left = #{s : !(s >= v)}, right = #{s : !(s > v)}
 * over the last dim of the sorted sequence (NaN sorts last, as in PyTorch's
 * binary search). One [..., n_values, n_sorted] comparison table.
 */
function insertionPoints(op: string, seq: Tensor, values: TensorOrScalar, right: boolean, outInt32: boolean): Tensor {
  const v = values instanceof Tensor ? values : constant(values, seq.dtype, seq);
  const scalarIn = !(values instanceof Tensor);
  if (seq.ndim > 1) {
    const okLead = v.ndim === seq.ndim && seq.shape.slice(0, -1).every((s, i) => s === v.shape[i]);
    if (!okLead) {
      throw new TorchError(`${op}(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${shapeStr(seq.shape)} and input value tensor ${shapeStr(v.shape)}`);
    }
  }
  const s = seq.ndim <= 1 ? reshape(seq, [-1]) : unsqueeze(seq, -2); // [n] or [..., 1, n]
  const vv = unsqueeze(v, -1); // [..., m, 1]
  const before = right ? logical_not(gt(s, vv)) : logical_not(ge(s, vv));
  const r = reducePrim(convert(before, int64), "sum", [before.ndim - 1], false);
  const out = scalarIn ? reshape(r, []) : r;
  return outInt32 ? convert(out, int32) : out;
}

/** searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None). */
export function searchsorted(seq: Tensor, values: TensorOrScalar, ...args: unknown[]): Tensor {
  const o = parseArgs("searchsorted", args, ["out_int32", "right", "side", "sorter"], { out_int32: false, right: false, side: null, sorter: null });
  checkTensor("searchsorted", "sorted_sequence", seq);
  if (!(values instanceof Tensor) && !isScalar(values)) throw new TorchTypeError(`searchsorted(): argument 'input' must be Tensor or Number, not ${describe(values)}`);
  if (o.side !== null && o.side !== "left" && o.side !== "right") throw new TorchError(`torch.searchsorted(): side can only be 'left' or 'right' but got ${o.side}`);
  if (o.side === "left" && o.right) throw new TorchError("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
  if (seq.ndim === 0) throw new TorchError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension");
  const right = o.right || o.side === "right";
  return surface("searchsorted", () => {
    const s = o.sorter ? take_along_dim(seq, o.sorter, { dim: -1 }) : seq;
    return insertionPoints("torch.searchsorted", s, values, right, o.out_int32);
  });
}

/** bucketize(input, boundaries, *, out_int32=False, right=False). */
export function bucketize(values: TensorOrScalar, boundaries: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("bucketize", args, ["out_int32", "right"], { out_int32: false, right: false });
  checkTensor("bucketize", "boundaries", boundaries);
  if (boundaries.ndim !== 1) throw new TorchError(`bucketize: boundaries tensor must be 1 dimension, but got dim(${boundaries.ndim})`);
  return surface("bucketize", () => insertionPoints("bucketize", boundaries, values, o.right, o.out_int32));
}

// ---- unique ---------------------------------------------------------------------------

/**
 * Groups of equal neighbours in a 1-D tensor: the "starts a new group" flags are
 * read on the host (a sync point on xla: the output size depends on the data);
 * the values themselves stay on the device.
 */
function groups(flat: Tensor, returnInverse: boolean, returnCounts: boolean, perm: Tensor | null, shape: readonly number[]): Tensor | Tensor[] {
  const n = flat.numel();
  if (n === 0) {
    const empty = constant(0, int64, flat, [0]).clone();
    const out = [flat.clone(), ...(returnInverse ? [reshape(empty, [...shape])] : []), ...(returnCounts ? [empty] : [])];
    return out.length === 1 ? out[0]! : out;
  }
  const cmp = flat.dtype === bool ? convert(flat, uint8) : flat;
  const flags = cat([constant(true, bool, flat, [1]), ne(sliceDim(cmp, 0, 1, n), sliceDim(cmp, 0, 0, n - 1))], 0);
  const h = flags._host() as Uint8Array;
  const starts: number[] = [];
  for (let i = 0; i < n; i++) if (h[i]) starts.push(i);
  const startIdx = fromHost(BigInt64Array.from(starts, (v) => BigInt(v)), [starts.length], int64, flat.device);
  const values = index_select(flat, 0, startIdx);
  if (!returnInverse && !returnCounts) return values;
  const out: Tensor[] = [values];
  if (returnInverse) {
    const group = sub(bind1(P.cumulative!, [convert(flags, int64)], { op: "sum", dim: 0 }), 1);
    const inv = perm ? bind1(P.scatter!, [constant(0, int64, flat, [n]).clone(), reshape(perm, [n, 1]), group], { reduce: "none" }) : group;
    out.push(reshape(inv, [...shape]));
  }
  if (returnCounts) {
    const counts = BigInt64Array.from(starts, (s, i) => BigInt((starts[i + 1] ?? n) - s));
    out.push(fromHost(counts, [starts.length], int64, flat.device));
  }
  return out;
}

/**
 * unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
 * sorted unique values (always sorted: PyTorch's unsorted order is unspecified).
 * A sync point: the number of unique values is read on the host.
 */
export function unique(x: Tensor, ...args: unknown[]): Tensor | Tensor[] {
  const o = parseArgs("unique", args, ["sorted", "return_inverse", "return_counts", "dim"], { sorted: true, return_inverse: false, return_counts: false, dim: null });
  checkTensor("unique", "input", x);
  if (o.dim !== null) return uniqueDim("unique_dim", x, o.dim, false, o.return_inverse, o.return_counts);
  return surface("unique", () => {
    const flat = reshape(x, [-1]);
    const src = x.dtype === bool ? convert(flat, uint8) : flat;
    const [sv, si] = x.numel() ? bind(P.sort!, [src], { dim: 0, descending: false, stable: true }) : [src, constant(0, int64, x, [0])];
    const sorted = x.dtype === bool ? convert(sv!, bool) : sv!;
    return groups(sorted, o.return_inverse, o.return_counts, si!, x.shape);
  });
}

/** unique_consecutive(input, return_inverse=False, return_counts=False, dim=None): collapse runs of equal values (a sync point). */
export function unique_consecutive(x: Tensor, ...args: unknown[]): Tensor | Tensor[] {
  const o = parseArgs("unique_consecutive", args, ["return_inverse", "return_counts", "dim"], { return_inverse: false, return_counts: false, dim: null });
  checkTensor("unique_consecutive", "input", x);
  if (o.dim !== null) return uniqueDim("unique_consecutive", x, o.dim, true, o.return_inverse, o.return_counts);
  return surface("unique_consecutive", () => groups(reshape(x, [-1]), o.return_inverse, o.return_counts, null, x.shape));
}


/**
 * unique / unique_consecutive over the slices along `dim` (ATen's
 * _unique_dim_cpu_template): the slices are compared on the host (a sync point),
 * sorted lexicographically (over x.transpose(dim, 0)'s element order) unless consecutive; a run of equal slices (==, so
 * NaN never equals) keeps its first one, taken from the input on its device.
 * PyTorch has no derivative for these: backward raises.
 */
function uniqueDim(op: "unique_dim" | "unique_consecutive", x: Tensor, dim: number, consecutive: boolean, returnInverse: boolean, returnCounts: boolean): Tensor | Tensor[] {
  if (x.ndim === 0) throw new TorchIndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  const d = normDim(dim, x.ndim);
  const pack = (values: Tensor, inverse: Tensor, counts: Tensor): Tensor | Tensor[] =>
    !returnInverse && !returnCounts ? values : [values, ...(returnInverse ? [inverse] : []), ...(returnCounts ? [counts] : [])];
  const longs = (v: readonly number[]) => fromHost(BigInt64Array.from(v, (e) => BigInt(e)), [v.length], int64, x.device);
  const zeros = x.shape.filter((v) => v === 0).length;
  if (x.shape[d] === 0) {
    if (zeros !== 1) throw new TorchError("Number of zero sized dimensions is more than one, so unique cannot be applied ");
    return pack(x.clone(), longs([]), longs([]));
  }
  if (zeros) throw new TorchError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied");
  return withoutDerivative(op === "unique_dim" ? "UniqueDimBackward0" : "UniqueConsecutiveBackward0",
    `the derivative for '${op}' is not implemented.`, [x], () => {
      const n = x.shape[d]!, m = x.numel() / n;
      // ATen 1.13 flattens x.transpose(dim, 0) (not moveaxis): that order is the lexicographic key
      const rows = x.transpose(d, 0).contiguous();
      const readable = x.dtype === bool ? convert(rows, uint8) : x.dtype.name === "float16" || x.dtype.name === "bfloat16" ? rows.float() : rows;
      const h = readable.cpu().contiguous()._host() as ArrayLike<number | bigint>;
      const order = [...Array(n).keys()];
      if (!consecutive) {
        order.sort((a, b) => {
          for (let k = 0; k < m; k++) {
            const l = h[a * m + k]!, r = h[b * m + k]!;
            if (l < r) return -1;
            if (l > r) return 1;
          }
          return 0;
        });
      }
      const equal = (a: number, b: number) => {
        for (let k = 0; k < m; k++) if (h[a * m + k] !== h[b * m + k]) return false;
        return true;
      };
      const reps = [order[0]!], counts = [1], inverse = new Array<number>(n).fill(0);
      for (let i = 1; i < n; i++) {
        if (!equal(order[i]!, reps[reps.length - 1]!)) { reps.push(order[i]!); counts.push(0); }
        counts[counts.length - 1]!++;
        inverse[order[i]!] = reps.length - 1;
      }
      return pack(index_select(x, d, longs(reps)), longs(inverse), longs(counts));
    });
}
