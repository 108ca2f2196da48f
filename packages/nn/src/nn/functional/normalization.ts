// layer_norm, batch_norm, normalize.
import { Tensor, no_grad, TorchError, TorchTypeError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

type LayerNormKw = { weight?: Tensor | null; bias?: Tensor | null; eps?: number };
/** Normalizes over the trailing `normalized_shape` dims with the biased variance. */
export function layer_norm(
  input: Tensor,
  normalized_shape: number | readonly number[],
  ...args: Args<[weight: Tensor | null, bias: Tensor | null, eps: number], LayerNormKw>
): Tensor {
  const o = parseArgs("layer_norm", args, ["weight", "bias", "eps"], { weight: null, bias: null, eps: 1e-5 });
  const shape = typeof normalized_shape === "number" ? [normalized_shape] : [...normalized_shape];
  const k = shape.length;
  if (k === 0 || input.ndim < k || input.shape.slice(input.ndim - k).join() !== shape.join()) {
    throw new TorchError(
      `Given normalized_shape=[${shape.join(", ")}], expected input with shape [*, ${shape.join(", ")}], but got input of size[${input.shape.join(", ")}]`,
    );
  }
  for (const [name, t] of [
    ["weight", o.weight],
    ["bias", o.bias],
  ] as const) {
    if (t && t.shape.join() !== shape.join())
      throw new TorchError(
        `layer_norm: Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape [${t.shape.join(", ")}] and normalized_shape = [${shape.join(", ")}]`,
      );
  }
  const dims = shape.map((_, i) => input.ndim - k + i);
  const mean = input.mean(dims, { keepdim: true });
  const variance = input.var(dims, { unbiased: false, keepdim: true });
  let y = input.sub(mean).mul(variance.add(o.eps).rsqrt());
  if (o.weight) y = y.mul(o.weight);
  if (o.bias) y = y.add(o.bias);
  return y;
}

type BatchNormKw = {
  running_mean?: Tensor | null;
  running_var?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
};
/**
 * batch_norm over dim 1 of an (N, C, ...) input. In training it normalizes with
 * the batch's biased variance and, when running stats are given, updates them
 * in place with the unbiased variance: running = (1 - momentum) * running + momentum * batch.
 */
export function batch_norm(
  input: Tensor,
  running_mean: Tensor | null,
  running_var: Tensor | null,
  ...args: Args<[weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number, eps: number], BatchNormKw>
): Tensor {
  const o = parseArgs("batch_norm", args, ["weight", "bias", "training", "momentum", "eps"], {
    weight: null,
    bias: null,
    training: false,
    momentum: 0.1,
    eps: 1e-5,
  });
  if (input.ndim < 2)
    throw new TorchError(`batch_norm: expected input with at least 2 dimensions (N, C, ...), got [${input.shape.join(", ")}]`);
  const C = input.shape[1]!;
  const dims = [...Array(input.ndim).keys()].filter((d) => d !== 1);
  const n = input.numel() / C;
  if (o.training && n <= 1)
    throw new TorchError(`Expected more than 1 value per channel when training, got input size torch.Size([${input.shape.join(", ")}])`);
  const asChannel = (t: Tensor) => t.reshape([C, ...Array(input.ndim - 2).fill(1)]);
  let mean: Tensor, variance: Tensor;
  if (o.training) {
    mean = input.mean(dims);
    variance = input.var(dims, { unbiased: false });
    no_grad(() => {
      if (running_mean) running_mean.copy_(mean.mul(o.momentum).add(running_mean.mul(1 - o.momentum)));
      if (running_var)
        running_var.copy_(
          input
            .var(dims)
            .mul(o.momentum)
            .add(running_var.mul(1 - o.momentum)),
        );
    });
  } else {
    if (!running_mean || !running_var) throw new TorchError("batch_norm: running_mean and running_var must be defined in evaluation mode");
    mean = running_mean;
    variance = running_var;
  }
  let y = input.sub(asChannel(mean)).mul(asChannel(variance.add(o.eps).rsqrt()));
  if (o.weight) y = y.mul(asChannel(o.weight));
  if (o.bias) y = y.add(asChannel(o.bias));
  return y;
}

/** input / max(||input||_p over dim, eps). */
export function normalize(
  input: Tensor,
  ...args: Args<[p: number, dim: number, eps: number, out: null], { p?: number; dim?: number; eps?: number; out?: null }>
): Tensor {
  const o = parseArgs("normalize", args, ["p", "dim", "eps", "out"], { p: 2, dim: 1, eps: 1e-12, out: null });
  if (o.out) throw new TorchTypeError("normalize(): out= is not supported");
  return input.div(input.norm(o.p, o.dim, { keepdim: true }).clamp_min(o.eps).expand_as(input));
}
