// What PyTorch 1.13's Adam-like optimizers share: the constructor's argument
// checks (Adam, AdamW, Adamax, NAdam, RAdam; PyTorch's messages verbatim) and
// the opening of one parameter's update in their _single_tensor_* functions
// (Adamax, NAdam, RAdam): state made on the first step, the step counter
// advanced, the L2 penalty added to the gradient.
import { type Tensor, float32, tensor, TorchError } from "@xlatorch/core";
import { advanceStep, isEmpty } from "./_step.js";

/** A beta as Python prints the float PyTorch's defaults hold (1.0, not 1). */
const pyFloat = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));

/** The constructor arguments every Adam-like optimizer takes. */
export type AdamLikeArgs = { lr: number; eps: number; betas: readonly number[]; weight_decay: number };

/** The checks PyTorch's Adam-like constructors share, in PyTorch's order. */
export function checkAdamLike(o: AdamLikeArgs): void {
  if (!(o.lr >= 0)) throw new TorchError(`Invalid learning rate: ${o.lr}`);
  if (!(o.eps >= 0)) throw new TorchError(`Invalid epsilon value: ${o.eps}`);
  if (!(o.betas[0]! >= 0 && o.betas[0]! < 1)) throw new TorchError(`Invalid beta parameter at index 0: ${pyFloat(o.betas[0]!)}`);
  if (!(o.betas[1]! >= 0 && o.betas[1]! < 1)) throw new TorchError(`Invalid beta parameter at index 1: ${pyFloat(o.betas[1]!)}`);
  if (!(o.weight_decay >= 0)) throw new TorchError(`Invalid weight_decay value: ${o.weight_decay}`);
}

/** checkAdamLike, then the group defaults with their own copy of betas (the caller's array stays the caller's). */
export function adamLikeDefaults<O extends AdamLikeArgs>(o: O): O & { betas: number[] } {
  checkAdamLike(o);
  return { ...o, betas: [...o.betas] };
}

/**
 * The opening of one parameter's Adam-like update. On the first step the
 * state gets the 'step' counter (a cpu float32 scalar, as PyTorch 1.13 makes
 * it) and then each buffer in `buffers`' order (state_dict keeps that order).
 * Then: the gradient, negated when maximizing; `step_t += 1`; the gradient plus
 * weight_decay * p. Returns that gradient and the new step count.
 */
export function adamLikeStart<S extends { step?: Tensor }>(
  p: Tensor,
  grad: Tensor,
  state: S,
  buffers: { [K in Exclude<keyof S, "step">]-?: (p: Tensor) => Tensor },
  weight_decay: number,
  maximize = false,
): { grad: Tensor; step: number } {
  if (isEmpty(state)) {
    state.step = tensor(0.0, { dtype: float32 });
    for (const [k, make] of Object.entries(buffers) as [string, (p: Tensor) => Tensor][]) (state as Record<string, Tensor>)[k] = make(p);
  }
  let g = maximize ? grad.neg() : grad;
  const step = advanceStep(state.step!);
  if (weight_decay !== 0) g = g.add(p, { alpha: weight_decay });
  return { grad: g, step };
}
