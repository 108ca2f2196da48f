// nn.SyncBatchNorm (PyTorch 1.13): BatchNorm's parameters and buffers over an
// (N, C, +) input, synchronizing the batch statistics across processes. Its
// forward takes only GPU input, and neither the cpu nor the xla device is a
// GPU, so the forward refuses every input as PyTorch does on CPU; the module
// still holds, saves and loads BatchNorm's state, and convert_sync_batchnorm
// turns the BatchNorm layers of a model into SyncBatchNorm ones.
import type { Tensor } from "@xlatorch/core";
import { TorchError } from "@xlatorch/core";
import { type Args, parseArgs } from "../args.js";
import { Module } from "../module.js";
import { _BatchNorm } from "./batchnorm.js";
import type { Factory } from "./linear.js";

type SyncKw = {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
  process_group?: unknown;
} & Factory;

export class SyncBatchNorm extends _BatchNorm {
  process_group: unknown;
  /** SyncBatchNorm(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, process_group=None, device=None, dtype=None) */
  constructor(
    num_features: number,
    ...args: Args<[eps: number, momentum: number | null, affine: boolean, track_running_stats: boolean, process_group: unknown], SyncKw>
  ) {
    const o = parseArgs("SyncBatchNorm", args, ["eps", "momentum", "affine", "track_running_stats", "process_group", "device", "dtype"]);
    const { process_group, ...kw } = o;
    super(num_features, kw as SyncKw);
    this.process_group = process_group ?? null;
  }

  override _check_input_dim(input: Tensor): void {
    if (input.ndim < 2) throw new TorchError(`expected at least 2D input (got ${input.ndim}D input)`);
  }

  override forward(_input: Tensor): Tensor {
    throw new TorchError("SyncBatchNorm expected input tensor to be on GPU");
  }

  /** The module with each _BatchNorm in it (itself included) replaced by a SyncBatchNorm sharing its parameters and buffers. */
  static convert_sync_batchnorm(module: Module, process_group: unknown = null): Module {
    let out = module;
    if (module instanceof _BatchNorm) {
      const s = new SyncBatchNorm(
        module.num_features,
        module.eps,
        module.momentum,
        module.affine,
        module.track_running_stats,
        process_group,
      );
      if (module.affine) {
        s.weight = module.weight;
        s.bias = module.bias;
      }
      s.running_mean = module.running_mean;
      s.running_var = module.running_var;
      s.num_batches_tracked = module.num_batches_tracked;
      if ("qconfig" in module) (s as unknown as { qconfig: unknown }).qconfig = (module as unknown as { qconfig: unknown }).qconfig;
      out = s;
    }
    for (const [name, child] of module.named_children()) out.add_module(name, SyncBatchNorm.convert_sync_batchnorm(child, process_group));
    return out;
  }
}
