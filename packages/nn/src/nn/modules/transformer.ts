// Transformer, TransformerEncoder(Layer), TransformerDecoder(Layer) as PyTorch
// 1.13 writes them (the general path; PyTorch's fused inference fast path
// computes the same values): the same submodules under the same names, so
// state_dict keys are PyTorch's and its checkpoints load; the same RNG draws
// in the same order, so a seeded construction gives PyTorch's weights.
import { Tensor, TorchError, full, type DeviceLike } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { deepcopy } from "../deepcopy.js";
import { gelu, relu } from "../functional/activation.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { MultiheadAttention } from "./attention.js";
import { ModuleList } from "./container.js";
import { Dropout } from "./dropout.js";
import { Linear, type Factory } from "./linear.js";
import { LayerNorm } from "./normalization.js";

/** An activation: "relu", "gelu", a function of a tensor, or a module (registered as a submodule, as in PyTorch). */
export type Activation = "relu" | "gelu" | ((x: Tensor) => Tensor) | Module;

type LayerKw = {
  dim_feedforward?: number;
  dropout?: number;
  activation?: Activation;
  layer_norm_eps?: number;
  batch_first?: boolean;
  norm_first?: boolean;
} & Factory;
type LayerArgs = Args<
  [dim_feedforward: number, dropout: number, activation: Activation, layer_norm_eps: number, batch_first: boolean, norm_first: boolean],
  LayerKw
>;
const LAYER_NAMES = ["dim_feedforward", "dropout", "activation", "layer_norm_eps", "batch_first", "norm_first", "device", "dtype"] as const;
const LAYER_DEFAULTS = {
  dim_feedforward: 2048,
  dropout: 0.1,
  activation: relu,
  layer_norm_eps: 1e-5,
  batch_first: false,
  norm_first: false,
};

/** PyTorch's _get_activation_fn for the legacy string form. */
function activationFn(activation: Activation): ((x: Tensor) => Tensor) | Module {
  if (typeof activation !== "string") return activation;
  if (activation === "relu") return relu;
  if (activation === "gelu") return gelu;
  throw new TorchError(`activation should be relu/gelu, not ${activation}`);
}

/** The factory keywords to pass on, without nulls. */
const fk = (o: Factory): Factory => ({ ...(o.device ? { device: o.device } : {}), ...(o.dtype ? { dtype: o.dtype } : {}) });

function checkPaddingMask(m: Tensor | null): void {
  if (m !== null && m.dtype.name !== "bool" && !m.dtype.is_floating_point)
    throw new TorchError("only bool and floating types of key_padding_mask are supported");
}

/**
 * The layers' options parsed, and makers of the submodules both layers have.
 * Each layer calls them in PyTorch's order: that order is the RNG draws' (a
 * seeded construction gives PyTorch's weights) and state_dict's.
 */
function layerParts(op: string, d_model: number, nhead: number, args: LayerArgs) {
  const o = parseArgs(op, args, LAYER_NAMES, LAYER_DEFAULTS);
  const f = fk(o);
  return {
    o,
    attention: () => new MultiheadAttention(d_model, nhead, { dropout: o.dropout, batch_first: o.batch_first, ...f }),
    linear1: () => new Linear(d_model, o.dim_feedforward, f),
    linear2: () => new Linear(o.dim_feedforward, d_model, f),
    norm: () => new LayerNorm(d_model, { eps: o.layer_norm_eps, ...f }),
    dropout: () => new Dropout(o.dropout),
  };
}

/** An attention block (PyTorch's _sa_block / _mha_block): attention of x over mem, without weights, then dropout. */
function attentionBlock(
  attn: MultiheadAttention,
  dropout: Dropout,
  x: Tensor,
  mem: Tensor,
  attn_mask: Tensor | null,
  key_padding_mask: Tensor | null,
): Tensor {
  const [y] = attn(x, mem, mem, { attn_mask, key_padding_mask, need_weights: false });
  return dropout(y);
}

/** The feed-forward block (PyTorch's _ff_block): linear2(dropout(activation(linear1(x)))), then the layer's last dropout. */
function feedForwardBlock(
  l: { linear1: Linear; dropout: Dropout; linear2: Linear; activation: ((x: Tensor) => Tensor) | Module },
  lastDropout: Dropout,
  x: Tensor,
): Tensor {
  return lastDropout(l.linear2(l.dropout(l.activation(l.linear1(x)) as Tensor)));
}

/** ModuleList of n deep copies of `module` (PyTorch's _get_clones): every layer starts with the same weights. */
function getClones<M extends Module>(module: M, n: number): ModuleList {
  return new ModuleList(Array.from({ length: n }, () => deepcopy(module)));
}

export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm_first: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  activation_relu_or_gelu: number;
  activation: ((x: Tensor) => Tensor) | Module;

  constructor(d_model: number, nhead: number, ...args: LayerArgs) {
    super();
    const make = layerParts("TransformerEncoderLayer", d_model, nhead, args);
    const o = make.o;
    this.self_attn = make.attention();
    this.linear1 = make.linear1();
    this.dropout = make.dropout();
    this.linear2 = make.linear2();
    this.norm_first = o.norm_first;
    this.norm1 = make.norm();
    this.norm2 = make.norm();
    this.dropout1 = make.dropout();
    this.dropout2 = make.dropout();
    const act = activationFn(o.activation);
    this.activation_relu_or_gelu = act === relu ? 1 : act === gelu ? 2 : 0;
    this.activation = act;
  }

  override forward(
    src: Tensor,
    ...args: Args<
      [src_mask: Tensor | null, src_key_padding_mask: Tensor | null],
      { src_mask?: Tensor | null; src_key_padding_mask?: Tensor | null }
    >
  ): Tensor {
    const o = parseArgs("forward", args, ["src_mask", "src_key_padding_mask"], { src_mask: null, src_key_padding_mask: null });
    checkPaddingMask(o.src_key_padding_mask);
    let x = src;
    if (this.norm_first) {
      x = x.add(this._sa_block(this.norm1(x), o.src_mask, o.src_key_padding_mask));
      x = x.add(this._ff_block(this.norm2(x)));
    } else {
      x = this.norm1(x.add(this._sa_block(x, o.src_mask, o.src_key_padding_mask)));
      x = this.norm2(x.add(this._ff_block(x)));
    }
    return x;
  }

  _sa_block(x: Tensor, attn_mask: Tensor | null, key_padding_mask: Tensor | null): Tensor {
    return attentionBlock(this.self_attn, this.dropout1, x, x, attn_mask, key_padding_mask);
  }
  _ff_block(x: Tensor): Tensor {
    return feedForwardBlock(this, this.dropout2, x);
  }
}

export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm_first: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  activation: ((x: Tensor) => Tensor) | Module;

  constructor(d_model: number, nhead: number, ...args: LayerArgs) {
    super();
    const make = layerParts("TransformerDecoderLayer", d_model, nhead, args);
    this.self_attn = make.attention();
    this.multihead_attn = make.attention();
    this.linear1 = make.linear1();
    this.dropout = make.dropout();
    this.linear2 = make.linear2();
    this.norm_first = make.o.norm_first;
    this.norm1 = make.norm();
    this.norm2 = make.norm();
    this.norm3 = make.norm();
    this.dropout1 = make.dropout();
    this.dropout2 = make.dropout();
    this.dropout3 = make.dropout();
    this.activation = activationFn(make.o.activation);
  }

  override forward(tgt: Tensor, memory: Tensor, ...args: DecoderArgs): Tensor {
    const o = decoderMasks(args);
    let x = tgt;
    if (this.norm_first) {
      x = x.add(this._sa_block(this.norm1(x), o.tgt_mask, o.tgt_key_padding_mask));
      x = x.add(this._mha_block(this.norm2(x), memory, o.memory_mask, o.memory_key_padding_mask));
      x = x.add(this._ff_block(this.norm3(x)));
    } else {
      x = this.norm1(x.add(this._sa_block(x, o.tgt_mask, o.tgt_key_padding_mask)));
      x = this.norm2(x.add(this._mha_block(x, memory, o.memory_mask, o.memory_key_padding_mask)));
      x = this.norm3(x.add(this._ff_block(x)));
    }
    return x;
  }

  _sa_block(x: Tensor, attn_mask: Tensor | null, key_padding_mask: Tensor | null): Tensor {
    return attentionBlock(this.self_attn, this.dropout1, x, x, attn_mask, key_padding_mask);
  }
  _mha_block(x: Tensor, mem: Tensor, attn_mask: Tensor | null, key_padding_mask: Tensor | null): Tensor {
    return attentionBlock(this.multihead_attn, this.dropout2, x, mem, attn_mask, key_padding_mask);
  }
  _ff_block(x: Tensor): Tensor {
    return feedForwardBlock(this, this.dropout3, x);
  }
}

type DecoderMasks = {
  tgt_mask?: Tensor | null;
  memory_mask?: Tensor | null;
  tgt_key_padding_mask?: Tensor | null;
  memory_key_padding_mask?: Tensor | null;
};
type DecoderArgs = Args<
  [tgt_mask: Tensor | null, memory_mask: Tensor | null, tgt_key_padding_mask: Tensor | null, memory_key_padding_mask: Tensor | null],
  DecoderMasks
>;

/** The masks forward takes, the same in TransformerDecoderLayer and TransformerDecoder (each None by default). */
function decoderMasks(args: DecoderArgs) {
  return parseArgs("forward", args, ["tgt_mask", "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask"], {
    tgt_mask: null,
    memory_mask: null,
    tgt_key_padding_mask: null,
    memory_key_padding_mask: null,
  });
}

export class TransformerEncoder extends Module {
  layers: ModuleList;
  num_layers: number;
  norm: Module | null;
  enable_nested_tensor: boolean;
  mask_check: boolean;

  /** enable_nested_tensor and mask_check are accepted and kept; they only choose PyTorch's inference fast path, whose values are the same. */
  constructor(
    encoder_layer: Module,
    num_layers: number,
    ...args: Args<
      [norm: Module | null, enable_nested_tensor: boolean, mask_check: boolean],
      { norm?: Module | null; enable_nested_tensor?: boolean; mask_check?: boolean }
    >
  ) {
    super();
    const o = parseArgs("TransformerEncoder", args, ["norm", "enable_nested_tensor", "mask_check"], {
      norm: null,
      enable_nested_tensor: true,
      mask_check: true,
    });
    this.layers = getClones(encoder_layer, num_layers);
    this.num_layers = num_layers;
    this.norm = o.norm;
    this.enable_nested_tensor = o.enable_nested_tensor;
    this.mask_check = o.mask_check;
  }

  override forward(
    src: Tensor,
    ...args: Args<
      [mask: Tensor | null, src_key_padding_mask: Tensor | null],
      { mask?: Tensor | null; src_key_padding_mask?: Tensor | null }
    >
  ): Tensor {
    const o = parseArgs("forward", args, ["mask", "src_key_padding_mask"], { mask: null, src_key_padding_mask: null });
    checkPaddingMask(o.src_key_padding_mask);
    let output = src;
    for (const mod of this.layers) output = mod(output, { src_mask: o.mask, src_key_padding_mask: o.src_key_padding_mask }) as Tensor;
    if (this.norm !== null) output = this.norm(output) as Tensor;
    return output;
  }
}

export class TransformerDecoder extends Module {
  layers: ModuleList;
  num_layers: number;
  norm: Module | null;

  constructor(decoder_layer: Module, num_layers: number, ...args: Args<[norm: Module | null], { norm?: Module | null }>) {
    super();
    const o = parseArgs("TransformerDecoder", args, ["norm"], { norm: null });
    this.layers = getClones(decoder_layer, num_layers);
    this.num_layers = num_layers;
    this.norm = o.norm;
  }

  override forward(tgt: Tensor, memory: Tensor, ...args: DecoderArgs): Tensor {
    const o = decoderMasks(args);
    let output = tgt;
    for (const mod of this.layers) output = mod(output, memory, o) as Tensor;
    if (this.norm !== null) output = this.norm(output) as Tensor;
    return output;
  }
}

type TransformerKw = {
  d_model?: number;
  nhead?: number;
  num_encoder_layers?: number;
  num_decoder_layers?: number;
  dim_feedforward?: number;
  dropout?: number;
  activation?: Activation;
  custom_encoder?: Module | null;
  custom_decoder?: Module | null;
  layer_norm_eps?: number;
  batch_first?: boolean;
  norm_first?: boolean;
} & Factory;

export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  d_model: number;
  nhead: number;
  batch_first: boolean;

  constructor(
    ...args: Args<
      [
        d_model: number,
        nhead: number,
        num_encoder_layers: number,
        num_decoder_layers: number,
        dim_feedforward: number,
        dropout: number,
        activation: Activation,
        custom_encoder: Module | null,
        custom_decoder: Module | null,
        layer_norm_eps: number,
        batch_first: boolean,
        norm_first: boolean,
      ],
      TransformerKw
    >
  ) {
    super();
    const o = parseArgs(
      "Transformer",
      args,
      [
        "d_model",
        "nhead",
        "num_encoder_layers",
        "num_decoder_layers",
        "dim_feedforward",
        "dropout",
        "activation",
        "custom_encoder",
        "custom_decoder",
        "layer_norm_eps",
        "batch_first",
        "norm_first",
        "device",
        "dtype",
      ],
      {
        d_model: 512,
        nhead: 8,
        num_encoder_layers: 6,
        num_decoder_layers: 6,
        dim_feedforward: 2048,
        dropout: 0.1,
        activation: relu,
        custom_encoder: null,
        custom_decoder: null,
        layer_norm_eps: 1e-5,
        batch_first: false,
        norm_first: false,
      },
    );
    const f = fk(o);
    const layerArgs = [o.dim_feedforward, o.dropout, o.activation, o.layer_norm_eps, o.batch_first, o.norm_first, f] as const;
    if (o.custom_encoder !== null) this.encoder = o.custom_encoder;
    else {
      const layer = new TransformerEncoderLayer(o.d_model, o.nhead, ...layerArgs);
      const norm = new LayerNorm(o.d_model, { eps: o.layer_norm_eps, ...f });
      this.encoder = new TransformerEncoder(layer, o.num_encoder_layers, norm);
    }
    if (o.custom_decoder !== null) this.decoder = o.custom_decoder;
    else {
      const layer = new TransformerDecoderLayer(o.d_model, o.nhead, ...layerArgs);
      const norm = new LayerNorm(o.d_model, { eps: o.layer_norm_eps, ...f });
      this.decoder = new TransformerDecoder(layer, o.num_decoder_layers, norm);
    }
    this._reset_parameters();
    this.d_model = o.d_model;
    this.nhead = o.nhead;
    this.batch_first = o.batch_first;
  }

  override forward(
    src: Tensor,
    tgt: Tensor,
    ...args: Args<
      [
        src_mask: Tensor | null,
        tgt_mask: Tensor | null,
        memory_mask: Tensor | null,
        src_key_padding_mask: Tensor | null,
        tgt_key_padding_mask: Tensor | null,
        memory_key_padding_mask: Tensor | null,
      ],
      DecoderMasks & { src_mask?: Tensor | null; src_key_padding_mask?: Tensor | null }
    >
  ): Tensor {
    const o = parseArgs(
      "forward",
      args,
      ["src_mask", "tgt_mask", "memory_mask", "src_key_padding_mask", "tgt_key_padding_mask", "memory_key_padding_mask"],
      {
        src_mask: null,
        tgt_mask: null,
        memory_mask: null,
        src_key_padding_mask: null,
        tgt_key_padding_mask: null,
        memory_key_padding_mask: null,
      },
    );
    const is_batched = src.ndim === 3;
    if (is_batched && src.shape[this.batch_first ? 0 : 1] !== tgt.shape[this.batch_first ? 0 : 1])
      throw new TorchError("the batch number of src and tgt must be equal");
    if (src.shape[src.ndim - 1] !== this.d_model || tgt.shape[tgt.ndim - 1] !== this.d_model)
      throw new TorchError("the feature number of src and tgt must be equal to d_model");
    const memory = this.encoder(src, { mask: o.src_mask, src_key_padding_mask: o.src_key_padding_mask }) as Tensor;
    return this.decoder(tgt, memory, {
      tgt_mask: o.tgt_mask,
      memory_mask: o.memory_mask,
      tgt_key_padding_mask: o.tgt_key_padding_mask,
      memory_key_padding_mask: o.memory_key_padding_mask,
    }) as Tensor;
  }

  /** A float mask for a sequence of length sz: -inf above the diagonal, 0 elsewhere. */
  static generate_square_subsequent_mask(sz: number, ...args: Args<[device: DeviceLike], { device?: DeviceLike }>): Tensor {
    const { device } = parseArgs("generate_square_subsequent_mask", args, ["device"], { device: "cpu" });
    return full([sz, sz], Number.NEGATIVE_INFINITY, { device }).triu(1);
  }

  /** xavier_uniform_ on every parameter of more than one dimension, in parameters() order (after the layers' own init). */
  _reset_parameters(): void {
    for (const p of this.parameters()) if (p.ndim > 1) init.xavier_uniform_(p);
  }
}
