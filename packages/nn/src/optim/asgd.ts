// ASGD (PyTorch 1.13's _single_tensor_asgd): SGD with a decay term and an
// averaged copy `ax` of the parameters; eta (the step size) and mu (the
// averaging weight) are float32 scalar tensors in the state, recomputed each
// step from the step count as PyTorch does (so they round as its do).
import { type Tensor, TorchError, float32, tensor, zeros_like } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { advanceStep, isEmpty } from "./_step.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface ASGDOptions {
  lr?: number;
  lambd?: number;
  alpha?: number;
  t0?: number;
  weight_decay?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

interface ASGDGroup extends ParamGroup {
  lambd: number;
  alpha: number;
  t0: number;
  weight_decay: number;
  maximize: boolean;
}
type ASGDState = { step?: Tensor; eta?: Tensor; mu?: Tensor; ax?: Tensor };

const scalar32 = (v: number): Tensor => tensor(v, { dtype: float32 });

export class ASGD extends Optimizer {
  constructor(
    params: Params,
    ...args: Args<[lr: number, lambd: number, alpha: number, t0: number, weight_decay: number, foreach: boolean | null], ASGDOptions>
  ) {
    const o = parseArgs("ASGD", args, ["lr", "lambd", "alpha", "t0", "weight_decay", "foreach", "maximize"], {
      lr: 1e-2,
      lambd: 1e-4,
      alpha: 0.75,
      t0: 1e6,
      weight_decay: 0,
      foreach: null,
      maximize: false,
    });
    if (!(o.lr >= 0)) throw new TorchError(`Invalid learning rate: ${o.lr}`);
    if (!(o.weight_decay >= 0)) throw new TorchError(`Invalid weight_decay value: ${o.weight_decay}`);
    super(params, o);
  }

  protected override _step_group(group: ParamGroup): void {
    const { lr, lambd, alpha, t0, weight_decay, maximize } = group as ASGDGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      if (p.dtype.is_complex) throw new TorchError("ASGD: complex parameters are not supported");
      const state = this._state(p) as ASGDState;
      if (isEmpty(state)) {
        state.step = scalar32(0);
        state.eta = scalar32(lr);
        state.mu = scalar32(1);
        state.ax = zeros_like(p);
      }
      let grad = maximize ? p.grad.neg() : p.grad;
      const step = advanceStep(state.step!);
      if (weight_decay !== 0) grad = grad.add(p, { alpha: weight_decay });
      const eta = Number(state.eta!.item());
      p.mul_(1 - lambd * eta);
      p.add_(grad, { alpha: -eta });
      if (Number(state.mu!.item()) !== 1) state.ax!.add_(p.sub(state.ax!).mul(state.mu!));
      else state.ax!.copy_(p);
      state.eta!.fill_(Math.fround(lr / (1 + lambd * lr * step) ** alpha));
      state.mu!.fill_(Math.fround(1 / Math.max(1, step - t0)));
    }
  }
}
