// dropout, drawing its mask exactly as PyTorch 1.13's CPU path does
// (ATen _dropout_impl): noise = empty_like(input).bernoulli_(1 - p), then
// noise.div_(1 - p) and input * noise, so a seeded run matches PyTorch's.
import { Tensor, empty_like, no_grad, zeros, TorchError } from "@xlatorch/core";
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
