// Activation modules: thin wrappers over nn.functional.
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import { Module } from "../module.js";
import { pyFloat, pyRepr } from "../repr.js";

type InplaceArgs = Args<[inplace: boolean], { inplace?: boolean }>;
const inplaceRepr = (inplace: boolean) => (inplace ? "inplace=True" : "");

export class ReLU extends Module {
  inplace: boolean;
  constructor(...args: InplaceArgs) {
    super();
    this.inplace = parseArgs("ReLU", args, ["inplace"], { inplace: false }).inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.relu(input, this.inplace);
  }
  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class LeakyReLU extends Module {
  negative_slope: number;
  inplace: boolean;
  constructor(...args: Args<[negative_slope: number, inplace: boolean], { negative_slope?: number; inplace?: boolean }>) {
    super();
    const o = parseArgs("LeakyReLU", args, ["negative_slope", "inplace"], { negative_slope: 0.01, inplace: false });
    this.negative_slope = o.negative_slope;
    this.inplace = o.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.leaky_relu(input, this.negative_slope, this.inplace);
  }
  override extra_repr(): string {
    return `negative_slope=${pyFloat(this.negative_slope)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

export class GELU extends Module {
  approximate: "none" | "tanh";
  constructor(...args: Args<[], { approximate?: "none" | "tanh" }>) {
    super();
    this.approximate = parseArgs("GELU", args, ["approximate"], { approximate: "none" }).approximate;
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extra_repr(): string {
    return `approximate=${pyRepr(this.approximate)}`;
  }
}

export class SiLU extends Module {
  inplace: boolean;
  constructor(...args: InplaceArgs) {
    super();
    this.inplace = parseArgs("SiLU", args, ["inplace"], { inplace: false }).inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.silu(input, this.inplace);
  }
  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return input.tanh();
  }
}

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}

type DimArgs = Args<[dim: number | null], { dim?: number | null }>;
export class Softmax extends Module {
  dim: number | null;
  constructor(...args: DimArgs) {
    super();
    this.dim = parseArgs("Softmax", args, ["dim"], { dim: null }).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}

export class LogSoftmax extends Module {
  dim: number | null;
  constructor(...args: DimArgs) {
    super();
    this.dim = parseArgs("LogSoftmax", args, ["dim"], { dim: null }).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.log_softmax(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}
