// Adam and AdamW (PyTorch 1.13's _single_tensor_adam / _single_tensor_adamw).
// They differ only in weight decay: Adam adds weight_decay * param to the
// gradient, AdamW multiplies the parameter by (1 - lr * weight_decay) first.
import { Tensor, float32, float64, int64, tensor, zeros_like, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { addcdiv_, addcmul_ } from "./_functional.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

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
  if (!(o.lr >= 0)) throw new TorchError(`Invalid learning rate: ${o.lr}`);
  if (!(o.eps >= 0)) throw new TorchError(`Invalid epsilon value: ${o.eps}`);
  if (!(o.betas[0] >= 0 && o.betas[0] < 1)) throw new TorchError(`Invalid beta parameter at index 0: ${o.betas[0]}`);
  if (!(o.betas[1] >= 0 && o.betas[1] < 1)) throw new TorchError(`Invalid beta parameter at index 1: ${o.betas[1]}`);
  if (!(o.weight_decay >= 0)) throw new TorchError(`Invalid weight_decay value: ${o.weight_decay}`);
  if (o.capturable || o.fused || o.differentiable) throw new TorchError(`${op}: capturable, fused and differentiable are not supported`);
  return { ...o, betas: [...o.betas] };
}

/** Object.keys(o).length === 0, without the array. */
function isEmpty(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return false;
  return true;
}

/**
 * `step_t += 1; step = step_t.item()`. The usual counter (a cpu scalar: int64 as
 * tensor(0.0) makes it here, float32 or float64 from a loaded state) is read and
 * then filled with the sum computed in its dtype: the same value and the same
 * single write as add_(1), without running an add kernel.
 */
function advanceStep(t: Tensor): number {
  const d = t.dtype;
  if (t.device.type === "cpu" && t.ndim === 0 && !t.requires_grad && (d === int64 || d === float32 || d === float64)) {
    const old = Number(t.item());
    const step = d === float32 ? Math.fround(old + 1) : old + 1;
    if (d !== int64 || Number.isSafeInteger(step)) {
      t.fill_(step);
      return step;
    }
  }
  t.add_(1);
  return Number(t.item());
}

abstract class AdamBase extends Optimizer {
  protected abstract readonly decoupled: boolean;

  protected override _step_group(group: ParamGroup): void {
    const {
      lr,
      eps,
      weight_decay,
      amsgrad,
      maximize,
      betas: [beta1, beta2],
    } = group as AdamGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this._state(p) as AdamState;
      if (isEmpty(state)) {
        // 'step' is a cpu float32 tensor, as in PyTorch 1.13 (it never lives on the device).
        state.step = tensor(0.0);
        state.exp_avg = zeros_like(p);
        state.exp_avg_sq = zeros_like(p);
        if (amsgrad) state.max_exp_avg_sq = zeros_like(p);
      }
      let grad: Tensor = maximize ? p.grad.neg() : p.grad;
      const exp_avg = state.exp_avg!,
        exp_avg_sq = state.exp_avg_sq!;
      const step = advanceStep(state.step!);
      if (weight_decay !== 0) {
        if (this.decoupled) p.mul_(1 - lr * weight_decay);
        else grad = grad.add(p, { alpha: weight_decay });
      }
      exp_avg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
      addcmul_(exp_avg_sq.mul_(beta2), grad, grad, 1 - beta2);
      const bias_correction1 = 1 - beta1 ** step;
      const bias_correction2 = 1 - beta2 ** step;
      const step_size = lr / bias_correction1;
      const bias_correction2_sqrt = Math.sqrt(bias_correction2);
      let second: Tensor = exp_avg_sq;
      if (amsgrad) second = state.max_exp_avg_sq!.maximum_(exp_avg_sq);
      const denom = second.sqrt().div(bias_correction2_sqrt).add_(eps);
      addcdiv_(p, exp_avg, denom, -step_size);
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
