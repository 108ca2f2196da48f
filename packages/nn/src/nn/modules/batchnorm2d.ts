// BatchNorm2d and BatchNorm3d: PyTorch's _BatchNorm (running stats,
// train/eval, momentum incl. None, affine) with their input-rank checks.
import { TorchError } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { _BatchNorm } from "./batchnorm.js";

export class BatchNorm2d extends _BatchNorm {
  override _check_input_dim(input: Tensor): void {
    if (input.ndim !== 4) throw new TorchError(`expected 4D input (got ${input.ndim}D input)`);
  }
}

export class BatchNorm3d extends _BatchNorm {
  override _check_input_dim(input: Tensor): void {
    if (input.ndim !== 5) throw new TorchError(`expected 5D input (got ${input.ndim}D input)`);
  }
}
