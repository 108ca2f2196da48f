// Indexing: Python subscripts (getitem/setitem, index_put), gather,
// index_select, take_along_dim, masked_fill/masked_select, nonzero/argwhere.
import { surface } from "../autograd.js";
import { bind1, fromHost } from "../dispatch.js";
import { bool, int64 } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { broadcastShapes, normDim, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { type Device, device } from "../device.js";
import {
  checkBounds,
  checkIndexTensor,
  checkSameDevice,
  describe,
  indexValues,
  isScalar,
  parseArgs,
  type Scalar,
  type TensorOrScalar,
} from "./args.js";
import { convert, cpuScalarTo, expandTo, scalarOperand, scalarTensor } from "./base.js";
import { assign, checkNoInternalOverlap, writing } from "./inplace.js";
import { add, lt, mul, where } from "./elementwise.js";
import { expand, permute, reshape, select, sliceDim, unsqueeze } from "./shape.js";
import { gatherAlong, selectSlices, updateSlices } from "./slices.js";

/** One Python subscript: int, "a:b:c" slice string or slice object, null (None), "...", bool, index tensor, or a list (JS array). */
export type Subscript = number | string | null | Tensor | boolean | SliceObject | NestedList;
/** A Python slice as an object (see `slice`). */
export interface SliceObject {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}
const isSliceObject = (s: unknown): s is SliceObject => typeof s === "object" && s !== null && !Array.isArray(s) && !(s instanceof Tensor);
type NestedList = readonly (number | bigint | boolean | NestedList)[];

/** A Python list used as an index: int64 positions, or a bool mask when every element is a bool. */
function listIndex(list: NestedList): Tensor {
  const flat: unknown[] = [];
  const shape: number[] = [];
  const walk = (l: NestedList, depth: number) => {
    if (shape.length === depth) shape.push(l.length);
    else if (shape[depth] !== l.length)
      throw new TorchIndexError(
        `setting an array element with a sequence: the index list is ragged (length ${l.length} where ${shape[depth]} was expected)`,
      );
    for (const e of l) Array.isArray(e) ? walk(e as NestedList, depth + 1) : flat.push(e);
  };
  walk(list, 0);
  if (flat.length && flat.every((e) => typeof e === "boolean")) {
    return fromHost(
      Uint8Array.from(flat as boolean[], (b) => (b ? 1 : 0)),
      shape,
      bool,
      device("cpu"),
    );
  }
  if (!flat.every((e) => (typeof e === "number" && Number.isInteger(e)) || typeof e === "bigint")) {
    throw new TorchIndexError(
      `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got a list holding ${describe(flat.find((e) => !(typeof e === "number" && Number.isInteger(e)) && typeof e !== "bigint"))})`,
    );
  }
  return fromHost(
    BigInt64Array.from(flat as (number | bigint)[], (v) => BigInt(v)),
    shape,
    int64,
    device("cpu"),
  );
}

/** torch.slice-like helper for users who prefer objects over "a:b:c" strings. */
export const slice = (start: number | null = null, stop: number | null = null, step: number | null = null) => ({ start, stop, step });

function parseSlice(s: string | SliceObject): [number | null, number | null, number | null] {
  if (typeof s !== "string") return [s.start ?? null, s.stop ?? null, s.step ?? null];
  const parts = s.split(":");
  if (parts.length < 2 || parts.length > 3)
    throw new TorchTypeError(`getitem: cannot parse slice '${s}'; expected "start:stop" or "start:stop:step"`);
  const num = (p: string | undefined) => {
    if (p === undefined || p.trim() === "") return null;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new TorchTypeError(`getitem: slice indices must be integers, got '${p}' in '${s}'`);
    return v;
  };
  return [num(parts[0]), num(parts[1]), num(parts[2])];
}

function clampSlice(n: number, start: number | null, stop: number | null, step: number | null): [number, number, number] {
  const st = step ?? 1;
  if (st <= 0) throw new TorchError(`getitem: step must be greater than zero (got ${st})`);
  const norm = (v: number | null, dflt: number) => (v === null ? dflt : v < 0 ? Math.max(0, v + n) : Math.min(v, n));
  const a = norm(start, 0),
    b = norm(stop, n);
  return [a, Math.max(a, b), st];
}

interface Indexed {
  view: Tensor;
  adv: { pos: number; index: Tensor }[];
}

/** Apply basic subscripts as views; collect advanced (tensor) indices with their dim. */
function applyBasic(x: Tensor, subs: readonly Subscript[]): Indexed {
  const consumes = (s: Subscript) =>
    s !== null && s !== "..." && typeof s !== "boolean" && !(s instanceof Tensor && s.dtype === bool)
      ? 1
      : s instanceof Tensor
        ? s.ndim
        : 0;
  const used = subs.reduce<number>((a, s) => a + consumes(s), 0);
  const ell = subs.filter((s) => s === "...").length;
  if (ell > 1) throw new TorchIndexError("an index can only have a single ellipsis ('...')");
  if (used > x.ndim) throw new TorchIndexError(`too many indices for tensor of dimension ${x.ndim} (got ${used})`);
  let list = [...subs];
  const e = list.indexOf("...");
  const fill = Array<Subscript>(x.ndim - used).fill(":");
  list = e >= 0 ? [...list.slice(0, e), ...fill, ...list.slice(e + 1)] : [...list, ...fill];
  let v = x;
  let d = 0;
  const adv: Indexed["adv"] = [];
  for (let s of list) {
    // a JavaScript array is a Python list: an integer (or bool) index, x[:, [0, 2]]
    if (Array.isArray(s)) s = listIndex(s);
    if (s === null || s === true) {
      v = unsqueeze(v, d);
      d++;
      continue;
    }
    if (s === false) {
      v = sliceDim(unsqueeze(v, d), d, 0, 0);
      d++;
      continue;
    }
    if (typeof s === "number") {
      if (!Number.isInteger(s))
        throw new TorchIndexError(`getitem: only integers, slices, None, '...' and tensors are valid indices (got ${s})`);
      const n = v.shape[d]!;
      if (s < -n || s >= n) throw new TorchIndexError(`index ${s} is out of bounds for dimension ${d} with size ${n}`);
      v = select(v, d, s);
      continue;
    }
    if (s instanceof Tensor) {
      if (s.dtype === bool) {
        // A boolean mask covers s.ndim dims; it becomes one index tensor per dim.
        for (let k = 0; k < s.ndim; k++) {
          if (s.shape[k] !== v.shape[d + k])
            throw new TorchIndexError(
              `The shape of the mask ${shapeStr(s.shape)} at index ${k} does not match the shape of the indexed tensor ${shapeStr(v.shape)} at index ${d + k}`,
            );
        }
        const nz = indexOn(nonzero(s), x);
        for (let k = 0; k < s.ndim; k++) adv.push({ pos: d + k, index: select(nz, 1, k) });
        d += s.ndim;
        continue;
      }
      if (s.dtype.is_floating_point)
        throw new TorchIndexError(`tensors used as indices must be long, int, byte or bool tensors (got ${s.dtype})`);
      adv.push({ pos: d, index: indexOn(s, x) });
      d++;
      continue;
    }
    if (typeof s === "string" && s !== "...") {
      if (s.trim() === ":") {
        d++;
        continue;
      }
      const [a, b, st] = clampSlice(v.shape[d]!, ...parseSlice(s));
      v = sliceDim(v, d, a, b, st);
      d++;
      continue;
    }
    if (isSliceObject(s)) {
      const [a, b, st] = clampSlice(v.shape[d]!, ...parseSlice(s));
      v = sliceDim(v, d, a, b, st);
      d++;
      continue;
    }
    throw new TorchTypeError(`getitem: invalid subscript ${describe(s)}`);
  }
  return { view: v, adv };
}

/**
 * Index tensors follow the indexed tensor (PyTorch's advanced indexing moves
 * them to self's device: `x_cuda[cpu_idx]`, `x_cuda[cpu_mask] = v`). Masks are
 * turned into positions on their own device first, so a cpu mask needs no sync.
 */
function indexOn(index: Tensor, x: Tensor): Tensor {
  return index.device.equals(x.device) ? index : (index as unknown as { to(d: Device): Tensor }).to(x.device);
}

/** Advanced indexing over `adv` dims of `v` (PyTorch/NumPy placement rules). */
function applyAdvanced(v: Tensor, adv: Indexed["adv"]): Tensor {
  const bshape = broadcastShapes("index", ...adv.map((a) => a.index.shape));
  const dims = adv.map((a) => a.pos);
  const adjacent = dims.every((p, i) => i === 0 || p === dims[i - 1]! + 1);
  const rest = [...Array(v.ndim).keys()].filter((d) => !dims.includes(d));
  const moved = permute(v, [...dims, ...rest]);
  const sizes = dims.map((d) => v.shape[d]!);
  // Linear index into the flattened indexed dims, with negative indices wrapped.
  let lin: Tensor | null = null;
  let stride = 1;
  for (let k = adv.length - 1; k >= 0; k--) {
    let ix = convert(adv[k]!.index, int64);
    checkBounds(ix, sizes[k]!, dims[k]!);
    ix = where(lt(ix, 0), add(ix, sizes[k]!), ix);
    const term = stride === 1 ? ix : mul(ix, stride);
    lin = lin ? add(lin, term) : term;
    stride *= sizes[k]!;
  }
  const flat = reshape(moved, [stride, ...rest.map((d) => v.shape[d]!)]);
  const picked = index_select(flat, 0, reshape(expandTo(lin!, bshape), [-1]));
  let out = reshape(picked, [...bshape, ...rest.map((d) => v.shape[d]!)]);
  if (adjacent && dims[0]! > 0) {
    const nb = bshape.length,
      first = dims[0]!;
    const order = [...Array(out.ndim).keys()];
    const before = order.slice(nb, nb + first),
      after = order.slice(nb + first);
    out = permute(out, [...before, ...order.slice(0, nb), ...after]);
  }
  return out;
}

/** x[subs...] (Python's __getitem__). */
export function getitem(x: Tensor, ...subs: Subscript[]): Tensor {
  // basic subscripts name their nodes themselves (SelectBackward0, SliceBackward0, ...)
  const { view, adv } = applyBasic(x, subs);
  return adv.length ? surface("index", () => applyAdvanced(view, adv)) : view;
}

/**
 * x[subs...] = value (Python's __setitem__), in place: `x.setitem(":", 0, v)`
 * is `x[:, 0] = v`, one argument per subscript as in getitem, the value last.
 */
export function setitem(x: Tensor, ...subsAndValue: [...Subscript[], TensorOrScalar]): void {
  if (subsAndValue.length < 2)
    throw new TorchTypeError(
      `setitem(): expected one or more subscripts and a value, got ${subsAndValue.length} argument${subsAndValue.length === 1 ? "" : "s"}`,
    );
  const list = subsAndValue.slice(0, -1) as Subscript[];
  const value = subsAndValue[subsAndValue.length - 1] as TensorOrScalar;
  if (!(value instanceof Tensor) && !isScalar(value))
    throw new TorchTypeError(`setitem: value must be Tensor or Number, not ${describe(value)}`);
  writing(x, () => setitemInner(x, list, value));
}

function setitemInner(x: Tensor, list: Subscript[], value: TensorOrScalar): void {
  if (!list.some((s) => s instanceof Tensor || Array.isArray(s))) {
    // basic subscripts only: a view, and copy_ (which takes a value from any device, as PyTorch's does).
    // A number or a 0-d tensor fills the view, which PyTorch allows where elements alias (an expanded view)
    const { view } = applyBasic(x, list);
    if (value instanceof Tensor && value.ndim > 0) view.copy_(value);
    else assign("copy_", view, value instanceof Tensor ? value : scalarTensor(value, view.dtype, view.device), { allowCast: true });
    return;
  }
  // index_put_ (PyTorch only warns, deprecated, where x's elements alias: here the whole new value is
  // written back, which would let an unindexed alias overwrite an indexed one, so it is refused)
  checkNoInternalOverlap("index_put_", x);
  x.copy_(putInto("setitem", x, list, value, false));
}

/**
 * x with `value` written (or added, `accumulate`) at x[subs], out of place:
 * the written positions come from indexing an iota the same way, then one
 * scatter into the flattened x.
 */
function putInto(op: string, x: Tensor, subs: readonly Subscript[], value: TensorOrScalar, accumulate: boolean): Tensor {
  const rows = putRows(op, x, subs, value, accumulate);
  if (rows) return rows;
  const positions = getitem(reshape(bind1(P.iota!, [], { shape: [x.numel()], dim: 0, dtype: int64 }, x.device), x.shape.slice()), ...subs);
  const v = value instanceof Tensor ? convert(putValueOn(value, x, subs), x.dtype) : scalarTensor(value, x.dtype, x.device);
  checkSameDevice("index_put_", x, "values", v);
  broadcastShapes(op, v.shape, positions.shape);
  const src = reshape(expandTo(v, positions.shape), [-1]).contiguous();
  const updated = bind1(P.scatter!, [reshape(x, [-1]), reshape(positions, [-1, 1]), src], { reduce: accumulate ? "add" : "none" });
  return reshape(updated, x.shape.slice());
}

/**
 * putInto's common case, one integer index tensor on dim 0 (`x[idx] = rows`, index_put_ with
 * (idx,)): the rows written or added whole, one scatter_slices (slices.ts), instead of a
 * coordinate per element; null for the other subscripts.
 */
function putRows(op: string, x: Tensor, subs: readonly Subscript[], value: TensorOrScalar, accumulate: boolean): Tensor | null {
  const s = subs[0];
  if (subs.length !== 1 || !(s instanceof Tensor) || x.ndim === 0 || s.dtype === bool || s.dtype.is_floating_point || s.dtype.is_complex)
    return null;
  const n = x.shape[0]!;
  let ix = convert(indexOn(s, x), int64);
  checkBounds(ix, n, 0);
  ix = where(lt(ix, 0), add(ix, n), ix);
  const target = [...ix.shape, ...x.shape.slice(1)];
  const v = value instanceof Tensor ? convert(putValueOn(value, x, subs), x.dtype) : scalarTensor(value, x.dtype, x.device);
  checkSameDevice("index_put_", x, "values", v);
  broadcastShapes(op, v.shape, target);
  const src = reshape(expandTo(v, target), [ix.numel(), ...x.shape.slice(1)]);
  return updateSlices(x, 0, ix, src, accumulate ? "add" : "none");
}

/**
 * index_put(input, indices, values, accumulate=False): input with
 * input[indices] = values (or += with accumulate, repeated indices adding up).
 * `indices` is PyTorch's tuple of index tensors, null for a dim not indexed.
 */
export function index_put(x: Tensor, ...args: unknown[]): Tensor {
  const { indices, values, accumulate } = parseArgs("index_put", args, ["indices", "values", "accumulate"], { accumulate: false });
  if (!Array.isArray(indices) || !indices.every((t) => t === null || t instanceof Tensor)) {
    throw new TorchTypeError(`index_put(): argument 'indices' must be tuple of Tensors, not ${describe(indices)}`);
  }
  if (!(values instanceof Tensor)) throw new TorchTypeError(`index_put(): argument 'values' must be Tensor, not ${describe(values)}`);
  if (indices.length > x.ndim) throw new TorchIndexError(`too many indices for tensor of dimension ${x.ndim} (got ${indices.length})`);
  const subs: Subscript[] = indices.map((t) => (t === null ? ":" : (t as Tensor)));
  return surface("index_put", () => putInto("index_put", x, subs, values, !!accumulate));
}

/**
 * index_put_'s value on another device than self: a 0-dim one moves to self's
 * device; so does a one-element cpu value when the only tensor index is a mask
 * on self's device (PyTorch then runs masked_fill_ with value.item()). Any
 * other value stays, and the write reports the device mismatch.
 */
function putValueOn(value: Tensor, x: Tensor, subs: readonly Subscript[]): Tensor {
  if (value.device.equals(x.device)) return value;
  const tensors = subs.filter((s): s is Tensor => s instanceof Tensor);
  const maskFill =
    value.device.type === "cpu" &&
    value.numel() === 1 &&
    tensors.length === 1 &&
    tensors[0]!.dtype === bool &&
    tensors[0]!.device.equals(x.device);
  return value.ndim === 0 || maskFill ? (value as unknown as { to(d: Device): Tensor }).to(x.device) : value;
}

/**
 * Full coordinates for a torch-style index along `dim`: int64 [...index.shape,
 * rank], the index itself at `dim` and the position (an iota) elsewhere.
 */
export function fullIndex(index: Tensor, dim: number): Tensor {
  const rank = index.ndim;
  const parts = [...Array(rank).keys()].map((d) =>
    unsqueeze(
      d === dim ? convert(index, int64) : bind1(P.iota!, [], { shape: index.shape.slice(), dim: d, dtype: int64 }, index.device),
      rank,
    ),
  );
  return bind1(P.concatenate!, parts, { dim: rank });
}

export function gather(x: Tensor, dim: number, index: Tensor, ..._rest: unknown[]): Tensor {
  // ATen skips the dtype check for an empty index (nothing is read through it)
  if (!(index instanceof Tensor) || index.numel() !== 0) checkIndexTensor("gather", index);
  checkSameDevice("gather", x, "index", index);
  const d = normDim(dim, Math.max(x.ndim, 1), "gather");
  // ...and compares ranks and sizes with a 0-dim tensor counted as 1-dim (ensure_nonempty_dim)
  const xs = x.ndim === 0 ? [1] : x.shape.slice();
  const is = index.ndim === 0 ? [1] : index.shape.slice();
  if (is.length !== xs.length)
    throw new TorchError(
      `gather(): Index tensor must have the same number of dimensions as input tensor (input ${shapeStr(x.shape)}, index ${shapeStr(index.shape)})`,
    );
  is.forEach((s, k) => {
    if (k !== d && s > xs[k]!)
      throw new TorchError(
        `gather(): Size does not match at dimension ${k} expected index ${shapeStr(index.shape)} to be smaller than self ${shapeStr(x.shape)} apart from dimension ${d}`,
      );
  });
  checkBounds(index, xs[d]!, d, "gather", false, TorchError);
  // one gather_slices, the other dims batching dims (slices.ts)
  return surface("gather", () => {
    if (x.ndim !== 0 && index.ndim !== 0) return gatherAlong(x, d, index);
    return reshape(gatherAlong(reshape(x, xs), d, reshape(index, is)), index.shape.slice());
  });
}

export function index_select(x: Tensor, dim: number, index: Tensor): Tensor {
  if (!(index instanceof Tensor) || (index.dtype !== int64 && index.dtype.name !== "int32")) {
    throw new TorchError(
      `index_select(): Expected dtype int32 or int64 for index, but got ${index instanceof Tensor ? index.dtype : describe(index)}`,
    );
  }
  if (index.ndim > 1)
    throw new TorchIndexError(
      `index_select(): Index is supposed to be a vector (got a ${index.ndim}-D index of shape ${shapeStr(index.shape)})`,
    );
  checkSameDevice("index_select", x, "index", index);
  const d = normDim(dim, Math.max(x.ndim, 1), "index_select");
  // PyTorch's text ("index out of range in self"), with the op, the index and the dim
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  const h = indexValues(index);
  if (h)
    for (let i = 0; i < h.length; i++) {
      const k = Number(h[i]);
      if (k < 0 || k >= n)
        throw new TorchIndexError(`index_select(): index out of range in self (index ${k} for dimension ${d} with size ${n})`);
    }
  // one gather_slices reading whole slices (slice size 1 on dim d): an embedding lookup copies rows
  return surface("index_select", () => {
    // a 0-d input gives a 0-d result whatever the index's length (PyTorch reads its first entry)
    if (x.ndim === 0) {
      const first = index.numel() > 1 ? bind1(P.slice, [reshape(index, [-1])], { start: [0], limit: [1], step: [1] }) : index;
      return reshape(selectSlices(reshape(x, [1]), 0, first), []);
    }
    return selectSlices(x, d, index);
  });
}

export function take_along_dim(x: Tensor, indices: Tensor, ...args: unknown[]): Tensor {
  const { dim } = parseArgs("take_along_dim", args, ["dim"], { dim: null });
  if (indices instanceof Tensor) checkSameDevice("take_along_dim", x, "indices", indices);
  // bounds here, with this op's name: the index gather() gets is an expanded view, not host data on xla
  if (dim === null) {
    if (indices instanceof Tensor) checkBounds(indices, x.numel(), 0, "take_along_dim", false, TorchError);
    return gather(reshape(x, [-1]), 0, reshape(indices, [-1]));
  }
  const d = normDim(dim, x.ndim, "take_along_dim");
  if (indices instanceof Tensor) checkBounds(indices, x.shape[d]!, d, "take_along_dim", false, TorchError);
  const shapeX = x.shape.slice(),
    shapeI = indices.shape.slice();
  shapeX[d] = 1;
  shapeI[d] = 1;
  const b = broadcastShapes("take_along_dim", shapeX, shapeI);
  const xs = [...b];
  xs[d] = x.shape[d]!;
  const is = [...b];
  is[d] = indices.shape[d]!;
  return gather(expand(x, xs), d, expand(indices, is));
}

export function masked_fill(x: Tensor, mask: Tensor, value: TensorOrScalar): Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== bool)
    throw new TorchError(
      `masked_fill_ only supports boolean masks, but got mask with dtype ${mask instanceof Tensor ? mask.dtype : describe(mask)}`,
    );
  if (value instanceof Tensor && value.ndim !== 0)
    throw new TorchError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
  if (!mask.device.equals(x.device))
    throw new TorchError(`expected self and mask to be on the same device, but got mask on ${mask.device} and self on ${x.device}`);
  // (mask first: PyTorch expands the mask to self, and its message names the mask "tensor a")
  broadcastShapes("masked_fill", mask.shape, x.shape);
  return surface("masked_fill", () => {
    // a 0-dim value tensor is a scalar (PyTorch reads value.item()), so a cpu one is fine for any device
    const shape = broadcastShapes("masked_fill", x.shape, mask.shape);
    // a number is a shared 0-d operand, which select reads at every position (no fresh tensor, no broadcast)
    if (!(value instanceof Tensor))
      return bind1(P.select!, [expandTo(mask, shape), scalarOperand(value as Scalar, x.dtype, x.device), expandTo(x, shape)]);
    const v = convert(cpuScalarTo(value, x.device), x.dtype);
    return bind1(P.select!, [expandTo(mask, shape), expandTo(v, shape), expandTo(x, shape)]);
  });
}

/** Data-dependent shape: reads the mask on the host (a sync point on xla). */
export function nonzero(x: Tensor, ...args: unknown[]): Tensor {
  const { as_tuple } = parseArgs("nonzero", args, ["as_tuple"], { as_tuple: false });
  const h = x._host() as ArrayLike<number | bigint>;
  const hits: number[] = [];
  const isHalf = x.dtype.name === "float16" || x.dtype.name === "bfloat16";
  const nonZero = isHalf ? (v: number | bigint) => (Number(v) & 0x7fff) !== 0 : (v: number | bigint) => v !== 0 && v !== 0n;
  // a complex element (interleaved re, im on the host) is nonzero where either part is
  if (x.dtype.is_complex) {
    for (let i = 0; 2 * i < h.length; i++) if (nonZero(h[2 * i]!) || nonZero(h[2 * i + 1]!)) hits.push(i);
  } else for (let i = 0; i < h.length; i++) if (nonZero(h[i]!)) hits.push(i);
  const nd = x.ndim;
  const out = new BigInt64Array(hits.length * nd);
  hits.forEach((lin, r) => {
    for (let k = nd - 1; k >= 0; k--) {
      out[r * nd + k] = BigInt(lin % x.shape[k]!);
      lin = Math.floor(lin / x.shape[k]!);
    }
  });
  const t = fromHost(out, [hits.length, nd], int64, x.device);
  // as_tuple takes a 0-dim tensor as 1-dim: one index tensor, [0] or empty
  if (as_tuple && nd === 0) return [fromHost(new BigInt64Array(hits.length), [hits.length], int64, x.device)] as unknown as Tensor;
  return as_tuple ? (Array.from({ length: nd }, (_, k) => select(t, 1, k)) as unknown as Tensor) : t;
}
export const argwhere = (x: Tensor) => nonzero(x);

export function masked_select(x: Tensor, mask: Tensor): Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== bool)
    throw new TorchError(`masked_select: expected BoolTensor for mask, but got ${mask instanceof Tensor ? mask.dtype : describe(mask)}`);
  checkSameDevice("masked_select", x, "mask", mask); // unlike x[mask], masked_select does not move the mask
  let shape = broadcastShapes("masked_select", x.shape, mask.shape);
  if (shape.length === 0) shape = [1]; // the result is always 1-D: [1] or [0] for 0-dim operands
  return surface("masked_select", () => getitem(expandTo(x, shape), expandTo(mask, shape)));
}
