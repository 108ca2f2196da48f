// conv1d/2d/3d, conv_transpose1d/2d/3d, unfold, fold.
//
// A convolution is one `convolution` primitive (core's prims_window.ts): one
// stablehlo.convolution on the xla device, an im2col into the BLAS product in
// the cpu kernel; its VJP is two convolutions (the input gradient the
// lhs-dilated "transposed" one). A transposed convolution is that lhs-dilated
// form. unfold/fold stay compositions: for every kernel offset the strided
// window xp[..., o*dil : o*dil + (out-1)*stride + 1 : stride] is sliced out
// (static shapes: the loops run over kernel offsets at trace time, never over
// data), and the slices are stacked (unfold) or padded into place and added (fold).
import {
  P,
  TorchError,
  TorchTypeError,
  Tensor,
  bind1,
  cat,
  complex,
  imag,
  real,
  slice,
  stack,
  surface,
  zeros,
  type ConvAttrs,
  type DType,
} from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { pad } from "./padding.js";

export type IntOrTuple = number | readonly number[];
export type ConvPadding = IntOrTuple | "same" | "valid";

const shp = (s: readonly number[]) => `[${s.join(", ")}]`;
const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);

/** Every kernel offset (row-major over the spatial dims), as PyTorch's im2col orders them. */
export function kernelOffsets(k: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of k) out = out.flatMap((o) => Array.from({ length: n }, (_, i) => [...o, i]));
  return out;
}

/**
 * The strided windows of `x` (spatial dims last, `nd` of them) for every kernel
 * offset: slice i*dil : i*dil + (out-1)*stride + 1 : stride along each dim.
 */
export function windows(
  x: Tensor,
  k: readonly number[],
  dil: readonly number[],
  stride: readonly number[],
  out: readonly number[],
): Tensor[] {
  const lead = Array<string>(x.ndim - k.length).fill(":");
  return kernelOffsets(k).map((off) =>
    x.getitem(
      ...lead,
      ...off.map((o, d) => {
        const start = o * dil[d]!,
          stop = start + (out[d]! - 1) * stride[d]! + 1;
        return start === 0 && stop === x.shape[x.ndim - k.length + d] && stride[d] === 1 ? ":" : slice(start, stop, stride[d]!);
      }),
    ),
  );
}

/** Pads the trailing `lo.length` dims: lo[d] before and hi[d] after (negative values crop). */
export function padSpatial(x: Tensor, lo: readonly number[], hi: readonly number[], value = 0): Tensor {
  if (lo.every((v) => v === 0) && hi.every((v) => v === 0)) return x;
  const p: number[] = [];
  for (let d = lo.length - 1; d >= 0; d--) p.push(lo[d]!, hi[d]!);
  return pad(x, p, "constant", value);
}

/** int or tuple -> a tuple of n ints (a 1-tuple is repeated, as ATen's expand_param_if_needed). */
export function expandParam(op: string, name: string, v: unknown, n: number, msg?: string): number[] {
  const arr =
    typeof v === "number" ? Array<number>(n).fill(v) : Array.isArray(v) ? (v.length === 1 ? Array<number>(n).fill(v[0]) : [...v]) : null;
  if (arr === null || arr.some((x) => typeof x !== "number" || !Number.isInteger(x))) {
    throw new TorchTypeError(`${op}(): argument '${name}' must be tuple of ints, but found ${Array.isArray(v) ? "list" : typeof v}`);
  }
  if (arr.length !== n) {
    throw new TorchError(
      msg ??
        `expected ${name} to be a single integer value or a list of ${n} values to match the convolution dimensions, but got ${name}=${shp(arr)}`,
    );
  }
  return arr;
}

const dims = (nd: number) => `${nd}d`;

/** Shared checks of conv{nd}d; returns the batched input and whether it was unbatched. */
function checkConvInput(op: string, input: Tensor, nd: number): [Tensor, boolean] {
  if (!(input instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'input' (position 1) must be Tensor, not ${typeof input}`);
  if (input.ndim !== nd + 1 && input.ndim !== nd + 2) {
    throw new TorchError(
      `Expected ${nd + 1}D (unbatched) or ${nd + 2}D (batched) input to ${op}, but got input of size: ${shp(input.shape)}`,
    );
  }
  return input.ndim === nd + 1 ? [input.unsqueeze(0), true] : [input, false];
}

/** The C++ type name ATen's convolution prints for a dtype. */
function cppType(d: DType): string {
  const names: Record<string, string> = {
    float32: "float",
    float64: "double",
    float16: "c10::Half",
    bfloat16: "c10::BFloat16",
    int64: "long int",
    int32: "int",
    int16: "short int",
    int8: "signed char",
    uint8: "unsigned char",
    bool: "bool",
  };
  return names[d.name] ?? d.name;
}

function checkDtypes(input: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (weight.dtype !== input.dtype)
    throw new TorchError(`expected scalar type ${input.dtype.scalarName} but found ${weight.dtype.scalarName}`);
  if (bias && bias.dtype !== input.dtype)
    throw new TorchError(`Input type (${cppType(input.dtype)}) and bias type (${cppType(bias.dtype)}) should be the same`);
  if (input.dtype.name === "bool") throw new TorchError(`"slow_conv2d_cpu" not implemented for 'Bool'`);
}

/**
 * The convolution proper on a batched input [N, C, *spatial]: one `convolution`
 * primitive (stablehlo.convolution on the xla device) with explicit low/high
 * padding per spatial dim (negative crops) and lhs dilation (a transposed
 * convolution's stride), NCHW/OIHW dimension numbers unless `rhsSpec` says
 * which weight dims are the output and input features. The bias is one add.
 */
function convCore(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride: number[],
  lo: number[],
  hi: number[],
  dilation: number[],
  groups: number,
  lhsDilation?: number[],
  rhsSpec?: number[],
): Tensor {
  const nd = stride.length;
  const spec = [...Array(nd + 2).keys()];
  const attrs: ConvAttrs = {
    window_strides: stride,
    padding: lo.map((l, d): [number, number] => [l, hi[d]!]),
    lhs_dilation: lhsDilation ?? Array<number>(nd).fill(1),
    rhs_dilation: dilation,
    feature_group_count: groups,
    batch_group_count: 1,
    lhs_spec: spec,
    rhs_spec: rhsSpec ?? spec,
    out_spec: spec,
  };
  const y = x.dtype.is_complex ? complexConvolution(x, weight, attrs) : bind1(P.convolution, [x, weight], attrs);
  return bias ? y.add(bias.reshape([bias.shape[0]!, ...Array<number>(nd).fill(1)])) : y;
}

/**
 * A convolution of complex operands as three real ones, PyTorch's complex_convolution (Gauss's trick):
 * a = conv(xr, wr), b = conv(xi, wi), c = conv(xr + xi, wr + wi); the result is (a - b) + i(c - a - b).
 * Composed of real/imag/complex, so it runs on every device and differentiates through them.
 */
function complexConvolution(x: Tensor, weight: Tensor, attrs: ConvAttrs): Tensor {
  const conv = (l: Tensor, r: Tensor) => bind1(P.convolution, [l, r], attrs);
  const [xr, xi, wr, wi] = [real(x), imag(x), real(weight), imag(weight)];
  const a = conv(xr, wr),
    b = conv(xi, wi),
    c = conv(xr.add(xi), wr.add(wi));
  return complex(a.sub(b), c.sub(a).sub(b));
}

type ConvKw = { bias?: Tensor | null; stride?: IntOrTuple; padding?: ConvPadding; dilation?: IntOrTuple; groups?: number };
type ConvArgs = Args<[bias: Tensor | null, stride: IntOrTuple, padding: ConvPadding, dilation: IntOrTuple, groups: number], ConvKw>;

function convNd(nd: number, input: Tensor, weight: Tensor, args: ConvArgs): Tensor {
  const op = `conv${dims(nd)}`;
  const o = parseArgs(op, args, ["bias", "stride", "padding", "dilation", "groups"], {
    bias: null,
    stride: 1,
    padding: 0,
    dilation: 1,
    groups: 1,
  });
  const [x, unbatched] = checkConvInput(op, input, nd);
  const bias = o.bias as Tensor | null;
  if (!(weight instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'weight' (position 2) must be Tensor, not ${typeof weight}`);
  if (weight.ndim !== nd + 2) {
    throw new TorchError(
      `Expected ${nd + 2}-dimensional weight for ${nd + 2}-dimensional input ${shp(x.shape)}, but got ${weight.ndim}-dimensional weight of size ${shp(weight.shape)} instead`,
    );
  }
  const stride = expandParam(op, "stride", o.stride, nd);
  const dilation = expandParam(op, "dilation", o.dilation, nd);
  const groups = o.groups as number;
  const k = weight.shape.slice(2);
  let lo: number[], hi: number[];
  if (typeof o.padding === "string") {
    if (o.padding === "valid") {
      lo = Array<number>(nd).fill(0);
      hi = lo;
    } else if (o.padding === "same") {
      if (stride.some((s) => s !== 1)) throw new TorchError("padding='same' is not supported for strided convolutions");
      // Total d*(k-1); the odd element goes after, as ATen's _convolution_mode.
      lo = k.map((kk, d) => Math.floor((dilation[d]! * (kk - 1)) / 2));
      hi = k.map((kk, d) => dilation[d]! * (kk - 1) - lo[d]!);
    } else throw new TorchError(`Invalid padding string: '${o.padding}'`);
  } else {
    lo = expandParam(op, "padding", o.padding, nd);
    hi = lo;
  }
  if (stride.some((s) => s <= 0)) throw new TorchError("non-positive stride is not supported");
  if (lo.some((p) => p < 0)) throw new TorchError("negative padding is not supported");
  if (dilation.some((d) => d <= 0)) throw new TorchError("dilation should be greater than zero");
  if (!Number.isInteger(groups) || groups <= 0) throw new TorchError("non-positive groups is not supported");
  const O = weight.shape[0]!;
  if (O % groups !== 0)
    throw new TorchError(
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${shp(weight.shape)}] instead`,
    );
  const C = x.shape[1]!;
  if (C !== weight.shape[1]! * groups) {
    throw new TorchError(
      `Given groups=${groups}, weight of size ${shp(weight.shape)}, expected input${shp(x.shape)} to have ${weight.shape[1]! * groups} channels, but got ${C} channels instead`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new TorchError(
      `Given weight of size ${shp(weight.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${shp(bias.shape)} instead`,
    );
  }
  const padded = x.shape.slice(2).map((L, d) => L + lo[d]! + hi[d]!);
  const ksz = k.map((kk, d) => dilation[d]! * (kk - 1) + 1);
  if (padded.some((p, d) => p < ksz[d]!)) {
    throw new TorchError(
      `Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${ksz.join(" x ")}). Kernel size can't be greater than actual input size`,
    );
  }
  checkDtypes(x, weight, bias);
  const y = surface("convolution", () => convCore(x, weight, bias, stride, lo, hi, dilation, groups));
  return unbatched ? y.squeeze(0) : y;
}

/** conv1d(input [N, C, L] or [C, L], weight [O, C/groups, k], bias, stride, padding, dilation, groups). */
export const conv1d = (input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor => convNd(1, input, weight, args);
/** conv2d(input [N, C, H, W] or [C, H, W], weight [O, C/groups, kH, kW], bias, stride, padding (int, tuple, "same", "valid"), dilation, groups). */
export const conv2d = (input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor => convNd(2, input, weight, args);
/** conv3d(input [N, C, D, H, W] or [C, D, H, W], weight [O, C/groups, kD, kH, kW], ...). */
export const conv3d = (input: Tensor, weight: Tensor, ...args: ConvArgs): Tensor => convNd(3, input, weight, args);

/**
 * Insert stride-1 zeros between the elements of each trailing spatial dim
 * (StableHLO's interior padding), composed as unsqueeze + cat with zeros +
 * reshape + narrow.
 */
export function dilateSpatial(x: Tensor, stride: readonly number[]): Tensor {
  const nd = stride.length;
  let y = x;
  for (let d = 0; d < nd; d++) {
    const s = stride[d]!;
    if (s === 1) continue;
    const ax = y.ndim - nd + d,
      n = y.shape[ax]!;
    const u = y.unsqueeze(ax + 1);
    const z = zeros(
      u.shape.map((v, i) => (i === ax + 1 ? s - 1 : v)),
      { dtype: y.dtype, device: y.device },
    );
    const merged = cat([u, z], ax + 1).reshape(y.shape.map((v, i) => (i === ax ? n * s : v)));
    y = merged.narrow(ax, 0, (n - 1) * s + 1);
  }
  return y;
}

type ConvTKw = {
  bias?: Tensor | null;
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  output_padding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
};
type ConvTArgs = Args<
  [bias: Tensor | null, stride: IntOrTuple, padding: IntOrTuple, output_padding: IntOrTuple, groups: number, dilation: IntOrTuple],
  ConvTKw
>;

function convTransposeNd(nd: number, input: Tensor, weight: Tensor, args: ConvTArgs): Tensor {
  const op = `conv_transpose${dims(nd)}`;
  const o = parseArgs(op, args, ["bias", "stride", "padding", "output_padding", "groups", "dilation"], {
    bias: null,
    stride: 1,
    padding: 0,
    output_padding: 0,
    groups: 1,
    dilation: 1,
  });
  const [x, unbatched] = checkConvInput(op, input, nd);
  const bias = o.bias as Tensor | null;
  if (!(weight instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'weight' (position 2) must be Tensor, not ${typeof weight}`);
  if (weight.ndim !== nd + 2) {
    throw new TorchError(
      `Expected ${nd + 2}-dimensional weight for ${nd + 2}-dimensional input ${shp(x.shape)}, but got ${weight.ndim}-dimensional weight of size ${shp(weight.shape)} instead`,
    );
  }
  if (typeof o.padding === "string") throw new TorchTypeError(`${op}(): argument 'padding' must be tuple of ints, but found str`);
  const stride = expandParam(op, "stride", o.stride, nd);
  const padding = expandParam(op, "padding", o.padding, nd);
  const outPad = expandParam(op, "output_padding", o.output_padding, nd);
  const dilation = expandParam(op, "dilation", o.dilation, nd);
  const groups = o.groups as number;
  if (stride.some((s) => s <= 0)) throw new TorchError("non-positive stride is not supported");
  if (padding.some((p) => p < 0)) throw new TorchError("negative padding is not supported");
  if (outPad.some((p) => p < 0)) throw new TorchError("negative output_padding is not supported");
  if (dilation.some((d) => d <= 0)) throw new TorchError("dilation should be greater than zero");
  if (!Number.isInteger(groups) || groups <= 0) throw new TorchError("non-positive groups is not supported");
  const Cin = weight.shape[0]!;
  if (Cin % groups !== 0)
    throw new TorchError(
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size [${shp(weight.shape)}] instead`,
    );
  if (x.shape[1] !== Cin) {
    throw new TorchError(
      `Given transposed=1, weight of size ${shp(weight.shape)}, expected input${shp(x.shape)} to have ${Cin} channels, but got ${x.shape[1]} channels instead`,
    );
  }
  const O = weight.shape[1]! * groups;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new TorchError(
      `Given transposed=1, weight of size ${shp(weight.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${shp(bias.shape)} instead`,
    );
  }
  if (outPad.some((p, d) => p >= stride[d]! && p >= dilation[d]!)) {
    const ax = ["depth", "height", "width"].slice(3 - nd);
    const part = (name: string, v: number[]) => v.map((val, d) => `${name}_${ax[d]}: ${val}`).join(" ");
    throw new TorchError(
      `output padding must be smaller than either stride or dilation, but got ${part("output_padding", outPad)} ${part("stride", stride)} ${part("dilation", dilation)}`,
    );
  }
  const k = weight.shape.slice(2);
  const outSize = x.shape.slice(2).map((L, d) => (L - 1) * stride[d]! - 2 * padding[d]! + dilation[d]! * (k[d]! - 1) + outPad[d]! + 1);
  if (outSize.some((s) => s <= 0)) {
    throw new TorchError(
      `Given input size per channel: (${x.shape.slice(2).join(" x ")}). Calculated output size per channel: (${outSize.join(" x ")}). Output size is too small`,
    );
  }
  checkDtypes(x, weight, bias);
  const y = surface("convolution", () => {
    // The lhs-dilated form: the input dilated by stride, padded by dil*(k-1)-p (+ output_padding
    // after; negative crops), then a stride-1 convolution with the spatially flipped kernel whose
    // in/out features swap (weight dim 1 is the output feature: a dimension number, no copy, for one group).
    const lo = k.map((kk, d) => dilation[d]! * (kk - 1) - padding[d]!);
    const hi = lo.map((v, d) => v + outPad[d]!);
    const spatial = k.map((_, d) => d + 2);
    const ones = Array<number>(nd).fill(1);
    if (groups === 1) return convCore(x, weight.flip(spatial), bias, ones, lo, hi, dilation, 1, stride, [1, 0, ...spatial]);
    const Cg = Cin / groups,
      Og = O / groups;
    const w = weight
      .reshape([groups, Cg, Og, ...k])
      .transpose(1, 2)
      .reshape([O, Cg, ...k])
      .flip(spatial);
    return convCore(x, w, bias, ones, lo, hi, dilation, groups, stride);
  });
  return unbatched ? y.squeeze(0) : y;
}

/** conv_transpose1d(input, weight [C_in, C_out/groups, k], bias, stride, padding, output_padding, groups, dilation). */
export const conv_transpose1d = (input: Tensor, weight: Tensor, ...args: ConvTArgs): Tensor => convTransposeNd(1, input, weight, args);
/** conv_transpose2d(input, weight [C_in, C_out/groups, kH, kW], bias, stride, padding, output_padding, groups, dilation). */
export const conv_transpose2d = (input: Tensor, weight: Tensor, ...args: ConvTArgs): Tensor => convTransposeNd(2, input, weight, args);
/** conv_transpose3d(input, weight [C_in, C_out/groups, kD, kH, kW], ...). */
export const conv_transpose3d = (input: Tensor, weight: Tensor, ...args: ConvTArgs): Tensor => convTransposeNd(3, input, weight, args);

type UnfoldKw = { dilation?: IntOrTuple; padding?: IntOrTuple; stride?: IntOrTuple };
type UnfoldArgs = Args<[dilation: IntOrTuple, padding: IntOrTuple, stride: IntOrTuple], UnfoldKw>;

const unfoldParam = (op: string, name: string, v: unknown) =>
  expandParam(
    op,
    name,
    v,
    2,
    `${op}(): ${name} must be an int or a tuple of two ints, but got ${Array.isArray(v) ? `(${v.join(", ")})` : String(v)}`,
  );

/** unfold (im2col): [N, C, H, W] -> [N, C*kH*kW, L], columns ordered (c, kh, kw) like PyTorch. */
export function unfold(input: Tensor, kernel_size: IntOrTuple, ...args: UnfoldArgs): Tensor {
  const o = parseArgs("unfold", args, ["dilation", "padding", "stride"], { dilation: 1, padding: 0, stride: 1 });
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new TorchError(`Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got: ${shp(input.shape)}`);
  }
  const k = unfoldParam("unfold", "kernel_size", kernel_size),
    dil = unfoldParam("unfold", "dilation", o.dilation);
  const p = unfoldParam("unfold", "padding", o.padding),
    s = unfoldParam("unfold", "stride", o.stride);
  if (k.some((v) => v <= 0))
    throw new TorchError(`kernel size should be greater than zero, but got kernel_height: ${k[0]} kernel_width: ${k[1]}`);
  if (s.some((v) => v <= 0))
    throw new TorchError(`stride should be greater than zero, but got stride_height: ${s[0]} stride_width: ${s[1]}`);
  if (dil.some((v) => v <= 0))
    throw new TorchError(`dilation should be greater than zero, but got dilation_height: ${dil[0]} dilation_width: ${dil[1]}`);
  if (p.some((v) => v < 0)) throw new TorchError(`padding should be non-negative, but got pad_height: ${p[0]} pad_width: ${p[1]}`);
  const x = input.ndim === 3 ? input.unsqueeze(0) : input;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const out = [H, W].map((L, d) => Math.floor((L + 2 * p[d]! - dil[d]! * (k[d]! - 1) - 1) / s[d]!) + 1);
  if (out.some((v) => v < 1)) {
    throw new TorchError(
      `Given input with spatial size (${H}, ${W}), kernel_size=(${k.join(", ")}), dilation=(${dil.join(", ")}), padding=(${p.join(", ")}), calculated shape of the array of sliding blocks as (${out.join(", ")}), but its components must be at least one.`,
    );
  }
  return surface("Im2ColBackward0", () => {
    const y = stack(windows(padSpatial(x, p, p), k, dil, s, out), 2).reshape(N, C * prod(k), prod(out));
    return input.ndim === 3 ? y.squeeze(0) : y;
  });
}

/** fold (col2im), the adjoint of unfold: [N, C*kH*kW, L] -> [N, C, H, W], overlapping values summed. */
export function fold(input: Tensor, output_size: IntOrTuple, kernel_size: IntOrTuple, ...args: UnfoldArgs): Tensor {
  const o = parseArgs("fold", args, ["dilation", "padding", "stride"], { dilation: 1, padding: 0, stride: 1 });
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new TorchError(`Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got: ${shp(input.shape)}`);
  }
  const size = unfoldParam("fold", "output_size", output_size),
    k = unfoldParam("fold", "kernel_size", kernel_size);
  const dil = unfoldParam("fold", "dilation", o.dilation),
    p = unfoldParam("fold", "padding", o.padding),
    s = unfoldParam("fold", "stride", o.stride);
  if (k.some((v) => v <= 0))
    throw new TorchError(`kernel size should be greater than zero, but got kernel_height: ${k[0]} kernel_width: ${k[1]}`);
  if (s.some((v) => v <= 0))
    throw new TorchError(`stride should be greater than zero, but got stride_height: ${s[0]} stride_width: ${s[1]}`);
  if (dil.some((v) => v <= 0))
    throw new TorchError(`dilation should be greater than zero, but got dilation_height: ${dil[0]} dilation_width: ${dil[1]}`);
  const x = input.ndim === 2 ? input.unsqueeze(0) : input;
  const [N, CK, L] = x.shape as [number, number, number];
  const K = prod(k);
  if (CK % K !== 0) {
    throw new TorchError(
      `Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${CK} and kernel_size=(${k.join(", ")})`,
    );
  }
  const out = size.map((v, d) => Math.floor((v + 2 * p[d]! - dil[d]! * (k[d]! - 1) - 1) / s[d]!) + 1);
  if (out[0]! * out[1]! !== L) {
    throw new TorchError(
      `Given output_size=(${size.join(", ")}), kernel_size=(${k.join(", ")}), dilation=(${dil.join(", ")}), padding=(${p.join(", ")}), stride=(${s.join(", ")}), expected size of input's dimension 2 to match the calculated number of sliding blocks ${out[0]} * ${out[1]} = ${out[0]! * out[1]!}, but got input.size(2)=${L}.`,
    );
  }
  const C = CK / K;
  const padded = size.map((v, d) => v + 2 * p[d]!);
  return surface("Col2ImBackward0", () => {
    const blocks = x.reshape([N, C, K, ...out]);
    let acc: Tensor | null = null;
    kernelOffsets(k).forEach((off, i) => {
      // Block i lands at off*dil + j*stride: zero-insert by stride, then pad into place.
      const b = dilateSpatial(blocks.select(2, i), s);
      const lo = off.map((v, d) => v * dil[d]!);
      const placed = padSpatial(
        b,
        lo,
        lo.map((v, d) => padded[d]! - v - b.shape[2 + d]!),
      );
      acc = acc ? acc.add(placed) : placed;
    });
    const y = padSpatial(
      acc!,
      p.map((v) => -v),
      p.map((v) => -v),
    );
    return input.ndim === 2 ? y.squeeze(0) : y;
  });
}
