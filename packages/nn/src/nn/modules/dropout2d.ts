// Dropout1d/2d/3d: channel-wise dropout, active in training mode only.
import { TorchError } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import { Module } from "../module.js";
import { pyFloat, pyRepr } from "../repr.js";

export class _DropoutNd extends Module {
  p: number;
  inplace: boolean;
  constructor(...args: Args<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>) {
    super();
    const o = parseArgs(new.target.name, args, ["p", "inplace"], { p: 0.5, inplace: false });
    if (!(o.p >= 0 && o.p <= 1)) throw new TorchError(`dropout probability has to be between 0 and 1, but got ${o.p}`);
    this.p = o.p;
    this.inplace = o.inplace;
  }
  override extra_repr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
}

export class Dropout1d extends _DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout1d(input, this.p, this.training, this.inplace);
  }
}
export class Dropout2d extends _DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout2d(input, this.p, this.training, this.inplace);
  }
}
export class Dropout3d extends _DropoutNd {
  override forward(input: Tensor): Tensor {
    return F.dropout3d(input, this.p, this.training, this.inplace);
  }
}
