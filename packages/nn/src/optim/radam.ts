// RAdam (PyTorch 1.13's _single_tensor_radam): Adam whose adaptive step is
// switched on, with a variance rectification, once the approximated SMA
// length rho_t exceeds 5.
import { type Tensor, zeros_like } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addcmul_ } from "./_functional.js";
import { adamLikeDefaults, adamLikeStart } from "./_adam_like.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface RAdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  foreach?: boolean | null;
}

interface RAdamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weight_decay: number;
}
type RAdamState = { step?: Tensor; exp_avg?: Tensor; exp_avg_sq?: Tensor };

export class RAdam extends Optimizer {
  constructor(
    params: Params,
    ...args: Args<[lr: number, betas: [number, number], eps: number, weight_decay: number, foreach: boolean | null], RAdamOptions>
  ) {
    const o = parseArgs("RAdam", args, ["lr", "betas", "eps", "weight_decay", "foreach"], {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weight_decay: 0,
      foreach: null,
    });
    super(params, adamLikeDefaults(o));
  }

  protected override _step_group(group: ParamGroup): void {
    const {
      lr,
      eps,
      weight_decay,
      betas: [beta1, beta2],
    } = group as RAdamGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this._state(p) as RAdamState;
      const { grad, step } = adamLikeStart(p, p.grad, state, { exp_avg: zeros_like, exp_avg_sq: zeros_like }, weight_decay);
      const bias_correction1 = 1 - beta1 ** step;
      const bias_correction2 = 1 - beta2 ** step;
      const exp_avg = state.exp_avg!.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      const exp_avg_sq = addcmul_(state.exp_avg_sq!.mul_(beta2), grad, grad, 1 - beta2);
      const bias_corrected_exp_avg = exp_avg.div(bias_correction1);
      const rho_inf = 2 / (1 - beta2) - 1;
      const rho_t = rho_inf - (2 * step * beta2 ** step) / bias_correction2;
      if (rho_t > 5.0) {
        const rect = Math.sqrt(((rho_t - 4) * (rho_t - 2) * rho_inf) / ((rho_inf - 4) * (rho_inf - 2) * rho_t));
        // Python's float / tensor is tensor.reciprocal() * float
        const adaptive_lr = exp_avg_sq.sqrt().add_(eps).reciprocal().mul(Math.sqrt(bias_correction2));
        p.add_(bias_corrected_exp_avg.mul(lr).mul(adaptive_lr).mul(rect), { alpha: -1.0 });
      } else p.add_(bias_corrected_exp_avg.mul(lr), { alpha: -1.0 });
    }
  }
}
