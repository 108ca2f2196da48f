// nn.LPPool1d / nn.LPPool2d (F.lp_pool1d/2d in a module) and nn.Softmax2d
// (softmax over the channel dim of a 3-D or 4-D input), as PyTorch 1.13 has them.
import { TorchError, type Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { softmax } from "../functional/activation.js";
import type { IntOrTuple } from "../functional/conv.js";
import { lp_pool1d, lp_pool2d } from "../functional/lp_pool.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";

type LpArgs = Args<[stride: IntOrTuple | null, ceil_mode: boolean], { stride?: IntOrTuple | null; ceil_mode?: boolean }>;

class LPPoolNd extends Module {
  norm_type: number;
  kernel_size: IntOrTuple;
  stride: IntOrTuple | null;
  ceil_mode: boolean;
  constructor(name: string, norm_type: number, kernel_size: IntOrTuple, args: readonly unknown[]) {
    super();
    const o = parseArgs(name, args, ["stride", "ceil_mode"], { stride: null, ceil_mode: false });
    this.norm_type = norm_type;
    this.kernel_size = kernel_size;
    this.stride = o.stride;
    this.ceil_mode = o.ceil_mode;
  }
  override extra_repr(): string {
    return `norm_type=${pyRepr(this.norm_type)}, kernel_size=${pyRepr(this.kernel_size)}, stride=${pyRepr(this.stride)}, ceil_mode=${pyRepr(this.ceil_mode)}`;
  }
}

/** nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=False). */
export class LPPool1d extends LPPoolNd {
  constructor(norm_type: number, kernel_size: IntOrTuple, ...args: LpArgs) {
    super("LPPool1d", norm_type, kernel_size, args);
  }
  override forward(input: Tensor): Tensor {
    return lp_pool1d(input, this.norm_type, this.kernel_size, this.stride, this.ceil_mode);
  }
}
/** nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False). */
export class LPPool2d extends LPPoolNd {
  constructor(norm_type: number, kernel_size: IntOrTuple, ...args: LpArgs) {
    super("LPPool2d", norm_type, kernel_size, args);
  }
  override forward(input: Tensor): Tensor {
    return lp_pool2d(input, this.norm_type, this.kernel_size, this.stride, this.ceil_mode);
  }
}

/** nn.Softmax2d(): softmax over dim -3 (the channels of (C, H, W) or (N, C, H, W)). */
export class Softmax2d extends Module {
  override forward(input: Tensor): Tensor {
    // PyTorch asserts this (AssertionError with this text)
    if (input.ndim !== 3 && input.ndim !== 4) throw new TorchError("Softmax2d requires a 3D or 4D tensor as input");
    return softmax(input, -3);
  }
}
