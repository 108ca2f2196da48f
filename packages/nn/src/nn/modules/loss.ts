// Loss modules: hold the reduction (and class weights as a buffer) and call
// nn.functional.
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args, type Reduction } from "../args.js";
import * as F from "../functional/index.js";
import { checkReduction, legacyReduction } from "../functional/reduction.js";
import { Module } from "../module.js";

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
