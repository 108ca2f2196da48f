// RMSprop (PyTorch 1.13's _single_tensor_rmsprop).
import { Tensor, gradOf, hostEffect, hostGuard, liveScalar, zeros_like, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addcdiv_, addcmul_, addScaled, addScaled_ } from "./_functional.js";
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
  /** Its step reads hyperparameters and counters as live scalars (torch.compile replays it). */
  static readonly _capturable = true;
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
    const g = group as RMSpropGroup;
    // live scalars and guards for torch.compile's replays (see adam.ts)
    const centered = hostGuard(() => g.centered, "RMSprop centered");
    const maximize = hostGuard(() => g.maximize, "RMSprop maximize");
    const decay = hostGuard(() => g.weight_decay !== 0, "RMSprop weight_decay != 0");
    const withMomentum = hostGuard(() => g.momentum > 0, "RMSprop momentum > 0");
    for (const p of group.params) {
      const pgrad = gradOf(p);
      if (!pgrad) continue;
      const state = this._state(p) as RMSpropState;
      if (hostGuard(() => Object.keys(state).length === 0, "RMSprop state is empty")) {
        state.step = 0;
        state.square_avg = zeros_like(p);
        if (withMomentum) state.momentum_buffer = zeros_like(p);
        if (centered) state.grad_avg = zeros_like(p);
      }
      hostEffect(() => {
        state.step = (state.step ?? 0) + 1;
      });
      const L = (read: () => number) => liveScalar(read, p);
      let grad: Tensor = maximize ? pgrad.neg() : pgrad;
      if (decay)
        grad = addScaled(
          grad,
          p,
          L(() => g.weight_decay),
        );
      const square_avg = state.square_avg!;
      addcmul_(
        square_avg.mul_(L(() => g.alpha)),
        grad,
        grad,
        L(() => 1 - g.alpha),
      );
      let avg: Tensor;
      if (centered) {
        const grad_avg = state.grad_avg!;
        addScaled_(
          grad_avg.mul_(L(() => g.alpha)),
          grad,
          L(() => 1 - g.alpha),
        );
        avg = square_avg.sub(grad_avg.mul(grad_avg)).sqrt_();
      } else avg = square_avg.sqrt();
      avg = avg.add_(L(() => g.eps));
      if (withMomentum) {
        const buf = state.momentum_buffer!;
        addcdiv_(buf.mul_(L(() => g.momentum)), grad, avg);
        addScaled_(
          p,
          buf,
          L(() => -g.lr),
        );
      } else
        addcdiv_(
          p,
          grad,
          avg,
          L(() => -g.lr),
        );
    }
  }
}
