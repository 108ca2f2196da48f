// Identity, Linear, Bilinear.
import { Tensor, empty, type DType, type DeviceLike } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyRepr } from "../repr.js";

export type Factory = { device?: DeviceLike | null; dtype?: DType | null };
/** device/dtype keywords for torch.empty, without nulls. */
export const factory = (o: Factory) => ({ ...(o.device ? { device: o.device } : {}), ...(o.dtype ? { dtype: o.dtype } : {}) });

export class Identity extends Module {
  /** PyTorch's Identity accepts and ignores any constructor arguments. */
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return input;
  }
}

export class Linear extends Module {
  in_features: number;
  out_features: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in_features: number, out_features: number, ...args: Args<[bias: boolean], { bias?: boolean } & Factory>) {
    super();
    const o = parseArgs("Linear", args, ["bias", "device", "dtype"], { bias: true });
    this.in_features = in_features;
    this.out_features = out_features;
    this.weight = new Parameter(empty([out_features, in_features], factory(o)));
    this.bias = o.bias ? new Parameter(empty([out_features], factory(o))) : null;
    this.reset_parameters();
  }

  /** kaiming_uniform_(weight, a=sqrt(5)), then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as PyTorch 1.13. */
  reset_parameters(): void {
    init.kaiming_uniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init._calculate_fan_in_and_fan_out(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }
  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${pyRepr(this.bias !== null)}`;
  }
}

export class Bilinear extends Module {
  in1_features: number;
  in2_features: number;
  out_features: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    in1_features: number,
    in2_features: number,
    out_features: number,
    ...args: Args<[bias: boolean], { bias?: boolean } & Factory>
  ) {
    super();
    const o = parseArgs("Bilinear", args, ["bias", "device", "dtype"], { bias: true });
    this.in1_features = in1_features;
    this.in2_features = in2_features;
    this.out_features = out_features;
    this.weight = new Parameter(empty([out_features, in1_features, in2_features], factory(o)));
    this.bias = o.bias ? new Parameter(empty([out_features], factory(o))) : null;
    this.reset_parameters();
  }

  reset_parameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]!);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }
  override extra_repr(): string {
    return `in1_features=${this.in1_features}, in2_features=${this.in2_features}, out_features=${this.out_features}, bias=${pyRepr(this.bias !== null)}`;
  }
}
