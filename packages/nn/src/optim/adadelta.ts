// Adadelta (PyTorch 1.13's _single_tensor_adadelta): the update is the ratio
// of running RMS of past updates to running RMS of gradients, times lr.
import { type Tensor, zeros_like, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addcmul_ } from "./_functional.js";
import { isEmpty } from "./_step.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weight_decay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

interface AdadeltaGroup extends ParamGroup {
  rho: number;
  eps: number;
  weight_decay: number;
  maximize: boolean;
}
/** 'step' is a Python int here (PyTorch 1.13 counts Adadelta's steps on the host). */
type AdadeltaState = { step?: number; square_avg?: Tensor; acc_delta?: Tensor };

export class Adadelta extends Optimizer {
  constructor(
    params: Params,
    ...args: Args<[lr: number, rho: number, eps: number, weight_decay: number, foreach: boolean | null], AdadeltaOptions>
  ) {
    const o = parseArgs("Adadelta", args, ["lr", "rho", "eps", "weight_decay", "foreach", "maximize"], {
      lr: 1.0,
      rho: 0.9,
      eps: 1e-6,
      weight_decay: 0,
      foreach: null,
      maximize: false,
    });
    if (!(o.lr >= 0)) throw new TorchError(`Invalid learning rate: ${o.lr}`);
    if (!(o.rho >= 0 && o.rho <= 1)) throw new TorchError(`Invalid rho value: ${o.rho}`);
    if (!(o.eps >= 0)) throw new TorchError(`Invalid epsilon value: ${o.eps}`);
    if (!(o.weight_decay >= 0)) throw new TorchError(`Invalid weight_decay value: ${o.weight_decay}`);
    // PyTorch's defaults dict order: lr, rho, eps, weight_decay, maximize, foreach
    const { foreach, maximize, ...rest } = o;
    super(params, { ...rest, maximize, foreach });
  }

  protected override _step_group(group: ParamGroup): void {
    const { lr, rho, eps, weight_decay, maximize } = group as AdadeltaGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this._state(p) as AdadeltaState;
      if (isEmpty(state)) {
        state.step = 0;
        state.square_avg = zeros_like(p);
        state.acc_delta = zeros_like(p);
      }
      state.step = state.step! + 1;
      let grad: Tensor = maximize ? p.grad.neg() : p.grad;
      if (weight_decay !== 0) grad = grad.add(p, { alpha: weight_decay });
      const square_avg = state.square_avg!,
        acc_delta = state.acc_delta!;
      addcmul_(square_avg.mul_(rho), grad, grad, 1 - rho);
      const std = square_avg.add(eps).sqrt_();
      const delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad);
      addcmul_(acc_delta.mul_(rho), delta, delta, 1 - rho);
      p.add_(delta, { alpha: -lr });
    }
  }
}
