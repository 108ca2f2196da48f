// Shape-changing ops beside shape.ts: split_with_sizes, sum_to_size,
// Tensor.unfold (sliding windows), diagflat, and resize_/resize_as_.
import { surface } from "../autograd.js";
import { fromHost } from "../dispatch.js";
import { int64 } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { is_grad_enabled } from "../grad_mode.js";
import { normDim, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkInt, checkTensor, describe, parseArgs, splitSizes } from "./args.js";
import { constant } from "./base.js";
import { index_select } from "./indexing.js";
import { writing } from "./inplace.js";
import { diag } from "./matrix.js";
import { sum } from "./reduce.js";
import { cat, movedim, reshape, sliceDim, split } from "./shape.js";

/** split_with_sizes(input, split_sizes, dim=0): consecutive pieces of the given sizes along dim. */
export function split_with_sizes(input: Tensor, split_sizes: number[], ...args: unknown[]): Tensor[] {
  const { dim } = parseArgs("split_with_sizes", args, ["dim"], { dim: 0 });
  checkTensor("split_with_sizes", "input", input);
  if (!Array.isArray(split_sizes))
    throw new TorchTypeError(`split_with_sizes(): argument 'split_sizes' must be tuple of ints, not ${describe(split_sizes)}`);
  const d = normDim(checkInt("split_with_sizes", "dim", dim), input.ndim, "split_with_sizes");
  split_sizes.forEach((s, i) => {
    if (s < 0)
      throw new TorchError(
        `split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=${shapeStr(split_sizes)}`,
      );
    void i;
  });
  return split(input, split_sizes, d);
}

/** x.sum_to_size(*size): x summed over the dims where it was broadcast from `size`. */
export function sum_to_size(x: Tensor, ...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("sum_to_size", args);
  if (rest.length) throw new TorchTypeError(`sum_to_size() got an unexpected argument ${describe(rest[0])}`);
  const lead = x.ndim - size.length;
  const expandable = lead >= 0 && size.every((s, i) => s === x.shape[lead + i] || s === 1);
  if (!expandable) throw new TorchError(`size {${shapeStr(size)}} is not expandable to size {${shapeStr(x.shape)}}.`);
  return surface("sum_to_size", () => {
    // PyTorch's sum_to: an empty size is a full sum() even of a 0-d tensor (so bool/int become int64)
    if (size.length === 0) return sum(x);
    let y = x;
    if (lead > 0) y = sum(y, [...Array(lead).keys()]);
    const dims = size.map((s, i) => (s === 1 && y.shape[i] !== 1 ? i : -1)).filter((i) => i >= 0);
    if (dims.length) y = sum(y, dims, true);
    return y === x ? reshape(x, x.shape.slice()) : y;
  });
}

/**
 * x.unfold(dimension, size, step): every window of `size` elements along
 * dimension, `step` apart, as a new last dim (the windows' count replaces
 * dimension): one index_select of the windows' positions.
 */
export function unfold(x: Tensor, dimension: number, size: number, step: number): Tensor {
  checkInt("unfold", "dimension", dimension);
  checkInt("unfold", "size", size);
  checkInt("unfold", "step", step);
  const d = x.ndim === 0 ? 0 : normDim(dimension, x.ndim, "unfold");
  const len = x.ndim === 0 ? 1 : x.shape[d]!;
  if (size > len) throw new TorchError(`maximum size for tensor at dimension ${d} is ${len} but size is ${size}`);
  if (size < 0) throw new TorchError(`size is ${size} but must be >= 0`);
  if (step <= 0) throw new TorchError(`step is ${step} but must be > 0`);
  const n = Math.floor((len - size) / step) + 1;
  const pos = new BigInt64Array(n * size);
  for (let i = 0; i < n; i++) for (let j = 0; j < size; j++) pos[i * size + j] = BigInt(i * step + j);
  return surface("unfold", () => {
    const xs = x.ndim === 0 ? reshape(x, [1]) : x;
    const g = index_select(xs, d, fromHost(pos, [n * size], int64, x.device));
    const shape = xs.shape.slice();
    shape.splice(d, 1, n, size);
    const w = movedim(reshape(g, shape), d + 1, -1);
    return x.ndim === 0 ? reshape(w, [size]) : w;
  });
}

/** diagflat(input, offset=0): the flattened input on diagonal `offset` of a square matrix. */
export function diagflat(input: Tensor, ...args: unknown[]): Tensor {
  const { offset } = parseArgs("diagflat", args, ["offset"], { offset: 0 });
  checkTensor("diagflat", "input", input);
  return surface("diagflat", () => diag(reshape(input, [-1]), checkInt("diagflat", "offset", offset)));
}

/**
 * x.resize_(*sizes): x takes the new shape, keeping its first elements in
 * order (x must be contiguous, as PyTorch's storage reinterpretation then
 * keeps them); new elements beyond the old ones are zeros (PyTorch leaves them
 * uninitialised).
 */
export function resize_(x: Tensor, ...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("resize_", args);
  parseArgs("resize_", rest, ["memory_format"], {});
  if (size.some((s) => s < 0))
    throw new TorchError(`Trying to create tensor with negative dimension ${size.find((s) => s < 0)}: ${shapeStr(size)}`);
  if (is_grad_enabled() && x.requires_grad) throw new TorchError("cannot resize variables that require grad");
  if (!x.is_contiguous())
    throw new TorchError(`resize_: only contiguous tensors are supported (got strides ${shapeStr(x.stride())}); call .contiguous() first`);
  const n = size.reduce((a, b) => a * b, 1),
    old = x.numel();
  return writing(x, () => {
    const flat = reshape(x.detach(), [-1]);
    const body = n <= old ? sliceDim(flat, 0, 0, n) : cat([flat, constant(0, x.dtype, x, [n - old])]);
    // the new contents replace x's own (identity, version counter and autograd state kept)
    x.data = reshape(body, size).clone();
    x._vc.v++;
    return x;
  });
}

/** x.resize_as_(other): resize_ to other's shape. */
export function resize_as_(x: Tensor, other: Tensor, ...args: unknown[]): Tensor {
  checkTensor("resize_as_", "the_template", other);
  parseArgs("resize_as_", args, ["memory_format"], {});
  return resize_(x, other.shape.slice());
}
