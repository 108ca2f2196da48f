// zero_grad for one tensor, shared by Module.zero_grad and Optimizer.zero_grad.
import { captureHooks, type Tensor } from "@xlatorch/core";

/** PyTorch 1.13: drop the grad (set_to_none) or detach it and zero it in place. */
export function zeroGrad(p: Tensor, set_to_none: boolean): void {
  const g = p.grad;
  // a compiled call's replay leaves .grad as the traced call did (capture_hooks.ts)
  captureHooks()?.gradEvent(p, g && set_to_none ? "reset" : g ? "zero" : "read", g);
  if (!g) return;
  if (set_to_none) {
    p.grad = null;
    return;
  }
  if (g.grad_fn) g.detach_();
  else g.requires_grad_(false);
  g.zero_();
}
