// Results PyTorch connects to the autograd graph although their derivative is
// nothing: a count (a norm with p = 0) or the value of an empty input (det of a
// 0 x 0 matrix, householder_product with no reflectors). PyTorch's result still
// requires grad (its grad_fn exists), and its backward gives either no gradient
// (an undefined tensor: the leaf's .grad stays None) or zeros. Composing such a
// result from ops (ne, eye) would lose the graph altogether.
import { recordCustom } from "../autograd.js";
import { is_grad_enabled, no_grad } from "../grad_mode.js";
import type { Tensor } from "../tensor.js";
import { zeros_like } from "./creation.js";

function linked(node: string, inputs: readonly Tensor[], f: () => Tensor, grads: (ins: readonly Tensor[]) => (Tensor | null)[]): Tensor {
  if (!is_grad_enabled() || !inputs.some((t) => t.requires_grad)) return f();
  const out = no_grad(f);
  recordCustom(node, inputs, [out], (_cts, ins) => grads(ins));
  return out;
}

/** f()'s value, requiring grad when an input does, with no gradient for any input (PyTorch's backward returns an undefined tensor). */
export function withNoGradient(node: string, inputs: readonly Tensor[], f: () => Tensor): Tensor {
  return linked(node, inputs, f, (ins) => ins.map(() => null));
}

/** f()'s value, requiring grad when an input does, with a zero gradient for each input (cdist's and pdist's backward at p = 0). */
export function withZeroGradient(node: string, inputs: readonly Tensor[], f: () => Tensor): Tensor {
  return linked(node, inputs, f, (ins) => ins.map((t) => zeros_like(t)));
}
