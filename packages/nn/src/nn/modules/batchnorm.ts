// BatchNorm1d (PyTorch's _BatchNorm with the 1-D input check).
import { Tensor, empty, int64, no_grad, ones, tensor, zeros, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyFloat, pyRepr } from "../repr.js";
import { factory, type Factory } from "./linear.js";

type BatchNormKw = { eps?: number; momentum?: number | null; affine?: boolean; track_running_stats?: boolean } & Factory;

/**
 * PyTorch's _NormBase: the affine weight/bias and, with track_running_stats,
 * the running_mean/running_var/num_batches_tracked buffers that BatchNorm and
 * InstanceNorm share; they differ in their defaults for affine and
 * track_running_stats.
 */
export abstract class _NormBase extends Module {
  num_features: number;
  eps: number;
  momentum: number | null;
  affine: boolean;
  track_running_stats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(num_features: number, args: NormArgs, defaults: { affine: boolean; track_running_stats: boolean }) {
    super();
    const o = parseArgs(new.target.name, args, ["eps", "momentum", "affine", "track_running_stats", "device", "dtype"], {
      eps: 1e-5,
      momentum: 0.1,
      ...defaults,
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
}

type NormArgs = Args<[eps: number, momentum: number | null, affine: boolean, track_running_stats: boolean], BatchNormKw>;

export class _BatchNorm extends _NormBase {
  constructor(
    num_features: number,
    ...args: Args<[eps: number, momentum: number | null, affine: boolean, track_running_stats: boolean], BatchNormKw>
  ) {
    super(num_features, args, { affine: true, track_running_stats: true });
  }

  _check_input_dim(_input: Tensor): void {}

  override forward(input: Tensor): Tensor {
    this._check_input_dim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.track_running_stats && this.num_batches_tracked) {
      no_grad(() => this.num_batches_tracked!.add_(1));
      // momentum=None: a cumulative moving average.
      if (this.momentum === null) factor = 1 / Number(this.num_batches_tracked.item());
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const trackStats = !this.training || this.track_running_stats;
    return F.batch_norm(
      input,
      trackStats ? this.running_mean : null,
      trackStats ? this.running_var : null,
      this.weight,
      this.bias,
      useBatchStats,
      factor,
      this.eps,
    );
  }

  override extra_repr(): string {
    return `${this.num_features}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? "None" : pyFloat(this.momentum)}, affine=${pyRepr(this.affine)}, track_running_stats=${pyRepr(this.track_running_stats)}`;
  }
}

export class BatchNorm1d extends _BatchNorm {
  override _check_input_dim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new TorchError(`expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}
