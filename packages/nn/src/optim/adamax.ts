// Adamax (PyTorch 1.13's _single_tensor_adamax): Adam with the infinity norm,
// exp_inf = max(beta2 * exp_inf, |grad| + eps).
import { type Tensor, zeros_like } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addcdiv_ } from "./_functional.js";
import { adamLikeDefaults, adamLikeStart } from "./_adam_like.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface AdamaxOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

interface AdamaxGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weight_decay: number;
  maximize: boolean;
}
type AdamaxState = { step?: Tensor; exp_avg?: Tensor; exp_inf?: Tensor };

export class Adamax extends Optimizer {
  constructor(
    params: Params,
    ...args: Args<[lr: number, betas: [number, number], eps: number, weight_decay: number, foreach: boolean | null], AdamaxOptions>
  ) {
    const o = parseArgs("Adamax", args, ["lr", "betas", "eps", "weight_decay", "foreach", "maximize"], {
      lr: 2e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0,
      foreach: null,
      maximize: false,
    });
    super(params, adamLikeDefaults(o));
  }

  protected override _step_group(group: ParamGroup): void {
    const {
      lr,
      eps,
      weight_decay,
      maximize,
      betas: [beta1, beta2],
    } = group as AdamaxGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this._state(p) as AdamaxState;
      const { grad, step } = adamLikeStart(p, p.grad, state, { exp_avg: zeros_like, exp_inf: zeros_like }, weight_decay, maximize);
      state.exp_avg!.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      // amax over [beta2 * exp_inf, |grad| + eps], written into exp_inf
      state.exp_inf!.mul_(beta2).maximum_(grad.abs().add_(eps));
      const clr = lr / (1 - beta1 ** step);
      addcdiv_(p, state.exp_avg!, state.exp_inf!, -clr);
    }
  }
}
