// SGD with momentum, dampening, weight decay, Nesterov (PyTorch 1.13's
// _single_tensor_sgd).
import { TorchError } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { Optimizer, required, type ParamGroup, type Params } from "./optimizer.js";

export interface SGDOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  differentiable?: boolean;
}

/** SGD's hyperparameters in a group, and its state per parameter. */
interface SGDGroup extends ParamGroup {
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
}
type SGDState = { momentum_buffer?: Tensor | null };

export class SGD extends Optimizer {
  constructor(
    params: Params,
    ...args: Args<[lr: number, momentum: number, dampening: number, weight_decay: number, nesterov: boolean], SGDOptions>
  ) {
    const o = parseArgs("SGD", args, ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable"], {
      lr: required,
      momentum: 0,
      dampening: 0,
      weight_decay: 0,
      nesterov: false,
      maximize: false,
      foreach: null,
      differentiable: false,
    });
    if (o.lr !== required && o.lr < 0) throw new TorchError(`Invalid learning rate: ${o.lr}`);
    if (o.momentum < 0) throw new TorchError(`Invalid momentum value: ${o.momentum}`);
    if (o.weight_decay < 0) throw new TorchError(`Invalid weight_decay value: ${o.weight_decay}`);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
      throw new TorchError("Nesterov momentum requires a momentum and zero dampening");
    super(params, o);
  }

  protected override _step_group(group: ParamGroup): void {
    const { lr, momentum, dampening, weight_decay, nesterov, maximize } = group as SGDGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this._state(p) as SGDState;
      let d_p: Tensor = maximize ? p.grad.neg() : p.grad;
      if (weight_decay !== 0) d_p = d_p.add(p, { alpha: weight_decay });
      if (momentum !== 0) {
        let buf: Tensor | null = state.momentum_buffer ?? null;
        if (!buf) buf = d_p.clone().detach();
        else buf.mul_(momentum).add_(d_p, { alpha: 1 - dampening });
        state.momentum_buffer = buf;
        d_p = nesterov ? d_p.add(buf, { alpha: momentum }) : buf;
      } else {
        state.momentum_buffer = null;
      }
      p.add_(d_p, { alpha: -lr });
    }
  }
}
