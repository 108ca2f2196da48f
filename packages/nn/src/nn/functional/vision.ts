// pixel_shuffle / pixel_unshuffle and interpolate (upsample*), composed from
// reshapes, index_select and products with weights. Source indices and
// weights depend on shapes only: they are computed here, on the host, in the
// precision ATen's CPU kernels use (float for float32/16 inputs, double for
// float64), so the sampled positions and weights are PyTorch's.
import { Tensor, TorchError, float64, tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { pyFloat } from "../repr.js";
import { adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d } from "./pooling.js";

/** (*, C r^2, H, W) -> (*, C, H r, W r). */
export function pixel_shuffle(input: Tensor, ...args: Args<[upscale_factor: number], { upscale_factor?: number }>): Tensor {
  const { upscale_factor: r } = parseArgs("pixel_shuffle", args, ["upscale_factor"], {}) as { upscale_factor: number };
  if (input.ndim < 3)
    throw new TorchError(`pixel_shuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  if (!(r > 0)) throw new TorchError(`pixel_shuffle expects a positive upscale_factor, but got ${r}`);
  const lead = input.shape.slice(0, -3);
  const [c, h, w] = input.shape.slice(-3) as [number, number, number];
  if (c % (r * r) !== 0)
    throw new TorchError(
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`,
    );
  const oc = c / (r * r);
  const n = lead.length;
  const perm = [...Array(n).keys(), n, n + 3, n + 1, n + 4, n + 2];
  return input
    .reshape([...lead, oc, r, r, h, w])
    .permute(perm)
    .reshape([...lead, oc, h * r, w * r]);
}

/** (*, C, H r, W r) -> (*, C r^2, H, W). */
export function pixel_unshuffle(input: Tensor, ...args: Args<[downscale_factor: number], { downscale_factor?: number }>): Tensor {
  const { downscale_factor: r } = parseArgs("pixel_unshuffle", args, ["downscale_factor"], {}) as { downscale_factor: number };
  if (input.ndim < 3)
    throw new TorchError(`pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  if (!(r > 0)) throw new TorchError(`pixel_unshuffle expects a positive downscale_factor, but got ${r}`);
  const lead = input.shape.slice(0, -3);
  const [c, h, w] = input.shape.slice(-3) as [number, number, number];
  if (h % r !== 0)
    throw new TorchError(
      `pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`,
    );
  if (w % r !== 0)
    throw new TorchError(
      `pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`,
    );
  const n = lead.length;
  const perm = [...Array(n).keys(), n, n + 2, n + 4, n + 1, n + 3];
  return input
    .reshape([...lead, c, h / r, r, w / r, r])
    .permute(perm)
    .reshape([...lead, c * r * r, h / r, w / r]);
}

export type InterpolateMode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "bicubic" | "trilinear" | "area";
type SizeArg = number | readonly number[] | null;
type ScaleArg = number | readonly number[] | null;
type InterpolateKw = {
  size?: SizeArg;
  scale_factor?: ScaleArg;
  mode?: InterpolateMode;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
  antialias?: boolean;
};

const fmt = (v: readonly number[] | number): string => (typeof v === "number" ? String(v) : `[${v.join(", ")}]`);

/** Python's repr of a list of floats / ints as interpolate's messages print them. */
const pyList = (v: readonly number[]): string => `[${v.join(", ")}]`;

/**
 * interpolate: nearest, nearest-exact, linear/bilinear/trilinear, bicubic and
 * area resampling of the spatial dims of an (N, C, d1, ...) input, with
 * functional.py's argument checks. antialias=True is not supported.
 */
export function interpolate(
  input: Tensor,
  ...args: Args<
    [
      size: SizeArg,
      scale_factor: ScaleArg,
      mode: InterpolateMode,
      align_corners: boolean | null,
      recompute_scale_factor: boolean | null,
      antialias: boolean,
    ],
    InterpolateKw
  >
): Tensor {
  const o = parseArgs("interpolate", args, ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor", "antialias"], {
    size: null,
    scale_factor: null,
    mode: "nearest",
    align_corners: null,
    recompute_scale_factor: null,
    antialias: false,
  }) as Required<InterpolateKw>;
  const mode = o.mode;
  let alignCorners = o.align_corners ?? null;
  if (mode === "nearest" || mode === "area" || mode === "nearest-exact") {
    if (alignCorners !== null)
      throw new TorchError("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  } else if (alignCorners === null) alignCorners = false;
  const dim = input.ndim - 2;
  const spatial = input.shape.slice(2);
  let outputSize: number[] | null = null;
  let scales: number[] | null = null;
  const size = o.size ?? null,
    sf = o.scale_factor ?? null;
  if (size !== null && sf !== null) throw new TorchError("only one of size or scale_factor should be defined");
  if (size !== null) {
    if (typeof size !== "number") {
      if (size.length !== dim)
        throw new TorchError(
          `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${pyList(spatial)} and output size of ${fmt(size)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
        );
      outputSize = [...size];
    } else outputSize = Array(Math.max(dim, 0)).fill(size);
  } else if (sf !== null) {
    if (typeof sf !== "number") {
      if (sf.length !== dim)
        throw new TorchError(
          `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${pyList(spatial)} and scale_factor of shape [${sf.map(pyFloat).join(", ")}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`,
        );
      scales = [...sf];
    } else scales = Array(Math.max(dim, 0)).fill(sf);
  } else throw new TorchError("either size or scale_factor should be defined");
  let recompute = o.recompute_scale_factor ?? null;
  if (recompute && size !== null) throw new TorchError("recompute_scale_factor is not meaningful with an explicit size.");
  if (mode === "area" && outputSize === null) recompute = true;
  if (recompute) {
    outputSize = spatial.map((s, i) => Math.floor(s * scales![i]!));
    scales = null;
  }
  if (o.antialias && !((mode === "bilinear" || mode === "bicubic") && input.ndim === 4))
    throw new TorchError("Anti-alias option is only supported for bilinear and bicubic modes");
  if (o.antialias) throw new TorchError("interpolate: antialias=True is not supported by xlatorch");

  const nd = input.ndim;
  const wants: Record<string, number> = { linear: 3, bilinear: 4, trilinear: 5, bicubic: 4 };
  if (mode === "nearest" || mode === "nearest-exact" || mode === "area") {
    if (nd < 3 || nd > 5) throw unsupported(nd, mode);
  } else if (mode in wants) {
    if (nd !== wants[mode]) {
      if (nd >= 3 && nd <= 5 && mode !== "bicubic") throw new TorchError(`Got ${nd}D input, but ${mode} mode needs ${wants[mode]}D input`);
      throw unsupported(nd, mode);
    }
  } else throw unsupported(nd, mode);

  if (mode === "area") {
    const pool = [adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d][dim - 1]!;
    return pool(input, outputSize!);
  }
  // the output size ATen computes from scale factors: the product truncated to an integer
  const out = outputSize ?? spatial.map((s, i) => Math.trunc(s * scales![i]!));
  const kernel = {
    nearest: "upsample_nearest",
    "nearest-exact": "_upsample_nearest_exact",
    linear: "upsample_linear",
    bilinear: "upsample_bilinear",
    trilinear: "upsample_trilinear",
    bicubic: "upsample_bicubic",
  }[mode];
  checkSizes(`${kernel}${dim}d`, spatial, out);
  // the kernels' dtype coverage: floating types, and uint8 for the nearest modes
  const nearest = mode === "nearest" || mode === "nearest-exact";
  if (!input.dtype.is_floating_point && !(nearest && input.dtype.name === "uint8")) {
    const impl = nearest
      ? "compute_indices_weights_nearest"
      : mode === "bicubic"
        ? "compute_indices_weights_cubic"
        : mode === "linear"
          ? "compute_indices_weights_linear"
          : `${kernel}${dim}d_channels_last`;
    throw new TorchError(`"${impl}" not implemented for '${input.dtype.scalarName}'`);
  }
  const r = input.dtype === float64 ? (v: number) => v : Math.fround;
  let y = input;
  // the last spatial dim first: ATen's kernel nests the interpolation of the inner dims inside the outer ones
  for (let i = dim - 1; i >= 0; i--) {
    const axis = i + 2;
    const inSize = spatial[i]!,
      outSize = out[i]!;
    const scale = scales ? scales[i]! : null;
    if (mode === "nearest" || mode === "nearest-exact") {
      y = y.index_select(axis, indexTensor(nearestIndices(mode, inSize, outSize, scale, r), input));
    } else if (mode === "bicubic") {
      const { index, weights } = cubicTaps(inSize, outSize, alignCorners!, scale, r);
      let acc: Tensor | null = null;
      for (let j = 0; j < 4; j++) {
        const term = y.index_select(axis, indexTensor(index[j]!, input)).mul(weightTensor(weights[j]!, input, nd - axis - 1));
        acc = acc ? acc.add(term) : term;
      }
      y = acc!;
    } else {
      const { i0, i1, w0, w1 } = linearTaps(inSize, outSize, alignCorners!, scale, r);
      const t0 = y.index_select(axis, indexTensor(i0, input)).mul(weightTensor(w0, input, nd - axis - 1));
      const t1 = y.index_select(axis, indexTensor(i1, input)).mul(weightTensor(w1, input, nd - axis - 1));
      y = t0.add(t1);
    }
  }
  return y;
}

function unsupported(nd: number, mode: string): TorchError {
  return new TorchError(
    `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${nd}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`,
  );
}

function checkSizes(op: string, input: number[], output: number[]): void {
  if (input.every((s) => s > 0) && output.every((s) => s > 0)) return;
  const names = ["D", "H", "W"].slice(3 - input.length);
  const show = (v: number[]) => names.map((n, i) => `${n}: ${v[i]}`).join(", ");
  throw new TorchError(`Input and output sizes should be greater than 0, but got input (${show(input)}) output (${show(output)})`);
}

const indexTensor = (v: number[], like: Tensor): Tensor => tensor(v, { device: like.device });
/** Weights of shape [out, 1, ...] so they broadcast along the trailing dims. */
const weightTensor = (v: number[], like: Tensor, trailing: number): Tensor =>
  tensor(v, { dtype: like.dtype, device: like.device }).reshape([v.length, ...Array(trailing).fill(1)]);

/** compute_scales_value: 1 / scale_factor when one was given (and > 0), else in / out. */
function scalesValue(scale: number | null, inSize: number, outSize: number, r: (v: number) => number): number {
  return scale !== null && scale > 0 ? r(1 / scale) : r(r(inSize) / outSize);
}

/** area_pixel_compute_scale. */
function pixelScale(inSize: number, outSize: number, align: boolean, scale: number | null, r: (v: number) => number): number {
  if (align) return outSize > 1 ? r(r(inSize - 1) / (outSize - 1)) : 0;
  return scalesValue(scale, inSize, outSize, r);
}

/** area_pixel_compute_source_index. */
function sourceIndex(scale: number, dst: number, align: boolean, cubic: boolean, r: (v: number) => number): number {
  if (align) return r(scale * dst);
  const src = r(r(scale * r(dst + 0.5)) - 0.5);
  return !cubic && src < 0 ? 0 : src;
}

function nearestIndices(mode: string, inSize: number, outSize: number, scale: number | null, r: (v: number) => number): number[] {
  const s = scalesValue(scale, inSize, outSize, r);
  const idx: number[] = [];
  for (let i = 0; i < outSize; i++) {
    // floorf takes a float: the double-precision source index is rounded to float first
    const src = mode === "nearest" ? Math.floor(Math.fround(r(s * i))) : Math.floor(Math.fround(sourceIndex(s, i, false, false, r) + 0.5));
    idx.push(Math.min(src, inSize - 1));
  }
  return idx;
}

function linearTaps(inSize: number, outSize: number, align: boolean, scale: number | null, r: (v: number) => number) {
  const s = pixelScale(inSize, outSize, align, scale, r);
  const i0: number[] = [],
    i1: number[] = [],
    w0: number[] = [],
    w1: number[] = [];
  for (let i = 0; i < outSize; i++) {
    if (outSize === inSize) {
      i0.push(i), i1.push(i), w0.push(1), w1.push(0);
      continue;
    }
    const real = sourceIndex(s, i, align, false, r);
    const idx = Math.min(Math.floor(Math.fround(real)), inSize - 1);
    const lambda1 = Math.min(Math.max(r(real - idx), 0), 1);
    i0.push(idx);
    i1.push(idx + (idx < inSize - 1 ? 1 : 0));
    w1.push(lambda1);
    w0.push(r(1 - lambda1));
  }
  return { i0, i1, w0, w1 };
}

/** Keys' cubic convolution weights with A = -0.75 (get_cubic_upsample_coefficients), in the kernel's precision. */
function cubicCoefficients(t: number, r: (v: number) => number): number[] {
  const A = -0.75;
  const c1 = (x: number) => r(r(r(r(r((A + 2) * x) - (A + 3)) * x) * x) + 1);
  const c2 = (x: number) => r(r(r(r(r(r(A * x) - 5 * A) * x) + 8 * A) * x) - 4 * A);
  const x2 = r(1 - t);
  return [c2(r(t + 1)), c1(t), c1(x2), c2(r(x2 + 1))];
}

function cubicTaps(inSize: number, outSize: number, align: boolean, scale: number | null, r: (v: number) => number) {
  const s = pixelScale(inSize, outSize, align, scale, r);
  const index: number[][] = [[], [], [], []],
    weights: number[][] = [[], [], [], []];
  for (let i = 0; i < outSize; i++) {
    const real = sourceIndex(s, i, align, true, r);
    const idx = Math.floor(Math.fround(real));
    const coeffs = cubicCoefficients(r(real - idx), r);
    for (let j = 0; j < 4; j++) {
      index[j]!.push(Math.min(Math.max(idx - 1 + j, 0), inSize - 1));
      weights[j]!.push(coeffs[j]!);
    }
  }
  return { index, weights };
}

type UpsampleKw = { size?: SizeArg; scale_factor?: ScaleArg; mode?: InterpolateMode; align_corners?: boolean | null };
/** upsample (deprecated in PyTorch): interpolate with the same arguments. */
export function upsample(
  input: Tensor,
  ...args: Args<[size: SizeArg, scale_factor: ScaleArg, mode: InterpolateMode, align_corners: boolean | null], UpsampleKw>
): Tensor {
  const o = parseArgs("upsample", args, ["size", "scale_factor", "mode", "align_corners"], {
    size: null,
    scale_factor: null,
    mode: "nearest",
    align_corners: null,
  });
  return interpolate(input, o.size, o.scale_factor, o.mode, o.align_corners);
}

type UpsampleFixedKw = { size?: SizeArg; scale_factor?: ScaleArg };
/** upsample_nearest (deprecated in PyTorch): interpolate(..., mode='nearest'). */
export function upsample_nearest(input: Tensor, ...args: Args<[size: SizeArg, scale_factor: ScaleArg], UpsampleFixedKw>): Tensor {
  const o = parseArgs("upsample_nearest", args, ["size", "scale_factor"], { size: null, scale_factor: null });
  return interpolate(input, o.size, o.scale_factor, "nearest");
}

/** upsample_bilinear (deprecated in PyTorch): interpolate(..., mode='bilinear', align_corners=True). */
export function upsample_bilinear(input: Tensor, ...args: Args<[size: SizeArg, scale_factor: ScaleArg], UpsampleFixedKw>): Tensor {
  const o = parseArgs("upsample_bilinear", args, ["size", "scale_factor"], { size: null, scale_factor: null });
  return interpolate(input, o.size, o.scale_factor, "bilinear", true);
}
