// ctc_loss: the CTC forward algorithm (Graves et al. 2006) in log space,
// composed of ops, one step per time frame, batched over the samples with
// their own input and target lengths. The extended target l' (blanks around
// and between the labels) is padded to the longest; a sample's alphas stop
// changing past its input length. The loss is -log(alpha_{T-1}(2S) +
// alpha_{T-1}(2S-1)).
// PyTorch's backward (LossCTC.cpp) returns exp(log_probs) - (the occupation
// probabilities), which assumes log_probs come from log_softmax (through
// log_softmax's backward the extra exp term vanishes); the term is added here
// as exp(lp) - exp(lp).detach() (value 0, gradient exp(lp)) over each sample's
// frames, so the gradient equals PyTorch's for any log_probs.
// The lengths are read on the host (they shape the computation; ATen reads
// them too).
import { Tensor, TorchError, TorchTypeError, arange, cat, full, int64, tensor, where } from "@xlatorch/core";
import { parseArgs, type Args, type Reduction } from "../args.js";

type Lengths = Tensor | readonly number[] | number;
const lengthsOf = (name: string, v: Lengths): number[] => {
  if (v instanceof Tensor) {
    if (v.dtype.is_floating_point || v.dtype.is_complex) throw new TorchError(`ctc_loss: ${name} must be integral`);
    return v.ndim === 0 ? [Number(v.item())] : (v.reshape(-1).tolist() as number[]).map(Number);
  }
  const xs = typeof v === "number" ? [v] : Array.isArray(v) ? [...v] : null;
  if (!xs || xs.some((x) => typeof x !== "number" || !Number.isInteger(x)))
    throw new TorchTypeError(`ctc_loss(): argument '${name}' must be a Tensor or a tuple of ints, not ${kindOf(v)}`);
  return xs;
};
const kindOf = (v: unknown) => (v instanceof Tensor ? "Tensor" : Array.isArray(v) ? "list" : v === null ? "None" : typeof v);

/** log(sum(exp(xs))) elementwise over same-shaped terms, -inf where all are -inf, with finite gradients there. */
function logSumExp(xs: Tensor[]): Tensor {
  const m = xs.reduce((a, b) => a.maximum(b));
  const mSafe = where(m.isinf(), 0, m).detach();
  const s = xs.map((x) => x.sub(mSafe).exp()).reduce((a, b) => a.add(b));
  const zero = s.eq(0);
  return where(zero, -Infinity, where(zero, 1, s).log().add(mSafe));
}

/**
 * ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean', zero_infinity=False):
 * log_probs (T, N, C) or (T, C); targets (N, S) padded or the targets concatenated (1-D).
 */
export function ctc_loss(
  log_probs: Tensor,
  targets: Tensor,
  input_lengths: Lengths,
  target_lengths: Lengths,
  ...args: Args<
    [blank: number, reduction: Reduction, zero_infinity: boolean],
    { blank?: number; reduction?: Reduction; zero_infinity?: boolean }
  >
): Tensor {
  const o = parseArgs("ctc_loss", args, ["blank", "reduction", "zero_infinity"], {
    blank: 0,
    reduction: "mean",
    zero_infinity: false,
  });
  const blank = o.blank as number;
  const reduction = o.reduction as string;
  if (!(log_probs instanceof Tensor)) throw new TorchTypeError("ctc_loss(): argument 'log_probs' must be Tensor");
  if (!(targets instanceof Tensor)) throw new TorchTypeError("ctc_loss(): argument 'targets' must be Tensor");
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none")
    throw new TorchError(`ctc_loss: ${reduction} is not a valid value for reduction`);
  if (!log_probs.dtype.is_floating_point) throw new TorchError(`"ctc_loss_cpu" not implemented for '${log_probs.dtype.scalarName}'`);
  const unbatched = log_probs.ndim === 2;
  if (log_probs.ndim !== 2 && log_probs.ndim !== 3)
    throw new TorchError(`ctc_loss: expected log_probs to have 2 or 3 dimensions, but got ${log_probs.ndim}`);
  const lp = unbatched ? log_probs.unsqueeze(1) : log_probs;
  const [T, N, C] = lp.shape as [number, number, number];
  // aten's two overloads: both lengths int lists, or both Tensors
  if (input_lengths instanceof Tensor !== target_lengths instanceof Tensor)
    throw new TorchTypeError(
      `ctc_loss(): input_lengths and target_lengths must both be Tensors or both tuples of ints, got ${kindOf(input_lengths)} and ${kindOf(target_lengths)}`,
    );
  const il = lengthsOf("input_lengths", input_lengths);
  const tl = lengthsOf("target_lengths", target_lengths);
  if (blank < 0 || blank >= C) throw new TorchError("ctc_loss: blank must be in label range");
  if (il.length !== N) throw new TorchError("ctc_loss: input_lengths must be of size batch_size");
  if (tl.length !== N) throw new TorchError("ctc_loss: target_lengths must be of size batch_size");
  const tg = (unbatched && targets.ndim === 1 ? targets.unsqueeze(0) : targets).to(int64);
  const concatenated = tg.ndim === 1;
  // each sample's labels, read on the host (they fix l' and the recursion's skips)
  const flatT = tg.reshape(-1).tolist() as number[];
  const labels: number[][] = [];
  let offset = 0;
  for (let b = 0; b < N; b++) {
    const L = tl[b]!;
    if (concatenated) {
      labels.push(flatT.slice(offset, offset + L).map(Number));
      offset += L;
    } else {
      const S = tg.shape[1]!;
      if (L > S)
        throw new TorchError(
          `ctc_loss: Expected tensor to have size at least ${L} at dimension 1, but got size ${S} for argument #2 'targets' (while checking arguments for ctc_loss_cpu)`,
        );
      labels.push(flatT.slice(b * S, b * S + L).map(Number));
    }
    if (il[b]! > T)
      throw new TorchError(
        `ctc_loss: Expected input_lengths to have value at most ${T}, but got value ${il[b]} (while checking arguments for ctc_loss_cpu)`,
      );
  }
  const Smax = Math.max(0, ...tl);
  const Lp = 2 * Smax + 1;
  // l' per sample (blank-padded), whether s may be reached from s - 2, and which states exist
  const ext: number[] = [];
  const skip: boolean[] = [];
  for (let b = 0; b < N; b++)
    for (let s = 0; s < Lp; s++) {
      const lab = s % 2 === 1 && (s - 1) / 2 < labels[b]!.length ? labels[b]![(s - 1) / 2]! : blank;
      ext.push(lab);
      skip.push(s % 2 === 1 && s >= 3 && (s - 1) / 2 < labels[b]!.length && lab !== labels[b]![(s - 3) / 2]);
    }
  const dev = lp.device;
  const extT = tensor(ext, { dtype: int64, device: dev }).reshape([N, Lp]);
  const skipT = tensor(skip, { device: dev }).reshape([N, Lp]);
  const ninf = full([N, Lp], -Infinity, { dtype: lp.dtype, device: dev });
  const firstTwo = arange(Lp, { device: dev }).lt(2).unsqueeze(0).expand([N, Lp]);
  const emit = (t: number) => lp.select(0, t).gather(1, extT); // [N, Lp]
  let alpha = where(firstTwo, emit(0), ninf);
  // alpha(s - k) at s (-inf for s < k)
  const shifted = (a: Tensor, k: number): Tensor =>
    cat([full([N, k], -Infinity, { dtype: lp.dtype, device: dev }), a.narrow(1, 0, Lp - k)], 1);
  const ilT = tensor(il, { dtype: int64, device: dev }).unsqueeze(1);
  for (let t = 1; t < T; t++) {
    const a1 = Lp > 1 ? shifted(alpha, 1) : ninf;
    const a2 = Lp > 2 ? where(skipT, shifted(alpha, 2), ninf) : ninf;
    const next = logSumExp([alpha, a1, a2]).add(emit(t));
    alpha = where(ilT.gt(t), next, alpha);
  }
  // -log(alpha(2S) + alpha(2S - 1)) at each sample's last frame
  const endIdx = tensor(
    tl.map((L) => [2 * L, Math.max(2 * L - 1, 0)]),
    { dtype: int64, device: dev },
  );
  const ends = alpha.gather(1, endIdx);
  const both = tensor(
    tl.map((L) => L > 0),
    { device: dev },
  );
  const e0 = ends.select(1, 0),
    e1 = where(both, ends.select(1, 1), -Infinity);
  let loss = logSumExp([e0, e1]).neg();
  // a sample with no frames: alpha never started (PyTorch: 0 loss for an empty target, else inf)
  const noFrames = tensor(
    il.map((v) => v === 0),
    { device: dev },
  );
  if (il.some((v) => v === 0)) loss = where(noFrames, where(both, Infinity, 0).to(lp.dtype), loss);
  // PyTorch's gradient term exp(lp) over each sample's frames (value 0)
  const frames = arange(T, { device: dev })
    .unsqueeze(1)
    .lt(ilT.reshape([1, N])); // [T, N]
  const e = lp.exp();
  const extra = where(frames.unsqueeze(2), e.sub(e.detach()), 0).sum([0, 2]);
  loss = loss.add(extra);
  if (o.zero_infinity) loss = where(loss.isinf(), 0, loss);
  let r: Tensor;
  if (reduction === "none") r = unbatched ? loss.squeeze(0) : loss;
  else if (reduction === "sum") r = loss.sum();
  else {
    const div = tensor(
      tl.map((L) => Math.max(L, 1)),
      { dtype: lp.dtype, device: dev },
    );
    r = loss.div(div).mean();
  }
  return r;
}
