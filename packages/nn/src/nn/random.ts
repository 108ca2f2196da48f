// The random in-place methods core installs on Tensor, under PyTorch's names
// (x.uniform_, x.normal_, x.bernoulli_, x.random_). Typed here once so the rest
// of the package calls them like any other method.
import type { Tensor } from "@xlatorch/core";

export interface RandomTensorMethods {
  uniform_(from?: number, to?: number, options?: { generator?: unknown }): Tensor;
  normal_(mean?: number, std?: number, options?: { generator?: unknown }): Tensor;
  bernoulli_(p?: number, options?: { generator?: unknown }): Tensor;
  random_(options?: { generator?: unknown }): Tensor;
}

export const rng = (t: Tensor): Tensor & RandomTensorMethods => t as Tensor & RandomTensorMethods;
