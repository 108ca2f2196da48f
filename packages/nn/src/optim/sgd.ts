// SGD with momentum, dampening, weight decay, Nesterov (PyTorch 1.13's
// _single_tensor_sgd).
import { gradOf, hostGuard, liveScalar, TorchError, type Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addScaled, addScaled_ } from "./_functional.js";
import { Optimizer, required, type ParamGroup, type Params } from "./optimizer.js";
import { fusable, fusedUpdate_, StepScalars } from "./_fused_update.js";

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
  /** Its step reads hyperparameters and counters as live scalars (torch.compile replays it). */
  static readonly _capturable = true;
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
    const g = group as SGDGroup;
    // live scalars and guards for torch.compile's replays (see adam.ts)
    const maximize = hostGuard(() => g.maximize, "SGD maximize");
    const nesterov = hostGuard(() => g.nesterov, "SGD nesterov");
    const decay = hostGuard(() => g.weight_decay !== 0, "SGD weight_decay != 0");
    const withMomentum = hostGuard(() => g.momentum !== 0, "SGD momentum != 0");
    const made = new StepScalars();
    for (const p of group.params) {
      const pgrad = gradOf(p);
      if (!pgrad) continue;
      const state = this._state(p) as SGDState;
      const L = (read: () => number) => liveScalar(read, p);
      const buf0 = withMomentum ? state.momentum_buffer : null;
      if (fusable(p, pgrad, buf0 ?? p)) {
        // one sgd_update (_fused_update.ts): the same bits as the ops below
        const hasBuf = withMomentum && hostGuard(() => !!state.momentum_buffer, "SGD momentum buffer exists");
        const [first] = fusedUpdate_(
          "sgd_update",
          p,
          pgrad,
          hasBuf ? [buf0!] : [],
          { weight_decay: decay, momentum: !withMomentum ? "none" : hasBuf ? "buffer" : "first", nesterov, maximize },
          {
            weight_decay: () => L(() => g.weight_decay),
            momentum: () => L(() => g.momentum),
            one_minus_dampening: () => L(() => 1 - g.dampening),
            neg_lr: () => L(() => -g.lr),
          },
          made,
        );
        state.momentum_buffer = withMomentum ? (first ?? buf0!) : null;
        continue;
      }
      let d_p: Tensor = maximize ? pgrad.neg() : pgrad;
      if (decay)
        d_p = addScaled(
          d_p,
          p,
          L(() => g.weight_decay),
        );
      if (withMomentum) {
        let buf: Tensor | null = state.momentum_buffer ?? null;
        if (!hostGuard(() => !!state.momentum_buffer, "SGD momentum buffer exists")) buf = d_p.clone().detach();
        else
          addScaled_(
            buf!.mul_(L(() => g.momentum)),
            d_p,
            L(() => 1 - g.dampening),
          );
        state.momentum_buffer = buf;
        d_p = nesterov
          ? addScaled(
              d_p,
              buf!,
              L(() => g.momentum),
            )
          : buf!;
      } else {
        state.momentum_buffer = null;
      }
      addScaled_(
        p,
        d_p,
        L(() => -g.lr),
      );
    }
  }
}
