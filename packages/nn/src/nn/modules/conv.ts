// Conv1d/2d/3d and ConvTranspose1d/2d/3d (PyTorch 1.13's _ConvNd): the same
// parameters, initialization (and RNG order), padding modes and repr.
import { Tensor, empty, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyRepr } from "../repr.js";
import type { ConvPadding, IntOrTuple } from "../functional/conv.js";
import { factory, type Factory } from "./linear.js";

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";
const PADDING_MODES = ["zeros", "reflect", "replicate", "circular"];

/** _single/_pair/_triple: an int repeated n times, a sequence kept as is. */
const ntuple = (v: IntOrTuple, n: number): number[] => (typeof v === "number" ? Array<number>(n).fill(v) : [...v]);
/** Python's repr of a tuple or of the padding string. */
const tupleRepr = (v: readonly number[] | string) => (typeof v === "string" ? v : pyRepr([...v]));

export type ConvKw = {
  stride?: IntOrTuple;
  padding?: ConvPadding;
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  padding_mode?: PaddingMode;
} & Factory;
export type ConvArgs = Args<
  [stride: IntOrTuple, padding: ConvPadding, dilation: IntOrTuple, groups: number, bias: boolean, padding_mode: PaddingMode],
  ConvKw
>;
export type ConvTKw = {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  output_padding?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  dilation?: IntOrTuple;
  padding_mode?: PaddingMode;
} & Factory;
export type ConvTArgs = Args<
  [
    stride: IntOrTuple,
    padding: IntOrTuple,
    output_padding: IntOrTuple,
    groups: number,
    bias: boolean,
    dilation: IntOrTuple,
    padding_mode: PaddingMode,
  ],
  ConvTKw
>;

interface ConvSpec {
  stride: IntOrTuple;
  padding: ConvPadding;
  dilation: IntOrTuple;
  transposed: boolean;
  output_padding: IntOrTuple;
  groups: number;
  bias: boolean;
  padding_mode: PaddingMode;
  device?: Factory["device"];
  dtype?: Factory["dtype"];
}

export class _ConvNd extends Module {
  in_channels: number;
  out_channels: number;
  kernel_size: number[];
  stride: number[];
  padding: number[] | "same" | "valid";
  dilation: number[];
  transposed: boolean;
  output_padding: number[];
  groups: number;
  padding_mode: PaddingMode;
  /** F.pad's argument for non-"zeros" padding modes: per dim, last dim first, (left, right). */
  _reversed_padding_repeated_twice: number[];
  weight: Parameter;
  bias: Parameter | null;

  constructor(nd: number, in_channels: number, out_channels: number, kernel_size: IntOrTuple, o: ConvSpec) {
    super();
    const name = new.target.name;
    if (!Number.isInteger(o.groups) || o.groups <= 0) throw new TorchError("groups must be a positive integer");
    if (in_channels % o.groups !== 0) throw new TorchError("in_channels must be divisible by groups");
    if (out_channels % o.groups !== 0) throw new TorchError("out_channels must be divisible by groups");
    const k = ntuple(kernel_size, nd),
      stride = ntuple(o.stride, nd),
      dilation = ntuple(o.dilation, nd);
    for (const [n, v] of [
      ["kernel_size", k],
      ["stride", stride],
      ["dilation", dilation],
    ] as const) {
      if (v.length !== nd) throw new TorchError(`${name}: ${n} must be an int or a tuple of ${nd} ints, got ${pyRepr(v)}`);
    }
    if (typeof o.padding === "string") {
      if (o.padding !== "same" && o.padding !== "valid")
        throw new TorchError(`Invalid padding string '${o.padding}', should be one of ['valid', 'same']`);
      if (o.padding === "same" && stride.some((s) => s !== 1))
        throw new TorchError("padding='same' is not supported for strided convolutions");
    }
    if (!PADDING_MODES.includes(o.padding_mode)) {
      throw new TorchError(
        `padding_mode must be one of {'circular', 'reflect', 'replicate', 'zeros'}, but got padding_mode='${o.padding_mode}'`,
      );
    }
    this.in_channels = in_channels;
    this.out_channels = out_channels;
    this.kernel_size = k;
    this.stride = stride;
    this.padding = typeof o.padding === "string" ? o.padding : ntuple(o.padding, nd);
    this.dilation = dilation;
    this.transposed = o.transposed;
    this.output_padding = ntuple(o.output_padding, nd);
    this.groups = o.groups;
    this.padding_mode = o.padding_mode;
    if (typeof this.padding === "string") {
      this._reversed_padding_repeated_twice = Array<number>(2 * nd).fill(0);
      if (this.padding === "same") {
        for (let d = nd - 1, i = 0; d >= 0; d--, i++) {
          const total = dilation[d]! * (k[d]! - 1),
            left = Math.floor(total / 2);
          this._reversed_padding_repeated_twice[2 * i] = left;
          this._reversed_padding_repeated_twice[2 * i + 1] = total - left;
        }
      }
    } else {
      this._reversed_padding_repeated_twice = [...this.padding].reverse().flatMap((p) => [p, p]);
    }
    const fk = factory(o);
    const wshape = o.transposed ? [in_channels, out_channels / o.groups, ...k] : [out_channels, in_channels / o.groups, ...k];
    this.weight = new Parameter(empty(wshape, fk));
    this.bias = o.bias ? new Parameter(empty([out_channels], fk)) : null;
    this.reset_parameters();
  }

  /** kaiming_uniform_(weight, a=sqrt(5)), then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as PyTorch 1.13. */
  reset_parameters(): void {
    init.kaiming_uniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init._calculate_fan_in_and_fan_out(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  override extra_repr(): string {
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${tupleRepr(this.kernel_size)}, stride=${tupleRepr(this.stride)}`;
    if (typeof this.padding === "string" || this.padding.some((p) => p !== 0)) s += `, padding=${tupleRepr(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tupleRepr(this.dilation)}`;
    if (this.output_padding.some((p) => p !== 0)) s += `, output_padding=${tupleRepr(this.output_padding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    if (this.padding_mode !== "zeros") s += `, padding_mode=${this.padding_mode}`;
    return s;
  }
}

/** Conv1d/2d/3d's parameters after kernel_size, in order, and their defaults (LazyConv* parses the same). */
export const CONV_NAMES = ["stride", "padding", "dilation", "groups", "bias", "padding_mode", "device", "dtype"];
export const CONV_DEFAULTS = { stride: 1, padding: 0, dilation: 1, groups: 1, bias: true, padding_mode: "zeros" };
/** ConvTranspose1d/2d/3d's, likewise. */
export const CONVT_NAMES = ["stride", "padding", "output_padding", "groups", "bias", "dilation", "padding_mode", "device", "dtype"];
export const CONVT_DEFAULTS = { stride: 1, padding: 0, output_padding: 0, groups: 1, bias: true, dilation: 1, padding_mode: "zeros" };

const convSpec = (name: string, args: ConvArgs): ConvSpec =>
  ({ ...parseArgs(name, args, CONV_NAMES, CONV_DEFAULTS), transposed: false, output_padding: 0 }) as ConvSpec;

abstract class _Conv extends _ConvNd {
  abstract _fn(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | null,
    stride: number[],
    padding: number[] | string,
    dilation: number[],
    groups: number,
  ): Tensor;

  _conv_forward(input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
    if (this.padding_mode !== "zeros") {
      const x = F.pad(input, this._reversed_padding_repeated_twice, this.padding_mode);
      return this._fn(
        x,
        weight,
        bias,
        this.stride,
        this.kernel_size.map(() => 0),
        this.dilation,
        this.groups,
      );
    }
    return this._fn(input, weight, bias, this.stride, this.padding, this.dilation, this.groups);
  }

  override forward(input: Tensor): Tensor {
    return this._conv_forward(input, this.weight, this.bias);
  }
}

export class Conv1d extends _Conv {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrTuple, ...args: ConvArgs) {
    super(1, in_channels, out_channels, kernel_size, convSpec("Conv1d", args));
  }
  _fn(x: Tensor, w: Tensor, b: Tensor | null, stride: number[], padding: number[] | string, dilation: number[], groups: number): Tensor {
    return F.conv1d(x, w, b, stride, padding as ConvPadding, dilation, groups);
  }
}

export class Conv2d extends _Conv {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrTuple, ...args: ConvArgs) {
    super(2, in_channels, out_channels, kernel_size, convSpec("Conv2d", args));
  }
  _fn(x: Tensor, w: Tensor, b: Tensor | null, stride: number[], padding: number[] | string, dilation: number[], groups: number): Tensor {
    return F.conv2d(x, w, b, stride, padding as ConvPadding, dilation, groups);
  }
}

export class Conv3d extends _Conv {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrTuple, ...args: ConvArgs) {
    super(3, in_channels, out_channels, kernel_size, convSpec("Conv3d", args));
  }
  _fn(x: Tensor, w: Tensor, b: Tensor | null, stride: number[], padding: number[] | string, dilation: number[], groups: number): Tensor {
    return F.conv3d(x, w, b, stride, padding as ConvPadding, dilation, groups);
  }
}

const convTSpec = (name: string, args: ConvTArgs): ConvSpec => {
  const o = parseArgs(name, args, CONVT_NAMES, CONVT_DEFAULTS);
  if (o.padding_mode !== "zeros") throw new TorchError(`Only "zeros" padding mode is supported for ${name}`);
  return { ...o, transposed: true } as ConvSpec;
};

type OutputSizeArg = readonly number[] | null;

abstract class _ConvTranspose extends _ConvNd {
  abstract _fn(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | null,
    stride: number[],
    padding: number[],
    output_padding: number[],
    groups: number,
    dilation: number[],
  ): Tensor;

  /** PyTorch's _output_padding: the output_padding that yields `output_size` (its last nd entries). */
  _output_padding(
    input: Tensor,
    output_size: OutputSizeArg,
    stride: number[],
    padding: number[],
    kernel_size: number[],
    dilation: number[],
  ): number[] {
    if (output_size === null) return this.output_padding;
    const nd = kernel_size.length,
      nonSpatial = input.ndim === nd + 2 ? 2 : 1;
    let size = [...output_size];
    if (size.length === nonSpatial + nd) size = size.slice(nonSpatial);
    if (size.length !== nd)
      throw new TorchError(
        `ConvTranspose${nd}D: for ${input.ndim}D input, output_size must have ${nd} or ${nonSpatial + nd} elements (got ${output_size.length})`,
      );
    const sp = input.shape.slice(input.ndim - nd);
    const mins = sp.map((L, d) => (L - 1) * stride[d]! - 2 * padding[d]! + dilation[d]! * (kernel_size[d]! - 1) + 1);
    const maxs = mins.map((m, d) => m + stride[d]! - 1);
    return size.map((want, d) => {
      const min = mins[d]!;
      if (want < min || want > maxs[d]!) {
        throw new TorchError(
          `requested an output size of [${size.join(", ")}], but valid sizes range from [${mins.join(", ")}] to [${maxs.join(", ")}] (for an input of torch.Size([${sp.join(", ")}]))`,
        );
      }
      return want - min;
    });
  }

  override forward(input: Tensor, output_size: OutputSizeArg = null): Tensor {
    const padding = this.padding as number[];
    const op = this._output_padding(input, output_size, this.stride, padding, this.kernel_size, this.dilation);
    return this._fn(input, this.weight, this.bias, this.stride, padding, op, this.groups, this.dilation);
  }
}

export class ConvTranspose1d extends _ConvTranspose {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrTuple, ...args: ConvTArgs) {
    super(1, in_channels, out_channels, kernel_size, convTSpec("ConvTranspose1d", args));
  }
  _fn(x: Tensor, w: Tensor, b: Tensor | null, s: number[], p: number[], op: number[], g: number, d: number[]): Tensor {
    return F.conv_transpose1d(x, w, b, s, p, op, g, d);
  }
}

export class ConvTranspose2d extends _ConvTranspose {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrTuple, ...args: ConvTArgs) {
    super(2, in_channels, out_channels, kernel_size, convTSpec("ConvTranspose2d", args));
  }
  _fn(x: Tensor, w: Tensor, b: Tensor | null, s: number[], p: number[], op: number[], g: number, d: number[]): Tensor {
    return F.conv_transpose2d(x, w, b, s, p, op, g, d);
  }
}

export class ConvTranspose3d extends _ConvTranspose {
  constructor(in_channels: number, out_channels: number, kernel_size: IntOrTuple, ...args: ConvTArgs) {
    super(3, in_channels, out_channels, kernel_size, convTSpec("ConvTranspose3d", args));
  }
  _fn(x: Tensor, w: Tensor, b: Tensor | null, s: number[], p: number[], op: number[], g: number, d: number[]): Tensor {
    return F.conv_transpose3d(x, w, b, s, p, op, g, d);
  }
}
