// nn.AdaptiveLogSoftmaxWithLoss (PyTorch 1.13, Grave et al.'s adaptive softmax):
// a head Linear over the shortlist plus one logit per cluster, and per cluster a
// two-Linear projection (in -> in / div_value^(i+1) -> cluster size). Composed
// from existing ops (index_select, gather, log_softmax, index_copy), so it runs
// on cpu and xla with autograd; the rows of each cluster are found on the host
// (nonzero), as PyTorch does.
import { argmax, cat, type Tensor, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import { Module } from "../module.js";
import { pyRepr } from "../repr.js";
import { ModuleList, Sequential } from "./container.js";
import { factory, Linear, type Factory } from "./linear.js";

/** PyTorch's _ASMoutput namedtuple: [output, loss] with the names. */
export type ASMoutput = [Tensor, Tensor] & { output: Tensor; loss: Tensor };

export class AdaptiveLogSoftmaxWithLoss extends Module {
  in_features: number;
  n_classes: number;
  cutoffs: number[];
  div_value: number;
  head_bias: boolean;
  shortlist_size: number;
  n_clusters: number;
  head_size: number;
  head: Linear;
  tail: ModuleList;

  /** AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None) */
  constructor(
    in_features: number,
    n_classes: number,
    cutoffs: readonly number[],
    ...args: Args<[div_value: number, head_bias: boolean], { div_value?: number; head_bias?: boolean } & Factory>
  ) {
    super();
    const o = parseArgs("AdaptiveLogSoftmaxWithLoss", args, ["div_value", "head_bias", "device", "dtype"], {
      div_value: 4.0,
      head_bias: false,
    });
    const cs = [...cutoffs];
    const sorted = [...cs].sort((a, b) => a - b);
    if (
      cs.some((c, i) => c !== sorted[i]) ||
      Math.min(...cs) <= 0 ||
      Math.max(...cs) > n_classes - 1 ||
      new Set(cs).size !== cs.length ||
      cs.some((c) => !Number.isInteger(c))
    )
      throw new TorchError(
        "AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and n_classes-1",
      );
    const fk = factory(o);
    this.in_features = in_features;
    this.n_classes = n_classes;
    this.cutoffs = [...cs, n_classes];
    this.div_value = o.div_value;
    this.head_bias = o.head_bias;
    this.shortlist_size = this.cutoffs[0]!;
    this.n_clusters = this.cutoffs.length - 1;
    this.head_size = this.shortlist_size + this.n_clusters;
    this.head = new Linear(in_features, this.head_size, { bias: o.head_bias, ...fk });
    this.tail = new ModuleList();
    for (let i = 0; i < this.n_clusters; i++) {
      // Python's int(in_features // div_value ** (i + 1)): floor division, then truncation
      const hsz = Math.trunc(Math.floor(in_features / o.div_value ** (i + 1)));
      const osz = this.cutoffs[i + 1]! - this.cutoffs[i]!;
      this.tail.append(new Sequential(new Linear(in_features, hsz, { bias: false, ...fk }), new Linear(hsz, osz, { bias: false, ...fk })));
    }
  }

  reset_parameters(): void {
    this.head.reset_parameters();
    for (const seq of this.tail.children()) for (const lin of seq.children()) (lin as Linear).reset_parameters();
  }

  /** The per-row log-probability of its target and the mean negative log-likelihood. */
  override forward(input_: Tensor, target_: Tensor): ASMoutput {
    const targDim = target_.ndim;
    if (targDim === 1) {
      if (input_.size(0) !== target_.size(0))
        throw new TorchError("AdaptiveLogSoftmaxWithLoss: Input and target should have the same size in the batch dimension.");
      if (input_.ndim !== 2)
        throw new TorchError(
          `AdaptiveLogSoftmaxWithLoss: 1D target tensor expects 2D input tensors, but found inputs with size torch.Size([${input_.shape.join(", ")}])`,
        );
    } else if (targDim === 0) {
      if (input_.ndim !== 1)
        throw new TorchError(
          `AdaptiveLogSoftmaxWithLoss: 0D target tensor expects 1D input tensors, but found inputs with size torch.Size([${input_.shape.join(", ")}])`,
        );
    } else throw new TorchError("AdaptiveLogSoftmaxWithLoss: 0D or 1D target tensor expected, multi-target not supported");

    const batched = targDim > 0;
    const input = batched ? input_ : input_.unsqueeze(0);
    const target = batched ? target_ : target_.unsqueeze(0);
    const batch = target.size(0);
    let output = input.new_zeros([batch]);
    let gatherInds = target.new_zeros([batch]);
    let usedRows = 0;
    const bounds = [0, ...this.cutoffs];
    for (let i = 0; i < bounds.length - 1; i++) {
      const low = bounds[i]!,
        high = bounds[i + 1]!;
      const mask = target.ge(low).logical_and(target.lt(high));
      const rows = mask.nonzero().reshape([-1]);
      const n = rows.numel();
      if (n === 0) continue;
      if (i === 0) gatherInds = gatherInds.index_copy(0, rows, target.getitem(mask));
      else {
        const relative = target.getitem(mask).sub(low);
        const clusterOut = (this.tail.getitem(i - 1) as Sequential)(input.index_select(0, rows)) as Tensor;
        gatherInds = gatherInds.index_fill(0, rows, this.shortlist_size + i - 1);
        const local = F.log_softmax(clusterOut, { dim: 1 }).gather(1, relative.unsqueeze(1));
        output = output.index_copy(0, rows, local.squeeze(1));
      }
      usedRows += n;
    }
    if (usedRows !== batch)
      throw new TorchError(
        `AdaptiveLogSoftmaxWithLoss: Target values should be in [0, ${this.n_classes - 1}], but values in range [${pyRepr(target.min().item())}, ${pyRepr(target.max().item())}] were found. `,
      );
    const headLogprob = F.log_softmax(this.head(input), { dim: 1 });
    // PyTorch's .squeeze() here makes a batch of one 0-dim; the sum broadcasts back
    output = output.add(headLogprob.gather(1, gatherInds.unsqueeze(1)).squeeze());
    const loss = output.neg().mean();
    if (!batched) output = output.squeeze(0);
    return Object.assign([output, loss] as [Tensor, Tensor], { output, loss });
  }

  /** The log of the full distribution over the n_classes, from the input and the head's output. */
  _get_full_log_prob(input: Tensor, headOutput: Tensor): Tensor {
    const headLogprob = F.log_softmax(headOutput, { dim: 1 });
    const parts = [headLogprob.narrow(1, 0, this.shortlist_size)];
    for (let i = 0; i < this.n_clusters; i++) {
      const clusterLogprob = F.log_softmax((this.tail.getitem(i) as Sequential)(input) as Tensor, { dim: 1 });
      parts.push(clusterLogprob.add(headLogprob.narrow(1, this.shortlist_size + i, 1)));
    }
    return cat(parts, 1);
  }

  /** log_prob(input): log-probabilities of every class, [N, n_classes] (PyTorch 1.13 takes a batch only). */
  log_prob(input: Tensor): Tensor {
    return this._get_full_log_prob(input, this.head(input));
  }

  /** predict(input): the most likely class of each row (the full distribution only for rows whose head picks a cluster). */
  predict(input: Tensor): Tensor {
    const headOutput = this.head(input);
    const output = argmax(headOutput, { dim: 1 });
    const notInShortlist = output.ge(this.shortlist_size);
    if (!notInShortlist.any().item()) return output;
    if (notInShortlist.all().item()) return argmax(this._get_full_log_prob(input, headOutput), { dim: 1 });
    const logProb = this._get_full_log_prob(input.getitem(notInShortlist), headOutput.getitem(notInShortlist));
    return output.index_put([notInShortlist], argmax(logProb, { dim: 1 }));
  }
}
