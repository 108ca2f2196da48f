// Adam and AdamW (PyTorch 1.13's _single_tensor_adam / _single_tensor_adamw).
// They differ only in weight decay: Adam adds weight_decay * param to the
// gradient, AdamW multiplies the parameter by (1 - lr * weight_decay) first.
import { type Tensor, float32, gradOf, hostEffect, hostGuard, liveScalar, tensor, zeros_like, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addcdiv_, addcmul_, addScaled, addScaled_, advanceStep, isEmpty } from "./_functional.js";
import { type AdamLikeArgs, checkAdamLike } from "./_adam_like.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";
import { fusable, fusedUpdate_, StepScalars } from "./_fused_update.js";

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  amsgrad?: boolean;
  foreach?: boolean | null;
  maximize?: boolean;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean;
}
type AdamArgs = Args<[lr: number, betas: [number, number], eps: number, weight_decay: number, amsgrad: boolean], AdamOptions>;

/** Adam's hyperparameters in a group, and its state per parameter. */
interface AdamGroup extends ParamGroup {
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
}
type AdamState = { step?: Tensor; exp_avg?: Tensor; exp_avg_sq?: Tensor; max_exp_avg_sq?: Tensor };

function adamDefaults(op: string, args: AdamArgs, weight_decay: number, kwOnly: string[]): Record<string, unknown> {
  const flags: Record<string, unknown> = { foreach: null, maximize: false, capturable: false, differentiable: false, fused: false };
  const o = parseArgs(op, args, ["lr", "betas", "eps", "weight_decay", "amsgrad", ...kwOnly], {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weight_decay,
    amsgrad: false,
    ...Object.fromEntries(kwOnly.map((k) => [k, flags[k]])),
  });
  checkAdamLike(o as AdamLikeArgs);
  if (o.capturable || o.fused || o.differentiable) throw new TorchError(`${op}: capturable, fused and differentiable are not supported`);
  return { ...o, betas: [...o.betas] };
}

abstract class AdamBase extends Optimizer {
  /** Its step reads hyperparameters and counters as live scalars (torch.compile replays it). */
  static readonly _capturable = true;
  protected abstract readonly decoupled: boolean;

  protected override _step_group(group: ParamGroup): void {
    const g = group as AdamGroup;
    // Hyperparameters are read through liveScalar so that a compiled step
    // (torch.compile) reads them again at each replay (a scheduler changes lr
    // and, with cycle_momentum, betas); those that choose the path are guards.
    const amsgrad = hostGuard(() => g.amsgrad, "Adam amsgrad");
    const maximize = hostGuard(() => g.maximize, "Adam maximize");
    const decay = hostGuard(() => g.weight_decay !== 0, "Adam weight_decay != 0");
    const made = new StepScalars();
    for (const p of group.params) {
      const pgrad = gradOf(p);
      if (!pgrad) continue;
      const state = this._state(p) as AdamState;
      if (hostGuard(() => isEmpty(state), "Adam state is empty")) {
        // 'step' is a cpu float32 tensor, as in PyTorch 1.13 (it never lives on the device).
        state.step = tensor(0.0, { dtype: float32 });
        state.exp_avg = zeros_like(p);
        state.exp_avg_sq = zeros_like(p);
        if (amsgrad) state.max_exp_avg_sq = zeros_like(p);
      }
      let grad: Tensor = maximize ? pgrad.neg() : pgrad;
      const exp_avg = state.exp_avg!,
        exp_avg_sq = state.exp_avg_sq!;
      const stepT = state.step!;
      // the effect keeps the step it counted (a replay runs it again, then the live scalars read it)
      const counted = { step: 0 };
      hostEffect(() => {
        counted.step = advanceStep(stepT);
      });
      const step = () => counted.step;
      const L = (read: () => number) => liveScalar(read, p);
      // state buffers that are one tensor (a state made or loaded by hand) go op by op, as PyTorch reads them: the
      // fused update would read each as it was before the step (fusable lets the stand-in repeat exp_avg)
      const max = state.max_exp_avg_sq;
      const distinct = exp_avg !== exp_avg_sq && (!amsgrad || (max !== exp_avg && max !== exp_avg_sq));
      if (distinct && fusable(p, pgrad, exp_avg, exp_avg_sq, amsgrad ? max : exp_avg)) {
        // one adam_update (_fused_update.ts): the same bits as the ops below
        fusedUpdate_(
          "adam_update",
          p,
          pgrad,
          amsgrad ? [exp_avg, exp_avg_sq, state.max_exp_avg_sq!] : [exp_avg, exp_avg_sq],
          { decay: !decay ? "none" : this.decoupled ? "decoupled" : "l2", amsgrad, maximize },
          {
            decay: () => (this.decoupled ? L(() => 1 - g.lr * g.weight_decay) : L(() => g.weight_decay)),
            beta1: () => L(() => g.betas[0]),
            one_minus_beta1: () => L(() => 1 - g.betas[0]),
            beta2: () => L(() => g.betas[1]),
            one_minus_beta2: () => L(() => 1 - g.betas[1]),
            bias_correction2_sqrt: () => L(() => Math.sqrt(1 - g.betas[1] ** step())),
            eps: () => L(() => g.eps),
            neg_step_size: () => L(() => -(g.lr / (1 - g.betas[0] ** step()))),
          },
          made,
        );
        continue;
      }
      if (decay) {
        if (this.decoupled) p.mul_(L(() => 1 - g.lr * g.weight_decay));
        else
          grad = addScaled(
            grad,
            p,
            L(() => g.weight_decay),
          );
      }
      addScaled_(
        exp_avg.mul_(L(() => g.betas[0])),
        grad,
        L(() => 1 - g.betas[0]),
      );
      addcmul_(
        exp_avg_sq.mul_(L(() => g.betas[1])),
        grad,
        grad,
        L(() => 1 - g.betas[1]),
      );
      let second: Tensor = exp_avg_sq;
      if (amsgrad) second = state.max_exp_avg_sq!.maximum_(exp_avg_sq);
      // bias_correction2_sqrt and step_size = lr / bias_correction1, as PyTorch computes them
      const denom = second
        .sqrt()
        .div(L(() => Math.sqrt(1 - g.betas[1] ** step())))
        .add_(L(() => g.eps));
      addcdiv_(
        p,
        exp_avg,
        denom,
        L(() => -(g.lr / (1 - g.betas[0] ** step()))),
      );
    }
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Params, ...args: AdamArgs) {
    super(params, adamDefaults("Adam", args, 0, ["foreach", "maximize", "capturable", "differentiable", "fused"]));
  }
}

export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Params, ...args: AdamArgs) {
    super(params, adamDefaults("AdamW", args, 1e-2, ["maximize", "foreach", "capturable"]));
  }
}
