// Views and shape ops: view/reshape/transpose/permute/expand/squeeze/...,
// cat/stack/split/chunk/unbind, tensor_split/hsplit/vsplit/dsplit,
// flip/roll/rot90/repeat/tile, narrow_copy, movedim. (tril/triu and diagonal
// are in matrix.ts.)
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { int64, promote_types } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { inferSize, normDim, normDims, sameShape, shapeStr, viewStrides } from "../shape.js";
import { contiguous_format, denseIn, formatOrder, type memory_format, preserve_format } from "../memory_format.js";
import { Tensor } from "../tensor.js";
import { checkInt, checkTensor, describe, noExtra, parseArgs, splitSizes } from "./args.js";
import { convert } from "./base.js";
import { multiOutputViews } from "./multi_views.js";
import { checkNarrow, narrowDynamic } from "./narrow_dynamic.js";
import { view_dtype } from "./view_dtype.js";
import { DType, dtypeOf } from "../dtype.js";

const reshapePrim = (x: Tensor, shape: number[]) => (sameShape(x.shape, shape) ? x : bind1(P.reshape!, [x], { shape }));
const viewable = (x: Tensor, shape: number[]) => viewStrides(x.shape, x.stride(), shape) !== null;

export function view(x: Tensor, ...args: unknown[]): Tensor {
  // view(dtype) / view({ dtype }): the bytes reinterpreted (view_dtype.ts)
  const d = args.length === 1 ? args[0] : undefined;
  if (d instanceof DType) return view_dtype(x, d);
  if (d && typeof d === "object" && !Array.isArray(d) && !(d instanceof Tensor) && "dtype" in d) {
    const { dtype } = parseArgs("view", args, ["dtype"], {});
    return view_dtype(x, dtypeOf(dtype as DType));
  }
  const [size] = splitSizes("view", args);
  const shape = inferSize("view", size, x.numel());
  if (!viewable(x, shape)) {
    throw new TorchError(
      `view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (input ${shapeStr(x.shape)}, view ${shapeStr(shape)})`,
    );
  }
  return surface("view", () => reshapePrim(x, shape));
}

/** A view when the strides allow it, a copy otherwise (as in PyTorch). */
export function reshape(x: Tensor, ...args: unknown[]): Tensor {
  const [size] = splitSizes("reshape", args);
  const shape = inferSize("reshape", size, x.numel());
  const alias = viewable(x, shape);
  return surface(alias ? "ReshapeAliasBackward0" : "UnsafeViewBackward0", () => reshapePrim(alias ? x : bind1(P.copy!, [x]), shape));
}
export const view_as = (x: Tensor, o: Tensor) => view(x, o.shape.slice());
export const reshape_as = (x: Tensor, o: Tensor) => reshape(x, o.shape.slice());

export function permute(x: Tensor, ...args: unknown[]): Tensor {
  const [dims] = splitSizes("permute", args);
  if (dims.length !== x.ndim)
    throw new TorchError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${dims.length}`,
    );
  const perm = normDims(dims, x.ndim, "permute");
  return surface("permute", () => bind1(P.transpose!, [x], { perm }));
}

export function transpose(x: Tensor, d0: number, d1: number, ...extra: unknown[]): Tensor {
  noExtra("transpose", 3, extra);
  if (x.ndim === 0) return bind1(P.transpose!, [x], { perm: [] });
  const a = normDim(d0, x.ndim, "transpose"),
    b = normDim(d1, x.ndim, "transpose");
  const perm = [...Array(x.ndim).keys()];
  [perm[a], perm[b]] = [perm[b]!, perm[a]!];
  return bind1(P.transpose!, [x], { perm });
}
export const swapaxes = transpose,
  swapdims = transpose;
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new TorchError(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return surface("t", () => (x.ndim < 2 ? bind1(P.transpose!, [x], { perm: [...Array(x.ndim).keys()] }) : transpose(x, 0, 1)));
}

export function expand(x: Tensor, ...args: unknown[]): Tensor {
  const [size] = splitSizes("expand", args);
  if (size.length < x.ndim)
    throw new TorchError(
      `expand: the number of sizes provided (${size.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  const off = size.length - x.ndim;
  const shape = size.map((s, i) => {
    const cur = i >= off ? x.shape[i - off]! : 1;
    if (s === -1) {
      if (i < off) throw new TorchError(`expand: -1 is not allowed in a leading, non-existing dimension (size ${shapeStr(size)})`);
      return cur;
    }
    if (cur !== 1 && cur !== s)
      throw new TorchError(
        `expand: The expanded size of the tensor (${s}) must match the existing size (${cur}) at non-singleton dimension ${i}.  Target sizes: ${shapeStr(size)}.  Tensor sizes: ${shapeStr(x.shape)}`,
      );
    return s;
  });
  return surface("expand", () => bind1(P.broadcast_in_dim!, [x], { shape, dims: x.shape.map((_, i) => i + off) }));
}
export const expand_as = (x: Tensor, o: Tensor) => expand(x, o.shape.slice());
export const broadcast_to = (x: Tensor, shape: number[]) => expand(x, shape);

export function squeeze(x: Tensor, ...args: unknown[]): Tensor {
  const { dim } = parseArgs("squeeze", args, ["dim"], { dim: null });
  const dims =
    dim === null ? x.shape.flatMap((s, i) => (s === 1 ? [i] : [])) : normDims(dim, x.ndim, "squeeze").filter((d) => x.shape[d] === 1);
  return surface(dim === null ? "SqueezeBackward0" : "SqueezeBackward1", () =>
    reshapePrim(
      x,
      x.shape.filter((_, i) => !dims.includes(i)),
    ),
  );
}
export function unsqueeze(x: Tensor, dim: number, ...extra: unknown[]): Tensor {
  noExtra("unsqueeze", 2, extra);
  checkInt("unsqueeze", "dim", dim);
  const d = normDim(dim, x.ndim + 1, "unsqueeze");
  const shape = x.shape.slice();
  shape.splice(d, 0, 1);
  return surface("unsqueeze", () => reshapePrim(x, shape));
}

function sliceDim(x: Tensor, dim: number, start: number, stop: number, step = 1): Tensor {
  const st = x.shape.map(() => 0),
    lim = x.shape.slice(),
    sp = x.shape.map(() => 1);
  st[dim] = start;
  lim[dim] = Math.max(start, stop);
  sp[dim] = step;
  return bind1(P.slice!, [x], { start: st, limit: lim, step: sp });
}
export { sliceDim };

export function narrow(x: Tensor, dim: number, start: number | Tensor, length: number): Tensor {
  const d = normDim(dim, x.ndim, "narrow");
  if (start instanceof Tensor) {
    // narrow(input, dim, start: Tensor, length): a 0-dim integral tensor's value, as PyTorch's start.item()
    if (start.ndim !== 0 || start.dtype.is_floating_point || start.dtype.is_complex || start.dtype.name === "bool")
      throw new TorchError("narrow(): start must be an 0-dim integral Tensor.");
    // on xla the start stays in the graph: one compiled graph for every position (narrow_dynamic.ts)
    if (x.device.type === "xla") return narrowDynamic(x, d, start, length);
    start = Number(start.item());
  }
  const s = checkNarrow(start, length, d, x.shape[d]!);
  return sliceDim(x, d, s, s + length);
}

export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) throw new TorchIndexError("select() cannot be applied to a 0-dim tensor.");
  const d = normDim(dim, x.ndim, "select");
  const n = x.shape[d]!;
  if (index < -n || index >= n)
    throw new TorchIndexError(`select(): index ${index} out of range for tensor of size ${shapeStr(x.shape)} at dimension ${d}`);
  const i = index < 0 ? index + n : index;
  return surface("select", () =>
    reshapePrim(
      sliceDim(x, d, i, i + 1),
      x.shape.filter((_, k) => k !== d),
    ),
  );
}

export function flatten(x: Tensor, ...args: unknown[]): Tensor {
  const { start_dim, end_dim } = parseArgs("flatten", args, ["start_dim", "end_dim"], { start_dim: 0, end_dim: -1 });
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(start_dim, x.ndim, "flatten"),
    e = normDim(end_dim, x.ndim, "flatten");
  if (s > e) throw new TorchError("flatten() has invalid args: start_dim cannot come after end_dim");
  const shape = [...x.shape.slice(0, s), x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}
export const numel = (x: Tensor) => x.numel();
export const ravel = (x: Tensor) => reshape(x, [-1]);

export function unflatten(x: Tensor, dim: number, sizes: number[]): Tensor {
  const d = normDim(dim, x.ndim, "unflatten");
  const inner = inferSize("unflatten", sizes, x.shape[d]!);
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

export function contiguous(x: Tensor, format: memory_format = contiguous_format): Tensor {
  if (format === null) throw new TorchTypeError("contiguous(): argument 'memory_format' must be torch.memory_format, not NoneType");
  const order = formatOrder(format === preserve_format ? contiguous_format : format, x.ndim);
  if (order === null ? x.is_contiguous() : denseIn(x.shape, x.stride(), order)) return x;
  return inFormat(x, order);
}
export function clone(x: Tensor, ...args: unknown[]): Tensor {
  // memory_format is keyword-only in PyTorch; the one parser hands it over in a trailing options object
  const { memory_format: format } = parseArgs("clone", args, ["memory_format"], { memory_format: preserve_format });
  const f = format as memory_format | null;
  return inFormat(x, f === null || f === preserve_format ? null : formatOrder(f, x.ndim));
}

/** A copy of x laid out densely in the dim order `order` (null: row-major); the values are x's. */
function inFormat(x: Tensor, order: number[] | null): Tensor {
  if (order === null) return surface("clone", () => bind1(P.copy!, [x]));
  const inverse = order.map((_, i) => order.indexOf(i));
  return surface("clone", () => permute(bind1(P.copy!, [permute(x, order)]), inverse));
}

export function cat(tensors: readonly Tensor[], ...args: unknown[]): Tensor {
  const { dim } = parseArgs("cat", args, ["dim"], { dim: 0 });
  if (!Array.isArray(tensors))
    throw new TorchTypeError(
      `cat(): argument 'tensors' (position 1) must be tuple of Tensors, not ${tensors instanceof Tensor ? "Tensor" : typeof tensors}`,
    );
  if (tensors.length === 0) throw new TorchError("cat(): expected a non-empty list of Tensors");
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TorchTypeError(`expected Tensor as element ${i} in argument 0, but got ${describe(t)}`);
    // (before the empty 1-D ones are dropped: a 0-dim one has no dim to join along)
    if (t.ndim === 0) throw new TorchError(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  // Legacy rule kept by PyTorch: 1-D empty tensors are skipped.
  let parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  // all of them empty: concatenated all the same, so each gets its (empty) gradient and dtypes promote
  if (parts.length === 0) parts = tensors;
  const ref = parts[0]!;
  const d = normDim(dim, ref.ndim, "cat");
  parts.forEach((t, i) => {
    if (t.ndim !== ref.ndim) throw new TorchError(`cat(): Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
    t.shape.forEach((s: number, k: number) => {
      if (k !== d && s !== ref.shape[k])
        throw new TorchError(
          `cat(): Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${s} for tensor number ${i} in the list.`,
        );
    });
  });
  const dt = parts.map((t) => t.dtype).reduce(promote_types);
  return surface("cat", () =>
    bind1(
      P.concatenate!,
      parts.map((t) => convert(t, dt)),
      { dim: d },
    ),
  );
}
export const concat = cat,
  concatenate = cat;

export function stack(tensors: readonly Tensor[], ...args: unknown[]): Tensor {
  const { dim } = parseArgs("stack", args, ["dim"], { dim: 0 });
  if (!tensors.length) throw new TorchError("stack expects a non-empty TensorList");
  tensors.forEach((t, i) => {
    if (!sameShape(t.shape, tensors[0]!.shape))
      throw new TorchError(
        `stack expects each tensor to be equal size, but got ${shapeStr(tensors[0]!.shape)} at entry 0 and ${shapeStr(t.shape)} at entry ${i}`,
      );
  });
  const d = normDim(dim, tensors[0]!.ndim + 1, "stack");
  return surface("stack", () =>
    cat(
      tensors.map((t) => unsqueeze(t, d)),
      d,
    ),
  );
}
// hstack and vstack name themselves for an empty list (cat's message would name cat), and take
// 0-dim tensors as PyTorch does (atleast_1d / atleast_2d first).
export function hstack(ts: Tensor[]): Tensor {
  if (!ts.length) throw new TorchError("hstack expects a non-empty TensorList");
  const rows = ts.map((t) => (t.ndim === 0 ? reshape(t, [1]) : t));
  return cat(rows, rows[0]!.ndim === 1 ? 0 : 1);
}
export function vstack(ts: Tensor[]): Tensor {
  if (!ts.length) throw new TorchError("vstack expects a non-empty TensorList");
  return cat(
    ts.map((t) => (t.ndim === 0 ? reshape(t, [1, 1]) : t.ndim === 1 ? unsqueeze(t, 0) : t)),
    0,
  );
}

export function split(x: Tensor, split_size_or_sections: number | number[], ...args: unknown[]): Tensor[] {
  const { dim } = parseArgs("split", args, ["dim"], { dim: 0 });
  const d = normDim(dim, x.ndim, "split");
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof split_size_or_sections === "number") {
    const s = split_size_or_sections;
    if (s <= 0 && n > 0) throw new TorchError(`split expects split_size be non-negative, but got split_size=${s}`);
    sizes = n === 0 ? [0] : Array.from({ length: Math.ceil(n / s) }, (_, i) => Math.min(s, n - i * s));
  } else {
    sizes = split_size_or_sections;
    const tot = sizes.reduce((a, b) => a + b, 0);
    if (tot !== n)
      throw new TorchError(
        `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=${shapeStr(sizes)}`,
      );
  }
  let off = 0;
  // (PyTorch's split_with_sizes node for a list of sizes, split's for one size; chunk is split)
  const node = typeof split_size_or_sections === "number" ? "SplitBackward0" : "SplitWithSizesBackward0";
  return multiOutputViews(
    "split",
    node,
    x,
    () =>
      sizes.map((s) => {
        const r = sliceDim(x, d, off, off + s);
        off += s;
        return r;
      }),
    (gs) => cat(gs, d),
  );
}

export function chunk(x: Tensor, chunks: number, ...args: unknown[]): Tensor[] {
  const { dim } = parseArgs("chunk", args, ["dim"], { dim: 0 });
  if (!Number.isInteger(chunks) || chunks <= 0) throw new TorchError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normDim(dim, x.ndim, "chunk");
  return split(x, Math.max(1, Math.ceil(x.shape[d]! / chunks)), d);
}

export function unbind(x: Tensor, ...args: unknown[]): Tensor[] {
  const { dim } = parseArgs("unbind", args, ["dim"], { dim: 0 });
  if (x.ndim === 0) throw new TorchIndexError("unbind: Dimension specified as 0 but tensor has no dimensions");
  const d = normDim(dim, x.ndim, "unbind");
  return multiOutputViews(
    "unbind",
    "UnbindBackward0",
    x,
    () => Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i)),
    (gs) => stack(gs, d),
  );
}

export function flip(x: Tensor, ...args: unknown[]): Tensor {
  const [dims] = splitSizes("flip", args);
  return bind1(P.reverse!, [x], { dims: normDims(dims, x.ndim, "flip") });
}
export function fliplr(x: Tensor): Tensor {
  if (x.ndim < 2) throw new TorchError("fliplr: Input must be >= 2-d.");
  return flip(x, [1]);
}
export function flipud(x: Tensor): Tensor {
  if (x.ndim < 1) throw new TorchError("flipud: Input must be >= 1-d.");
  return flip(x, [0]);
}

export function roll(x: Tensor, ...args: unknown[]): Tensor {
  const { shifts, dims } = parseArgs("roll", args, ["shifts", "dims"], { dims: null });
  return surface("roll", () => {
    if (dims === null) return view(roll(flatten(x), shifts, 0), x.shape.slice());
    const sh: number[] = typeof shifts === "number" ? [shifts] : shifts;
    const ds: number[] = typeof dims === "number" ? [dims] : dims;
    if (sh.length !== ds.length) throw new TorchError(`roll: shifts and dimensions must align. shifts: ${sh.length}, dims:${ds.length}`);
    let y = x;
    sh.forEach((s, i) => {
      const d = normDim(ds[i]!, x.ndim, "roll");
      const n = x.shape[d]!;
      if (n === 0) return;
      const k = ((s % n) + n) % n;
      if (k === 0) return;
      y = cat([sliceDim(y, d, n - k, n), sliceDim(y, d, 0, n - k)], d);
    });
    return y === x ? x.clone() : y;
  });
}

export function repeat(x: Tensor, ...args: unknown[]): Tensor {
  const [reps] = splitSizes("repeat", args);
  if (reps.length < x.ndim)
    throw new TorchError(
      `Number of dimensions of repeat dims (${reps.length}) can not be smaller than number of dimensions of tensor (${x.ndim})`,
    );
  return surface("repeat", () => {
    const shape = [...Array(reps.length - x.ndim).fill(1), ...x.shape];
    const inter = shape.flatMap((s) => [1, s]);
    const big = shape.flatMap((s, i) => [reps[i]!, s]);
    // always a new tensor, as PyTorch's: reshape alone would alias x when no dim of size > 1 is repeated
    // (repeat(1), a [1]-tensor repeated), so an in-place write to the result would change x
    return reshape(
      bind1(P.copy!, [expand(reshape(x, inter), big)]),
      shape.map((s, i) => s * reps[i]!),
    );
  });
}

export function movedim(x: Tensor, source: number | number[], destination: number | number[]): Tensor {
  const src = normDims(source, x.ndim, "movedim"),
    dst = normDims(destination, x.ndim, "movedim");
  if (src.length !== dst.length) throw new TorchTypeError("movedim: Invalid source or destination dims");
  const perm = new Array<number>(x.ndim).fill(-1);
  src.forEach((s, i) => {
    perm[dst[i]!] = s;
  });
  const rest = [...Array(x.ndim).keys()].filter((d) => !src.includes(d));
  for (let i = 0, k = 0; i < x.ndim; i++) if (perm[i] === -1) perm[i] = rest[k++]!;
  return permute(x, perm);
}
export const moveaxis = movedim;

/** tile(input, dims): repeat with dims padded by leading ones to the input's rank. */
export function tile(x: Tensor, ...args: unknown[]): Tensor {
  const [dims, rest] = splitSizes("tile", args);
  if (rest.length) throw new TorchTypeError(`tile() got unexpected arguments`);
  const reps = dims.length < x.ndim ? [...Array(x.ndim - dims.length).fill(1), ...dims] : dims;
  return surface("repeat", () => repeat(x, reps));
}

/** rot90(input, k=1, dims=[0, 1]): rotation by 90 degrees k times, from dims[0] towards dims[1]. */
export function rot90(x: Tensor, ...args: unknown[]): Tensor {
  const { k, dims } = parseArgs("rot90", args, ["k", "dims"], { k: 1, dims: [0, 1] });
  checkTensor("rot90", "input", x);
  if (!Array.isArray(dims) || dims.length !== 2)
    throw new TorchError(`rot90: expected total rot dims == 2, but got dims = ${Array.isArray(dims) ? dims.length : describe(dims)}`);
  if (x.ndim < 2) throw new TorchError(`rot90: expected total dims >= 2, but got total dims = ${x.ndim}`);
  const a = normDim(dims[0], x.ndim, "rot90"),
    b = normDim(dims[1], x.ndim, "rot90");
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
  if (t.dtype !== int64)
    throw new TorchError(`${op} expected tensor_indices_or_sections to have a Long dtype, but got ${t.dtype.scalarName}`);
  if (t.ndim > 1)
    throw new TorchError(
      `${op} expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${t.ndim} dims`,
    );
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
    const base = Math.floor(n / ios),
      extra = n % ios;
    bounds = [];
    let off = 0;
    for (let i = 0; i < ios - 1; i++) {
      off += base + (i < extra ? 1 : 0);
      bounds.push(off);
    }
  } else if (Array.isArray(ios)) {
    ios.forEach((v) => {
      if (!Number.isInteger(v)) throw new TorchTypeError(`tensor_split(): indices must be ints, got ${describe(v)}`);
    });
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
  if (x.ndim < minDims)
    throw new TorchError(`torch.${op} requires a tensor with at least ${minDims} dimension, but got a tensor with ${x.ndim} dimensions!`);
  if (typeof ios === "number") {
    const n = x.shape[d]!;
    if (ios === 0 || n % ios !== 0)
      throw new TorchError(
        `torch.${op} attempted to split along dimension ${d}, but the size of the dimension ${n} is not divisible by the split_size ${ios}!`,
      );
  }
  return tensor_split(x, ios, d);
}
export const hsplit = (x: Tensor, ios: number | number[] | Tensor) => splitAlong("hsplit", x, ios, 1, x.ndim === 1 ? 0 : 1);
export const vsplit = (x: Tensor, ios: number | number[] | Tensor) => splitAlong("vsplit", x, ios, 2, 0);
export const dsplit = (x: Tensor, ios: number | number[] | Tensor) => splitAlong("dsplit", x, ios, 3, 2);
