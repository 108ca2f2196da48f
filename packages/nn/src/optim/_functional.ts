// Tensor.addcmul_ / addcdiv_ composed from core ops, in the order PyTorch's CPU
// kernels evaluate them: self + (value * t1) * t2 and self + (value * t1) / t2.
import type { Tensor } from "@xlatorch/core";

export const addcmul_ = (self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor =>
  self.add_(value === 1 ? t1.mul(t2) : t1.mul(value).mul(t2));

export const addcdiv_ = (self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor =>
  self.add_(value === 1 ? t1.div(t2) : t1.mul(value).div(t2));
