// RMSprop (PyTorch 1.13's _single_tensor_rmsprop).
import { Tensor, zeros_like, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addcdiv_, addcmul_ } from "./_functional.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  centered?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  differentiable?: boolean;
}

/** RMSprop's hyperparameters in a group, and its state per parameter. */
interface RMSpropGroup extends ParamGroup {
  alpha: number;
  eps: number;
  weight_decay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}
type RMSpropState = { step?: number; square_avg?: Tensor; momentum_buffer?: Tensor; grad_avg?: Tensor };

export class RMSprop extends Optimizer {
  constructor(
    params: Params,
    ...args: Args<
      [
        lr: number,
        alpha: number,
        eps: number,
        weight_decay: number,
        momentum: number,
        centered: boolean,
        foreach: boolean | null,
        maximize: boolean,
        differentiable: boolean,
      ],
      RMSpropOptions
    >
  ) {
    const o = parseArgs(
      "RMSprop",
      args,
      ["lr", "alpha", "eps", "weight_decay", "momentum", "centered", "foreach", "maximize", "differentiable"],
      {
        lr: 1e-2,
        alpha: 0.99,
        eps: 1e-8,
        weight_decay: 0,
        momentum: 0,
        centered: false,
        foreach: null,
        maximize: false,
        differentiable: false,
      },
    );
    if (!(o.lr >= 0)) throw new TorchError(`Invalid learning rate: ${o.lr}`);
    if (!(o.eps >= 0)) throw new TorchError(`Invalid epsilon value: ${o.eps}`);
    if (!(o.momentum >= 0)) throw new TorchError(`Invalid momentum value: ${o.momentum}`);
    if (!(o.weight_decay >= 0)) throw new TorchError(`Invalid weight_decay value: ${o.weight_decay}`);
    if (!(o.alpha >= 0)) throw new TorchError(`Invalid alpha value: ${o.alpha}`);
    super(params, o);
  }

  protected override _step_group(group: ParamGroup): void {
    const { lr, alpha, eps, weight_decay, momentum, centered, maximize } = group as RMSpropGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this._state(p) as RMSpropState;
      if (Object.keys(state).length === 0) {
        state.step = 0;
        state.square_avg = zeros_like(p);
        if (momentum > 0) state.momentum_buffer = zeros_like(p);
        if (centered) state.grad_avg = zeros_like(p);
      }
      state.step = (state.step ?? 0) + 1;
      let grad: Tensor = maximize ? p.grad.neg() : p.grad;
      if (weight_decay !== 0) grad = grad.add(p, { alpha: weight_decay });
      const square_avg = state.square_avg!;
      addcmul_(square_avg.mul_(alpha), grad, grad, 1 - alpha);
      let avg: Tensor;
      if (centered) {
        const grad_avg = state.grad_avg!;
        grad_avg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
        avg = square_avg.sub(grad_avg.mul(grad_avg)).sqrt_();
      } else avg = square_avg.sqrt();
      avg = avg.add_(eps);
      if (momentum > 0) {
        const buf = state.momentum_buffer!;
        addcdiv_(buf.mul_(momentum), grad, avg);
        p.add_(buf, { alpha: -lr });
      } else addcdiv_(p, grad, avg, -lr);
    }
  }
}
