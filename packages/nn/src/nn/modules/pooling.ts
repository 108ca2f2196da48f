// MaxPool1d/2d/3d, AvgPool1d/2d/3d, AdaptiveAvgPool1d/2d/3d,
// AdaptiveMaxPool1d/2d/3d: thin modules over the functional pools, with
// PyTorch 1.13's attributes and reprs.
import { TorchError } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import type { IntOrTuple } from "../functional/conv.js";
import type { AvgPool1dArgs, AvgPoolArgs, OutputSize } from "../functional/pooling.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";

type MaxPoolKw = { stride?: IntOrTuple | null; padding?: IntOrTuple; dilation?: IntOrTuple; return_indices?: boolean; ceil_mode?: boolean };
type MaxPoolArgs = Args<
  [stride: IntOrTuple | null, padding: IntOrTuple, dilation: IntOrTuple, return_indices: boolean, ceil_mode: boolean],
  MaxPoolKw
>;

const r = (v: unknown) => pyRepr(v);

/** What a max-pool module returns: [values, indices] for `new MaxPool2d<true>(k, { return_indices: true })`, else the values. */
export type PoolOutput<R extends boolean> = R extends true ? Tensor[] : Tensor;

export class _MaxPoolNd<R extends boolean = false> extends Module {
  kernel_size: IntOrTuple;
  stride: IntOrTuple;
  padding: IntOrTuple;
  dilation: IntOrTuple;
  return_indices: R;
  ceil_mode: boolean;
  /** Module arguments: note return_indices comes before ceil_mode here, unlike F.max_pool2d. */
  constructor(kernel_size: IntOrTuple, ...args: MaxPoolArgs) {
    super();
    const o = parseArgs(new.target.name, args, ["stride", "padding", "dilation", "return_indices", "ceil_mode"], {
      stride: null,
      padding: 0,
      dilation: 1,
      return_indices: false,
      ceil_mode: false,
    });
    this.kernel_size = kernel_size;
    this.stride = o.stride ?? kernel_size;
    this.padding = o.padding;
    this.dilation = o.dilation;
    this.return_indices = o.return_indices as R;
    this.ceil_mode = o.ceil_mode;
  }
  _fn(_x: Tensor): PoolOutput<R> {
    throw new TorchError("abstract");
  }
  override forward(input: Tensor): PoolOutput<R> {
    return this._fn(input);
  }
  override extra_repr(): string {
    return `kernel_size=${r(this.kernel_size)}, stride=${r(this.stride)}, padding=${r(this.padding)}, dilation=${r(this.dilation)}, ceil_mode=${r(this.ceil_mode)}`;
  }
}

export class MaxPool1d<R extends boolean = false> extends _MaxPoolNd<R> {
  override _fn(x: Tensor): PoolOutput<R> {
    return F.max_pool1d(x, this.kernel_size, this.stride, this.padding, this.dilation, {
      ceil_mode: this.ceil_mode,
      return_indices: this.return_indices,
    }) as PoolOutput<R>;
  }
}
export class MaxPool2d<R extends boolean = false> extends _MaxPoolNd<R> {
  override _fn(x: Tensor): PoolOutput<R> {
    return F.max_pool2d(x, this.kernel_size, this.stride, this.padding, this.dilation, {
      ceil_mode: this.ceil_mode,
      return_indices: this.return_indices,
    }) as PoolOutput<R>;
  }
}
export class MaxPool3d<R extends boolean = false> extends _MaxPoolNd<R> {
  override _fn(x: Tensor): PoolOutput<R> {
    return F.max_pool3d(x, this.kernel_size, this.stride, this.padding, this.dilation, {
      ceil_mode: this.ceil_mode,
      return_indices: this.return_indices,
    }) as PoolOutput<R>;
  }
}

const single = (v: IntOrTuple): number[] => (typeof v === "number" ? [v] : [...v]);

/** AvgPool1d keeps its sizes as 1-tuples (_single), as PyTorch 1.13 does. */
export class AvgPool1d extends Module {
  kernel_size: number[];
  stride: number[];
  padding: number[];
  ceil_mode: boolean;
  count_include_pad: boolean;
  constructor(kernel_size: IntOrTuple, ...args: AvgPool1dArgs) {
    super();
    const o = parseArgs("AvgPool1d", args, ["stride", "padding", "ceil_mode", "count_include_pad"], {
      stride: null,
      padding: 0,
      ceil_mode: false,
      count_include_pad: true,
    });
    this.kernel_size = single(kernel_size);
    this.stride = single(o.stride ?? kernel_size);
    this.padding = single(o.padding);
    this.ceil_mode = o.ceil_mode;
    this.count_include_pad = o.count_include_pad;
  }
  override forward(input: Tensor): Tensor {
    return F.avg_pool1d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode, this.count_include_pad);
  }
  override extra_repr(): string {
    return `kernel_size=${r(this.kernel_size)}, stride=${r(this.stride)}, padding=${r(this.padding)}`;
  }
}

export class _AvgPoolNd extends Module {
  kernel_size: IntOrTuple;
  stride: IntOrTuple;
  padding: IntOrTuple;
  ceil_mode: boolean;
  count_include_pad: boolean;
  divisor_override: number | null;
  constructor(kernel_size: IntOrTuple, ...args: AvgPoolArgs) {
    super();
    const o = parseArgs(new.target.name, args, ["stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"], {
      stride: null,
      padding: 0,
      ceil_mode: false,
      count_include_pad: true,
      divisor_override: null,
    });
    this.kernel_size = kernel_size;
    this.stride = o.stride ?? kernel_size;
    this.padding = o.padding;
    this.ceil_mode = o.ceil_mode;
    this.count_include_pad = o.count_include_pad;
    this.divisor_override = o.divisor_override;
  }
  override extra_repr(): string {
    return `kernel_size=${r(this.kernel_size)}, stride=${r(this.stride)}, padding=${r(this.padding)}`;
  }
}

export class AvgPool2d extends _AvgPoolNd {
  override forward(input: Tensor): Tensor {
    return F.avg_pool2d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode, this.count_include_pad, this.divisor_override);
  }
}
export class AvgPool3d extends _AvgPoolNd {
  override forward(input: Tensor): Tensor {
    return F.avg_pool3d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode, this.count_include_pad, this.divisor_override);
  }
}

export class _AdaptiveAvgPoolNd extends Module {
  output_size: OutputSize;
  constructor(output_size: OutputSize) {
    super();
    this.output_size = output_size;
  }
  override extra_repr(): string {
    return `output_size=${r(this.output_size)}`;
  }
}
export class AdaptiveAvgPool1d extends _AdaptiveAvgPoolNd {
  override forward(input: Tensor): Tensor {
    return F.adaptive_avg_pool1d(input, this.output_size);
  }
}
export class AdaptiveAvgPool2d extends _AdaptiveAvgPoolNd {
  override forward(input: Tensor): Tensor {
    return F.adaptive_avg_pool2d(input, this.output_size);
  }
}
export class AdaptiveAvgPool3d extends _AdaptiveAvgPoolNd {
  override forward(input: Tensor): Tensor {
    return F.adaptive_avg_pool3d(input, this.output_size);
  }
}

export class _AdaptiveMaxPoolNd<R extends boolean = false> extends Module {
  output_size: OutputSize;
  return_indices: R;
  constructor(output_size: OutputSize, ...args: Args<[return_indices: boolean], { return_indices?: boolean }>) {
    super();
    this.output_size = output_size;
    this.return_indices = parseArgs(new.target.name, args, ["return_indices"], { return_indices: false }).return_indices as R;
  }
  override extra_repr(): string {
    return `output_size=${r(this.output_size)}`;
  }
}
export class AdaptiveMaxPool1d<R extends boolean = false> extends _AdaptiveMaxPoolNd<R> {
  override forward(input: Tensor): PoolOutput<R> {
    return F.adaptive_max_pool1d(input, this.output_size, this.return_indices) as PoolOutput<R>;
  }
}
export class AdaptiveMaxPool2d<R extends boolean = false> extends _AdaptiveMaxPoolNd<R> {
  override forward(input: Tensor): PoolOutput<R> {
    return F.adaptive_max_pool2d(input, this.output_size, this.return_indices) as PoolOutput<R>;
  }
}
export class AdaptiveMaxPool3d<R extends boolean = false> extends _AdaptiveMaxPoolNd<R> {
  override forward(input: Tensor): PoolOutput<R> {
    return F.adaptive_max_pool3d(input, this.output_size, this.return_indices) as PoolOutput<R>;
  }
}
