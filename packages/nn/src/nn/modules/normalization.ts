// LayerNorm.
import { empty } from "@xlatorch/core";
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
