// LayerNorm, GroupNorm, LocalResponseNorm.
import { TorchError, empty } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyFloat, pyRepr } from "../repr.js";
import { factory, type Factory } from "./linear.js";

export class LayerNorm extends Module {
  normalized_shape: number[];
  eps: number;
  elementwise_affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(
    normalized_shape: number | number[],
    ...args: Args<[eps: number, elementwise_affine: boolean], { eps?: number; elementwise_affine?: boolean } & Factory>
  ) {
    super();
    const o = parseArgs("LayerNorm", args, ["eps", "elementwise_affine", "device", "dtype"], { eps: 1e-5, elementwise_affine: true });
    this.normalized_shape = typeof normalized_shape === "number" ? [normalized_shape] : [...normalized_shape];
    this.eps = o.eps;
    this.elementwise_affine = o.elementwise_affine;
    this.weight = o.elementwise_affine ? new Parameter(empty(this.normalized_shape, factory(o))) : null;
    this.bias = o.elementwise_affine ? new Parameter(empty(this.normalized_shape, factory(o))) : null;
    this.reset_parameters();
  }

  reset_parameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.layer_norm(input, this.normalized_shape, this.weight, this.bias, this.eps);
  }
  override extra_repr(): string {
    return `${pyRepr(this.normalized_shape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyRepr(this.elementwise_affine)}`;
  }
}

export class GroupNorm extends Module {
  num_groups: number;
  num_channels: number;
  eps: number;
  affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(
    num_groups: number,
    num_channels: number,
    ...args: Args<[eps: number, affine: boolean], { eps?: number; affine?: boolean } & Factory>
  ) {
    super();
    const o = parseArgs("GroupNorm", args, ["eps", "affine", "device", "dtype"], { eps: 1e-5, affine: true });
    if (num_channels % num_groups !== 0) throw new TorchError("num_channels must be divisible by num_groups");
    this.num_groups = num_groups;
    this.num_channels = num_channels;
    this.eps = o.eps;
    this.affine = o.affine;
    this.weight = o.affine ? new Parameter(empty([num_channels], factory(o))) : null;
    this.bias = o.affine ? new Parameter(empty([num_channels], factory(o))) : null;
    this.reset_parameters();
  }

  reset_parameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return F.group_norm(input, this.num_groups, this.weight, this.bias, this.eps);
  }
  override extra_repr(): string {
    return `${this.num_groups}, ${this.num_channels}, eps=${pyFloat(this.eps)}, affine=${pyRepr(this.affine)}`;
  }
}

export class LocalResponseNorm extends Module {
  size: number;
  alpha: number;
  beta: number;
  k: number;
  constructor(size: number, ...args: Args<[alpha: number, beta: number, k: number], { alpha?: number; beta?: number; k?: number }>) {
    super();
    const o = parseArgs("LocalResponseNorm", args, ["alpha", "beta", "k"], { alpha: 1e-4, beta: 0.75, k: 1 });
    this.size = size;
    this.alpha = o.alpha;
    this.beta = o.beta;
    this.k = o.k;
  }
  override forward(input: Tensor): Tensor {
    return F.local_response_norm(input, this.size, this.alpha, this.beta, this.k);
  }
  override extra_repr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
