// PyTorch's refusals for the pieces of a function returning several views
// (split, unbind: ops/multi_views.ts), which share one autograd node: an
// in-place write into one that autograd would record, and use with grad after
// its base or a sibling was written. Kept apart from ops/multi_views.ts (which
// makes the pieces) because dispatch.ts checks them, and multi_views.ts imports
// ops that import dispatch.ts.
import { TorchError } from "./errors.js";
import { is_grad_enabled } from "./grad_mode.js";
import type { Tensor } from "./tensor.js";

const REPLACE =
  "This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.";

/** PyTorch's refusal of an in-place write into such a view (or a view of one) that autograd would record. */
export function checkMultiViewWrite(target: Tensor, value: Tensor): void {
  if (!target._multiView || !is_grad_enabled() || (!target.requires_grad && !value.requires_grad)) return;
  // (a piece of a tensor that required no grad has no node: PyTorch's message then reads as for a no_grad view)
  const what = target.grad_fn
    ? `Output ${target._outIndex} of ${target.grad_fn.name_()} is a view and is being modified inplace.`
    : "A view was created in no_grad mode and is being modified inplace with grad mode enabled.";
  throw new TorchError(`${what} ${REPLACE}`);
}

/** PyTorch's refusal to use such a view with grad after its base (or another view of it) was written in place (it has a grad_fn). */
export function multiViewWritten(t: Tensor): TorchError {
  return new TorchError(
    `Output ${t._outIndex} of ${t.grad_fn!.name_()} is a view and its base or another view of its base has been modified inplace. ${REPLACE}`,
  );
}
