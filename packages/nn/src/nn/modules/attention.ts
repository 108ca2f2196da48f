// MultiheadAttention (PyTorch 1.13): the same parameters under the same names
// (in_proj_weight or q/k/v_proj_weight, in_proj_bias, out_proj, bias_k,
// bias_v), registered and initialised in PyTorch's order so a seeded
// construction gives PyTorch's weights and PyTorch's state_dicts load.
import { Tensor, TorchError, empty } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { multi_head_attention_forward } from "../functional/attention.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { factory, Linear, type Factory } from "./linear.js";

/** PyTorch's out_proj class (torch.nn.modules.linear): a Linear that quantization leaves alone; its name shows in reprs. */
export class NonDynamicallyQuantizableLinear extends Linear {}

type MhaKw = {
  dropout?: number;
  bias?: boolean;
  add_bias_kv?: boolean;
  add_zero_attn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batch_first?: boolean;
} & Factory;

type ForwardKw = {
  key_padding_mask?: Tensor | null;
  need_weights?: boolean;
  attn_mask?: Tensor | null;
  average_attn_weights?: boolean;
};

export class MultiheadAttention extends Module {
  embed_dim: number;
  kdim: number;
  vdim: number;
  _qkv_same_embed_dim: boolean;
  num_heads: number;
  dropout: number;
  batch_first: boolean;
  head_dim: number;
  // parameters, declared in PyTorch's registration order (state_dict order)
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: NonDynamicallyQuantizableLinear;
  bias_k: Parameter | null = null;
  bias_v: Parameter | null = null;
  add_zero_attn: boolean;

  constructor(
    embed_dim: number,
    num_heads: number,
    ...args: Args<
      [
        dropout: number,
        bias: boolean,
        add_bias_kv: boolean,
        add_zero_attn: boolean,
        kdim: number | null,
        vdim: number | null,
        batch_first: boolean,
      ],
      MhaKw
    >
  ) {
    super();
    const o = parseArgs(
      "MultiheadAttention",
      args,
      ["dropout", "bias", "add_bias_kv", "add_zero_attn", "kdim", "vdim", "batch_first", "device", "dtype"],
      { dropout: 0, bias: true, add_bias_kv: false, add_zero_attn: false, kdim: null, vdim: null, batch_first: false },
    );
    const f = factory(o);
    this.embed_dim = embed_dim;
    this.kdim = o.kdim ?? embed_dim;
    this.vdim = o.vdim ?? embed_dim;
    this._qkv_same_embed_dim = this.kdim === embed_dim && this.vdim === embed_dim;
    this.num_heads = num_heads;
    this.dropout = o.dropout;
    this.batch_first = o.batch_first;
    this.head_dim = Math.floor(embed_dim / num_heads);
    if (this.head_dim * num_heads !== embed_dim) throw new TorchError("embed_dim must be divisible by num_heads");
    if (!this._qkv_same_embed_dim) {
      this.q_proj_weight = new Parameter(empty([embed_dim, embed_dim], f));
      this.k_proj_weight = new Parameter(empty([embed_dim, this.kdim], f));
      this.v_proj_weight = new Parameter(empty([embed_dim, this.vdim], f));
    } else {
      this.in_proj_weight = new Parameter(empty([3 * embed_dim, embed_dim], f));
    }
    if (o.bias) this.in_proj_bias = new Parameter(empty([3 * embed_dim], f));
    // out_proj initialises itself (drawing from the RNG) before _reset_parameters draws the in-projection, as in PyTorch
    this.out_proj = new NonDynamicallyQuantizableLinear(embed_dim, embed_dim, o.bias, f);
    if (o.add_bias_kv) {
      this.bias_k = new Parameter(empty([1, 1, embed_dim], f));
      this.bias_v = new Parameter(empty([1, 1, embed_dim], f));
    }
    this.add_zero_attn = o.add_zero_attn;
    this._reset_parameters();
  }

  _reset_parameters(): void {
    if (this._qkv_same_embed_dim) init.xavier_uniform_(this.in_proj_weight!);
    else {
      init.xavier_uniform_(this.q_proj_weight!);
      init.xavier_uniform_(this.k_proj_weight!);
      init.xavier_uniform_(this.v_proj_weight!);
    }
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias) init.constant_(this.out_proj.bias, 0);
    }
    if (this.bias_k) init.xavier_normal_(this.bias_k);
    if (this.bias_v) init.xavier_normal_(this.bias_v);
  }

  /**
   * query (L, N, E) / (N, L, E) with batch_first / unbatched (L, E); returns
   * [attn_output, attn_output_weights or null] (weights averaged over heads
   * unless average_attn_weights is false).
   */
  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    ...args: Args<
      [key_padding_mask: Tensor | null, need_weights: boolean, attn_mask: Tensor | null, average_attn_weights: boolean],
      ForwardKw
    >
  ): [Tensor, Tensor | null] {
    const o = parseArgs("forward", args, ["key_padding_mask", "need_weights", "attn_mask", "average_attn_weights"], {
      key_padding_mask: null,
      need_weights: true,
      attn_mask: null,
      average_attn_weights: true,
    });
    const is_batched = query.ndim === 3;
    const kpm = o.key_padding_mask as Tensor | null;
    if (kpm !== null && kpm.dtype.name !== "bool" && !kpm.dtype.is_floating_point)
      throw new TorchError("only bool and floating types of key_padding_mask are supported");
    if (this.batch_first && is_batched) {
      // transpose once per distinct tensor, so self-attention stays self-attention (identity decides the projection path)
      if (key === value) {
        if (query === key) query = key = value = query.transpose(1, 0);
        else {
          query = query.transpose(1, 0);
          key = value = key.transpose(1, 0);
        }
      } else {
        query = query.transpose(1, 0);
        key = key.transpose(1, 0);
        value = value.transpose(1, 0);
      }
    }
    const common = {
      training: this.training,
      key_padding_mask: kpm,
      need_weights: o.need_weights as boolean,
      attn_mask: o.attn_mask as Tensor | null,
      average_attn_weights: o.average_attn_weights as boolean,
    };
    const [out, weights] = multi_head_attention_forward(
      query,
      key,
      value,
      this.embed_dim,
      this.num_heads,
      this.in_proj_weight,
      this.in_proj_bias,
      this.bias_k,
      this.bias_v,
      this.add_zero_attn,
      this.dropout,
      this.out_proj.weight,
      this.out_proj.bias,
      this._qkv_same_embed_dim
        ? common
        : {
            ...common,
            use_separate_proj_weight: true,
            q_proj_weight: this.q_proj_weight,
            k_proj_weight: this.k_proj_weight,
            v_proj_weight: this.v_proj_weight,
          },
    );
    return [this.batch_first && is_batched ? out.transpose(1, 0) : out, weights];
  }
}
