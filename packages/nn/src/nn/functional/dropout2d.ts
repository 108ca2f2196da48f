// dropout1d/2d/3d: channel-wise dropout as PyTorch 1.13's feature_dropout
// (ATen _dropout_impl with feature_dropout=true): noise of shape
// [N, C, 1, ...] = new_empty(...).bernoulli_(1 - p).div_(1 - p), then
// input * noise, so seeded masks equal PyTorch's.
import { TorchError, Tensor, empty, no_grad, zeros } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

type DropKw = { p?: number; training?: boolean; inplace?: boolean };
type DropArgs = Args<[p: number, training: boolean, inplace: boolean], DropKw>;

function featureDropout(input: Tensor, p: number, training: boolean, inplace: boolean): Tensor {
  if (p === 0 || !training || input.numel() === 0) return input;
  if (input.ndim < 2) throw new TorchError("Feature dropout requires at least 2 dimensions in the input");
  const noise =
    p === 1
      ? zeros([], { dtype: input.dtype, device: input.device })
      : no_grad(() =>
          empty([input.shape[0]!, input.shape[1]!, ...Array<number>(input.ndim - 2).fill(1)], { dtype: input.dtype, device: input.device })
            .bernoulli_(1 - p)
            .div_(1 - p),
        );
  return inplace ? input.mul_(noise) : input.mul(noise);
}

function parse(op: string, args: DropArgs) {
  const o = parseArgs(op, args, ["p", "training", "inplace"], { p: 0.5, training: true, inplace: false });
  if (!(o.p >= 0 && o.p <= 1)) throw new TorchError(`dropout probability has to be between 0 and 1, but got ${o.p}`);
  return o as { p: number; training: boolean; inplace: boolean };
}

/** Zeroes whole channels of a (N, C, L) or (C, L) input. */
export function dropout1d(input: Tensor, ...args: DropArgs): Tensor {
  const o = parse("dropout1d", args);
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new TorchError(
      `dropout1d: Expected 2D or 3D input, but received a ${input.ndim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`,
    );
  }
  if (input.ndim === 3) return featureDropout(input, o.p, o.training, o.inplace);
  // In place, the mask is applied through the unsqueezed view, which writes `input`.
  const y = featureDropout(input.unsqueeze(0), o.p, o.training, o.inplace);
  return o.inplace ? input : y.squeeze(0);
}

/**
 * Zeroes whole channels of a (N, C, H, W) input. As in PyTorch 1.13, a 3-D
 * input is taken as (N, C, L) (PyTorch warns about this), not as unbatched.
 */
export function dropout2d(input: Tensor, ...args: DropArgs): Tensor {
  const o = parse("dropout2d", args);
  return featureDropout(input, o.p, o.training, o.inplace);
}

/** Zeroes whole channels of a (N, C, D, H, W) or (C, D, H, W) input. */
export function dropout3d(input: Tensor, ...args: DropArgs): Tensor {
  const o = parse("dropout3d", args);
  if (input.ndim !== 4) return featureDropout(input, o.p, o.training, o.inplace);
  // In place, the mask is applied through the unsqueezed view, which writes `input`.
  const y = featureDropout(input.unsqueeze(0), o.p, o.training, o.inplace);
  return o.inplace ? input : y.squeeze(0);
}
