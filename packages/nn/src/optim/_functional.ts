// Tensor.addcmul_ / addcdiv_ composed from core ops, in the order PyTorch's CPU
// kernels evaluate them: self + (value * t1) * t2 and self + (value * t1) / t2.
// A value may be a 0-d tensor: an optimizer's live scalar inside torch.compile
// (core/capture_hooks.ts), which multiplies exactly as the number would.
import type { Tensor } from "@xlatorch/core";

type Value = number | Tensor;

export const addcmul_ = (self: Tensor, t1: Tensor, t2: Tensor, value: Value = 1): Tensor =>
  self.add_(value === 1 ? t1.mul(t2) : t1.mul(value).mul(t2));

export const addcdiv_ = (self: Tensor, t1: Tensor, t2: Tensor, value: Value = 1): Tensor =>
  self.add_(value === 1 ? t1.div(t2) : t1.mul(value).div(t2));

/** self.add_(t, {alpha}) for a number or live-scalar alpha (add with alpha is self + t * alpha either way). */
export const addScaled_ = (self: Tensor, t: Tensor, alpha: Value): Tensor => self.add_(alpha === 1 ? t : t.mul(alpha));
/** self.add(t, {alpha}), likewise. */
export const addScaled = (self: Tensor, t: Tensor, alpha: Value): Tensor => self.add(alpha === 1 ? t : t.mul(alpha));
export { advanceStep, isEmpty } from "./_step.js";
