// torch.segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0, unsafe=False,
// initial=None), PyTorch 1.13's semantics: along `axis`, segment s of each row covers
// [offsets[..., s], offsets[..., s+1]) (offsets are lengths' exclusive cumsum when lengths are given;
// lengths win when both are); `initial` joins every segment (sum: + initial, prod: * initial, max/min:
// against initial, mean: (initial + sum) / length), and an empty segment is `initial`, else the
// reduction's identity (0, 1, -inf, inf) or NaN for mean.
// Composed from existing ops so it runs on cpu and xla with autograd: a dense membership mask
// [..., S, N] (each segment against each position) selects the data, masked-out places take the
// reduction's identity, and the reduction runs over N. That is O(S * N) per row — segment counts are
// small in practice and this keeps every step a plain, differentiable, lowerable op (amax/amin split a
// tie's gradient evenly, as PyTorch's segment_reduce backward does).
// The checks PyTorch makes on the lengths' values (non-negative, rows summing to the axis's size unless
// unsafe) read them on the host, as PyTorch's kernel does.
import { surface } from "../autograd.js";
import { int32, int64 } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { checkTensor, describe, isKwargs, isScalar, parseArgs, type Scalar } from "./args.js";
import { convert } from "./base.js";
import { arange } from "./creation.js";
import { where } from "./elementwise.js";
import { reshape, sliceDim } from "./shape.js";

const OP = "segment_reduce()";
const REDUCTIONS = ["sum", "mean", "max", "min", "prod"] as const;
type Reduction = (typeof REDUCTIONS)[number];

/** The per-segment [start, end) bounds, [..., S] each (int64, on data's device), after PyTorch's checks. */
function boundsOf(idx: Tensor, isLengths: boolean, n: number, unsafe: boolean, device: Tensor["device"]): [Tensor, Tensor] {
  const name = isLengths ? "lengths" : "offsets";
  if (idx.dtype !== int64 && idx.dtype !== int32)
    throw new TorchError(
      `${OP}: "_segment_reduce_${name}_cpu_kernel1" not implemented for '${idx.dtype.scalarName}' (${name} must be int32 or int64)`,
    );
  const i = convert(idx.device.equals(device) ? idx : idx.to(device), int64);
  const last = i.ndim - 1;
  // lengths' values: PyTorch reads them (the kernel's loop bounds); a cpu copy of a small index tensor
  const rows = reshape(isLengths ? i : i.diff({ dim: last }), [-1, Math.max(isLengths ? i.shape[last]! : i.shape[last]! - 1, 0)]);
  const host = rows.cpu().tolist() as number[][];
  if (host.some((r) => r.some((v) => v < 0)))
    throw new TorchError(
      unsafe || !isLengths
        ? `${OP}: Expected segment_length >= 0 to be true, but got false. (${name} gives a segment a negative length)`
        : `${OP}: lengths contains negative value!`,
    );
  if (!unsafe && isLengths && host.some((r) => r.reduce((a, b) => a + b, 0) !== n))
    throw new TorchError(`${OP}: Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) when !unsafe.`);
  if (isLengths) {
    const ends = i.cumsum(last);
    return [ends.sub(i), ends];
  }
  const s = i.shape[last]! - 1;
  return [sliceDim(i, last, 0, s), sliceDim(i, last, 1, s + 1)];
}

/** torch.segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0, unsafe=False, initial=None). */
export function segment_reduce(data: Tensor, reduce: string, ...args: unknown[]): Tensor {
  // everything after `reduce` is keyword-only in PyTorch: only a trailing options object may follow
  if (args.length > 1 || (args.length === 1 && !isKwargs(args[0])))
    throw new TorchTypeError(`segment_reduce() takes 2 positional arguments but ${2 + args.length} were given`);
  const o = parseArgs("segment_reduce", args, ["lengths", "indices", "offsets", "axis", "unsafe", "initial"], {
    lengths: null,
    indices: null,
    offsets: null,
    axis: 0,
    unsafe: false,
    initial: null,
  });
  checkTensor("segment_reduce", "data", data);
  if (typeof reduce !== "string") throw new TorchTypeError(`segment_reduce(): argument 'reduce' must be str, not ${describe(reduce)}`);
  if (!(REDUCTIONS as readonly string[]).includes(reduce))
    throw new TorchError(`${OP}: unsupported reduction given! ${reduce} (expected one of ${REDUCTIONS.join(", ")})`);
  const initial = o.initial as Scalar | null;
  if (initial !== null && !isScalar(initial))
    throw new TorchTypeError(`segment_reduce(): argument 'initial' must be Number, not ${describe(initial)}`);
  if (!data.dtype.is_floating_point || data.dtype.is_complex)
    throw new TorchError(`${OP}: "_segment_reduce_cpu" not implemented for '${data.dtype.scalarName}' (data must be floating point)`);
  const nd = Math.max(data.ndim, 1);
  const ax = o.axis as number;
  if (!Number.isInteger(ax) || ax < -nd || ax >= nd)
    throw new TorchIndexError(`${OP}: Dimension out of range (expected to be in range of [${-nd}, ${nd - 1}], but got ${ax})`);
  const axis = ax < 0 ? ax + nd : ax;
  if (o.indices !== null) throw new TorchError(`${OP}: indices based reduction is not supported yet.`);
  const lengths = o.lengths as Tensor | null,
    offsets = o.offsets as Tensor | null;
  if (lengths === null && offsets === null) throw new TorchError(`${OP}: Either lengths or offsets must be defined.`);
  const isLengths = lengths !== null;
  const idx = checkTensor("segment_reduce", isLengths ? "lengths" : "offsets", isLengths ? lengths : offsets);
  const name = isLengths ? "lengths" : "offsets";
  if (axis !== idx.ndim - 1) throw new TorchError(`${OP}: Expected axis to be the last dimension of ${name} but got ${axis}.`);
  if (data.ndim === 0) throw new TorchError(`${OP}: data must have at least one dimension, got a 0-d tensor`);
  if (data.numel() === 0) throw new TorchError(`${OP}: Expected data.numel() > 0 to be true, but got false.`);
  const lead = data.shape.slice(0, axis);
  if (idx.shape.slice(0, axis).some((m, k) => m !== lead[k]) || (!isLengths && idx.shape[axis]! < 1))
    throw new TorchError(
      `${OP}: ${name} of shape [${idx.shape.join(", ")}] does not match data of shape [${data.shape.join(", ")}] along the dimensions before axis ${axis}`,
    );
  const n = data.shape[axis]!;
  const trail = data.shape.slice(axis + 1).map(() => 1);
  return surface("segment_reduce", () => {
    const [starts, ends] = boundsOf(idx, isLengths, n, o.unsafe as boolean, data.device);
    const sCount = starts.shape[axis]!;
    const pos = arange(n, { dtype: int64, device: data.device });
    // member[..., s, j]: position j lies in segment s; shaped to broadcast against data.unsqueeze(axis)
    const member = reshape(starts.unsqueeze(-1).le(pos).logical_and(ends.unsqueeze(-1).gt(pos)), [...lead, sCount, n, ...trail]);
    const x = data.unsqueeze(axis);
    const over = axis + 1;
    const r = reduce as Reduction;
    if (r === "sum" || r === "mean") {
      let s = where(member, x, 0).sum(over);
      if (initial !== null) s = s.add(initial);
      if (r === "sum") return s;
      const count = convert(reshape(ends.sub(starts), [...lead, sCount, ...trail]), data.dtype);
      // the clamp keeps an empty segment's (unselected) branch finite, so its gradient is 0, not NaN
      return where(count.gt(0), s.div(count.clamp_min(1)), initial ?? Number.NaN);
    }
    if (r === "prod") {
      const p = where(member, x, 1).prod(over);
      return initial === null ? p : p.mul(initial);
    }
    const isMax = r === "max";
    const m = isMax ? where(member, x, Number.NEGATIVE_INFINITY).amax(over) : where(member, x, Number.POSITIVE_INFINITY).amin(over);
    if (initial === null) return m;
    // a NaN segment stays NaN (the comparison is false); a tie with initial keeps the data's gradient
    return where(isMax ? m.lt(initial) : m.gt(initial), initial, m);
  });
}
