// InstanceNorm1d/2d/3d (PyTorch's _InstanceNorm): affine weight/bias and,
// with track_running_stats, the running_mean/running_var/num_batches_tracked
// buffers of _NormBase; an unbatched input is normalized as a batch of one.
import { type Tensor, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import { pyFloat, pyRepr } from "../repr.js";
import { _NormBase } from "./batchnorm.js";
import type { Factory } from "./linear.js";

type InstanceNormKw = { eps?: number; momentum?: number; affine?: boolean; track_running_stats?: boolean } & Factory;

export class _InstanceNorm extends _NormBase {
  declare momentum: number;
  /** The number of dims of an unbatched input (2 for InstanceNorm1d: (C, L)). */
  protected noBatchDim = 2;

  constructor(
    num_features: number,
    ...args: Args<[eps: number, momentum: number, affine: boolean, track_running_stats: boolean], InstanceNormKw>
  ) {
    super(num_features, args, { affine: false, track_running_stats: false });
  }

  _check_input_dim(input: Tensor): void {
    const n = this.noBatchDim;
    if (input.ndim !== n && input.ndim !== n + 1) throw new TorchError(`expected ${n}D or ${n + 1}D input (got ${input.ndim}D input)`);
  }

  override forward(input: Tensor): Tensor {
    this._check_input_dim(input);
    // PyTorch 1.13 checks no channel count here (later versions do): F.instance_norm refuses a weight or
    // running stats of the wrong size, and a module loaded while lazy keeps num_features 0 yet runs
    const batched = input.ndim === this.noBatchDim ? input.unsqueeze(0) : input;
    const y = F.instance_norm(
      batched,
      this.running_mean,
      this.running_var,
      this.weight,
      this.bias,
      this.training || !this.track_running_stats,
      this.momentum,
      this.eps,
    );
    return input.ndim === this.noBatchDim ? y.squeeze(0) : y;
  }

  override extra_repr(): string {
    return `${this.num_features}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyRepr(this.affine)}, track_running_stats=${pyRepr(this.track_running_stats)}`;
  }
}

export class InstanceNorm1d extends _InstanceNorm {
  protected override noBatchDim = 2;
}
export class InstanceNorm2d extends _InstanceNorm {
  protected override noBatchDim = 3;
}
export class InstanceNorm3d extends _InstanceNorm {
  protected override noBatchDim = 4;
}
