// Indexed updates, out of place: scatter/scatter_add, scatter_reduce,
// index_add/index_copy/index_fill, masked_scatter. (Writes through Python
// subscripts, setitem and index_put, are in indexing.ts.)
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { bool, int64, type ComplexScalar, type DType } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { broadcastShapes, normDim, sameShape, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import {
  checkBounds,
  checkIndexDtype,
  checkIndexTensor,
  checkInt,
  checkSameDevice,
  checkTensor,
  describe,
  indexValues,
  isComplexScalar,
  isScalar,
  parseArgs,
  type Scalar,
  type TensorOrScalar,
} from "./args.js";
import { constant, convert, dtypeLowest, dtypeMax, expandTo, iota, scalarTensor, withoutDerivative } from "./base.js";
import { add, div, eq, gt, lt, maximum, minimum, mul, where } from "./elementwise.js";
import { fullIndex, gather } from "./indexing.js";
import { reducePrim } from "./reduce.js";
import { expand, movedim, reshape } from "./shape.js";
import { scatterAlongBatched, updateSlices } from "./slices.js";

function scatterImpl(
  op: string,
  x: Tensor,
  dim: number,
  index: Tensor,
  src: TensorOrScalar,
  reduce: "none" | "add" | "multiply",
  reduceArg: string | null = null,
): Tensor {
  checkIndexTensor(op, index);
  checkSameDevice(op, x, "index", index);
  if (src instanceof Tensor) checkSameDevice(op, x, "src", src);
  const d = normDim(dim, Math.max(x.ndim, 1), op);
  if (index.ndim !== x.ndim)
    throw new TorchError(
      `${op}(): Index tensor must have the same number of dimensions as self tensor (self ${shapeStr(x.shape)}, index ${shapeStr(index.shape)})`,
    );
  let s: Tensor;
  if (src instanceof Tensor) {
    if (src.dtype !== x.dtype)
      throw new TorchError(`${op}(): Expected self.dtype to be equal to src.dtype (got ${x.dtype} and ${src.dtype})`);
    index.shape.forEach((n, k) => {
      if (n > src.shape[k]!)
        throw new TorchError(
          `${op}(): Expected index ${shapeStr(index.shape)} to be smaller than src ${shapeStr(src.shape)} apart from dimension ${d}`,
        );
    });
    s = src;
  } else {
    s = expandTo(scalarTensor(src, x.dtype, x.device), index.shape);
  }
  // scatter's reduce= (not scatter_reduce): checked after the shapes, as ATen's meta function does
  if (reduceArg !== null && reduceArg !== "add" && reduceArg !== "multiply")
    throw new TorchError("reduce argument must be either add or multiply.");
  checkBounds(index, x.ndim === 0 ? 1 : x.shape[d]!, d, op, false, TorchError);
  // PyTorch 1.13 has no derivative for scatter with reduce=: backward raises
  if (reduceArg !== null)
    return withoutDerivative("NotImplemented", "derivative for aten::scatter is not implemented", [x, s], () =>
      scatterImpl(op, x, d, index, s, reduce),
    );
  if (reduce === "multiply") return surface(op, () => scatter_reduce(x, d, index, s, "prod"));
  return surface(op, () => {
    if (x.ndim === 0) return reshape(bind1(P.scatter!, [reshape(x, [1]), reshape(index, [1, 1]), reshape(s, [1])], { reduce }), []);
    // src may be larger than index: only its leading index-shaped block is used
    const upd = s.shape.every((n, k) => n === index.shape[k])
      ? s
      : bind1(P.slice!, [s], { start: s.shape.map(() => 0), limit: index.shape.slice(), step: s.shape.map(() => 1) });
    // one scatter_slices with batching dims where index spans x off d (slices.ts), else the point form
    return scatterAlongBatched(x, d, index, upd, reduce) ?? bind1(P.scatter!, [x, fullIndex(index, d), upd], { reduce });
  });
}
export function scatter(x: Tensor, ...args: unknown[]): Tensor {
  const { dim, index, src, value, reduce } = parseArgs("scatter", args, ["dim", "index", "src", "reduce", "value"], { reduce: null });
  if (src === undefined && value === undefined) throw new TorchTypeError("scatter() missing required argument 'src' or 'value'");
  if (reduce !== null && typeof reduce !== "string")
    throw new TorchTypeError(`scatter(): argument 'reduce' must be str, not ${describe(reduce)}`);
  return scatterImpl(
    "scatter",
    x,
    dim,
    index,
    src ?? value,
    reduce === "add" ? "add" : reduce === "multiply" ? "multiply" : "none",
    reduce,
  );
}
export const scatter_add = (x: Tensor, dim: number, index: Tensor, src: Tensor) => scatterImpl("scatter_add", x, dim, index, src, "add");

function checkIndexBounds(op: string, index: Tensor, n: number, dim: number, allowNegative: boolean, msg?: (k: number) => string): void {
  const h = indexValues(index);
  if (!h) return;
  for (let i = 0; i < h.length; i++) {
    const k = Number(h[i]);
    if (k >= n || k < (allowNegative ? -n : 0))
      throw new TorchIndexError(msg ? msg(k) : `${op}(): index ${k} is out of bounds for dimension ${dim} with size ${n}`);
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
  if (srcDimSize !== k)
    throw new TorchError(`${op}_(): Number of indices (${k}) should be equal to source.size(dim): (${srcDimSize}), for dim: ${d}`);
  if (
    source.numel() !== srcShape.reduce((a, b) => a * b, 1) ||
    (source.ndim !== 0 && source.ndim !== x.ndim) ||
    (x.ndim > 0 && !sameShape(source.shape, srcShape))
  ) {
    throw new TorchError(
      `${op}(): source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = ${shapeStr(x.shape)} source.shape = ${shapeStr(source.shape)}`,
    );
  }
  return d;
}

/** Scatter `src` (x's shape with index.numel() at dim) into x at index along dim: one scatter_slices of whole slices. */
function scatterAlong(x: Tensor, d: number, index: Tensor, src: Tensor, reduce: "add" | "none"): Tensor {
  if (x.ndim === 0) return reshape(updateSlices(reshape(x, [1]), 0, index, reshape(src, [1]), reduce), []);
  // a 0-d source of a one-index update counts as x's shape with 1 at d
  const shape = x.shape.map((s, k) => (k === d ? index.numel() : s));
  return updateSlices(x, d, index, src.ndim === x.ndim ? src : reshape(src, shape), reduce);
}

/** index_add(input, dim, index, source, *, alpha=1): input with alpha * source added at index along dim. */
export function index_add(x: Tensor, dim: number, index: Tensor, source: Tensor, ...args: unknown[]): Tensor {
  const { alpha } = parseArgs("index_add", args, ["alpha"], { alpha: 1 });
  checkTensor("index_add", "input", x);
  checkIndexDtype("index_add", index, true);
  checkSameDevice("index_add", x, "index", index);
  if (source instanceof Tensor) checkSameDevice("index_add", x, "source", source);
  const d = indexUpdateArgs("index_add", x, dim, index, source);
  if (source.dtype !== x.dtype)
    throw new TorchError(
      `index_add_(): self (${x.dtype.scalarName}) and source (${source.dtype.scalarName}) must have the same scalar type`,
    );
  if (!x.dtype.is_floating_point && typeof alpha === "number" && !Number.isInteger(alpha)) {
    throw new TorchError("index_add: For integral input tensors, argument alpha must not be a floating point number.");
  }
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  checkIndexBounds(
    "index_add",
    index,
    n,
    d,
    false,
    (k) => `index_add(): index out of range in self (index ${k} for dimension ${d} with size ${n})`,
  );
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
  if (source.dtype !== x.dtype)
    throw new TorchError(
      `index_copy_(): self and source expected to have the same dtype, but got (self) ${x.dtype.scalarName} and (source) ${source.dtype.scalarName}`,
    );
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  checkIndexBounds("index_copy", index, n, d, false, (k) => `index_copy_(): index ${k} is out of bounds for dimension ${d} with size ${n}`);
  return surface("index_copy", () => scatterAlong(x, d, index, source, "none"));
}

/** index_fill(input, dim, index, value): value at the (possibly negative) indices along dim. */
export function index_fill(x: Tensor, dim: number, index: Tensor, value: Tensor | Scalar | ComplexScalar): Tensor {
  checkTensor("index_fill", "input", x);
  if (!(index instanceof Tensor)) throw new TorchTypeError(`index_fill(): argument 'index' must be Tensor, not ${describe(index)}`);
  if (index.dtype !== int64) throw new TorchIndexError(`index_fill_(): Expected dtype int64 for index. (got ${index.dtype})`);
  if (index.ndim > 1) throw new TorchIndexError("index_fill_(): Index has to be a vector/scalar");
  checkSameDevice("index_fill", x, "index", index);
  if (value instanceof Tensor && value.ndim !== 0)
    throw new TorchError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  if (!(value instanceof Tensor) && !isScalar(value) && !isComplexScalar(value))
    throw new TorchTypeError(`index_fill(): argument 'value' must be Number or Tensor, not ${describe(value)}`);
  // a complex value (Python complex or complex tensor) fills only a complex input, whatever its imaginary part
  if ((isComplexScalar(value) || (value instanceof Tensor && value.dtype.is_complex)) && !x.dtype.is_complex)
    throw new TorchError("index_fill_(): Converting complex Scalar to non-complex type is not supported");
  checkInt("index_fill", "dim", dim);
  const d = normDim(dim, x.ndim, "index_fill");
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  checkIndexBounds("index_fill", index, n, d, true, (k) => `index_fill_(): index ${k} is out of bounds for dimension ${d} with size ${n}`);
  return surface("index_fill", () => {
    let ix = reshape(index, [1, -1]);
    ix = where(lt(ix, 0), add(ix, n), ix);
    const hit = reducePrim(eq(iota([n, 1], 0, x), ix), "or", [1], false); // [n]
    const mask =
      x.ndim === 0
        ? reshape(hit, [])
        : reshape(
            hit,
            x.shape.map((s, i) => (i === d ? s : 1)),
          );
    const v = value instanceof Tensor ? convert(value, x.dtype) : constant(value, x.dtype, x);
    return where(mask, v, x);
  });
}

/** masked_scatter(input, mask, source): consecutive source elements written where mask is true (row-major). */
export function masked_scatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkTensor("masked_scatter", "input", x);
  checkTensor("masked_scatter", "source", source);
  if (!(mask instanceof Tensor) || mask.dtype !== bool)
    throw new TorchError(
      `masked_scatter_ only supports boolean masks, but got mask with dtype ${mask instanceof Tensor ? mask.dtype : describe(mask)}`,
    );
  if (source.dtype !== x.dtype)
    throw new TorchError(
      `masked_scatter: expected self and source to have same dtypes but got ${x.dtype.scalarName} and ${source.dtype.scalarName}`,
    );
  checkSameDevice("masked_scatter", x, "mask", mask);
  checkSameDevice("masked_scatter", x, "source", source);
  const shape = broadcastShapes("masked_scatter", x.shape, mask.shape);
  const h = indexValues(mask);
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
  if (index.ndim !== x.ndim)
    throw new TorchError(
      `scatter_reduce(): Index tensor must have the same number of dimensions as self tensor (self ${shapeStr(x.shape)}, index ${shapeStr(index.shape)})`,
    );
  if (src.dtype !== x.dtype)
    throw new TorchError(`scatter_reduce(): Expected self.dtype to be equal to src.dtype (got ${x.dtype} and ${src.dtype})`);
  index.shape.forEach((s, k) => {
    if (s > src.shape[k]!)
      throw new TorchError(
        `scatter_reduce(): Expected index ${shapeStr(index.shape)} to be smaller than src ${shapeStr(src.shape)} apart from dimension ${d}`,
      );
    if (k !== d && s > x.shape[k]!)
      throw new TorchError(
        `scatter_reduce(): Expected index ${shapeStr(index.shape)} to be smaller than self ${shapeStr(x.shape)} apart from dimension ${d}`,
      );
  });
  checkIndexBounds("scatter_reduce", index, x.ndim === 0 ? 1 : x.shape[d]!, d, false);
  return surface("scatter_reduce", () => {
    if (x.ndim === 0)
      return reshape(scatter_reduce(reshape(x, [1]), 0, reshape(index, [1]), reshape(src, [1]), reduce, { include_self }), []);
    const upd = sameShape(src.shape, index.shape)
      ? src
      : bind1(P.slice!, [src], { start: src.shape.map(() => 0), limit: index.shape.slice(), step: src.shape.map(() => 1) });
    // sums: one scatter_slices with batching dims where index spans x off d (slices.ts), else point coordinates
    const coords = x.shape.every((s, k) => k === d || s === index.shape[k]) ? null : fullIndex(index, d);
    const scatterAdd = (base: Tensor, u: Tensor) =>
      coords ? bind1(P.scatter!, [base, coords, u], { reduce: "add" }) : scatterAlongBatched(base, d, index, u, "add")!;
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
    const n = x.shape[d]!,
      m = index.shape[d]!;
    const region = x.shape.map((s, k) => (k === d ? s : index.shape[k]!));
    const xr = sameShape(region, x.shape)
      ? x
      : bind1(P.slice!, [x], { start: x.shape.map(() => 0), limit: region, step: x.shape.map(() => 1) });
    const idxL = movedim(index, d, -1),
      srcL = movedim(upd, d, -1); // [..., m]
    const lead = idxL.shape.slice(0, -1);
    const table = eq(reshape(idxL, [...lead, 1, m]), iota([...lead, n, 1], lead.length, x)); // [..., n, m]
    const identity: Scalar =
      reduce === "prod"
        ? 1
        : reduce === "amax"
          ? x.dtype.is_floating_point
            ? -Infinity
            : dtypeLowest(x.dtype)
          : x.dtype.is_floating_point
            ? Infinity
            : dtypeMax(x.dtype);
    const vals = where(table, expand(reshape(srcL, [...lead, 1, m]), [...lead, n, m]), constant(identity, x.dtype, x, [...lead, n, m]));
    const op = reduce === "prod" ? "prod" : reduce === "amax" ? "max" : "min";
    let red = movedim(reducePrim(vals, op, [lead.length + 1], false), -1, d); // region shape
    const hitR = movedim(reducePrim(table, "or", [lead.length + 1], false), -1, d);
    if (include_self) red = reduce === "prod" ? mul(xr, red) : reduce === "amax" ? maximum(xr, red) : minimum(xr, red);
    let res = where(hitR, red, xr);
    if (!sameShape(region, x.shape)) {
      const padded = bind1(P.pad!, [res], {
        low: x.shape.map(() => 0),
        high: x.shape.map((s, k) => s - region[k]!),
        interior: x.shape.map(() => 0),
        value: 0,
      });
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
