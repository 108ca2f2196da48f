// Losses, following ATen's definitions (PyTorch 1.13) step by step.
import { Tensor, where, TorchError } from "@xlatorch/core";
import { parseArgs, type Args, type Reduction } from "../args.js";
import { log_softmax } from "./activation.js";
import { applyReduction, checkReduction, legacyReduction } from "./reduction.js";

type Legacy = { size_average?: boolean | null; reduce?: boolean | null; reduction?: Reduction };

/** Weight of shape (C) viewed to broadcast along the class dim (1) of an (N, C, d1, ...) input. */
function classView(w: Tensor, ndim: number): Tensor {
  return ndim <= 2 ? w : w.reshape([w.shape[0]!, ...Array(ndim - 2).fill(1)]);
}

/** nll_loss_nd for class-index targets; input (C), (N, C) or (N, C, d1, ...). */
function nllCore(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignore_index: number): Tensor {
  if (input.ndim < 1) throw new TorchError(`nll_loss: Expected 1 or more dimensions (got ${input.ndim})`);
  if (target.dtype.is_floating_point || target.dtype.name === "bool") {
    throw new TorchError(`nll_loss: expected scalar type Long but found ${target.dtype.scalarName} for the target`);
  }
  const one = input.ndim === 1;
  const x = one ? input.unsqueeze(0) : input;
  const t = one ? target.reshape([1]) : target;
  if (x.shape[0] !== t.shape[0])
    throw new TorchError(`Expected input batch_size (${x.shape[0]}) to match target batch_size (${t.shape[0]}).`);
  if (t.ndim !== x.ndim - 1 || x.shape.slice(2).join() !== t.shape.slice(1).join()) {
    throw new TorchError(
      `nll_loss: expected target of shape [${[x.shape[0], ...x.shape.slice(2)].join(", ")}] for input of shape [${input.shape.join(", ")}], got [${target.shape.join(", ")}]`,
    );
  }
  const C = x.shape[1]!;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) {
    throw new TorchError(
      `weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight.shape.join(", ")}]`,
    );
  }
  const keep = t.ne(ignore_index);
  const safe = t.masked_fill(keep.logical_not(), 0);
  const picked = x.gather(1, safe.unsqueeze(1)).squeeze(1);
  const w = weight ? weight.index_select(0, safe.reshape(-1)).reshape(safe.shape) : null;
  const wk = w ? where(keep, w, 0) : keep.to(x.dtype);
  const loss = where(keep, w ? picked.neg().mul(w) : picked.neg(), 0);
  if (reduction === "none") return one ? loss.reshape([]) : loss;
  if (reduction === "sum") return loss.sum();
  return loss.sum().div(wk.sum());
}

type NllKw = Legacy & { weight?: Tensor | null; ignore_index?: number };
export function nll_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<
    [weight: Tensor | null, size_average: boolean | null, ignore_index: number, reduce: boolean | null, reduction: Reduction],
    NllKw
  >
): Tensor {
  const o = parseArgs("nll_loss", args, ["weight", "size_average", "ignore_index", "reduce", "reduction"], {
    weight: null,
    ignore_index: -100,
    reduction: "mean",
  });
  return nllCore(input, target, o.weight, checkReduction(legacyReduction(o.size_average, o.reduce, o.reduction)), o.ignore_index);
}

type CeKw = NllKw & { label_smoothing?: number };
export function cross_entropy(
  input: Tensor,
  target: Tensor,
  ...args: Args<
    [
      weight: Tensor | null,
      size_average: boolean | null,
      ignore_index: number,
      reduce: boolean | null,
      reduction: Reduction,
      label_smoothing: number,
    ],
    CeKw
  >
): Tensor {
  const o = parseArgs("cross_entropy", args, ["weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"], {
    weight: null,
    ignore_index: -100,
    reduction: "mean",
    label_smoothing: 0,
  });
  const reduction = checkReduction(legacyReduction(o.size_average, o.reduce, o.reduction));
  const ls: number = o.label_smoothing,
    weight: Tensor | null = o.weight;
  if (!(ls >= 0 && ls <= 1)) throw new TorchError(`label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim]!;
  const logp = log_softmax(input, classDim);
  if (input.shape.join() === target.shape.join() && input.ndim === target.ndim) {
    // Class probabilities as target (cross_entropy_loss_prob_target).
    if (!target.dtype.is_floating_point)
      throw new TorchError(`Expected floating point type for target with class probabilities, got ${target.dtype.scalarName}`);
    if (o.ignore_index >= 0) throw new TorchError("ignore_index is not supported for floating point target");
    const tgt = ls > 0 ? target.mul(1 - ls).add(ls / C) : target;
    let prod = logp.mul(tgt);
    if (weight) prod = prod.mul(classView(weight, input.ndim));
    if (reduction === "none") return prod.sum(classDim).neg();
    if (reduction === "sum") return prod.sum().neg();
    return prod
      .sum()
      .neg()
      .div(Math.trunc(input.numel() / C));
  }
  const nll = nllCore(logp, target, weight, reduction, o.ignore_index);
  if (ls <= 0) return nll;
  // Label smoothing (cross_entropy_loss_label_smoothing).
  const ignore = target.eq(o.ignore_index);
  let smooth = (weight ? logp.mul(classView(weight, input.ndim)) : logp).sum(classDim).neg();
  smooth = smooth.masked_fill(ignore, 0);
  let ret: Tensor;
  if (reduction === "mean") {
    ret = weight
      ? smooth.sum().div(weight.gather(0, target.masked_select(ignore.logical_not()).flatten()).sum())
      : smooth.sum().div(ignore.logical_not().sum());
  } else ret = reduction === "sum" ? smooth.sum() : smooth;
  return nll.mul(1 - ls).add(ret.mul(ls / C));
}

type PairArgs = Args<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction], Legacy>;
function pairwise(op: string, input: Tensor, target: Tensor, args: PairArgs, f: (d: Tensor) => Tensor): Tensor {
  const o = parseArgs(op, args, ["size_average", "reduce", "reduction"], { reduction: "mean" });
  return applyReduction(f(input.sub(target)), legacyReduction(o.size_average, o.reduce, o.reduction));
}
export const mse_loss = (input: Tensor, target: Tensor, ...args: PairArgs): Tensor =>
  pairwise("mse_loss", input, target, args, (d) => d.mul(d));
export const l1_loss = (input: Tensor, target: Tensor, ...args: PairArgs): Tensor =>
  pairwise("l1_loss", input, target, args, (d) => d.abs());

/** smooth_l1_loss: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta. */
export function smooth_l1_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction, beta: number], Legacy & { beta?: number }>
): Tensor {
  const o = parseArgs("smooth_l1_loss", args, ["size_average", "reduce", "reduction", "beta"], { reduction: "mean", beta: 1 });
  const d = input.sub(target).abs();
  const loss = o.beta === 0 ? d : where(d.lt(o.beta), d.mul(d).mul(0.5).div(o.beta), d.sub(0.5 * o.beta));
  return applyReduction(loss, legacyReduction(o.size_average, o.reduce, o.reduction));
}

function sameSize(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join() || input.ndim !== target.ndim) {
    throw new TorchError(
      `${op}: Using a target size (torch.Size([${target.shape.join(", ")}])) that is different to the input size (torch.Size([${input.shape.join(", ")}])) is deprecated. Please ensure they have the same size.`,
    );
  }
}

type BceKw = Legacy & { weight?: Tensor | null };
/** -w (t log(x) + (1 - t) log(1 - x)), each log clamped at -100 as in PyTorch. */
export function binary_cross_entropy(
  input: Tensor,
  target: Tensor,
  ...args: Args<[weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], BceKw>
): Tensor {
  const o = parseArgs("binary_cross_entropy", args, ["weight", "size_average", "reduce", "reduction"], { weight: null, reduction: "mean" });
  sameSize("binary_cross_entropy", input, target);
  let loss = target
    .sub(1)
    .mul(input.neg().log1p().clamp_min(-100))
    .sub(target.mul(input.log().clamp_min(-100)));
  if (o.weight) loss = loss.mul(o.weight);
  return applyReduction(loss, legacyReduction(o.size_average, o.reduce, o.reduction));
}

type BceLogitsKw = BceKw & { pos_weight?: Tensor | null };
/** The log-sum-exp-stable form ATen uses, with optional pos_weight. */
export function binary_cross_entropy_with_logits(
  input: Tensor,
  target: Tensor,
  ...args: Args<
    [weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction, pos_weight: Tensor | null],
    BceLogitsKw
  >
): Tensor {
  const o = parseArgs("binary_cross_entropy_with_logits", args, ["weight", "size_average", "reduce", "reduction", "pos_weight"], {
    weight: null,
    reduction: "mean",
    pos_weight: null,
  });
  sameSize("binary_cross_entropy_with_logits", input, target);
  const maxVal = input.neg().clamp_min(0);
  const oneMinusT = target.neg().add(1);
  let loss: Tensor;
  if (o.pos_weight) {
    const logWeight = o.pos_weight.sub(1).mul(target).add(1);
    loss = oneMinusT.mul(input).add(logWeight.mul(maxVal.neg().exp().add(input.neg().sub(maxVal).exp()).log().add(maxVal)));
  } else {
    loss = oneMinusT
      .mul(input)
      .add(maxVal)
      .add(maxVal.neg().exp().add(input.neg().sub(maxVal).exp()).log());
  }
  if (o.weight) loss = loss.mul(o.weight);
  return applyReduction(loss, legacyReduction(o.size_average, o.reduce, o.reduction));
}
