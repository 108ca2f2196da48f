// Adagrad (PyTorch 1.13's _single_tensor_adagrad): per-element lr scaled by
// the root of the summed squared gradients, decayed by lr_decay per step.
import { type Tensor, float32, full_like, tensor, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addcdiv_, addcmul_ } from "./_functional.js";
import { advanceStep, isEmpty } from "./_step.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface AdagradOptions {
  lr?: number;
  lr_decay?: number;
  weight_decay?: number;
  initial_accumulator_value?: number;
  eps?: number;
  foreach?: boolean | null;
  maximize?: boolean;
}

interface AdagradGroup extends ParamGroup {
  lr_decay: number;
  weight_decay: number;
  initial_accumulator_value: number;
  eps: number;
  maximize: boolean;
}
type AdagradState = { step?: Tensor; sum?: Tensor };

export class Adagrad extends Optimizer {
  constructor(
    params: Params,
    ...args: Args<
      [lr: number, lr_decay: number, weight_decay: number, initial_accumulator_value: number, eps: number, foreach: boolean | null],
      AdagradOptions
    >
  ) {
    const o = parseArgs("Adagrad", args, ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "foreach", "maximize"], {
      lr: 1e-2,
      lr_decay: 0,
      weight_decay: 0,
      initial_accumulator_value: 0,
      eps: 1e-10,
      foreach: null,
      maximize: false,
    });
    if (!(o.lr >= 0)) throw new TorchError(`Invalid learning rate: ${o.lr}`);
    if (!(o.lr_decay >= 0)) throw new TorchError(`Invalid lr_decay value: ${o.lr_decay}`);
    if (!(o.weight_decay >= 0)) throw new TorchError(`Invalid weight_decay value: ${o.weight_decay}`);
    if (!(o.initial_accumulator_value >= 0))
      throw new TorchError(`Invalid initial_accumulator_value value: ${o.initial_accumulator_value}`);
    if (!(o.eps >= 0)) throw new TorchError(`Invalid epsilon value: ${o.eps}`);
    super(params, o);
    // PyTorch creates Adagrad's state in the constructor, not at the first step
    for (const g of this.param_groups) for (const p of g.params) this._init(p, g as AdagradGroup);
  }

  private _init(p: Tensor, group: AdagradGroup): AdagradState {
    const state = this._state(p) as AdagradState;
    if (isEmpty(state)) {
      state.step = tensor(0.0, { dtype: float32 });
      state.sum = full_like(p, group.initial_accumulator_value);
    }
    return state;
  }

  protected override _step_group(group: ParamGroup): void {
    const { lr, lr_decay, weight_decay, eps, maximize } = group as AdagradGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this._init(p, group as AdagradGroup);
      const step = advanceStep(state.step!);
      let grad: Tensor = maximize ? p.grad.neg() : p.grad;
      if (weight_decay !== 0) grad = grad.add(p, { alpha: weight_decay });
      const clr = lr / (1 + (step - 1) * lr_decay);
      addcmul_(state.sum!, grad, grad, 1);
      const std = state.sum!.sqrt().add_(eps);
      addcdiv_(p, grad, std, -clr);
    }
  }
}
