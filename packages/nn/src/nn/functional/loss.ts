// Losses, following ATen's definitions (PyTorch 1.13) step by step.
import { Tensor, where, TorchError, arange, bool, get_default_dtype, int64, minimum, no_grad } from "@xlatorch/core";
import { parseArgs, type Args, type Reduction } from "../args.js";
import { log_softmax, logsigmoid } from "./activation.js";
import { pairwise_distance } from "./distance.js";
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

// ---------------------------------------------------------------------------
// The remaining losses of torch.nn.functional, each as ATen (or functional.py)
// computes it in PyTorch 1.13.

type LegacyArgs = Args<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction], Legacy>;
const legacyOf = (o: Legacy & { reduction: string }): string => legacyReduction(o.size_average, o.reduce, o.reduction);

type KlKw = Omit<Legacy, "reduction"> & { log_target?: boolean; reduction?: Reduction | "batchmean" };
/** kl_div: target * (log(target) - input) (xlogy form), or exp(target) * (target - input) with log_target; 'batchmean' divides the sum by input.size(0). */
export function kl_div(
  input: Tensor,
  target: Tensor,
  ...args: Args<[size_average: boolean | null, reduce: boolean | null, reduction: Reduction | "batchmean", log_target: boolean], KlKw>
): Tensor {
  const o = parseArgs("kl_div", args, ["size_average", "reduce", "reduction", "log_target"], { reduction: "mean", log_target: false });
  let reduction: string;
  if ((o.size_average ?? null) !== null || (o.reduce ?? null) !== null) reduction = legacyReduction(o.size_average, o.reduce, "mean");
  else reduction = o.reduction === "batchmean" ? "sum" : checkReduction(o.reduction);
  const loss = o.log_target ? target.exp().mul(target.sub(input)) : target.xlogy(target).sub(target.mul(input));
  const reduced = applyReduction(loss, reduction);
  return o.reduction === "batchmean" && input.ndim !== 0 ? reduced.div(input.shape[0]!) : reduced;
}

/** huber_loss: 0.5 z^2 where z = |input - target| < delta, else delta (z - 0.5 delta); input and target broadcast. */
export function huber_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<[reduction: Reduction, delta: number], { reduction?: Reduction; delta?: number }>
): Tensor {
  const o = parseArgs("huber_loss", args, ["reduction", "delta"], { reduction: "mean", delta: 1 });
  const reduction = checkReduction(o.reduction);
  if (!(o.delta > 0)) throw new TorchError("huber_loss does not support non-positive values for delta.");
  const z = input.sub(target).abs();
  const loss = where(z.lt(o.delta), z.mul(0.5).mul(z), z.sub(0.5 * o.delta).mul(o.delta));
  return applyReduction(loss, reduction);
}

type MarginKw = Legacy & { margin?: number };
type MarginArgs = Args<[margin: number, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], MarginKw>;

/** margin_ranking_loss: max(0, -target * (input1 - input2) + margin). */
export function margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, ...args: MarginArgs): Tensor {
  const o = parseArgs("margin_ranking_loss", args, ["margin", "size_average", "reduce", "reduction"], { margin: 0, reduction: "mean" });
  const reduction = legacyOf(o);
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new TorchError(
      `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: torch.Size([${input1.shape.join(", ")}]), input2: torch.Size([${input2.shape.join(", ")}]), target: torch.Size([${target.shape.join(", ")}]) `,
    );
  }
  let v = target.neg().mul(input1.sub(input2));
  // margin is a float in aten's signature: integer inputs give a float result (the default dtype)
  if (!v.dtype.is_floating_point && !v.dtype.is_complex) v = v.to(get_default_dtype());
  return applyReduction(v.add(o.margin).clamp_min(0), reduction);
}

/** hinge_embedding_loss: x where target != -1, plus max(0, margin - x) where target != 1. */
export function hinge_embedding_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<[margin: number, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], MarginKw>
): Tensor {
  const o = parseArgs("hinge_embedding_loss", args, ["margin", "size_average", "reduce", "reduction"], { margin: 1, reduction: "mean" });
  const reduction = legacyOf(o);
  const marginClamp = input.neg().add(o.margin).clamp_min(0);
  const outMargin = where(target.ne(1), marginClamp, 0);
  const outSelf = where(target.ne(-1), input, 0);
  return applyReduction(outMargin.add(outSelf), reduction);
}

/** soft_margin_loss: log(1 + exp(-target * input)). */
export function soft_margin_loss(input: Tensor, target: Tensor, ...args: LegacyArgs): Tensor {
  const o = parseArgs("soft_margin_loss", args, ["size_average", "reduce", "reduction"], { reduction: "mean" });
  const reduction = legacyOf(o);
  return applyReduction(input.neg().mul(target).exp().log1p(), reduction);
}

/** cosine_embedding_loss: 1 - cos where target == 1, max(0, cos - margin) where target == -1 (ATen's EPSILON 1e-12 in the norms). */
export function cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, ...args: MarginArgs): Tensor {
  const o = parseArgs("cosine_embedding_loss", args, ["margin", "size_average", "reduce", "reduction"], { margin: 0, reduction: "mean" });
  const reduction = legacyOf(o);
  const td = target.ndim;
  if (td !== 1 && td !== 0) throw new TorchError("0D or 1D target tensor expected, multi-target not supported");
  const sizes = `[${input1.shape.join(", ")}] and [${input2.shape.join(", ")}]`;
  if (td === 1 && (input1.ndim !== 2 || input2.ndim !== 2))
    throw new TorchError(`1D target tensor expects 2D input tensors, but found inputs with sizes ${sizes}.`);
  if (td === 0 && (input1.ndim !== 1 || input2.ndim !== 1))
    throw new TorchError(`0D target tensor expects 1D input tensors, but found inputs with sizes ${sizes}.`);
  const EPSILON = 1e-12;
  const prodSum = input1.mul(input2).sum(td);
  const mag1 = input1.mul(input1).sum(td).add(EPSILON);
  const mag2 = input2.mul(input2).sum(td).add(EPSILON);
  const cos = prodSum.div(mag1.mul(mag2).sqrt());
  const pos = cos.neg().add(1);
  const neg = cos.sub(o.margin).clamp_min(0);
  const out = where(target.eq(1), pos, 0).add(where(target.eq(-1), neg, 0));
  return applyReduction(out, reduction);
}

type MultiMarginKw = Legacy & { p?: number; margin?: number; weight?: Tensor | null };
/**
 * multi_margin_loss: per sample sum over classes d != y of max(0, margin - x[y] + x[d])^p
 * (times weight[y]) divided by the number of classes.
 */
export function multi_margin_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<
    [p: number, margin: number, weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction],
    MultiMarginKw
  >
): Tensor {
  const o = parseArgs("multi_margin_loss", args, ["p", "margin", "weight", "size_average", "reduce", "reduction"], {
    p: 1,
    margin: 1,
    weight: null,
    reduction: "mean",
  });
  const reduction = legacyOf(o);
  if (o.p !== 1 && o.p !== 2) throw new TorchError("only p == 1 and p == 2 supported");
  const weight: Tensor | null = o.weight ?? null;
  if (weight && weight.ndim !== 1) throw new TorchError("weight must be one-dimensional");
  const nd = input.ndim;
  if (!((nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0))
    throw new TorchError(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: [${input.shape.join(", ")}]`);
  const x = nd === 2 ? input : input.reshape([1, -1]);
  const [N, C] = [x.shape[0]!, x.shape[1]!];
  if (target.ndim > 1 || target.numel() !== N) throw new TorchError(`inconsistent target size, got: [${target.shape.join(", ")}]`);
  if (weight && weight.numel() !== C)
    throw new TorchError(`inconsistent weight size, expected [${C}] but got [${weight.shape.join(", ")}]`);
  const t = target.reshape([N, 1]);
  checkClassRange(t, C, "target out of range");
  const xt = x.gather(1, t);
  const z = xt.neg().add(o.margin).add(x);
  let h = where(z.gt(0), o.p === 1 ? z : z.mul(z), 0);
  if (weight) h = h.mul(weight.index_select(0, t.reshape(-1)).reshape([N, 1]));
  const isTarget = arangeLike(x, C).eq(t);
  const perSample = where(isTarget, 0, h).sum(1).div(C);
  if (reduction === "none") return target.ndim === 0 ? perSample.reshape([]) : perSample;
  return reduction === "sum" ? perSample.sum() : perSample.mean();
}

/** 0..n-1 as int64 on x's device, shaped [1, n] to broadcast along the class dim. */
function arangeLike(x: Tensor, n: number): Tensor {
  return arange(n, { device: x.device }).reshape([1, n]);
}

/** Class indices must lie in [0, C) (ATen checks each while looping; here one reduction, read once). */
function checkClassRange(t: Tensor, C: number, message: string): void {
  if (t.numel() === 0) return;
  if (t.dtype.is_floating_point || t.dtype === bool) throw new TorchError(`expected scalar type Long but found ${t.dtype.scalarName}`);
  const bad = t.lt(0).logical_or(t.ge(C)).any();
  if (bad.item()) throw new TorchError(message);
}

/**
 * multilabel_margin_loss: target rows hold class indices ended by the first -1;
 * per sample sum over listed classes j and unlisted classes k of
 * max(0, 1 - (x[j] - x[k])), divided by the number of classes.
 */
export function multilabel_margin_loss(input: Tensor, target: Tensor, ...args: LegacyArgs): Tensor {
  const o = parseArgs("multilabel_margin_loss", args, ["size_average", "reduce", "reduction"], { reduction: "mean" });
  const reduction = legacyOf(o);
  const nd = input.ndim;
  if (!((nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0))
    throw new TorchError(`Expected non-empty vector or matrix with optional 0-dim batch size, but got: [${input.shape.join(", ")}]`);
  if (nd <= 1 ? target.ndim > 1 || target.numel() !== input.numel() : target.ndim !== 2 || target.shape.join() !== input.shape.join())
    throw new TorchError(`inconsistent size [${target.shape.join(", ")}] for argument #2 'target'`);
  const x = nd === 2 ? input : input.reshape([1, -1]);
  const [N, C] = [x.shape[0]!, x.shape[1]!];
  const t = target.reshape([N, C]);
  // listed: the entries before the first -1 of each row
  const listed = t.ne(-1).to(int64).cumprod(1).to(bool);
  checkClassRange(t.masked_select(listed), C, `target index out of range`);
  const safe = t.masked_fill(listed.logical_not(), 0);
  const isTarget = one_hot_rows(safe, listed, C);
  const xt = x.gather(1, safe); // [N, J]
  const z = xt.neg().add(1).unsqueeze(2).add(x.unsqueeze(1)); // [N, J, C]: 1 - x[j] + x[k]
  const keep = listed.unsqueeze(2).logical_and(isTarget.logical_not().unsqueeze(1));
  const perSample = where(keep.logical_and(z.gt(0)), z, 0)
    .sum([1, 2])
    .div(C);
  if (reduction === "none") return nd <= 1 ? perSample.reshape([]) : perSample;
  return reduction === "sum" ? perSample.sum() : perSample.mean();
}

/** [N, C] booleans: class k is listed in row n. */
function one_hot_rows(safe: Tensor, listed: Tensor, C: number): Tensor {
  const hits = safe.unsqueeze(2).eq(arange(C, { device: safe.device }).reshape([1, 1, C])); // [N, J, C]
  return hits.logical_and(listed.unsqueeze(2)).any(1);
}

/** multilabel_soft_margin_loss: -(t log sigmoid(x) + (1 - t) log sigmoid(-x)), weighted, averaged over classes. */
export function multilabel_soft_margin_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<[weight: Tensor | null, size_average: boolean | null, reduce: boolean | null, reduction: Reduction], BceKw>
): Tensor {
  const o = parseArgs("multilabel_soft_margin_loss", args, ["weight", "size_average", "reduce", "reduction"], {
    weight: null,
    reduction: "mean",
  });
  const reduction = legacyOf(o);
  let loss = target
    .mul(logsigmoid(input))
    .add(target.neg().add(1).mul(logsigmoid(input.neg())))
    .neg();
  if (o.weight) loss = loss.mul(o.weight);
  const classDim = input.ndim - 1;
  const C = input.shape[classDim]!;
  loss = loss.sum(classDim).div(C);
  if (reduction === "none") return loss;
  if (reduction === "mean") return loss.mean();
  if (reduction === "sum") return loss.sum();
  throw new TorchError(`${reduction} is not valid`);
}

type TripletKw = Legacy & { margin?: number; p?: number; eps?: number; swap?: boolean };
/** triplet_margin_loss: max(0, margin + d(a, p) - d(a, n)) with pairwise_distance (d(p, n) too when swap). */
export function triplet_margin_loss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  ...args: Args<
    [margin: number, p: number, eps: number, swap: boolean, size_average: boolean | null, reduce: boolean | null, reduction: Reduction],
    TripletKw
  >
): Tensor {
  const o = parseArgs("triplet_margin_loss", args, ["margin", "p", "eps", "swap", "size_average", "reduce", "reduction"], {
    margin: 1,
    p: 2,
    eps: 1e-6,
    swap: false,
    reduction: "mean",
  });
  const reduction = legacyOf(o);
  const [a, p, n] = [anchor.ndim, positive.ndim, negative.ndim];
  if (a !== p || p !== n) throw new TorchError(`All inputs should have same dimension but got ${a}D, ${p}D and ${n}D inputs.`);
  const dist = (x: Tensor, y: Tensor) => pairwise_distance(x, y, o.p, o.eps);
  const dPos = dist(anchor, positive);
  let dNeg = dist(anchor, negative);
  if (o.swap) dNeg = dNeg.minimum(dist(positive, negative));
  return applyReduction(dPos.add(o.margin).sub(dNeg).clamp_min(0), reduction);
}

type DistanceFn = (x1: Tensor, x2: Tensor) => Tensor;
/** triplet_margin_with_distance_loss (keyword-only options): any distance function, pairwise_distance by default; as in PyTorch 1.13, no checks of margin or dims. */
export function triplet_margin_with_distance_loss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  ...args: [] | [{ distance_function?: DistanceFn | null; margin?: number; swap?: boolean; reduction?: Reduction }]
): Tensor {
  const o = parseArgs("triplet_margin_with_distance_loss", args, ["distance_function", "margin", "swap", "reduction"], {
    distance_function: null,
    margin: 1,
    swap: false,
    reduction: "mean",
  }) as { distance_function: DistanceFn | null; margin: number; swap: boolean; reduction: string };
  const dist: DistanceFn = o.distance_function ?? ((x, y) => pairwise_distance(x, y));
  const dPos = dist(anchor, positive);
  let dNeg = dist(anchor, negative);
  if (o.swap) dNeg = minimum(dNeg, dist(positive, negative));
  const out = dPos.sub(dNeg).add(o.margin).clamp_min(0);
  const reduction = checkReduction(o.reduction);
  return reduction === "mean" ? out.mean() : reduction === "sum" ? out.sum() : out;
}

/** gaussian_nll_loss: 0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi) when full). */
export function gaussian_nll_loss(
  input: Tensor,
  target: Tensor,
  variance: Tensor,
  ...args: Args<[full: boolean, eps: number, reduction: Reduction], { full?: boolean; eps?: number; reduction?: Reduction }>
): Tensor {
  const o = parseArgs("gaussian_nll_loss", args, ["full", "eps", "reduction"], { full: false, eps: 1e-6, reduction: "mean" });
  let v = variance;
  if (v.shape.join() !== input.shape.join() || v.ndim !== input.ndim) {
    const lead = input.shape.slice(0, -1);
    if (lead.join() === v.shape.join() && lead.length === v.ndim) v = v.unsqueeze(-1);
    else if (lead.join() === v.shape.slice(0, -1).join() && lead.length === v.ndim - 1 && v.shape[v.ndim - 1] === 1) {
      // homoscedastic: broadcasts along the last dim
    } else throw new TorchError("var is of incorrect size");
  }
  if (o.reduction !== "none" && o.reduction !== "mean" && o.reduction !== "sum") throw new TorchError(`${o.reduction} is not valid`);
  if (v.lt(0).any().item()) throw new TorchError("var has negative entry/entries");
  // PyTorch clamps a clone under no_grad: the clamped entries still pass their gradient to var
  const vc = v.clone();
  no_grad(() => vc.clamp_(o.eps));
  let loss = vc.log().add(input.sub(target).pow(2).div(vc)).mul(0.5);
  if (o.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return o.reduction === "mean" ? loss.mean() : o.reduction === "sum" ? loss.sum() : loss;
}

type PoissonKw = Legacy & { log_input?: boolean; full?: boolean; eps?: number };
/** poisson_nll_loss: exp(input) - target * input (log_input), else input - target * log(input + eps); Stirling's term when full. */
export function poisson_nll_loss(
  input: Tensor,
  target: Tensor,
  ...args: Args<
    [log_input: boolean, full: boolean, size_average: boolean | null, eps: number, reduce: boolean | null, reduction: Reduction],
    PoissonKw
  >
): Tensor {
  const o = parseArgs("poisson_nll_loss", args, ["log_input", "full", "size_average", "eps", "reduce", "reduction"], {
    log_input: true,
    full: false,
    eps: 1e-8,
    reduction: "mean",
  });
  const reduction = legacyOf(o);
  // functional.py's own check and text ("abc is not valid"), before the loss is computed
  if (reduction !== "none" && reduction !== "mean" && reduction !== "sum") throw new TorchError(`${reduction} is not valid`);
  let loss = o.log_input ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(o.eps).log()));
  if (o.full) {
    const stirling = target
      .mul(target.log())
      .sub(target)
      .add(
        target
          .mul(2 * Math.PI)
          .log()
          .mul(0.5),
      );
    loss = loss.add(stirling.masked_fill(target.le(1), 0));
  }
  return applyReduction(loss, reduction);
}
