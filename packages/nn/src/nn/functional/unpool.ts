// max_unpool1d/2d/3d and fractional_max_pool2d/3d, composed of scatter and
// gather over the flattened spatial dims, so they run and differentiate on cpu
// and xla like any op.
// - max_unpool: the values scattered to the flat positions max_pool's indices
//   name (functional.py's _unpool_output_size for the output's size; ATen's
//   checks of the indices, which read them on the host as ATen's kernel does).
// - fractional_max_pool: each plane's window starts are ATen's
//   generate_intervals of its random sample u in [0, 1):
//   start_i = int((i + u) alpha) - int(u alpha), alpha = (in - pool) / (out - 1),
//   the last start in - pool; computed on the device in the input's dtype (ATen
//   computes in scalar_t) from `_random_samples`, drawn as torch.rand(N, C, nd)
//   when not given. The max over each window is taken in the window's row-major
//   order (the first maximum wins, as ATen's strict `>`).
import { Tensor, TorchError, TorchTypeError, arange, cat, float64, int64, rand, zeros } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import type { IntOrTuple } from "./conv.js";

const tuple = (v: IntOrTuple, nd: number): number[] => (typeof v === "number" ? Array(nd).fill(v) : [...v]);
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
/** Python's repr of a tuple of ints, as functional.py's messages print output_size. */
const pyTuple = (v: readonly number[]) => (v.length === 1 ? `(${v[0]},)` : `(${v.join(", ")})`);

type UnpoolKw = { stride?: IntOrTuple | null; padding?: IntOrTuple; output_size?: readonly number[] | null };
export type UnpoolArgs = Args<[stride: IntOrTuple | null, padding: IntOrTuple, output_size: readonly number[] | null], UnpoolKw>;

/** functional.py's _unpool_output_size. */
function unpoolOutputSize(input: Tensor, k: number[], s: number[], p: number[], output_size: readonly number[] | null): number[] {
  const nd = k.length;
  const def = k.map((kd, d) => (input.shape[input.ndim - nd + d]! - 1) * s[d]! + kd - 2 * p[d]!);
  if (output_size === null || output_size === undefined) return def;
  let out = [...output_size];
  if (out.length === nd + 2) out = out.slice(2);
  if (out.length !== nd)
    throw new TorchError(`output_size should be a sequence containing ${nd} or ${nd + 2} elements, but it has a length of '${out.length}'`);
  for (let d = 0; d < nd; d++) {
    const lo = def[d]! - s[d]!,
      hi = def[d]! + s[d]!;
    if (!(lo < out[d]! && out[d]! < hi))
      throw new TorchError(`invalid output_size "${pyTuple(output_size)}" (dim ${d} must be between ${lo} and ${hi})`);
  }
  return out;
}

function maxUnpoolNd(nd: number, input: Tensor, indices: Tensor, kernel_size: IntOrTuple, args: UnpoolArgs): Tensor {
  const name = `max_unpool${nd}d`;
  const o = parseArgs(name, args, ["stride", "padding", "output_size"], { stride: null, padding: 0, output_size: null });
  if (!(input instanceof Tensor)) throw new TorchTypeError(`${name}(): argument 'input' must be Tensor`);
  if (!(indices instanceof Tensor)) throw new TorchTypeError(`${name}(): argument 'indices' must be Tensor`);
  const k = tuple(kernel_size, nd);
  const s = o.stride === null ? k : tuple(o.stride, nd);
  const p = tuple(o.padding, nd);
  const out = unpoolOutputSize(input, k, s, p, o.output_size);
  // ATen's kernel (1d runs as max_unpool2d with a trailing unit dim)
  const an = nd === 1 ? 2 : nd;
  if (nd === 1 ? input.ndim !== 2 && input.ndim !== 3 : input.ndim !== an + 1 && input.ndim !== an + 2)
    throw new TorchError(
      nd === 3
        ? `Input to max_unpooling3d should be a 4d or 5d Tensor, but got a tensor with ${input.ndim} dimensions.`
        : `Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with ${input.ndim + (nd === 1 ? 1 : 0)} dimensions.`,
    );
  if (indices.dtype !== int64) throw new TorchError(`elements in indices should be type int64 but got: ${indices.dtype.scalarName}`);
  const same = input.ndim === indices.ndim && input.shape.every((v, i) => v === indices.shape[i]);
  if (!same) {
    const sh = (t: Tensor) => `[${[...t.shape, ...(nd === 1 ? [1] : [])].join(", ")}]`;
    throw new TorchError(
      `Expected shape of indices to be same as that of the input tensor (${sh(input)}) but got indices tensor with shape: ${sh(indices)}`,
    );
  }
  if (!input.dtype.is_floating_point)
    throw new TorchError(`"max_unpool${nd === 3 ? 3 : 2}d" not implemented for '${input.dtype.scalarName}'`);
  const total = prod(out);
  if (indices.numel() > 0) {
    // ATen reads the indices in its kernel, which goes on past a bad one: the last one is reported
    const bad = indices.lt(0).logical_or(indices.ge(total)).reshape(-1);
    if (bad.any().item()) {
      const at = (bad.nonzero().reshape(-1).tolist() as number[]).at(-1)!;
      const v = (indices.reshape(-1).tolist() as number[])[at]!;
      const vol = nd === 1 ? `${out[0]}x1` : out.join("x");
      throw new TorchError(`Found an invalid max index: ${v} (output volumes are of size ${vol}`);
    }
  }
  const lead = input.shape.slice(0, input.ndim - nd);
  const flatIn = input.reshape([...lead, -1]);
  const base = zeros([...lead, total], { dtype: input.dtype, device: input.device });
  return base.scatter(-1, indices.reshape([...lead, -1]), flatIn).reshape([...lead, ...out]);
}

/** max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export const max_unpool1d = (input: Tensor, indices: Tensor, kernel_size: IntOrTuple, ...args: UnpoolArgs): Tensor =>
  maxUnpoolNd(1, input, indices, kernel_size, args);
/** max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export const max_unpool2d = (input: Tensor, indices: Tensor, kernel_size: IntOrTuple, ...args: UnpoolArgs): Tensor =>
  maxUnpoolNd(2, input, indices, kernel_size, args);
/** max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export const max_unpool3d = (input: Tensor, indices: Tensor, kernel_size: IntOrTuple, ...args: UnpoolArgs): Tensor =>
  maxUnpoolNd(3, input, indices, kernel_size, args);

// ---- fractional max pooling ---------------------------------------------------------------------
type FracKw = {
  output_size?: IntOrTuple | null;
  output_ratio?: number | readonly number[] | null;
  return_indices?: boolean;
  _random_samples?: Tensor | null;
};
export type FracArgs = Args<
  [
    output_size: IntOrTuple | null,
    output_ratio: number | readonly number[] | null,
    return_indices: boolean,
    _random_samples: Tensor | null,
  ],
  FracKw
>;

/** Window starts [N, C, out] of each plane's sample u [N, C, 1]: ATen's generate_intervals in the samples' dtype. */
function intervals(u: Tensor, inSize: number, outSize: number, pool: number): Tensor {
  const last = zeros([...u.shape.slice(0, -1), 1], { dtype: int64, device: u.device }).add(inSize - pool);
  if (outSize === 1) return last;
  const fr = (v: number) => (u.dtype === float64 ? v : Math.fround(v));
  const alpha = fr(fr(inSize - pool) / fr(outSize - 1));
  const i = arange(outSize - 1, { dtype: u.dtype, device: u.device });
  // int((i + u) alpha) - int(u alpha): C++ truncation of nonnegative values
  const starts = i.add(u).mul(alpha).trunc().sub(u.mul(alpha).trunc()).to(int64);
  return cat([starts, last], -1);
}

function fractionalNd(nd: number, input: Tensor, kernel_size: IntOrTuple, args: FracArgs, forceIndices = false): Tensor | Tensor[] {
  const name = `fractional_max_pool${nd}d`;
  const o = parseArgs(name, args, ["output_size", "output_ratio", "return_indices", "_random_samples"], {
    output_size: null,
    output_ratio: null,
    return_indices: false,
    _random_samples: null,
  });
  if (!(input instanceof Tensor)) throw new TorchTypeError(`${name}(): argument 'input' must be Tensor`);
  if (o.output_size === null && o.output_ratio === null)
    throw new TorchError(`${name} requires specifying either an output_size or an output_ratio`);
  if (input.ndim !== nd + 1 && input.ndim !== nd + 2)
    throw new TorchError(`${name}(): Expected ${nd + 1}D or ${nd + 2}D tensor, but got: [${input.shape.join(", ")}]`);
  const k = tuple(kernel_size, nd);
  let outSize: number[];
  if (o.output_size === null) {
    const ratio = typeof o.output_ratio === "number" ? Array(nd).fill(o.output_ratio) : [...(o.output_ratio as number[])];
    outSize = ratio.map((r, d) => Math.trunc(input.shape[input.ndim - nd + d]! * r));
  } else outSize = tuple(o.output_size, nd);
  const unbatched = input.ndim === nd + 1;
  const x = unbatched ? input.unsqueeze(0) : input;
  const [N, C] = x.shape as [number, number];
  const spatial = x.shape.slice(2);
  const dims = nd === 2 ? ["height", "width"] : ["time", "height", "width"];
  for (let d = 0; d < nd; d++)
    if (outSize[d]! + k[d]! - 1 > spatial[d]!)
      throw new TorchError(
        `${name}${nd === 3 ? "_out" : ""}(): pool ${dims[d]} ${k[d]} too large relative to input ${dims[d]} ${spatial[d]}`,
      );
  let samples = o._random_samples as Tensor | null;
  if (samples === null) {
    if (!x.dtype.is_floating_point) throw new TorchError(`${name}: "check_uniform_bounds" not implemented for '${x.dtype.scalarName}'`);
    samples = rand([N, C, nd], { dtype: x.dtype, device: x.device });
  }
  if (!(samples instanceof Tensor)) throw new TorchTypeError(`${name}(): argument '_random_samples' must be Tensor`);
  if (!x.dtype.is_floating_point) throw new TorchError(`"${name}_out_frame" not implemented for '${x.dtype.scalarName}'`);
  if (samples.dtype !== x.dtype)
    throw new TorchError(`${name}: expected scalar type ${x.dtype.scalarName} but found ${samples.dtype.scalarName}`);
  if (samples.ndim !== 3 || samples.shape[0]! < N || samples.shape[1] !== C || samples.shape[2] !== nd)
    throw new TorchError(`${name}: expected _random_samples of shape [${N}, ${C}, ${nd}], got [${samples.shape.join(", ")}]`);
  if (x.numel() === 0) {
    // no windows to read (an empty batch): empty results, still in the graph
    let out = zeros([N, C, ...outSize], { dtype: x.dtype, device: x.device }).add(x.sum().mul(0));
    let ind = zeros([N, C, ...outSize], { dtype: int64, device: x.device });
    if (unbatched) {
      out = out.squeeze(0);
      ind = ind.squeeze(0);
    }
    return o.return_indices || forceIndices ? [out, ind] : out;
  }
  // ATen pairs the samples with dims as: 2d (W, H), 3d (T, H, W)
  const sampleOf = (d: number) => (nd === 2 ? 1 - d : d);
  // flat input positions of every window element: [N, C, out..., k...]
  let flat: Tensor | null = null;
  let strideAfter = prod(spatial);
  for (let d = 0; d < nd; d++) {
    strideAfter /= spatial[d]!;
    const u = samples.select(2, sampleOf(d)).unsqueeze(-1); // [N, C, 1]
    const st = intervals(u, spatial[d]!, outSize[d]!, k[d]!); // [N, C, out_d]
    const pos = st.unsqueeze(-1).add(arange(k[d]!, { dtype: int64, device: x.device })); // [N, C, out_d, k_d]
    // out_d at axis 2 + d, k_d at axis 2 + nd + d
    const shape = [N, C, ...Array(2 * nd).fill(1)];
    shape[2 + d] = outSize[d]!;
    shape[2 + nd + d] = k[d]!;
    const term = pos.mul(strideAfter).reshape(shape);
    flat = flat === null ? term : flat.add(term);
  }
  const P = prod(outSize),
    K = prod(k);
  const idx = flat!.expand([N, C, ...outSize, ...k]).reshape([N, C, P, K]);
  const vals = x
    .reshape([N, C, -1])
    .gather(2, idx.reshape([N, C, P * K]))
    .reshape([N, C, P, K]);
  const [mx, arg] = vals.max(-1) as unknown as [Tensor, Tensor];
  let out = mx.reshape([N, C, ...outSize]);
  let ind = idx.gather(-1, arg.unsqueeze(-1)).reshape([N, C, ...outSize]);
  if (unbatched) {
    out = out.squeeze(0);
    ind = ind.squeeze(0);
  }
  return o.return_indices || forceIndices ? [out, ind] : out;
}

/** fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export function fractional_max_pool2d(input: Tensor, kernel_size: IntOrTuple, ...args: FracArgs): Tensor | Tensor[] {
  return fractionalNd(2, input, kernel_size, args);
}
/** fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export function fractional_max_pool3d(input: Tensor, kernel_size: IntOrTuple, ...args: FracArgs): Tensor | Tensor[] {
  return fractionalNd(3, input, kernel_size, args);
}
/** The (values, indices) forms, whatever return_indices says (as functional.py's). */
export const fractional_max_pool2d_with_indices = (input: Tensor, kernel_size: IntOrTuple, ...args: FracArgs): Tensor[] =>
  fractionalNd(2, input, kernel_size, args, true) as Tensor[];
export const fractional_max_pool3d_with_indices = (input: Tensor, kernel_size: IntOrTuple, ...args: FracArgs): Tensor[] =>
  fractionalNd(3, input, kernel_size, args, true) as Tensor[];
