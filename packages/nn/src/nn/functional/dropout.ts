// dropout, drawing its mask exactly as PyTorch 1.13's CPU path does
// (ATen _dropout_impl): noise = empty_like(input).bernoulli_(1 - p), then
// noise.div_(1 - p) and input * noise, so a seeded run matches PyTorch's.
import { Tensor, empty, empty_like, no_grad, zeros, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

export function dropout(
  input: Tensor,
  ...args: Args<[p: number, training: boolean, inplace: boolean], { p?: number; training?: boolean; inplace?: boolean }>
): Tensor {
  const { p, training, inplace } = parseArgs("dropout", args, ["p", "training", "inplace"], { p: 0.5, training: true, inplace: false });
  if (!(p >= 0 && p <= 1)) throw new TorchError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (p === 0 || !training || input.numel() === 0) return input;
  const noise =
    p === 1
      ? zeros([], { dtype: input.dtype, device: input.device })
      : no_grad(() =>
          empty_like(input)
            .bernoulli_(1 - p)
            .div_(1 - p),
        );
  return inplace ? input.mul_(noise) : input.mul(noise);
}

/**
 * alpha_dropout / feature_alpha_dropout as ATen's _dropout_impl with
 * alpha_dropout=true: noise = bernoulli(1 - p) (per element, or per channel
 * of an (N, C, ...) input), a = 1 / sqrt((alpha^2 p + 1)(1 - p)),
 * b = (noise - 1) * alpha * a + alpha * a * p, output input * (noise * a) + b.
 */
function alphaDropout(op: string, feature: boolean, input: Tensor, args: DropArgs): Tensor {
  const { p, training, inplace } = parseArgs(op, args, ["p", "training", "inplace"], { p: 0.5, training: false, inplace: false });
  if (!(p >= 0 && p <= 1)) throw new TorchError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (p === 0 || !training || input.numel() === 0) return input;
  if (p === 1) {
    const zero = zeros([], { dtype: input.dtype, device: input.device });
    return inplace ? input.mul_(zero) : input.mul(zero);
  }
  if (feature && input.ndim < 2) throw new TorchError("Feature dropout requires at least 2 dimensions in the input");
  const alpha = 1.7580993408473766;
  const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
  const { noise, b } = no_grad(() => {
    const noise = feature
      ? empty([input.shape[0]!, input.shape[1]!, ...Array<number>(input.ndim - 2).fill(1)], { dtype: input.dtype, device: input.device })
      : empty_like(input);
    noise.bernoulli_(1 - p);
    const b = noise
      .add(-1)
      .mul_(alpha * a)
      .add_(alpha * a * p);
    noise.mul_(a);
    return { noise, b };
  });
  return inplace ? input.mul_(noise).add_(b) : input.mul(noise).add_(b);
}

type DropArgs = Args<[p: number, training: boolean, inplace: boolean], { p?: number; training?: boolean; inplace?: boolean }>;
export const alpha_dropout = (input: Tensor, ...args: DropArgs): Tensor => alphaDropout("alpha_dropout", false, input, args);
export const feature_alpha_dropout = (input: Tensor, ...args: DropArgs): Tensor => alphaDropout("feature_alpha_dropout", true, input, args);
