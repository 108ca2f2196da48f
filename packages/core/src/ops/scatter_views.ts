// The out-of-place writes into views (select_scatter, slice_scatter,
// diagonal_scatter, as_strided_scatter) and as_strided itself. Each names the
// view's positions by applying the view to an iota of the input's flat
// positions, then gathers from or scatters into the flattened input: one
// gather or scatter primitive, so every device runs it and autograd comes from
// those primitives' VJPs.
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { int64 } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { isContiguous, normDim, sameShape, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkInt, checkTensor, describe, parseArgs } from "./args.js";
import { constant, convert, iota } from "./base.js";
import { add, mul } from "./elementwise.js";
import { diagonal } from "./matrix.js";
import { reshape, select, sliceDim, unsqueeze } from "./shape.js";

/** x's flat positions, shaped as x (an int64 iota). */
const positionsOf = (x: Tensor): Tensor => reshape(iota([x.numel()], 0, x), x.shape.slice());

/** x with the positions `pos` (any shape) replaced by src (of pos's shape). */
function scatterAt(op: string, x: Tensor, pos: Tensor, src: Tensor): Tensor {
  checkTensor(op, "src", src);
  if (!sameShape(src.shape, pos.shape))
    throw new TorchError(
      `${op}: expected src to have a size equal to the slice of self. src size = ${shapeStr(src.shape)}, slice size = ${shapeStr(pos.shape)}`,
    );
  return surface(op, () => {
    const flat = reshape(x, [-1]);
    const out = bind1(P.scatter!, [flat, reshape(pos, [-1, 1]), reshape(convert(src, x.dtype), [-1])], { reduce: "none" });
    return reshape(out, x.shape.slice());
  });
}

/** select_scatter(input, src, dim, index): input with input.select(dim, index) replaced by src. */
export function select_scatter(input: Tensor, src: Tensor, dim: number, index: number): Tensor {
  checkTensor("select_scatter", "input", input);
  checkInt("select_scatter", "dim", dim);
  checkInt("select_scatter", "index", index);
  return scatterAt("select_scatter", input, select(positionsOf(input), dim, index), src);
}

/** Python's slice bounds on a dim of size n. */
function sliceBounds(n: number, start: number | null, end: number | null): [number, number] {
  const norm = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = start === null ? 0 : norm(start);
  const e = end === null ? n : norm(end);
  return [s, Math.max(s, e)];
}

/** slice_scatter(input, src, dim=0, start=None, end=None, step=1): input with input[dim-th start:end:step] replaced by src. */
export function slice_scatter(input: Tensor, src: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("slice_scatter", args, ["dim", "start", "end", "step"], { dim: 0, start: null, end: null, step: 1 });
  checkTensor("slice_scatter", "input", input);
  const d = normDim(checkInt("slice_scatter", "dim", o.dim), input.ndim, "slice_scatter");
  const step = checkInt("slice_scatter", "step", o.step);
  if (step <= 0) throw new TorchError("slice step must be positive");
  const [s, e] = sliceBounds(input.shape[d]!, o.start, o.end);
  return scatterAt("slice_scatter", input, sliceDim(positionsOf(input), d, s, e, step), src);
}

/** diagonal_scatter(input, src, offset=0, dim1=0, dim2=1): input with its diagonal replaced by src. */
export function diagonal_scatter(input: Tensor, src: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("diagonal_scatter", args, ["offset", "dim1", "dim2"], { offset: 0, dim1: 0, dim2: 1 });
  checkTensor("diagonal_scatter", "input", input);
  return scatterAt("diagonal_scatter", input, diagonal(positionsOf(input), o.offset, o.dim1, o.dim2), src);
}

function checkIntList(op: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== "number" || !Number.isInteger(d)))
    throw new TorchTypeError(`${op}(): argument '${name}' must be tuple of ints, not ${describe(v)}`);
  return v as number[];
}

/**
 * The flat positions of as_strided(size, stride, storage_offset) over a
 * contiguous input's elements (PyTorch's storage for a contiguous tensor that
 * starts its storage). Views that start inside a larger storage are refused:
 * their storage holds elements the view does not show.
 */
function stridedPositions(op: string, x: Tensor, sizeArg: unknown, strideArg: unknown, offsetArg: unknown): Tensor {
  checkTensor(op, "input", x);
  const size = checkIntList(op, "size", sizeArg),
    stride = checkIntList(op, "stride", strideArg);
  if (size.length !== stride.length) throw new TorchError(`mismatch in length of strides and shape`);
  if (size.some((s) => s < 0)) throw new TorchError(`${op}: negative size in ${shapeStr(size)}`);
  if (stride.some((s) => s < 0))
    throw new TorchError(`as_strided: Negative strides are not supported at the moment, got strides: ${shapeStr(stride)}`);
  if (!isContiguous(x.shape, x.stride()) || x.storage_offset() !== 0)
    throw new TorchError(
      `${op}: only contiguous tensors that start their storage are supported (got strides ${shapeStr(x.stride())}, storage offset ${x.storage_offset()}); call .contiguous() first`,
    );
  const offset = offsetArg === null || offsetArg === undefined ? 0 : checkInt(op, "storage_offset", offsetArg);
  const numel = size.reduce((a, b) => a * b, 1);
  const need = numel === 0 ? 0 : offset + size.reduce((a, s, i) => a + (s - 1) * stride[i]!, 0) + 1;
  if (need > x.numel())
    throw new TorchError(
      `setStorage: sizes ${shapeStr(size)}, strides ${shapeStr(stride)}, storage offset ${offset}, and itemsize ${x.dtype.itemsize} requiring a storage size of ${need * x.dtype.itemsize} are out of bounds for storage of size ${x.numel() * x.dtype.itemsize}`,
    );
  let pos = constant(offset, int64, x, size);
  for (let d = 0; d < size.length; d++) pos = add(pos, mul(iota(size, d, x), stride[d]!));
  return pos;
}

/** as_strided(input, size, stride, storage_offset=None): a gather of the positions the strides name. */
export function as_strided(input: Tensor, size: number[], stride: number[], ...args: unknown[]): Tensor {
  const { storage_offset } = parseArgs("as_strided", args, ["storage_offset"], { storage_offset: null });
  const pos = stridedPositions("as_strided", input, size, stride, storage_offset);
  return surface("as_strided", () => {
    return bind1(P.gather!, [reshape(input, [-1]), unsqueeze(pos, -1)]);
  });
}

/** as_strided_scatter(input, src, size, stride, storage_offset=None): input with the strided positions replaced by src. */
export function as_strided_scatter(input: Tensor, src: Tensor, size: number[], stride: number[], ...args: unknown[]): Tensor {
  const { storage_offset } = parseArgs("as_strided_scatter", args, ["storage_offset"], { storage_offset: null });
  return scatterAt("as_strided_scatter", input, stridedPositions("as_strided_scatter", input, size, stride, storage_offset), src);
}
