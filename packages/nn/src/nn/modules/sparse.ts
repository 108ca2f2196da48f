// Embedding.
import { Tensor, empty, no_grad, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyFloat, pyRepr } from "../repr.js";
import { factory, type Factory } from "./linear.js";

type EmbeddingKw = {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
  _weight?: Tensor | null;
} & Factory;

export class Embedding extends Module {
  num_embeddings: number;
  embedding_dim: number;
  padding_idx: number | null;
  max_norm: number | null;
  norm_type: number;
  scale_grad_by_freq: boolean;
  sparse: boolean;
  weight: Parameter;

  constructor(
    num_embeddings: number,
    embedding_dim: number,
    ...args: Args<
      [
        padding_idx: number | null,
        max_norm: number | null,
        norm_type: number,
        scale_grad_by_freq: boolean,
        sparse: boolean,
        _weight: Tensor | null,
      ],
      EmbeddingKw
    >
  ) {
    super();
    const o = parseArgs(
      "Embedding",
      args,
      ["padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse", "_weight", "device", "dtype"],
      { padding_idx: null, max_norm: null, norm_type: 2, scale_grad_by_freq: false, sparse: false, _weight: null },
    );
    let pad: number | null = o.padding_idx;
    if (pad !== null) {
      if (pad >= num_embeddings || pad < -num_embeddings) throw new TorchError("Padding_idx must be within num_embeddings");
      if (pad < 0) pad += num_embeddings;
    }
    this.num_embeddings = num_embeddings;
    this.embedding_dim = embedding_dim;
    this.padding_idx = pad;
    this.max_norm = o.max_norm;
    this.norm_type = o.norm_type;
    this.scale_grad_by_freq = o.scale_grad_by_freq;
    this.sparse = o.sparse;
    if (o._weight) {
      if (o._weight.shape.join() !== `${num_embeddings},${embedding_dim}`)
        throw new TorchError("Shape of weight does not match num_embeddings and embedding_dim");
      this.weight = new Parameter(o._weight);
    } else {
      this.weight = new Parameter(empty([num_embeddings, embedding_dim], factory(o)));
      this.reset_parameters();
    }
  }

  /** weight ~ N(0, 1), then the padding row zeroed, as PyTorch 1.13. */
  reset_parameters(): void {
    init.normal_(this.weight);
    this._fill_padding_idx_with_zero();
  }
  _fill_padding_idx_with_zero(): void {
    const pad = this.padding_idx;
    if (pad !== null) no_grad(() => this.weight.getitem(pad).fill_(0));
  }

  override forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, this.padding_idx, this.max_norm, this.norm_type, this.scale_grad_by_freq, this.sparse);
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    if (this.max_norm !== null) s += `, max_norm=${pyFloat(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${pyFloat(this.norm_type)}`;
    if (this.scale_grad_by_freq) s += `, scale_grad_by_freq=${pyRepr(true)}`;
    if (this.sparse) s += ", sparse=True";
    return s;
  }

  /** Embedding.from_pretrained(embeddings, freeze=True, ...). */
  static from_pretrained(
    embeddings: Tensor,
    ...args: Args<
      [
        freeze: boolean,
        padding_idx: number | null,
        max_norm: number | null,
        norm_type: number,
        scale_grad_by_freq: boolean,
        sparse: boolean,
      ],
      {
        freeze?: boolean;
        padding_idx?: number | null;
        max_norm?: number | null;
        norm_type?: number;
        scale_grad_by_freq?: boolean;
        sparse?: boolean;
      }
    >
  ): Embedding {
    const o = parseArgs("from_pretrained", args, ["freeze", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"], {
      freeze: true,
    });
    if (embeddings.ndim !== 2) throw new TorchError("Embeddings parameter is expected to be 2-dimensional");
    const { freeze, ...rest } = o;
    const e = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, { ...rest, _weight: embeddings });
    e.weight.requires_grad_(!freeze);
    return e;
  }
}
