// CosineSimilarity, PairwiseDistance.
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import { Module } from "../module.js";

export class CosineSimilarity extends Module {
  dim: number;
  eps: number;
  constructor(...args: Args<[dim: number, eps: number], { dim?: number; eps?: number }>) {
    super();
    const o = parseArgs("CosineSimilarity", args, ["dim", "eps"], { dim: 1, eps: 1e-8 });
    this.dim = o.dim;
    this.eps = o.eps;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosine_similarity(x1, x2, this.dim, this.eps);
  }
}

/** PyTorch keeps p as the attribute `norm`. */
export class PairwiseDistance extends Module {
  norm: number;
  eps: number;
  keepdim: boolean;
  constructor(...args: Args<[p: number, eps: number, keepdim: boolean], { p?: number; eps?: number; keepdim?: boolean }>) {
    super();
    const o = parseArgs("PairwiseDistance", args, ["p", "eps", "keepdim"], { p: 2, eps: 1e-6, keepdim: false });
    this.norm = o.p;
    this.eps = o.eps;
    this.keepdim = o.keepdim;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwise_distance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}
