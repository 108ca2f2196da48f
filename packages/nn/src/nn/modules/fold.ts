// nn.Unfold and nn.Fold: the modules of F.unfold / F.fold (im2col / col2im),
// keeping PyTorch 1.13's attributes as given (an int stays an int) and its repr.
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { fold, unfold, type IntOrTuple } from "../functional/conv.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";

type WindowArgs = Args<
  [dilation: IntOrTuple, padding: IntOrTuple, stride: IntOrTuple],
  { dilation?: IntOrTuple; padding?: IntOrTuple; stride?: IntOrTuple }
>;
const WINDOW = ["dilation", "padding", "stride"] as const;
const WINDOW_DEFAULTS = { dilation: 1, padding: 0, stride: 1 };

/** nn.Unfold(kernel_size, dilation=1, padding=0, stride=1): sliding local blocks of a (N, C, H, W) input as columns. */
export class Unfold extends Module {
  kernel_size: IntOrTuple;
  dilation: IntOrTuple;
  padding: IntOrTuple;
  stride: IntOrTuple;
  constructor(kernel_size: IntOrTuple, ...args: WindowArgs) {
    super();
    const o = parseArgs("Unfold", args, WINDOW, WINDOW_DEFAULTS);
    this.kernel_size = kernel_size;
    this.dilation = o.dilation;
    this.padding = o.padding;
    this.stride = o.stride;
  }
  override forward(input: Tensor): Tensor {
    return unfold(input, this.kernel_size, this.dilation, this.padding, this.stride);
  }
  override extra_repr(): string {
    return `kernel_size=${pyRepr(this.kernel_size)}, dilation=${pyRepr(this.dilation)}, padding=${pyRepr(this.padding)}, stride=${pyRepr(this.stride)}`;
  }
}

/** nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1): columns summed back into an image. */
export class Fold extends Module {
  output_size: IntOrTuple;
  kernel_size: IntOrTuple;
  dilation: IntOrTuple;
  padding: IntOrTuple;
  stride: IntOrTuple;
  constructor(output_size: IntOrTuple, kernel_size: IntOrTuple, ...args: WindowArgs) {
    super();
    const o = parseArgs("Fold", args, WINDOW, WINDOW_DEFAULTS);
    this.output_size = output_size;
    this.kernel_size = kernel_size;
    this.dilation = o.dilation;
    this.padding = o.padding;
    this.stride = o.stride;
  }
  override forward(input: Tensor): Tensor {
    return fold(input, this.output_size, this.kernel_size, this.dilation, this.padding, this.stride);
  }
  override extra_repr(): string {
    return `output_size=${pyRepr(this.output_size)}, kernel_size=${pyRepr(this.kernel_size)}, dilation=${pyRepr(this.dilation)}, padding=${pyRepr(this.padding)}, stride=${pyRepr(this.stride)}`;
  }
}
