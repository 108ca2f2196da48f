// Activations, composed from core elementwise ops in the order PyTorch's CPU
// kernels evaluate them (so float32 roundings agree as far as possible).
import { Tensor, where, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

type Inplace = Args<[inplace: boolean], { inplace?: boolean }>;

export function relu(input: Tensor, ...args: Inplace): Tensor {
  const { inplace } = parseArgs("relu", args, ["inplace"], { inplace: false });
  return inplace ? input.relu_() : input.relu();
}

export function leaky_relu(
  input: Tensor,
  ...args: Args<[negative_slope: number, inplace: boolean], { negative_slope?: number; inplace?: boolean }>
): Tensor {
  const { negative_slope, inplace } = parseArgs("leaky_relu", args, ["negative_slope", "inplace"], {
    negative_slope: 0.01,
    inplace: false,
  });
  const y = where(input.gt(0), input, input.mul(negative_slope));
  return inplace ? input.copy_(y) : y;
}

/** gelu: x * 0.5 * (1 + erf(x / sqrt(2))), or the tanh approximation. */
export function gelu(input: Tensor, ...args: Args<[], { approximate?: "none" | "tanh" }>): Tensor {
  const { approximate } = parseArgs("gelu", args, ["approximate"], { approximate: "none" });
  if (approximate === "none") return input.mul(0.5).mul(input.mul(Math.SQRT1_2).erf().add(1));
  if (approximate === "tanh") {
    const beta = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5;
    const inner = input.add(input.mul(input).mul(input).mul(0.044715)).mul(beta);
    return input.mul(0.5).mul(inner.tanh().add(1));
  }
  throw new TorchError(`approximate argument must be either none or tanh.`);
}

/** silu: x / (1 + exp(-x)), as PyTorch's kernel computes it. */
export function silu(input: Tensor, ...args: Inplace): Tensor {
  const { inplace } = parseArgs("silu", args, ["inplace"], { inplace: false });
  const y = input.div(input.neg().exp().add(1));
  return inplace ? input.copy_(y) : y;
}

export const tanh = (input: Tensor): Tensor => input.tanh();
export const sigmoid = (input: Tensor): Tensor => input.sigmoid();

/** PyTorch's implicit softmax dim (deprecated there too): 0 for 0-, 1- and 3-D input, else 1. */
function softmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

type SoftmaxArgs = Args<
  [dim: number | null, _stacklevel: number, dtype: unknown],
  { dim?: number | null; _stacklevel?: number; dtype?: unknown }
>;
function softmaxFamily(op: "softmax" | "log_softmax", input: Tensor, args: SoftmaxArgs): Tensor {
  const o = parseArgs(op, args, ["dim", "_stacklevel", "dtype"], { dim: null });
  const dim = o.dim ?? softmaxDim(input.ndim);
  return o.dtype ? input[op](dim, { dtype: o.dtype }) : input[op](dim);
}
export const softmax = (input: Tensor, ...args: SoftmaxArgs): Tensor => softmaxFamily("softmax", input, args);
export const log_softmax = (input: Tensor, ...args: SoftmaxArgs): Tensor => softmaxFamily("log_softmax", input, args);
export const softmin = (input: Tensor, ...args: SoftmaxArgs): Tensor => softmaxFamily("softmax", input.neg(), args);
