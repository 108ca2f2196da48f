// nn.LazyLinear (PyTorch 1.13): a Linear whose in_features is inferred from
// the input's last dim at the first call (modules/lazy.ts), when it becomes a
// Linear with the parameters initialized as Linear's (same RNG order).
import { no_grad, type Tensor, TorchIndexError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { makeLazy, hasUninitialized } from "./lazy.js";
import { UninitializedParameter } from "./lazy_parameter.js";
import { factory, Linear, type Factory } from "./linear.js";

export class LazyLinear extends Linear {
  /** LazyLinear(out_features, bias=True, device=None, dtype=None) */
  constructor(out_features: number, ...args: Args<[bias: boolean], { bias?: boolean } & Factory>) {
    const o = parseArgs("LazyLinear", args, ["bias", "device", "dtype"], { bias: true });
    // bias false: no tensor that is replaced at once (as PyTorch's)
    super(0, 0, { bias: false, ...factory(o) });
    this.weight = new UninitializedParameter(factory(o));
    this.out_features = out_features;
    if (o.bias) this.bias = new UninitializedParameter(factory(o));
    makeLazy(this, Linear);
  }

  /** PyTorch's cls_to_become: the class the module turns into at its first call. */
  get cls_to_become(): typeof Linear {
    return Linear;
  }
  has_uninitialized_params(): boolean {
    return hasUninitialized(this);
  }

  /** Linear's initialization, once the parameters have their shapes (the call from Linear's constructor does nothing). */
  override reset_parameters(): void {
    if (!this.has_uninitialized_params() && this.in_features !== 0) super.reset_parameters();
  }

  initialize_parameters(input: Tensor): void {
    if (!this.has_uninitialized_params()) return;
    if (input.ndim === 0)
      throw new TorchIndexError("LazyLinear: tuple index out of range (a 0-dim input has no last dim to infer in_features from)");
    no_grad(() => {
      this.in_features = input.shape[input.ndim - 1]!;
      (this.weight as UninitializedParameter).materialize([this.out_features, this.in_features]);
      if (this.bias) (this.bias as UninitializedParameter).materialize([this.out_features]);
      this.reset_parameters();
    });
  }
}
