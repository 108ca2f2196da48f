// Selections by flat or per-dim index beside indexing.ts/scatter.ts: take,
// put/put_, index_reduce, msort, repeat_interleave and combinations.
import { surface } from "../autograd.js";
import { int64 } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { normDim, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkIndexDtype, checkInt, checkSameDevice, checkTensor, describe, indexValues, parseArgs } from "./args.js";
import { convert } from "./base.js";
import { fromHost } from "../dispatch.js";
import { add, lt, where } from "./elementwise.js";
import { index_select } from "./indexing.js";
import { inplace } from "./inplace.js";
import { scatter_reduce } from "./scatter.js";
import { sort } from "./sort.js";
import { expand, reshape } from "./shape.js";
import { selectSlices, updateSlices } from "./slices.js";

/** Flat indices (negative ones counted from the end) checked against numel where their values are at hand. */
function flatIndex(op: string, x: Tensor, index: Tensor): Tensor {
  const n = x.numel();
  const h = indexValues(index);
  if (h)
    for (let i = 0; i < h.length; i++) {
      const k = Number(h[i]);
      if (k >= n || k < -n) throw new TorchIndexError(`out of range: tried to access index ${k} on a tensor of ${n} elements.`);
    }
  const ix = convert(index, int64);
  return where(lt(ix, 0), add(ix, n), ix);
}

/** take(input, index): input read as 1-D at index (index's shape). */
export function take(input: Tensor, index: Tensor): Tensor {
  checkTensor("take", "input", input);
  checkIndexDtype("take", index, false);
  checkSameDevice("take", input, "index", index);
  if (input.numel() === 0 && index.numel() !== 0) throw new TorchIndexError("take(): tried to take from an empty tensor");
  // one gather_slices of single elements from the flattened input (slices.ts)
  return surface("take", () => reshape(selectSlices(reshape(input, [-1]), 0, flatIndex("take", input, index)), index.shape.slice()));
}

/** put(input, index, source, accumulate=False): input with input.flatten()[index] = source (or += ). */
export function put(input: Tensor, index: Tensor, source: Tensor, ...args: unknown[]): Tensor {
  const { accumulate } = parseArgs("put", args, ["accumulate"], { accumulate: false });
  checkTensor("put", "input", input);
  checkIndexDtype("put_", index, false);
  checkTensor("put", "source", source);
  if (source.dtype !== input.dtype)
    throw new TorchError(
      `put_(): self and source expected to have the same dtype, but got self.dtype = ${input.dtype.scalarName} and source.dtype = ${source.dtype.scalarName}`,
    );
  if (source.numel() !== index.numel())
    throw new TorchIndexError(
      `put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${index.numel()}`,
    );
  if (input.numel() === 0 && index.numel() !== 0) throw new TorchIndexError("put_(): Tried to put elements into an empty tensor");
  return surface("put", () => {
    const pos = flatIndex("put", input, index);
    const out = updateSlices(reshape(input, [-1]), 0, pos, reshape(source, [-1]), accumulate ? "add" : "none");
    return reshape(out, input.shape.slice());
  });
}
/** put_(index, source, accumulate=False): put in place. */
export const put_ = (self: Tensor, index: Tensor, source: Tensor, ...args: unknown[]): Tensor =>
  inplace("put_", self, () => put(self, index, source, ...args));

/**
 * index_reduce(input, dim, index, source, reduce, *, include_self=True): each
 * slice source.select(dim, i) reduced into input.select(dim, index[i]) with
 * prod, mean, amax or amin: scatter_reduce with the index spread over source's
 * other dims.
 */
export function index_reduce(input: Tensor, dim: number, index: Tensor, source: Tensor, reduce: string, ...args: unknown[]): Tensor {
  const { include_self } = parseArgs("index_reduce", args, ["include_self"], { include_self: true });
  checkTensor("index_reduce", "input", input);
  checkTensor("index_reduce", "source", source);
  checkIndexDtype("index_reduce_", index, true);
  if (!["prod", "mean", "amax", "amin"].includes(reduce))
    throw new TorchError(`index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got ${reduce}.`);
  const d = normDim(checkInt("index_reduce", "dim", dim), Math.max(input.ndim, 1), "index_reduce");
  if (index.ndim > 1) throw new TorchIndexError("index_reduce_(): Index is supposed to be a vector");
  if (input.ndim !== source.ndim && input.ndim > 0 && source.ndim > 0)
    throw new TorchIndexError(`index_reduce_(): Index is supposed to be a vector`);
  const srcLen = source.ndim === 0 ? 1 : source.shape[d]!;
  if (index.numel() !== srcLen)
    throw new TorchIndexError(`index_reduce_(): Number of indices (${index.numel()}) should be equal to source.size(dim) (${srcLen})`);
  if (source.dtype !== input.dtype)
    throw new TorchError(
      `index_reduce_(): self (${input.dtype.scalarName}) and source (${source.dtype.scalarName}) must have the same scalar type`,
    );
  input.shape.forEach((s, k) => {
    if (k !== d && source.shape[k] !== s)
      throw new TorchError(
        `index_reduce_(): Expected source to have the same shape as self apart from dimension ${d} (self ${shapeStr(input.shape)}, source ${shapeStr(source.shape)})`,
      );
  });
  return surface("index_reduce", () => {
    if (input.ndim === 0)
      return reshape(index_reduce(reshape(input, [1]), 0, reshape(index, [-1]), reshape(source, [1]), reduce, { include_self }), []);
    const ix = reshape(
      convert(index, int64),
      source.shape.map((_, k) => (k === d ? -1 : 1)),
    );
    return scatter_reduce(input, d, expand(ix, source.shape.slice()).contiguous(), source, reduce, { include_self });
  });
}

/** msort(input): input sorted along its first dim. */
export function msort(input: Tensor): Tensor {
  checkTensor("msort", "input", input);
  return surface("msort", () => sort(input, 0).values);
}

/** Host values of a small integer tensor (repeats): a data-dependent size, read as PyTorch reads it. */
const hostInts = (t: Tensor): number[] => Array.from(t.reshape(-1).cpu()._host() as ArrayLike<number | bigint>, Number);

/**
 * repeat_interleave(input, repeats=None, dim=None, *, output_size=None): each
 * element (or slice along dim) repeated repeats times (an int or one count per
 * element); repeat_interleave(repeats) alone gives the indices that would repeat.
 */
export function repeat_interleave(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("repeat_interleave", args, ["repeats", "dim", "output_size"], { repeats: null, dim: null, output_size: null });
  checkTensor("repeat_interleave", "input", input);
  if (o.repeats === null) {
    // repeat_interleave(repeats): 0..n-1, each i repeated repeats[i] times
    if (input.ndim !== 1) throw new TorchError("repeat_interleave only accept 1D vector as repeat");
    if (input.dtype !== int64 && input.dtype.name !== "int32") throw new TorchError("repeats has to be Long or Int tensor");
    const reps = hostInts(input);
    if (reps.some((r) => r < 0)) throw new TorchError("repeats can not be negative");
    const out: bigint[] = [];
    reps.forEach((r, i) => {
      for (let k = 0; k < r; k++) out.push(BigInt(i));
    });
    if (o.output_size !== null && o.output_size !== out.length) throw new TorchError("allocated size does not match required size");
    return fromHost(BigInt64Array.from(out), [out.length], input.dtype === int64 ? int64 : int64, input.device).to(input.dtype);
  }
  let x = input,
    d: number;
  if (o.dim === null) {
    x = reshape(input, [-1]);
    d = 0;
  } else d = normDim(checkInt("repeat_interleave", "dim", o.dim), Math.max(input.ndim, 1), "repeat_interleave");
  if (x.ndim === 0) x = reshape(x, [1]);
  const n = x.shape[d]!;
  let reps: number[];
  if (o.repeats instanceof Tensor) {
    const r = o.repeats as Tensor;
    if (r.ndim > 1) throw new TorchError("repeats must be 0-dim or 1-dim tensor");
    if (r.dtype.is_floating_point || r.dtype.name === "bool") throw new TorchError("repeats has to be Long or Int tensor");
    const v = hostInts(r);
    if (r.ndim === 1 && r.numel() !== n && r.numel() !== 1)
      throw new TorchError(
        `repeats must have the same size as input along dim, but got repeats.size(0) = ${r.numel()} and input.size(${d}) = ${n}`,
      );
    reps = v.length === 1 && r.ndim === 0 ? Array(n).fill(v[0]) : v.length === 1 ? Array(n).fill(v[0]) : v;
  } else if (typeof o.repeats === "number" && Number.isInteger(o.repeats)) {
    reps = Array(n).fill(o.repeats);
  } else {
    throw new TorchTypeError(`repeat_interleave(): argument 'repeats' must be Tensor, not ${describe(o.repeats)}`);
  }
  if (reps.some((r) => r < 0)) throw new TorchError("repeats can not be negative");
  const idx: bigint[] = [];
  reps.forEach((r, i) => {
    for (let k = 0; k < r; k++) idx.push(BigInt(i));
  });
  if (o.output_size !== null && o.output_size !== idx.length) throw new TorchError("allocated size does not match required size");
  return surface("repeat_interleave", () => index_select(x, d, fromHost(BigInt64Array.from(idx), [idx.length], int64, x.device)));
}

/**
 * combinations(input, r=2, with_replacement=False): the length-r combinations
 * of a 1-D tensor's elements, as itertools.combinations orders them (a gather
 * of indices that depend only on the length).
 */
export function combinations(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("combinations", args, ["r", "with_replacement"], { r: 2, with_replacement: false });
  checkTensor("combinations", "input", input);
  const r = checkInt("combinations", "r", o.r);
  if (input.ndim !== 1) throw new TorchError(`Expect a 1D vector, but got shape ${shapeStr(input.shape)}`);
  if (r < 0) throw new TorchError(`Expect a non-negative number, but got ${r}`);
  if (r === 0)
    return surface("combinations", () => reshape(index_select(input, 0, fromHost(new BigInt64Array(0), [0], int64, input.device)), [0]));
  const n = input.shape[0]!;
  const rows: number[][] = [];
  const cur: number[] = [];
  const walk = (start: number) => {
    if (cur.length === r) {
      rows.push([...cur]);
      return;
    }
    for (let i = start; i < n; i++) {
      cur.push(i);
      walk(o.with_replacement ? i : i + 1);
      cur.pop();
    }
  };
  walk(0);
  const flat = BigInt64Array.from(rows.flat().map(BigInt));
  return surface("combinations", () =>
    reshape(index_select(input, 0, fromHost(flat, [flat.length], int64, input.device)), [rows.length, r]),
  );
}
