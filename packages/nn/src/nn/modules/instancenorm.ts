// InstanceNorm1d/2d/3d (PyTorch's _InstanceNorm): affine weight/bias and,
// with track_running_stats, the running_mean/running_var/num_batches_tracked
// buffers of _NormBase; an unbatched input is normalized as a batch of one.
import { Tensor, empty, int64, no_grad, ones, tensor, zeros, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyFloat, pyRepr } from "../repr.js";
import { factory, type Factory } from "./linear.js";

type InstanceNormKw = { eps?: number; momentum?: number; affine?: boolean; track_running_stats?: boolean } & Factory;

export class _InstanceNorm extends Module {
  num_features: number;
  eps: number;
  momentum: number;
  affine: boolean;
  track_running_stats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  /** The number of dims of an unbatched input (2 for InstanceNorm1d: (C, L)). */
  protected noBatchDim = 2;

  constructor(
    num_features: number,
    ...args: Args<[eps: number, momentum: number, affine: boolean, track_running_stats: boolean], InstanceNormKw>
  ) {
    super();
    const o = parseArgs(new.target.name, args, ["eps", "momentum", "affine", "track_running_stats", "device", "dtype"], {
      eps: 1e-5,
      momentum: 0.1,
      affine: false,
      track_running_stats: false,
    });
    const fk = factory(o);
    this.num_features = num_features;
    this.eps = o.eps;
    this.momentum = o.momentum;
    this.affine = o.affine;
    this.track_running_stats = o.track_running_stats;
    this.weight = o.affine ? new Parameter(empty([num_features], fk)) : null;
    this.bias = o.affine ? new Parameter(empty([num_features], fk)) : null;
    if (o.track_running_stats) {
      this.register_buffer("running_mean", zeros([num_features], fk));
      this.register_buffer("running_var", ones([num_features], fk));
      this.register_buffer("num_batches_tracked", tensor(0, { dtype: int64, ...(o.device ? { device: o.device } : {}) }));
    } else {
      this.register_buffer("running_mean", null);
      this.register_buffer("running_var", null);
      this.register_buffer("num_batches_tracked", null);
    }
    this.reset_parameters();
  }

  reset_running_stats(): void {
    if (!this.track_running_stats) return;
    no_grad(() => {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    });
  }

  reset_parameters(): void {
    this.reset_running_stats();
    if (this.affine) {
      init.ones_(this.weight!);
      init.zeros_(this.bias!);
    }
  }

  _check_input_dim(input: Tensor): void {
    const n = this.noBatchDim;
    if (input.ndim !== n && input.ndim !== n + 1) throw new TorchError(`expected ${n}D or ${n + 1}D input (got ${input.ndim}D input)`);
  }

  override forward(input: Tensor): Tensor {
    this._check_input_dim(input);
    const featureDim = input.ndim - this.noBatchDim;
    if (input.shape[featureDim] !== this.num_features && this.affine)
      throw new TorchError(
        `expected input's size at dim=${featureDim} to match num_features (${this.num_features}), but got: ${input.shape[featureDim]}.`,
      );
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
