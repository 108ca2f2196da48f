// NAdam (PyTorch 1.13's _single_tensor_nadam): Adam with Nesterov momentum and
// the momentum schedule mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay)).
// mu_product is a cpu float32 scalar tensor, as in PyTorch, so its rounding
// (float32 products) is PyTorch's.
import { type Tensor, float32, tensor, zeros_like, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addcdiv_, addcmul_ } from "./_functional.js";
import { adamLikeDefaults, adamLikeStart } from "./_adam_like.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface NAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  momentum_decay?: number;
  foreach?: boolean | null;
}

interface NAdamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weight_decay: number;
  momentum_decay: number;
}
type NAdamState = { step?: Tensor; mu_product?: Tensor; exp_avg?: Tensor; exp_avg_sq?: Tensor };
/** mu_product's first value: a cpu float32 scalar, as in PyTorch. */
const muProduct = (): Tensor => tensor(1.0, { dtype: float32 });

export class NAdam extends Optimizer {
  constructor(
    params: Params,
    ...args: Args<
      [lr: number, betas: [number, number], eps: number, weight_decay: number, momentum_decay: number, foreach: boolean | null],
      NAdamOptions
    >
  ) {
    const o = parseArgs("NAdam", args, ["lr", "betas", "eps", "weight_decay", "momentum_decay", "foreach"], {
      lr: 2e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0,
      momentum_decay: 4e-3,
      foreach: null,
    });
    const defaults = adamLikeDefaults(o);
    if (!(o.momentum_decay >= 0)) throw new TorchError(`Invalid momentum_decay value: ${o.momentum_decay}`);
    super(params, defaults);
  }

  protected override _step_group(group: ParamGroup): void {
    const {
      lr,
      eps,
      weight_decay,
      momentum_decay,
      betas: [beta1, beta2],
    } = group as NAdamGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this._state(p) as NAdamState;
      const { grad, step } = adamLikeStart(
        p,
        p.grad,
        state,
        { mu_product: muProduct, exp_avg: zeros_like, exp_avg_sq: zeros_like },
        weight_decay,
      );
      const bias_correction2 = 1 - beta2 ** step;
      const mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay));
      const mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay));
      const mu_product = state.mu_product!.mul_(mu);
      const mu_product_next = Number(mu_product.mul(mu).mul(mu_next).item());
      state.exp_avg!.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      addcmul_(state.exp_avg_sq!.mul_(beta2), grad, grad, 1 - beta2);
      const denom = state.exp_avg_sq!.div(bias_correction2).sqrt().add_(eps);
      addcdiv_(p, grad, denom, (-lr * (1.0 - mu)) / (1.0 - Number(mu_product.item())));
      addcdiv_(p, state.exp_avg!, denom, (-lr * mu_next) / (1.0 - mu_product_next));
    }
  }
}
