// Sorting and what is read off a sort: sort/argsort, topk, kthvalue,
// median/nanmedian, searchsorted/bucketize, unique/unique_consecutive.
import { surface } from "../autograd.js";
import { bind, bind1, fromHost } from "../dispatch.js";
import { bool, int32, int64, uint8 } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { normDim, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, isScalar, parseArgs, type TensorOrScalar } from "./args.js";
import { constant, convert, namedPair, scalarTensor, withoutDerivative, type ValuesIndices } from "./base.js";
import { div, ge, gt, isnan, logical_not, ne, sub, where } from "./elementwise.js";
import { gather, index_select, take_along_dim } from "./indexing.js";
import { reducePrim } from "./reduce.js";
import { cat, movedim, reshape, select, sliceDim, unsqueeze } from "./shape.js";

export function sort(x: Tensor, ...args: unknown[]): ValuesIndices {
  const o = parseArgs("sort", args, ["dim", "descending", "stable"], { dim: -1, descending: false, stable: false });
  if (typeof o.dim === "boolean") throw new TorchTypeError("sort(): argument 'dim' must be int, not bool (pass {descending: true})");
  return surface("sort", () => {
    if (x.ndim === 0) return namedPair(x.clone(), scalarTensor(0, int64, x.device));
    const [v, i] = bind(P.sort!, [x], { dim: normDim(o.dim, x.ndim, "sort"), descending: !!o.descending, stable: !!o.stable });
    return namedPair(v!, i!);
  });
}
export function argsort(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("argsort", args, ["dim", "descending", "stable"], { dim: -1, descending: false, stable: false });
  return sort(x, o)[1]!;
}
export function topk(x: Tensor, k: number, ...args: unknown[]): ValuesIndices {
  const o = parseArgs("topk", args, ["dim", "largest", "sorted"], { dim: -1, largest: true, sorted: true });
  const d = normDim(o.dim, Math.max(x.ndim, 1), "topk");
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new TorchError(`topk(): selected index k out of range (k=${k}, dimension ${d} has size ${n})`);
  return surface("topk", () => {
    if (x.ndim === 0) {
      const [v, i] = sort(x, { dim: d, descending: !!o.largest, stable: true });
      return namedPair(v!, i!);
    }
    // PyTorch's CPU algorithm (prims_select.ts): its order among equal values, and nth_element's when unsorted
    const [v, i] = bind(P.topk!, [movedim(x, d, -1)], { k, largest: !!o.largest, sorted: !!o.sorted }) as [Tensor, Tensor];
    return namedPair(movedim(v, -1, d), movedim(i, -1, d));
  });
}
export function kthvalue(x: Tensor, k: number, ...args: unknown[]): ValuesIndices {
  const o = parseArgs("kthvalue", args, ["dim", "keepdim"], { dim: -1, keepdim: false });
  const d = normDim(o.dim, x.ndim, "kthvalue");
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k) || k < 1 || k > size)
    throw new TorchError(`kthvalue(): selected number k out of range for dimension ${d} (k=${k}, size ${size})`);
  if (x.ndim === 0) {
    const [v, i] = sort(x, { dim: d, stable: true });
    return namedPair(v!, i!); // the value itself and index 0, keepdim or not
  }
  // PyTorch's quickselect on each row (prims_select.ts): its index among equal values
  return surface("kthvalue", () => {
    const [v, i] = bind(P.kthvalue!, [movedim(x, d, -1)], { k }) as [Tensor, Tensor];
    return o.keepdim ? namedPair(unsqueeze(v, d), unsqueeze(i, d)) : namedPair(v, i);
  });
}

/**
 * Lower median along dim from a stable sort. Rows with NaN give NaN at the
 * first NaN's index (median) or ignore NaN (nanmedian), as PyTorch does.
 */
function medianAlong(op: "median" | "nanmedian", x: Tensor, d: number, keepdim: boolean): ValuesIndices {
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
    pos = constant(
      Math.floor((n - 1) / 2),
      int64,
      x,
      x.shape.map((s, i) => (i === d ? 1 : s)),
    );
  }
  let values = gather(sv!, d, pos),
    indices = gather(si!, d, pos);
  if (!keepdim) {
    values = values.squeeze(d);
    indices = indices.squeeze(d);
  }
  return namedPair(values, indices);
}

function medianImpl(op: "median" | "nanmedian", x: Tensor, args: unknown[]): Tensor | ValuesIndices {
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
export function median(x: Tensor): Tensor;
export function median(x: Tensor, kwargs: { dim: number; keepdim?: boolean }): ValuesIndices;
export function median(x: Tensor, dim: number, kwargs?: { keepdim?: boolean }): ValuesIndices;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  return medianImpl("median", x, args);
}
/** nanmedian: median ignoring NaN (NaN only where a row is all NaN). */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(x: Tensor, kwargs: { dim: number; keepdim?: boolean }): ValuesIndices;
export function nanmedian(x: Tensor, dim: number, kwargs?: { keepdim?: boolean }): ValuesIndices;
export function nanmedian(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function nanmedian(x: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
  return medianImpl("nanmedian", x, args);
}

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
      throw new TorchError(
        `${op}(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${shapeStr(seq.shape)} and input value tensor ${shapeStr(v.shape)}`,
      );
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
  const o = parseArgs("searchsorted", args, ["out_int32", "right", "side", "sorter"], {
    out_int32: false,
    right: false,
    side: null,
    sorter: null,
  });
  checkTensor("searchsorted", "sorted_sequence", seq);
  if (!(values instanceof Tensor) && !isScalar(values))
    throw new TorchTypeError(`searchsorted(): argument 'input' must be Tensor or Number, not ${describe(values)}`);
  if (o.side !== null && o.side !== "left" && o.side !== "right")
    throw new TorchError(`torch.searchsorted(): side can only be 'left' or 'right' but got ${o.side}`);
  if (o.side === "left" && o.right)
    throw new TorchError("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
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

/**
 * Groups of equal neighbours in a 1-D tensor: the "starts a new group" flags are
 * read on the host (a sync point on xla: the output size depends on the data);
 * the values themselves stay on the device.
 */
function groups(
  flat: Tensor,
  returnInverse: boolean,
  returnCounts: boolean,
  perm: Tensor | null,
  shape: readonly number[],
): Tensor | Tensor[] {
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
  const startIdx = fromHost(
    BigInt64Array.from(starts, (v) => BigInt(v)),
    [starts.length],
    int64,
    flat.device,
  );
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
  const o = parseArgs("unique", args, ["sorted", "return_inverse", "return_counts", "dim"], {
    sorted: true,
    return_inverse: false,
    return_counts: false,
    dim: null,
  });
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
  const o = parseArgs("unique_consecutive", args, ["return_inverse", "return_counts", "dim"], {
    return_inverse: false,
    return_counts: false,
    dim: null,
  });
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
function uniqueDim(
  op: "unique_dim" | "unique_consecutive",
  x: Tensor,
  dim: number,
  consecutive: boolean,
  returnInverse: boolean,
  returnCounts: boolean,
): Tensor | Tensor[] {
  if (x.ndim === 0) throw new TorchIndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  const d = normDim(dim, x.ndim);
  const pack = (values: Tensor, inverse: Tensor, counts: Tensor): Tensor | Tensor[] =>
    !returnInverse && !returnCounts ? values : [values, ...(returnInverse ? [inverse] : []), ...(returnCounts ? [counts] : [])];
  const longs = (v: readonly number[]) =>
    fromHost(
      BigInt64Array.from(v, (e) => BigInt(e)),
      [v.length],
      int64,
      x.device,
    );
  const zeros = x.shape.filter((v) => v === 0).length;
  if (x.shape[d] === 0) {
    if (zeros !== 1) throw new TorchError("Number of zero sized dimensions is more than one, so unique cannot be applied ");
    return pack(x.clone(), longs([]), longs([]));
  }
  if (zeros) throw new TorchError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied");
  return withoutDerivative(
    op === "unique_dim" ? "UniqueDimBackward0" : "UniqueConsecutiveBackward0",
    `the derivative for '${op}' is not implemented.`,
    [x],
    () => {
      const n = x.shape[d]!,
        m = x.numel() / n;
      // ATen 1.13 flattens x.transpose(dim, 0) (not moveaxis): that order is the lexicographic key
      const rows = x.transpose(d, 0).contiguous();
      const readable =
        x.dtype === bool ? convert(rows, uint8) : x.dtype.name === "float16" || x.dtype.name === "bfloat16" ? rows.float() : rows;
      const h = readable.cpu().contiguous()._host() as ArrayLike<number | bigint>;
      const order = [...Array(n).keys()];
      if (!consecutive) {
        order.sort((a, b) => {
          for (let k = 0; k < m; k++) {
            const l = h[a * m + k]!,
              r = h[b * m + k]!;
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
      const reps = [order[0]!],
        counts = [1],
        inverse = new Array<number>(n).fill(0);
      for (let i = 1; i < n; i++) {
        if (!equal(order[i]!, reps[reps.length - 1]!)) {
          reps.push(order[i]!);
          counts.push(0);
        }
        counts[counts.length - 1]!++;
        inverse[order[i]!] = reps.length - 1;
      }
      return pack(index_select(x, d, longs(reps)), longs(inverse), longs(counts));
    },
  );
}
