// More shape, creation-like and indexed-update ops, composed from existing ops:
// type_as, new_*, meshgrid, broadcast_tensors/broadcast_shapes, atleast_*d,
// column_stack/dstack/row_stack, tile, index_add/index_fill/index_copy,
// masked_scatter, scatter_reduce, triu/tril_indices, rot90, narrow_copy,
// tensor_split, hsplit/vsplit/dsplit.
import { surface } from "../autograd.js";
import { bind1, fromHost } from "../dispatch.js";
import { bool, int32, int64, type DType } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { broadcastShapes, normDim, sameShape, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkInt, checkSameDevice, checkTensor, describe, isKwargs, isScalar, parseArgs, splitSizes, type Scalar } from "./args.js";
import { convert, resolveDevice, resolveDtype } from "./base.js";
import { empty, full, ones, tensor, zeros } from "./creation.js";
import { add, div, eq, gt, lt, maximum, minimum, mul, where } from "./elementwise.js";
import { fullIndex, gather } from "./indexing.js";
import { reducePrim } from "./reduce.js";
import { cat, clone, expand, flip, movedim, narrow, repeat, reshape, sliceDim, transpose, unsqueeze, vstack } from "./shape.js";
import { checkIndexDtype, constant, dtypeLowest, dtypeMax, iota, peek } from "./more_util.js";

// ---- dtype / new_* ------------------------------------------------------------------

/** type_as(other): this tensor converted to other's dtype. */
export function type_as(x: Tensor, other: Tensor): Tensor {
  checkTensor("type_as", "other", other);
  return x.dtype === other.dtype ? x : surface("to_copy", () => convert(x, other.dtype));
}

const NEW_OPTS = ["dtype", "device", "requires_grad"] as const;
const newOpts = (x: Tensor, o: Record<string, any>) => ({ ...o, dtype: o.dtype ?? x.dtype, device: o.device ?? x.device });
/** x.new_zeros(*size, *, dtype=x.dtype, device=x.device, requires_grad=False). */
export function new_zeros(x: Tensor, ...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("new_zeros", args);
  return zeros(size, newOpts(x, parseArgs("new_zeros", rest, NEW_OPTS)));
}
export function new_ones(x: Tensor, ...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("new_ones", args);
  return ones(size, newOpts(x, parseArgs("new_ones", rest, NEW_OPTS)));
}
/** Contents are unspecified in PyTorch; ours are zeros. */
export function new_empty(x: Tensor, ...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("new_empty", args);
  return empty(size, newOpts(x, parseArgs("new_empty", rest, NEW_OPTS)));
}
export function new_full(x: Tensor, size: number[], fill_value: Scalar, ...args: unknown[]): Tensor {
  if (!Array.isArray(size)) throw new TorchTypeError(`new_full(): argument 'size' must be tuple of ints, not ${describe(size)}`);
  return full(size, fill_value, newOpts(x, parseArgs("new_full", args, NEW_OPTS)));
}
/** x.new_tensor(data): a new tensor (a copy) with x's dtype and device unless given. */
export function new_tensor(x: Tensor, data: unknown, ...args: unknown[]): Tensor {
  return tensor(data as any, newOpts(x, parseArgs("new_tensor", args, NEW_OPTS)));
}

// ---- grids and broadcasting -----------------------------------------------------------

/** Tensors given as one array or variadically, with an optional trailing kwargs object. */
function tensorsAndKw(op: string, args: unknown[]): [Tensor[], Record<string, unknown>] {
  let rest = args, kw: Record<string, unknown> = {};
  if (rest.length && isKwargs(rest[rest.length - 1])) { kw = rest[rest.length - 1] as Record<string, unknown>; rest = rest.slice(0, -1); }
  const list = (rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest) as unknown[];
  list.forEach((t, i) => { if (!(t instanceof Tensor)) throw new TorchTypeError(`${op}(): expected Tensor as element ${i} in argument 0, but got ${describe(t)}`); });
  return [list as Tensor[], kw];
}

/** meshgrid(*tensors, indexing="ij"): coordinate grids (views) of 0-D/1-D inputs; "xy" swaps the first two axes. */
export function meshgrid(...args: unknown[]): Tensor[] {
  const [ts, kw] = tensorsAndKw("meshgrid", args);
  const { indexing } = parseArgs("meshgrid", [kw], ["indexing"], { indexing: "ij" });
  if (indexing !== "ij" && indexing !== "xy") throw new TorchError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing}`);
  if (!ts.length) throw new TorchError("meshgrid expects a non-empty TensorList");
  ts.forEach((t) => {
    if (t.ndim > 1) throw new TorchError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${t.ndim}D tensor of shape ${shapeStr(t.shape)}`);
    if (t.dtype !== ts[0]!.dtype) throw new TorchError(`torch.meshgrid: meshgrid expects all tensors to have the same dtype (got ${ts[0]!.dtype} and ${t.dtype})`);
    if (!t.device.equals(ts[0]!.device)) throw new TorchError("torch.meshgrid: Expected all tensors in the tensor list to have the same device.");
  });
  const swap = indexing === "xy" && ts.length >= 2;
  const axis = (i: number) => (swap && i < 2 ? 1 - i : i);
  const shape = new Array<number>(ts.length);
  ts.forEach((t, i) => { shape[axis(i)] = t.numel(); });
  return surface("expand", () => ts.map((t, i) => expand(reshape(t, shape.map((s, k) => (k === axis(i) ? s : 1))), shape)));
}

/** broadcast_tensors(*tensors): views broadcast to the common shape. */
export function broadcast_tensors(...args: unknown[]): Tensor[] {
  const [ts] = tensorsAndKw("broadcast_tensors", args);
  const shape = broadcastShapes("broadcast_tensors", ...ts.map((t) => t.shape));
  return surface("expand", () => ts.map((t) => (sameShape(t.shape, shape) ? t : expand(t, shape))));
}

/** broadcast_shapes(*shapes): the broadcast shape (ints count as 1-D shapes). */
export function broadcast_shapes(...shapes: (number | number[])[]): number[] {
  const list = shapes.map((s, i) => {
    if (typeof s === "number") return [s];
    if (!Array.isArray(s)) throw new TorchTypeError(`broadcast_shapes(): expected a shape (int or list of ints) as argument ${i}, got ${describe(s)}`);
    return s;
  });
  return broadcastShapes("broadcast_shapes", ...list);
}

/** One tensor in, one out; a list (or several) in, a list out. Lifted as PyTorch does (reshape / unsqueeze), so grad_fn names match. */
function atleast(op: string, nd: number, args: unknown[], lift: (t: Tensor) => Tensor): Tensor | Tensor[] {
  if (args.length === 1 && args[0] instanceof Tensor) return (args[0] as Tensor).ndim >= nd ? (args[0] as Tensor) : lift(args[0] as Tensor);
  const [ts] = tensorsAndKw(op, args);
  return ts.map((t) => (t.ndim >= nd ? t : lift(t)));
}
export const atleast_1d = (...args: unknown[]): any => atleast("atleast_1d", 1, args, (t) => reshape(t, [1]));
export const atleast_2d = (...args: unknown[]): any => atleast("atleast_2d", 2, args, (t) => (t.ndim === 0 ? reshape(t, [1, 1]) : unsqueeze(t, 0)));
export const atleast_3d = (...args: unknown[]): any =>
  atleast("atleast_3d", 3, args, (t) => (t.ndim === 0 ? reshape(t, [1, 1, 1]) : t.ndim === 1 ? unsqueeze(unsqueeze(t, 0), -1) : unsqueeze(t, -1)));

/** column_stack(tensors): 0-D/1-D inputs become columns, then concatenated along dim 1. */
export function column_stack(tensors: Tensor[]): Tensor {
  const [ts] = tensorsAndKw("column_stack", [tensors]);
  if (!ts.length) throw new TorchError("column_stack expects a non-empty TensorList");
  return cat(ts.map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t)), 1);
}
/** dstack(tensors): concatenation along the third dim after atleast_3d. */
export function dstack(tensors: Tensor[]): Tensor {
  const [ts] = tensorsAndKw("dstack", [tensors]);
  if (!ts.length) throw new TorchError("dstack expects a non-empty TensorList");
  return cat(atleast_3d(ts) as Tensor[], 2);
}
export const row_stack = (tensors: Tensor[]): Tensor => vstack(tensors);

/** tile(input, dims): repeat with dims padded by leading ones to the input's rank. */
export function tile(x: Tensor, ...args: unknown[]): Tensor {
  const [dims, rest] = splitSizes("tile", args);
  if (rest.length) throw new TorchTypeError(`tile() got unexpected arguments`);
  const reps = dims.length < x.ndim ? [...Array(x.ndim - dims.length).fill(1), ...dims] : dims;
  return surface("repeat", () => repeat(x, reps));
}

// ---- indexed updates --------------------------------------------------------------------

function checkIndexBounds(op: string, index: Tensor, n: number, dim: number, allowNegative: boolean, msg?: (k: number) => string): void {
  const h = peek(index);
  if (!h) return;
  for (let i = 0; i < h.length; i++) {
    const k = Number(h[i]);
    if (k >= n || k < (allowNegative ? -n : 0)) throw new TorchIndexError(msg ? msg(k) : `${op}(): index ${k} is out of bounds for dimension ${dim} with size ${n}`);
  }
}

/** Validates (dim, index, source) for index_add/index_copy; returns the normalised dim. */
function indexUpdateArgs(op: string, x: Tensor, dim: number, index: Tensor, source: Tensor): number {
  checkTensor(op, "source", source);
  checkInt(op, "dim", dim);
  if (index.ndim > 1) throw new TorchIndexError(`${op}(): Index is supposed to be a vector, got ${index.ndim}-D index`);
  const d = normDim(dim, x.ndim, op);
  const k = index.numel();
  const srcShape = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? k : s));
  const srcDimSize = source.ndim === 0 ? 1 : source.shape[d];
  if (srcDimSize !== k) throw new TorchError(`${op}_(): Number of indices (${k}) should be equal to source.size(dim): (${srcDimSize}), for dim: ${d}`);
  if (source.numel() !== srcShape.reduce((a, b) => a * b, 1) || (source.ndim !== 0 && source.ndim !== x.ndim) || (x.ndim > 0 && !sameShape(source.shape, srcShape))) {
    throw new TorchError(`${op}(): source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = ${shapeStr(x.shape)} source.shape = ${shapeStr(source.shape)}`);
  }
  return d;
}

/** Scatter `src` (x's shape with index.numel() at dim) into x at index along dim. */
function scatterAlong(x: Tensor, d: number, index: Tensor, src: Tensor, reduce: "add" | "none"): Tensor {
  if (x.ndim === 0) return reshape(bind1(P.scatter!, [reshape(x, [1]), reshape(convert(index, int64), [1, 1]), reshape(src, [1])], { reduce }), []);
  const k = index.numel();
  const ix = expand(reshape(convert(index, int64), x.shape.map((_, i) => (i === d ? k : 1))), [...src.shape]);
  return bind1(P.scatter!, [x, fullIndex(ix, d), src], { reduce });
}

/** index_add(input, dim, index, source, *, alpha=1): input with alpha * source added at index along dim. */
export function index_add(x: Tensor, dim: number, index: Tensor, source: Tensor, ...args: unknown[]): Tensor {
  const { alpha } = parseArgs("index_add", args, ["alpha"], { alpha: 1 });
  checkTensor("index_add", "input", x);
  checkIndexDtype("index_add", index, true);
  checkSameDevice("index_add", x, "index", index);
  if (source instanceof Tensor) checkSameDevice("index_add", x, "source", source);
  const d = indexUpdateArgs("index_add", x, dim, index, source);
  if (source.dtype !== x.dtype) throw new TorchError(`index_add_(): self (${x.dtype.scalarName}) and source (${source.dtype.scalarName}) must have the same scalar type`);
  if (!x.dtype.is_floating_point && typeof alpha === "number" && !Number.isInteger(alpha)) {
    throw new TorchError("index_add: For integral input tensors, argument alpha must not be a floating point number.");
  }
  checkIndexBounds("index_add", index, x.ndim === 0 ? 1 : x.shape[d]!, d, false, () => "index out of range in self");
  return surface("index_add", () => scatterAlong(x, d, index, alpha === 1 ? source : convert(mul(source, alpha), x.dtype), "add"));
}

/** index_copy(input, dim, index, source): input with source written at index along dim. */
export function index_copy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  checkTensor("index_copy", "input", x);
  if (!(index instanceof Tensor)) throw new TorchTypeError(`index_copy(): argument 'index' must be Tensor, not ${describe(index)}`);
  if (index.dtype !== int64) throw new TorchError(`index_copy_(): Expected a long tensor for index, but got ${index.dtype.scalarName}`);
  checkSameDevice("index_copy", x, "index", index);
  if (source instanceof Tensor) checkSameDevice("index_copy", x, "source", source);
  const d = indexUpdateArgs("index_copy", x, dim, index, source);
  if (source.dtype !== x.dtype) throw new TorchError(`index_copy_(): self and source expected to have the same dtype, but got (self) ${x.dtype.scalarName} and (source) ${source.dtype.scalarName}`);
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  checkIndexBounds("index_copy", index, n, d, false, (k) => `index_copy_(): index ${k} is out of bounds for dimension ${d} with size ${n}`);
  return surface("index_copy", () => scatterAlong(x, d, index, source, "none"));
}

/** index_fill(input, dim, index, value): value at the (possibly negative) indices along dim. */
export function index_fill(x: Tensor, dim: number, index: Tensor, value: Tensor | Scalar): Tensor {
  checkTensor("index_fill", "input", x);
  if (!(index instanceof Tensor)) throw new TorchTypeError(`index_fill(): argument 'index' must be Tensor, not ${describe(index)}`);
  if (index.dtype !== int64) throw new TorchIndexError(`index_fill_(): Expected dtype int64 for index. (got ${index.dtype})`);
  if (index.ndim > 1) throw new TorchIndexError("index_fill_(): Index has to be a vector/scalar");
  checkSameDevice("index_fill", x, "index", index);
  if (value instanceof Tensor && value.ndim !== 0) throw new TorchError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  if (!(value instanceof Tensor) && !isScalar(value)) throw new TorchTypeError(`index_fill(): argument 'value' must be Number or Tensor, not ${describe(value)}`);
  checkInt("index_fill", "dim", dim);
  const d = normDim(dim, x.ndim, "index_fill");
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  checkIndexBounds("index_fill", index, n, d, true, (k) => `index_fill_(): index ${k} is out of bounds for dimension ${d} with size ${n}`);
  return surface("index_fill", () => {
    let ix = reshape(index, [1, -1]);
    ix = where(lt(ix, 0), add(ix, n), ix);
    const hit = reducePrim(eq(iota([n, 1], 0, x), ix), "or", [1], false); // [n]
    const mask = x.ndim === 0 ? reshape(hit, []) : reshape(hit, x.shape.map((s, i) => (i === d ? s : 1)));
    const v = value instanceof Tensor ? convert(value, x.dtype) : constant(value, x.dtype, x);
    return where(mask, v, x);
  });
}

/** masked_scatter(input, mask, source): consecutive source elements written where mask is true (row-major). */
export function masked_scatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkTensor("masked_scatter", "input", x);
  checkTensor("masked_scatter", "source", source);
  if (!(mask instanceof Tensor) || mask.dtype !== bool) throw new TorchError(`masked_scatter_ only supports boolean masks, but got mask with dtype ${mask instanceof Tensor ? mask.dtype : describe(mask)}`);
  if (source.dtype !== x.dtype) throw new TorchError(`masked_scatter: expected self and source to have same dtypes but got ${x.dtype.scalarName} and ${source.dtype.scalarName}`);
  checkSameDevice("masked_scatter", x, "mask", mask);
  checkSameDevice("masked_scatter", x, "source", source);
  const shape = broadcastShapes("masked_scatter", x.shape, mask.shape);
  const h = peek(mask);
  if (h) {
    let ones_ = 0;
    for (let i = 0; i < h.length; i++) if (h[i]) ones_++;
    const total = ones_ * (shape.reduce((a, b) => a * b, 1) / Math.max(1, mask.numel()));
    if (total > source.numel()) throw new TorchError("masked_scatter: Number of elements of source < number of ones in mask");
  }
  return surface("masked_scatter", () => {
    const xe = reshape(expand(x, shape), [-1]);
    const m = reshape(expand(mask, shape), [-1]);
    if (source.numel() === 0) return reshape(where(m, xe, xe), shape);
    let pos = add(bind1(P.cumulative!, [convert(m, int64)], { op: "sum", dim: 0 }), -1);
    pos = minimum(maximum(pos, constant(0, int64, x)), constant(source.numel() - 1, int64, x));
    const picked = gather(reshape(source, [-1]), 0, pos);
    return reshape(where(m, picked, xe), shape);
  });
}

/**
 * scatter_reduce(input, dim, index, src, reduce, *, include_self=True) with
 * reduce in sum | prod | mean | amax | amin. sum and mean use the point scatter
 * (add); prod/amax/amin compare every index against every position of its
 * row (an [n, m] table per row, n = input.size(dim), m = index.size(dim)) and
 * reduce it, since the scatter primitive only adds.
 */
export function scatter_reduce(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: string, ...args: unknown[]): Tensor {
  const { include_self } = parseArgs("scatter_reduce", args, ["include_self"], { include_self: true });
  checkTensor("scatter_reduce", "input", x);
  checkTensor("scatter_reduce", "src", src);
  checkIndexDtype("scatter_reduce", index, false);
  checkSameDevice("scatter_reduce", x, "index", index);
  checkSameDevice("scatter_reduce", x, "src", src);
  if (!["sum", "prod", "mean", "amax", "amin"].includes(reduce)) {
    throw new TorchError(`reduce argument must be either sum, prod, mean, amax or amin, got ${reduce}`);
  }
  checkInt("scatter_reduce", "dim", dim);
  const d = normDim(dim, Math.max(x.ndim, 1), "scatter_reduce");
  if (index.ndim !== x.ndim) throw new TorchError(`scatter_reduce(): Index tensor must have the same number of dimensions as self tensor (self ${shapeStr(x.shape)}, index ${shapeStr(index.shape)})`);
  if (src.dtype !== x.dtype) throw new TorchError(`scatter_reduce(): Expected self.dtype to be equal to src.dtype (got ${x.dtype} and ${src.dtype})`);
  index.shape.forEach((s, k) => {
    if (s > src.shape[k]!) throw new TorchError(`scatter_reduce(): Expected index ${shapeStr(index.shape)} to be smaller than src ${shapeStr(src.shape)} apart from dimension ${d}`);
    if (k !== d && s > x.shape[k]!) throw new TorchError(`scatter_reduce(): Expected index ${shapeStr(index.shape)} to be smaller than self ${shapeStr(x.shape)} apart from dimension ${d}`);
  });
  checkIndexBounds("scatter_reduce", index, x.ndim === 0 ? 1 : x.shape[d]!, d, false);
  return surface("scatter_reduce", () => {
    if (x.ndim === 0) return reshape(scatter_reduce(reshape(x, [1]), 0, reshape(index, [1]), reshape(src, [1]), reduce, { include_self }), []);
    const upd = sameShape(src.shape, index.shape) ? src : bind1(P.slice!, [src], { start: src.shape.map(() => 0), limit: [...index.shape], step: src.shape.map(() => 1) });
    const coords = fullIndex(index, d);
    const scatterAdd = (base: Tensor, u: Tensor) => bind1(P.scatter!, [base, coords, u], { reduce: "add" });
    const zeros_ = (dt: DType) => constant(0, dt, x, x.shape).clone();
    const counts = scatterAdd(zeros_(int64), constant(1, int64, x, index.shape).clone());
    const touched = gt(counts, 0);
    if (reduce === "sum" || reduce === "mean") {
      const base = include_self ? x : where(touched, zeros_(x.dtype), x);
      const s = scatterAdd(base, upd);
      if (reduce === "sum") return s;
      const c = include_self ? add(counts, 1) : where(touched, counts, 1);
      return x.dtype.is_floating_point ? div(s, convert(c, x.dtype)) : div(s, convert(c, x.dtype), { rounding_mode: "floor" });
    }
    // dense table: rows = positions along dim (n), columns = index entries (m)
    const n = x.shape[d]!, m = index.shape[d]!;
    const region = x.shape.map((s, k) => (k === d ? s : index.shape[k]!));
    const xr = sameShape(region, x.shape) ? x : bind1(P.slice!, [x], { start: x.shape.map(() => 0), limit: region, step: x.shape.map(() => 1) });
    const idxL = movedim(index, d, -1), srcL = movedim(upd, d, -1); // [..., m]
    const lead = idxL.shape.slice(0, -1);
    const table = eq(reshape(idxL, [...lead, 1, m]), iota([...lead, n, 1], lead.length, x)); // [..., n, m]
    const identity: Scalar = reduce === "prod" ? 1 : reduce === "amax" ? (x.dtype.is_floating_point ? -Infinity : dtypeLowest(x.dtype)) : (x.dtype.is_floating_point ? Infinity : dtypeMax(x.dtype));
    const vals = where(table, expand(reshape(srcL, [...lead, 1, m]), [...lead, n, m]), constant(identity, x.dtype, x, [...lead, n, m]));
    const op = reduce === "prod" ? "prod" : reduce === "amax" ? "max" : "min";
    let red = movedim(reducePrim(vals, op, [lead.length + 1], false), -1, d); // region shape
    const hitR = movedim(reducePrim(table, "or", [lead.length + 1], false), -1, d);
    if (include_self) red = reduce === "prod" ? mul(xr, red) : reduce === "amax" ? maximum(xr, red) : minimum(xr, red);
    let res = where(hitR, red, xr);
    if (!sameShape(region, x.shape)) {
      const padded = bind1(P.pad!, [res], { low: x.shape.map(() => 0), high: x.shape.map((s, k) => s - region[k]!), interior: x.shape.map(() => 0), value: 0 });
      let inRegion: Tensor | null = null;
      x.shape.forEach((s, k) => {
        if (region[k] === s) return;
        const c = lt(iota(x.shape, k, x), region[k]!);
        inRegion = inRegion ? inRegion.logical_and(c) : c;
      });
      res = where(inRegion!, padded, x);
    }
    return res;
  });
}

// ---- index creation ------------------------------------------------------------------------

function triIndices(op: string, lower: boolean, row: number, col: number, args: unknown[]): Tensor {
  const o = parseArgs(op, args, ["offset", "dtype", "device", "layout"], { offset: 0 });
  checkInt(op, "row", row); checkInt(op, "col", col); checkInt(op, "offset", o.offset);
  if (row < 0) throw new TorchError(`${op}: row must be non-negative, got ${row}`);
  if (col < 0) throw new TorchError(`${op}: col must be non-negative, got ${col}`);
  const dtype = resolveDtype(o.dtype, int64);
  if (dtype !== int64 && dtype !== int32) throw new TorchError(`"${op}" not implemented for '${dtype.scalarName}'`);
  const rs: number[] = [], cs: number[] = [];
  for (let i = 0; i < row; i++) {
    const lo = lower ? 0 : Math.max(0, i + o.offset), hi = lower ? Math.min(col - 1, i + o.offset) : col - 1;
    for (let j = lo; j <= hi; j++) { rs.push(i); cs.push(j); }
  }
  const host = dtype.alloc(2 * rs.length) as BigInt64Array | Int32Array;
  [...rs, ...cs].forEach((v, i) => { host[i] = (dtype === int64 ? BigInt(v) : v) as never; });
  return fromHost(host, [2, rs.length], dtype, resolveDevice(o.device));
}
/** tril_indices(row, col, offset=0, *, dtype=int64, device): [2, N] coordinates of the lower triangle, row-major. */
export const tril_indices = (row: number, col: number, ...args: unknown[]) => triIndices("tril_indices", true, row, col, args);
/** triu_indices(row, col, offset=0, *, dtype=int64, device): [2, N] coordinates of the upper triangle, row-major. */
export const triu_indices = (row: number, col: number, ...args: unknown[]) => triIndices("triu_indices", false, row, col, args);

// ---- rotations and splits ---------------------------------------------------------------------

/** rot90(input, k=1, dims=[0, 1]): rotation by 90 degrees k times, from dims[0] towards dims[1]. */
export function rot90(x: Tensor, ...args: unknown[]): Tensor {
  const { k, dims } = parseArgs("rot90", args, ["k", "dims"], { k: 1, dims: [0, 1] });
  checkTensor("rot90", "input", x);
  if (!Array.isArray(dims) || dims.length !== 2) throw new TorchError(`rot90: expected total rot dims == 2, but got dims = ${Array.isArray(dims) ? dims.length : describe(dims)}`);
  if (x.ndim < 2) throw new TorchError(`rot90: expected total dims >= 2, but got total dims = ${x.ndim}`);
  const a = normDim(dims[0], x.ndim, "rot90"), b = normDim(dims[1], x.ndim, "rot90");
  if (a === b) throw new TorchError(`rot90: expected rotation dims to be different, but got dim0 = ${a} and dim1 = ${b}`);
  checkInt("rot90", "k", k);
  const r = ((k % 4) + 4) % 4;
  return surface("rot90", () => {
    if (r === 1) return transpose(flip(x, [b]), a, b);
    if (r === 2) return flip(x, [a, b]);
    if (r === 3) return transpose(flip(x, [a]), a, b);
    return clone(x);
  });
}

/** narrow_copy(input, dim, start, length): narrow, as a new tensor. */
export function narrow_copy(x: Tensor, dim: number, start: number, length: number): Tensor {
  return surface("narrow_copy", () => clone(narrow(x, dim, start, length)));
}

/** Split points from a Tensor argument (host read: a sync point on xla unless the tensor is host data). */
function hostInts(op: string, t: Tensor): number[] {
  if (t.dtype !== int64) throw new TorchError(`${op} expected tensor_indices_or_sections to have a Long dtype, but got ${t.dtype.scalarName}`);
  if (t.ndim > 1) throw new TorchError(`${op} expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${t.ndim} dims`);
  return Array.from(t._host() as BigInt64Array, Number);
}

/** tensor_split(input, indices_or_sections, dim=0): views; an int gives near-equal sections, a list the split indices. */
export function tensor_split(x: Tensor, indices_or_sections: number | number[] | Tensor, ...args: unknown[]): Tensor[] {
  const { dim } = parseArgs("tensor_split", args, ["dim"], { dim: 0 });
  checkTensor("tensor_split", "input", x);
  if (x.ndim === 0) throw new TorchError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims");
  const d = normDim(dim, x.ndim, "tensor_split");
  const n = x.shape[d]!;
  let ios: number | number[] = indices_or_sections as number | number[];
  if (indices_or_sections instanceof Tensor) {
    const v = hostInts("tensor_split", indices_or_sections);
    ios = indices_or_sections.ndim === 0 ? v[0]! : v;
  }
  let bounds: number[];
  if (typeof ios === "number") {
    if (!Number.isInteger(ios) || ios <= 0) throw new TorchError(`number of sections must be larger than 0, got ${ios}`);
    const base = Math.floor(n / ios), extra = n % ios;
    bounds = [];
    let off = 0;
    for (let i = 0; i < ios - 1; i++) { off += base + (i < extra ? 1 : 0); bounds.push(off); }
  } else if (Array.isArray(ios)) {
    ios.forEach((v) => { if (!Number.isInteger(v)) throw new TorchTypeError(`tensor_split(): indices must be ints, got ${describe(v)}`); });
    bounds = ios;
  } else {
    throw new TorchTypeError(`tensor_split(): argument 'indices_or_sections' must be int, list of ints or Tensor, not ${describe(ios)}`);
  }
  const clampIdx = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const edges = [0, ...bounds.map(clampIdx), n];
  return edges.slice(0, -1).map((s, i) => sliceDim(x, d, Math.min(s, n), Math.max(Math.min(s, n), edges[i + 1]!)));
}

function splitAlong(op: string, x: Tensor, ios: number | number[] | Tensor, minDims: number, d: number): Tensor[] {
  checkTensor(op, "input", x);
  if (x.ndim < minDims) throw new TorchError(`torch.${op} requires a tensor with at least ${minDims} dimension, but got a tensor with ${x.ndim} dimensions!`);
  if (typeof ios === "number") {
    const n = x.shape[d]!;
    if (ios === 0 || n % ios !== 0) throw new TorchError(`torch.${op} attempted to split along dimension ${d}, but the size of the dimension ${n} is not divisible by the split_size ${ios}!`);
  }
  return tensor_split(x, ios, d);
}
export const hsplit = (x: Tensor, ios: number | number[] | Tensor) => splitAlong("hsplit", x, ios, 1, x.ndim === 1 ? 0 : 1);
export const vsplit = (x: Tensor, ios: number | number[] | Tensor) => splitAlong("vsplit", x, ios, 2, 0);
export const dsplit = (x: Tensor, ios: number | number[] | Tensor) => splitAlong("dsplit", x, ios, 3, 2);
