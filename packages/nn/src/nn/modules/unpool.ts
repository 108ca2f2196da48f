// MaxUnpool1d/2d/3d, FractionalMaxPool2d/3d and CTCLoss: thin modules over
// functional/unpool.ts and functional/ctc_loss.ts with PyTorch 1.13's
// attributes and reprs.
import { TorchError, TorchTypeError } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args, type Reduction } from "../args.js";
import type { IntOrTuple } from "../functional/conv.js";
import { ctc_loss } from "../functional/ctc_loss.js";
import { fractional_max_pool2d, fractional_max_pool3d, max_unpool1d, max_unpool2d, max_unpool3d } from "../functional/unpool.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";

const ntuple = (v: IntOrTuple, n: number): number[] => (typeof v === "number" ? Array(n).fill(v) : [...v]);

export class _MaxUnpoolNd extends Module {
  kernel_size: number[];
  stride: number[];
  padding: number[];
  constructor(
    nd: number,
    kernel_size: IntOrTuple,
    args: Args<[stride: IntOrTuple | null, padding: IntOrTuple], { stride?: IntOrTuple | null; padding?: IntOrTuple }>,
  ) {
    super();
    const o = parseArgs(`MaxUnpool${nd}d`, args, ["stride", "padding"], { stride: null, padding: 0 });
    this.kernel_size = ntuple(kernel_size, nd);
    this.stride = ntuple(o.stride ?? kernel_size, nd);
    this.padding = ntuple(o.padding, nd);
  }
  override extra_repr(): string {
    return `kernel_size=${pyRepr(this.kernel_size)}, stride=${pyRepr(this.stride)}, padding=${pyRepr(this.padding)}`;
  }
}
type UnpoolCtorArgs = Args<[stride: IntOrTuple | null, padding: IntOrTuple], { stride?: IntOrTuple | null; padding?: IntOrTuple }>;
type OutputSizeArg = readonly number[] | null;

/** nn.MaxUnpool1d(kernel_size, stride=None, padding=0); forward(input, indices, output_size=None). */
export class MaxUnpool1d extends _MaxUnpoolNd {
  constructor(kernel_size: IntOrTuple, ...args: UnpoolCtorArgs) {
    super(1, kernel_size, args);
  }
  override forward(input: Tensor, indices: Tensor, output_size: OutputSizeArg = null): Tensor {
    return max_unpool1d(input, indices, this.kernel_size, this.stride, this.padding, output_size);
  }
}
/** nn.MaxUnpool2d(kernel_size, stride=None, padding=0); forward(input, indices, output_size=None). */
export class MaxUnpool2d extends _MaxUnpoolNd {
  constructor(kernel_size: IntOrTuple, ...args: UnpoolCtorArgs) {
    super(2, kernel_size, args);
  }
  override forward(input: Tensor, indices: Tensor, output_size: OutputSizeArg = null): Tensor {
    return max_unpool2d(input, indices, this.kernel_size, this.stride, this.padding, output_size);
  }
}
/** nn.MaxUnpool3d(kernel_size, stride=None, padding=0); forward(input, indices, output_size=None). */
export class MaxUnpool3d extends _MaxUnpoolNd {
  constructor(kernel_size: IntOrTuple, ...args: UnpoolCtorArgs) {
    super(3, kernel_size, args);
  }
  override forward(input: Tensor, indices: Tensor, output_size: OutputSizeArg = null): Tensor {
    return max_unpool3d(input, indices, this.kernel_size, this.stride, this.padding, output_size);
  }
}

type FracKw = {
  output_size?: IntOrTuple | null;
  output_ratio?: number | readonly number[] | null;
  return_indices?: boolean;
  _random_samples?: Tensor | null;
};
type FracCtorArgs = Args<
  [
    output_size: IntOrTuple | null,
    output_ratio: number | readonly number[] | null,
    return_indices: boolean,
    _random_samples: Tensor | null,
  ],
  FracKw
>;

export class _FractionalMaxPoolNd extends Module {
  kernel_size: number[];
  output_size: number[] | null;
  output_ratio: number[] | null;
  return_indices: boolean;
  declare _random_samples: Tensor | null;
  constructor(nd: number, kernel_size: IntOrTuple, args: FracCtorArgs) {
    super();
    const name = `FractionalMaxPool${nd}d`;
    const o = parseArgs(name, args, ["output_size", "output_ratio", "return_indices", "_random_samples"], {
      output_size: null,
      output_ratio: null,
      return_indices: false,
      _random_samples: null,
    });
    this.kernel_size = ntuple(kernel_size, nd);
    this.return_indices = !!o.return_indices;
    this.register_buffer("_random_samples", o._random_samples ?? null);
    this.output_size = o.output_size === null ? null : ntuple(o.output_size, nd);
    this.output_ratio = o.output_ratio === null ? null : ntuple(o.output_ratio as IntOrTuple, nd);
    if (this.output_size === null && this.output_ratio === null)
      throw new TorchError(`${name} requires specifying either an output size, or a pooling ratio`);
    if (this.output_size !== null && this.output_ratio !== null)
      throw new TorchError("only one of output_size and output_ratio may be specified");
    for (const r of this.output_ratio ?? [])
      if (!(r > 0 && r < 1)) throw new TorchError(`output_ratio must be between 0 and 1 (got ${pyRepr(o.output_ratio)})`);
  }
}
/** nn.FractionalMaxPool2d(kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export class FractionalMaxPool2d extends _FractionalMaxPoolNd {
  constructor(kernel_size: IntOrTuple, ...args: FracCtorArgs) {
    super(2, kernel_size, args);
  }
  override forward(input: Tensor): Tensor | Tensor[] {
    return fractional_max_pool2d(input, this.kernel_size, this.output_size, this.output_ratio, this.return_indices, this._random_samples);
  }
}
/** nn.FractionalMaxPool3d(kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None). */
export class FractionalMaxPool3d extends _FractionalMaxPoolNd {
  constructor(kernel_size: IntOrTuple, ...args: FracCtorArgs) {
    super(3, kernel_size, args);
  }
  override forward(input: Tensor): Tensor | Tensor[] {
    return fractional_max_pool3d(input, this.kernel_size, this.output_size, this.output_ratio, this.return_indices, this._random_samples);
  }
}

/** nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False). */
export class CTCLoss extends Module {
  blank: number;
  reduction: Reduction;
  zero_infinity: boolean;
  constructor(
    ...args: Args<
      [blank: number, reduction: Reduction, zero_infinity: boolean],
      { blank?: number; reduction?: Reduction; zero_infinity?: boolean }
    >
  ) {
    super();
    const o = parseArgs("CTCLoss", args, ["blank", "reduction", "zero_infinity"], { blank: 0, reduction: "mean", zero_infinity: false });
    this.blank = o.blank;
    this.reduction = o.reduction;
    this.zero_infinity = !!o.zero_infinity;
  }
  /** forward(log_probs, targets, input_lengths, target_lengths): the lengths also by keyword, as PyTorch's module call takes them. */
  override forward(
    log_probs: Tensor,
    targets: Tensor,
    ...args: Args<
      [input_lengths: Tensor | readonly number[], target_lengths: Tensor | readonly number[]],
      { input_lengths?: Tensor | readonly number[]; target_lengths?: Tensor | readonly number[] }
    >
  ): Tensor {
    const o = parseArgs("forward", args, ["input_lengths", "target_lengths"]);
    for (const k of ["input_lengths", "target_lengths"] as const)
      if (o[k] === undefined) throw new TorchTypeError(`forward() missing 1 required positional argument: '${k}'`);
    return ctc_loss(log_probs, targets, o.input_lengths, o.target_lengths, this.blank, this.reduction, this.zero_infinity);
  }
}
