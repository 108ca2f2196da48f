// Loss modules: hold the reduction (and class weights as a buffer) and call
// nn.functional.
import { TorchError } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args, type Reduction } from "../args.js";
import * as F from "../functional/index.js";
import { checkReduction, legacyReduction } from "../functional/reduction.js";
import { Module } from "../module.js";
import { PairwiseDistance } from "./distance.js";

type LossKw = { size_average?: boolean | null; reduce?: boolean | null; reduction?: Reduction };
type LossArgs = Args<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction], LossKw>;

export class _Loss extends Module {
  reduction: Reduction;
  constructor(...args: LossArgs) {
    super();
    const o = parseArgs(new.target.name, args, ["size_average", "reduce", "reduction"], { reduction: "mean" });
    this.reduction = checkReduction(legacyReduction(o.size_average, o.reduce, o.reduction));
  }
}

/** Losses with per-class weights, registered as the buffer `weight`. */
export class _WeightedLoss extends Module {
  reduction: Reduction = "mean";
  declare weight: Tensor | null;
  protected _init(o: { weight?: Tensor | null; size_average?: boolean | null; reduce?: boolean | null; reduction: string }): void {
    this.register_buffer("weight", o.weight ?? null);
    this.reduction = checkReduction(legacyReduction(o.size_average, o.reduce, o.reduction));
  }
}

export class L1Loss extends _Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1_loss(input, target, { reduction: this.reduction });
  }
}

export class MSELoss extends _Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mse_loss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Module {
  reduction: Reduction;
  beta: number;
  constructor(
    ...args: Args<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction, beta: number], LossKw & { beta?: number }>
  ) {
    super();
    const o = parseArgs("SmoothL1Loss", args, ["size_average", "reduce", "reduction", "beta"], { reduction: "mean", beta: 1 });
    this.reduction = checkReduction(legacyReduction(o.size_average, o.reduce, o.reduction));
    this.beta = o.beta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smooth_l1_loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

type NllKw = LossKw & { weight?: Tensor | null; ignore_index?: number };
export class NLLLoss extends _WeightedLoss {
  ignore_index: number;
  constructor(
    ...args: Args<
      [weight: Tensor | null, size_average: boolean | null, ignore_index: number, reduce: boolean | null, reduction: Reduction],
      NllKw
    >
  ) {
    super();
    const o = parseArgs("NLLLoss", args, ["weight", "size_average", "ignore_index", "reduce", "reduction"], {
      ignore_index: -100,
      reduction: "mean",
    });
    this._init(o);
    this.ignore_index = o.ignore_index;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction });
  }
}

export class CrossEntropyLoss extends _WeightedLoss {
  ignore_index: number;
  label_smoothing: number;
  constructor(
    ...args: Args<
      [
        weight: Tensor | null,
        size_average: boolean | null,
        ignore_index: number,
        reduce: boolean | null,
        reduction: Reduction,
        label_smoothing: number,
      ],
      NllKw & { label_smoothing?: number }
    >
  ) {
    super();
    const o = parseArgs("CrossEntropyLoss", args, ["weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"], {
      ignore_index: -100,
      reduction: "mean",
      label_smoothing: 0,
    });
    this._init(o);
    this.ignore_index = o.ignore_index;
    this.label_smoothing = o.label_smoothing;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.cross_entropy(input, target, {
      weight: this.weight,
      ignore_index: this.ignore_index,
      reduction: this.reduction,
      label_smoothing: this.label_smoothing,
    });
  }
}

type BceKw = LossKw & { weight?: Tensor | null };
export class BCELoss extends _WeightedLoss {
  constructor(...args: Args<[weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], BceKw>) {
    super();
    this._init(parseArgs("BCELoss", args, ["weight", "size_average", "reduce", "reduction"], { reduction: "mean" }));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends _WeightedLoss {
  declare pos_weight: Tensor | null;
  constructor(
    ...args: Args<
      [weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction, pos_weight: Tensor | null],
      BceKw & { pos_weight?: Tensor | null }
    >
  ) {
    super();
    const o = parseArgs("BCEWithLogitsLoss", args, ["weight", "size_average", "reduce", "reduction", "pos_weight"], { reduction: "mean" });
    this._init(o);
    this.register_buffer("pos_weight", o.pos_weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binary_cross_entropy_with_logits(input, target, {
      weight: this.weight,
      pos_weight: this.pos_weight,
      reduction: this.reduction,
    });
  }
}

// ---------------------------------------------------------------------------
// The remaining loss modules of torch.nn (PyTorch 1.13's signatures).

export class KLDivLoss extends Module {
  reduction: Reduction | "batchmean";
  log_target: boolean;
  constructor(
    ...args: Args<
      [size_average: boolean | null, reduce: boolean | null, reduction: Reduction | "batchmean", log_target: boolean],
      Omit<LossKw, "reduction"> & { reduction?: Reduction | "batchmean"; log_target?: boolean }
    >
  ) {
    super();
    const o = parseArgs("KLDivLoss", args, ["size_average", "reduce", "reduction", "log_target"], { reduction: "mean", log_target: false });
    this.reduction =
      (o.size_average ?? null) !== null || (o.reduce ?? null) !== null
        ? checkReduction(legacyReduction(o.size_average, o.reduce, "mean"))
        : o.reduction;
    this.log_target = o.log_target;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.kl_div(input, target, { reduction: this.reduction, log_target: this.log_target });
  }
}

export class HuberLoss extends Module {
  reduction: Reduction;
  delta: number;
  constructor(...args: Args<[reduction: Reduction, delta: number], { reduction?: Reduction; delta?: number }>) {
    super();
    const o = parseArgs("HuberLoss", args, ["reduction", "delta"], { reduction: "mean", delta: 1 });
    this.reduction = checkReduction(o.reduction);
    this.delta = o.delta;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huber_loss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

type MarginArgs = Args<
  [margin: number, size_average: boolean | null, reduce: boolean | null, reduction: Reduction],
  LossKw & { margin?: number }
>;

/** Losses with a margin before the legacy reduction flags. */
class _MarginLoss extends Module {
  margin: number;
  reduction: Reduction;
  constructor(dflt: number, args: MarginArgs, name: string) {
    super();
    const o = parseArgs(name, args, ["margin", "size_average", "reduce", "reduction"], { margin: dflt, reduction: "mean" });
    this.margin = o.margin;
    this.reduction = checkReduction(legacyReduction(o.size_average, o.reduce, o.reduction));
  }
}

export class MarginRankingLoss extends _MarginLoss {
  constructor(...args: MarginArgs) {
    super(0, args, "MarginRankingLoss");
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.margin_ranking_loss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

export class HingeEmbeddingLoss extends _MarginLoss {
  constructor(...args: MarginArgs) {
    super(1, args, "HingeEmbeddingLoss");
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.hinge_embedding_loss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

export class CosineEmbeddingLoss extends _MarginLoss {
  constructor(...args: MarginArgs) {
    super(0, args, "CosineEmbeddingLoss");
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosine_embedding_loss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

export class SoftMarginLoss extends _Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.soft_margin_loss(input, target, { reduction: this.reduction });
  }
}

export class MultiLabelMarginLoss extends _Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabel_margin_loss(input, target, { reduction: this.reduction });
  }
}

export class MultiLabelSoftMarginLoss extends _WeightedLoss {
  constructor(...args: Args<[weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], BceKw>) {
    super();
    this._init(parseArgs("MultiLabelSoftMarginLoss", args, ["weight", "size_average", "reduce", "reduction"], { reduction: "mean" }));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multilabel_soft_margin_loss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class MultiMarginLoss extends _WeightedLoss {
  p: number;
  margin: number;
  constructor(
    ...args: Args<
      [p: number, margin: number, weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction],
      BceKw & { p?: number; margin?: number }
    >
  ) {
    super();
    const o = parseArgs("MultiMarginLoss", args, ["p", "margin", "weight", "size_average", "reduce", "reduction"], {
      p: 1,
      margin: 1,
      reduction: "mean",
    });
    if (o.p !== 1 && o.p !== 2) throw new TorchError("only p == 1 and p == 2 supported");
    if (o.weight && o.weight.ndim !== 1) throw new TorchError("MultiMarginLoss: expected weight to be None or 1D tensor");
    this._init(o);
    this.p = o.p;
    this.margin = o.margin;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.multi_margin_loss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
}

type TripletKw = LossKw & { margin?: number; p?: number; eps?: number; swap?: boolean };
export class TripletMarginLoss extends Module {
  margin: number;
  p: number;
  eps: number;
  swap: boolean;
  reduction: Reduction;
  constructor(
    ...args: Args<
      [margin: number, p: number, eps: number, swap: boolean, size_average: boolean | null, reduce: boolean | null, reduction: Reduction],
      TripletKw
    >
  ) {
    super();
    const o = parseArgs("TripletMarginLoss", args, ["margin", "p", "eps", "swap", "size_average", "reduce", "reduction"], {
      margin: 1,
      p: 2,
      eps: 1e-6,
      swap: false,
      reduction: "mean",
    });
    this.margin = o.margin;
    this.p = o.p;
    this.eps = o.eps;
    this.swap = o.swap;
    this.reduction = checkReduction(legacyReduction(o.size_average, o.reduce, o.reduction));
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return F.triplet_margin_loss(anchor, positive, negative, {
      margin: this.margin,
      p: this.p,
      eps: this.eps,
      swap: this.swap,
      reduction: this.reduction,
    });
  }
}

type DistanceFn = (x1: Tensor, x2: Tensor) => Tensor;
/** The distance defaults to a PairwiseDistance module (a child, as in PyTorch); a module or any function may be given. */
export class TripletMarginWithDistanceLoss extends Module {
  declare distance_function: DistanceFn | Module;
  margin: number;
  swap: boolean;
  reduction: Reduction;
  constructor(...args: [] | [{ distance_function?: DistanceFn | Module | null; margin?: number; swap?: boolean; reduction?: Reduction }]) {
    super();
    const o = parseArgs("TripletMarginWithDistanceLoss", args, ["distance_function", "margin", "swap", "reduction"], {
      distance_function: null,
      margin: 1,
      swap: false,
      reduction: "mean",
    }) as { distance_function: DistanceFn | Module | null; margin: number; swap: boolean; reduction: string };
    const fn = o.distance_function ?? new PairwiseDistance();
    if (fn instanceof Module) this.add_module("distance_function", fn);
    else this.distance_function = fn;
    this.margin = o.margin;
    this.swap = o.swap;
    this.reduction = checkReduction(o.reduction);
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const d = this.distance_function;
    const dist: DistanceFn = d instanceof Module ? (a, b) => d.forward(a, b) as Tensor : d;
    return F.triplet_margin_with_distance_loss(anchor, positive, negative, {
      distance_function: dist,
      margin: this.margin,
      swap: this.swap,
      reduction: this.reduction,
    });
  }
}

export class GaussianNLLLoss extends Module {
  full: boolean;
  eps: number;
  reduction: Reduction;
  constructor(...args: [] | [{ full?: boolean; eps?: number; reduction?: Reduction }]) {
    super();
    const o = parseArgs("GaussianNLLLoss", args, ["full", "eps", "reduction"], { full: false, eps: 1e-6, reduction: "mean" });
    this.full = o.full;
    this.eps = o.eps;
    this.reduction = o.reduction;
  }
  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return F.gaussian_nll_loss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

type PoissonKw = LossKw & { log_input?: boolean; full?: boolean; eps?: number };
export class PoissonNLLLoss extends Module {
  log_input: boolean;
  full: boolean;
  eps: number;
  reduction: Reduction;
  constructor(
    ...args: Args<
      [log_input: boolean, full: boolean, size_average: boolean | null, eps: number, reduce: boolean | null, reduction: Reduction],
      PoissonKw
    >
  ) {
    super();
    const o = parseArgs("PoissonNLLLoss", args, ["log_input", "full", "size_average", "eps", "reduce", "reduction"], {
      log_input: true,
      full: false,
      eps: 1e-8,
      reduction: "mean",
    });
    this.log_input = o.log_input;
    this.full = o.full;
    this.eps = o.eps;
    this.reduction = checkReduction(legacyReduction(o.size_average, o.reduce, o.reduction));
  }
  override forward(log_input: Tensor, target: Tensor): Tensor {
    return F.poisson_nll_loss(log_input, target, { log_input: this.log_input, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}
