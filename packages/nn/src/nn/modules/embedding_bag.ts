// EmbeddingBag (PyTorch 1.13): an Embedding whose rows are summed, averaged or
// maxed per bag; weight ~ N(0, 1) with the padding row zeroed, as PyTorch's.
import { Tensor, TorchError, empty, no_grad } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { embedding_bag, type EmbeddingBagMode } from "../functional/embedding_bag.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyFloat, pyRepr } from "../repr.js";
import { factory, type Factory } from "./linear.js";

type EmbeddingBagKw = {
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  mode?: EmbeddingBagMode;
  sparse?: boolean;
  _weight?: Tensor | null;
  include_last_offset?: boolean;
  padding_idx?: number | null;
} & Factory;

export class EmbeddingBag extends Module {
  num_embeddings: number;
  embedding_dim: number;
  max_norm: number | null;
  norm_type: number;
  scale_grad_by_freq: boolean;
  weight: Parameter;
  mode: EmbeddingBagMode;
  sparse: boolean;
  include_last_offset: boolean;
  padding_idx: number | null;

  constructor(
    num_embeddings: number,
    embedding_dim: number,
    ...args: Args<
      [
        max_norm: number | null,
        norm_type: number,
        scale_grad_by_freq: boolean,
        mode: EmbeddingBagMode,
        sparse: boolean,
        _weight: Tensor | null,
        include_last_offset: boolean,
        padding_idx: number | null,
      ],
      EmbeddingBagKw
    >
  ) {
    super();
    const o = parseArgs(
      "EmbeddingBag",
      args,
      ["max_norm", "norm_type", "scale_grad_by_freq", "mode", "sparse", "_weight", "include_last_offset", "padding_idx", "device", "dtype"],
      {
        max_norm: null,
        norm_type: 2,
        scale_grad_by_freq: false,
        mode: "mean",
        sparse: false,
        _weight: null,
        include_last_offset: false,
        padding_idx: null,
      },
    );
    this.num_embeddings = num_embeddings;
    this.embedding_dim = embedding_dim;
    this.max_norm = o.max_norm;
    this.norm_type = o.norm_type;
    this.scale_grad_by_freq = o.scale_grad_by_freq;
    let pad: number | null = o.padding_idx;
    if (pad !== null) {
      if (pad >= num_embeddings || pad < -num_embeddings) throw new TorchError("padding_idx must be within num_embeddings");
      if (pad < 0) pad += num_embeddings;
    }
    this.padding_idx = pad;
    if (o._weight) {
      if (o._weight.shape.join() !== `${num_embeddings},${embedding_dim}`)
        throw new TorchError("Shape of weight does not match num_embeddings and embedding_dim");
      this.weight = new Parameter(o._weight);
    } else {
      this.weight = new Parameter(empty([num_embeddings, embedding_dim], factory(o)));
      this.reset_parameters();
    }
    this.mode = o.mode;
    this.sparse = o.sparse;
    this.include_last_offset = o.include_last_offset;
  }

  reset_parameters(): void {
    init.normal_(this.weight);
    this._fill_padding_idx_with_zero();
  }
  _fill_padding_idx_with_zero(): void {
    const pad = this.padding_idx;
    if (pad !== null) no_grad(() => this.weight.getitem(pad).fill_(0));
  }

  override forward(
    input: Tensor,
    ...args: Args<
      [offsets: Tensor | null, per_sample_weights: Tensor | null],
      { offsets?: Tensor | null; per_sample_weights?: Tensor | null }
    >
  ): Tensor {
    const o = parseArgs("forward", args, ["offsets", "per_sample_weights"], { offsets: null, per_sample_weights: null });
    return embedding_bag(
      input,
      this.weight,
      o.offsets,
      this.max_norm,
      this.norm_type,
      this.scale_grad_by_freq,
      this.mode,
      this.sparse,
      o.per_sample_weights,
      this.include_last_offset,
      this.padding_idx,
    );
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.max_norm !== null) s += `, max_norm=${pyFloat(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${pyFloat(this.norm_type)}`;
    if (this.scale_grad_by_freq) s += `, scale_grad_by_freq=${pyRepr(true)}`;
    s += `, mode=${this.mode}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    return s;
  }

  /** EmbeddingBag.from_pretrained(embeddings, freeze=True, ...). */
  static from_pretrained(
    embeddings: Tensor,
    ...args: Args<
      [
        freeze: boolean,
        max_norm: number | null,
        norm_type: number,
        scale_grad_by_freq: boolean,
        mode: EmbeddingBagMode,
        sparse: boolean,
        include_last_offset: boolean,
        padding_idx: number | null,
      ],
      { freeze?: boolean } & Omit<EmbeddingBagKw, "_weight" | "device" | "dtype">
    >
  ): EmbeddingBag {
    const o = parseArgs(
      "from_pretrained",
      args,
      ["freeze", "max_norm", "norm_type", "scale_grad_by_freq", "mode", "sparse", "include_last_offset", "padding_idx"],
      { freeze: true },
    );
    if (embeddings.ndim !== 2) throw new TorchError("Embeddings parameter is expected to be 2-dimensional");
    const { freeze, ...rest } = o;
    const e = new EmbeddingBag(embeddings.shape[0]!, embeddings.shape[1]!, { ...rest, _weight: embeddings });
    e.weight.requires_grad_(!freeze);
    return e;
  }
}
