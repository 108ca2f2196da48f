// Rprop (PyTorch 1.13's _single_tensor_rprop): each element's step size grows by
// etaplus while its gradient keeps its sign, shrinks by etaminus when it flips
// (and that element then skips the update), clamped to step_sizes; the update
// is -sign(grad) * step_size.
import { type Tensor, TorchError, full_like, where, zeros_like } from "@xlatorch/core";
import { parseArgs, type Args } from "../nn/args.js";
import { isEmpty } from "./_step.js";
import { Optimizer, type ParamGroup, type Params } from "./optimizer.js";

export interface RpropOptions {
  lr?: number;
  etas?: readonly [number, number];
  step_sizes?: readonly [number, number];
  foreach?: boolean | null;
  maximize?: boolean;
}

interface RpropGroup extends ParamGroup {
  etas: [number, number];
  step_sizes: [number, number];
  maximize: boolean;
}
/** PyTorch keeps 'step' as a Python int here (not a tensor as Adam-like optimizers do). */
type RpropState = { step?: number; prev?: Tensor; step_size?: Tensor };

export class Rprop extends Optimizer {
  constructor(
    params: Params,
    ...args: Args<
      [lr: number, etas: readonly [number, number], step_sizes: readonly [number, number], foreach: boolean | null],
      RpropOptions
    >
  ) {
    const o = parseArgs("Rprop", args, ["lr", "etas", "step_sizes", "foreach", "maximize"], {
      lr: 1e-2,
      etas: [0.5, 1.2],
      step_sizes: [1e-6, 50],
      foreach: null,
      maximize: false,
    });
    if (!(o.lr >= 0)) throw new TorchError(`Invalid learning rate: ${o.lr}`);
    const [em, ep] = o.etas as [number, number];
    if (!(em > 0 && em < 1 && ep > 1)) throw new TorchError(`Invalid eta values: ${em}, ${ep}`);
    super(params, { ...o, etas: [...o.etas], step_sizes: [...o.step_sizes] });
  }

  protected override _step_group(group: ParamGroup): void {
    const {
      lr,
      maximize,
      etas: [etaminus, etaplus],
      step_sizes: [step_size_min, step_size_max],
    } = group as RpropGroup;
    for (const p of group.params) {
      if (!p.grad) continue;
      // PyTorch views a complex parameter as pairs of reals (view_as_real); not written here yet
      if (p.dtype.is_complex) throw new TorchError("Rprop: complex parameters are not supported");
      const state = this._state(p) as RpropState;
      if (isEmpty(state)) {
        state.step = 0;
        state.prev = zeros_like(p);
        state.step_size = full_like(p.grad, lr);
      }
      state.step! += 1;
      const grad = maximize ? p.grad.neg() : p.grad;
      const s = grad.mul(state.prev!).sign();
      // sign > 0 -> etaplus, < 0 -> etaminus, == 0 -> 1 (a NaN stays NaN, as PyTorch's masked writes leave it)
      const factor = where(s.gt(0), etaplus, where(s.lt(0), etaminus, where(s.eq(0), 1, s)));
      state.step_size!.mul_(factor).clamp_(step_size_min, step_size_max);
      // where the sign flipped the element rests this step (and its stored gradient is 0)
      const g = where(s.lt(0), 0, grad);
      p.addcmul_(g.sign(), state.step_size!, { value: -1 });
      state.prev!.copy_(g);
    }
  }
}
