// Dropout: active in training mode only.
import { TorchError } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import { Module } from "../module.js";
import { pyFloat, pyRepr } from "../repr.js";

export class Dropout extends Module {
  p: number;
  inplace: boolean;
  constructor(...args: Args<[p: number, inplace: boolean], { p?: number; inplace?: boolean }>) {
    super();
    const o = parseArgs("Dropout", args, ["p", "inplace"], { p: 0.5, inplace: false });
    if (!(o.p >= 0 && o.p <= 1)) throw new TorchError(`dropout probability has to be between 0 and 1, but got ${o.p}`);
    this.p = o.p;
    this.inplace = o.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.inplace);
  }
  override extra_repr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyRepr(this.inplace)}`;
  }
}

/** AlphaDropout: as PyTorch 1.13's, forward ignores `inplace` (kept for the repr). */
export class AlphaDropout extends Dropout {
  override forward(input: Tensor): Tensor {
    return F.alpha_dropout(input, this.p, this.training);
  }
}

/** FeatureAlphaDropout: as PyTorch 1.13's, forward ignores `inplace` (kept for the repr). */
export class FeatureAlphaDropout extends Dropout {
  override forward(input: Tensor): Tensor {
    return F.feature_alpha_dropout(input, this.p, this.training);
  }
}
