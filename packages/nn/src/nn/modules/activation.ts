// Activation modules: thin wrappers over nn.functional.
import { TorchError, empty } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import * as nnInit from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { pyFloat, pyRepr } from "../repr.js";
import { factory, type Factory } from "./linear.js";

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

// ---------------------------------------------------------------------------
// The remaining activation modules of torch.nn (PyTorch 1.13's constructor
// signatures, attributes and extra_repr).

const inplaceSuffix = (inplace: boolean) => (inplace ? ", inplace=True" : "");
type AlphaArgs = Args<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>;

export class ELU extends Module {
  alpha: number;
  inplace: boolean;
  constructor(...args: AlphaArgs) {
    super();
    const o = parseArgs("ELU", args, ["alpha", "inplace"], { alpha: 1, inplace: false });
    this.alpha = o.alpha;
    this.inplace = o.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha, this.inplace);
  }
  override extra_repr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}

export class CELU extends Module {
  alpha: number;
  inplace: boolean;
  constructor(...args: AlphaArgs) {
    super();
    const o = parseArgs("CELU", args, ["alpha", "inplace"], { alpha: 1, inplace: false });
    this.alpha = o.alpha;
    this.inplace = o.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha, this.inplace);
  }
  override extra_repr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceSuffix(this.inplace)}`;
  }
}

/** Modules whose only option is `inplace` (printed as PyTorch does: "inplace=True" or nothing). */
abstract class InplaceActivation extends Module {
  inplace: boolean;
  constructor(name: string, args: InplaceArgs) {
    super();
    this.inplace = parseArgs(name, args, ["inplace"], { inplace: false }).inplace;
  }
  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** Such a module applying `f` (its declared type names the base, so the class declarations can be emitted). */
function inplaceModule(name: string, f: (input: Tensor, inplace: boolean) => Tensor): new (...args: InplaceArgs) => InplaceActivation {
  return class extends InplaceActivation {
    constructor(...args: InplaceArgs) {
      super(name, args);
    }
    override forward(input: Tensor): Tensor {
      return f(input, this.inplace);
    }
  };
}

export class SELU extends inplaceModule("SELU", (x, inplace) => F.selu(x, inplace)) {}
export class Hardswish extends inplaceModule("Hardswish", (x, inplace) => F.hardswish(x, inplace)) {
  override extra_repr(): string {
    return "";
  }
}
export class Hardsigmoid extends inplaceModule("Hardsigmoid", (x, inplace) => F.hardsigmoid(x, inplace)) {
  override extra_repr(): string {
    return "";
  }
}
export class Mish extends inplaceModule("Mish", (x, inplace) => F.mish(x, inplace)) {
  override extra_repr(): string {
    return "";
  }
}

export class PReLU extends Module {
  num_parameters: number;
  init: number;
  weight: Parameter;
  constructor(...args: Args<[num_parameters: number, init: number], { num_parameters?: number; init?: number } & Factory>) {
    super();
    const o = parseArgs("PReLU", args, ["num_parameters", "init", "device", "dtype"], { num_parameters: 1, init: 0.25 });
    this.num_parameters = o.num_parameters;
    this.init = o.init;
    this.weight = new Parameter(empty([o.num_parameters], factory(o)));
    this.reset_parameters();
  }
  reset_parameters(): void {
    nnInit.constant_(this.weight, this.init);
  }
  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }
  override extra_repr(): string {
    return `num_parameters=${this.num_parameters}`;
  }
}

export class RReLU extends Module {
  lower: number;
  upper: number;
  inplace: boolean;
  constructor(...args: Args<[lower: number, upper: number, inplace: boolean], { lower?: number; upper?: number; inplace?: boolean }>) {
    super();
    const o = parseArgs("RReLU", args, ["lower", "upper", "inplace"], { lower: 1 / 8, upper: 1 / 3, inplace: false });
    this.lower = o.lower;
    this.upper = o.upper;
    this.inplace = o.inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.rrelu(input, this.lower, this.upper, this.training, this.inplace);
  }
  override extra_repr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceSuffix(this.inplace)}`;
  }
}

export class GLU extends Module {
  dim: number;
  constructor(...args: Args<[dim: number], { dim?: number }>) {
    super();
    this.dim = parseArgs("GLU", args, ["dim"], { dim: -1 }).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim}`;
  }
}

type HardtanhKw = { min_val?: number; max_val?: number; inplace?: boolean; min_value?: number | null; max_value?: number | null };
export class Hardtanh extends Module {
  min_val: number;
  max_val: number;
  inplace: boolean;
  constructor(
    ...args: Args<[min_val: number, max_val: number, inplace: boolean, min_value: number | null, max_value: number | null], HardtanhKw>
  ) {
    super();
    const o = parseArgs(new.target.name, args, ["min_val", "max_val", "inplace", "min_value", "max_value"], {
      min_val: -1,
      max_val: 1,
      inplace: false,
      min_value: null,
      max_value: null,
    });
    // min_value / max_value: PyTorch's deprecated spellings (it warns), still honoured
    this.min_val = o.min_value ?? o.min_val;
    this.max_val = o.max_value ?? o.max_val;
    this.inplace = o.inplace;
    if (!(this.max_val > this.min_val)) throw new TorchError("AssertionError");
  }
  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.min_val, this.max_val, this.inplace);
  }
  override extra_repr(): string {
    return `min_val=${pyFloat(this.min_val)}, max_val=${pyFloat(this.max_val)}${inplaceSuffix(this.inplace)}`;
  }
}

export class ReLU6 extends Hardtanh {
  constructor(...args: InplaceArgs) {
    const { inplace } = parseArgs("ReLU6", args, ["inplace"], { inplace: false });
    super(0, 6, inplace);
  }
  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}

export class Softplus extends Module {
  beta: number;
  threshold: number;
  constructor(...args: Args<[beta: number, threshold: number], { beta?: number; threshold?: number }>) {
    super();
    const o = parseArgs("Softplus", args, ["beta", "threshold"], { beta: 1, threshold: 20 });
    this.beta = o.beta;
    this.threshold = o.threshold;
  }
  override forward(input: Tensor): Tensor {
    return F.softplus(input, this.beta, this.threshold);
  }
  override extra_repr(): string {
    // PyTorch prints the values as given, and its defaults are the ints 1 and 20; JS cannot tell 2 from 2.0,
    // so the defaults print as ints and other values as floats
    const show = (v: number, dflt: number) => (v === dflt ? String(v) : pyFloat(v));
    return `beta=${show(this.beta, 1)}, threshold=${show(this.threshold, 20)}`;
  }
}

export class Softsign extends Module {
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}

export class Tanhshrink extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

type LambdArgs = Args<[lambd: number], { lambd?: number }>;
export class Softshrink extends Module {
  lambd: number;
  constructor(...args: LambdArgs) {
    super();
    this.lambd = parseArgs("Softshrink", args, ["lambd"], { lambd: 0.5 }).lambd;
  }
  override forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }
  override extra_repr(): string {
    return pyFloat(this.lambd);
  }
}

export class Hardshrink extends Module {
  lambd: number;
  constructor(...args: LambdArgs) {
    super();
    this.lambd = parseArgs("Hardshrink", args, ["lambd"], { lambd: 0.5 }).lambd;
  }
  override forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }
  override extra_repr(): string {
    return pyFloat(this.lambd);
  }
}

export class Threshold extends Module {
  threshold: number;
  value: number;
  inplace: boolean;
  constructor(threshold: number, value: number, ...args: Args<[inplace: boolean], { inplace?: boolean }>) {
    super();
    this.threshold = threshold;
    this.value = value;
    this.inplace = parseArgs("Threshold", args, ["inplace"], { inplace: false }).inplace;
  }
  override forward(input: Tensor): Tensor {
    return F.threshold(input, this.threshold, this.value, this.inplace);
  }
  override extra_repr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}${inplaceSuffix(this.inplace)}`;
  }
}

export class Softmin extends Module {
  dim: number | null;
  constructor(...args: DimArgs) {
    super();
    this.dim = parseArgs("Softmin", args, ["dim"], { dim: null }).dim;
  }
  override forward(input: Tensor): Tensor {
    return F.softmin(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${pyRepr(this.dim)}`;
  }
}
