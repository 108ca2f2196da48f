// layer_norm, batch_norm, normalize.
import { Tensor, native_layer_norm, no_grad, TorchError, TorchIndexError, TorchTypeError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { pad } from "./padding.js";
import { avg_pool2d, avg_pool3d } from "./pooling.js";

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
  // the computation is aten's, as in PyTorch: native_layer_norm's output
  return native_layer_norm(input, shape, o.weight, o.bias, o.eps)[0]!;
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
  // functional.py's _verify_batch_size: size[0] * size[2] * ... values per channel
  const perChannel = input.shape.filter((_, d) => d !== 1).reduce((a, b) => a * b, 1);
  if (o.training && input.ndim >= 1 && perChannel === 1)
    throw new TorchError(`Expected more than 1 value per channel when training, got input size torch.Size([${input.shape.join(", ")}])`);
  // ATen's batch_norm returns an empty input as it is (a copy, times weight[0] plus bias[0]) before any
  // shape check and without touching the running stats: a (0,) input is accepted, a (0, C) batch too
  if (input.numel() === 0) {
    let out = input.clone();
    if (o.weight) out = out.mul(o.weight.select(0, 0));
    if (o.bias) out = out.add(o.bias.select(0, 0));
    return out;
  }
  if (input.ndim < 2)
    throw new TorchError(`batch_norm: expected input with at least 2 dimensions (N, C, ...), got [${input.shape.join(", ")}]`);
  const C = input.shape[1]!;
  const dims = [...Array(input.ndim).keys()].filter((d) => d !== 1);
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

/**
 * group_norm: statistics over each group of C / num_groups channels (and all
 * spatial positions) of each sample, biased variance; as ATen's CPU kernel the
 * output is x * scale + bias with scale = rstd * weight[c] and
 * bias = beta[c] - scale * mean.
 */
export function group_norm(
  input: Tensor,
  num_groups: number,
  ...args: Args<[weight: Tensor | null, bias: Tensor | null, eps: number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>
): Tensor {
  const o = parseArgs("group_norm", args, ["weight", "bias", "eps"], { weight: null, bias: null, eps: 1e-5 });
  // functional.py reads input.size(1) first
  if (input.ndim === 0) throw new TorchIndexError("dimension specified as 0 but tensor has no dimensions");
  if (input.ndim === 1) throw new TorchIndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)");
  const [N, C] = [input.shape[0]!, input.shape[1]!];
  const spatial = input.shape.slice(2);
  // _verify_batch_size: the values per channel are size[0] * size[2] * ... (size[1], the groups, left out)
  const verify = [Math.floor((N * C) / num_groups), num_groups, ...spatial];
  if (verify[0]! * spatial.reduce((a, b) => a * b, 1) === 1)
    throw new TorchError(`Expected more than 1 value per channel when training, got input size [${verify.join(", ")}]`);
  if (C % num_groups !== 0)
    throw new TorchError(
      `Expected number of channels in input to be divisible by num_groups, but got input of shape [${input.shape.join(", ")}] and num_groups=${num_groups}`,
    );
  for (const [name, t] of [
    ["weight", o.weight],
    ["bias", o.bias],
  ] as const) {
    if (t && (t.ndim !== 1 || t.numel() !== C))
      throw new TorchError(
        `Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape [${t.shape.join(", ")}] and input of shape [${input.shape.join(", ")}]`,
      );
  }
  const G = num_groups;
  // the spatial size spelled out: with N = 0 a -1 could not be inferred (PyTorch returns the empty result)
  const x = input.reshape([N, G, C / G, spatial.reduce((a, b) => a * b, 1)]);
  const mean = x.mean([2, 3], { keepdim: true });
  const rstd = x.var([2, 3], { unbiased: false, keepdim: true }).add(o.eps).rsqrt();
  const perChannel = (t: Tensor) => t.reshape([1, G, C / G, 1]);
  const scale = o.weight ? rstd.mul(perChannel(o.weight)) : rstd;
  let shift = scale.mul(mean).neg();
  if (o.bias) shift = shift.add(perChannel(o.bias));
  return x.mul(scale).add(shift).reshape(input.shape);
}

type InstanceNormKw = {
  running_mean?: Tensor | null;
  running_var?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  use_input_stats?: boolean;
  momentum?: number;
  eps?: number;
};
/**
 * instance_norm: batch_norm of the input seen as (1, N * C, ...), with weight,
 * bias and running stats repeated N times; the running stats are then set to
 * the mean over the N copies (ATen's instance_norm).
 */
export function instance_norm(
  input: Tensor,
  ...args: Args<
    [
      running_mean: Tensor | null,
      running_var: Tensor | null,
      weight: Tensor | null,
      bias: Tensor | null,
      use_input_stats: boolean,
      momentum: number,
      eps: number,
    ],
    InstanceNormKw
  >
): Tensor {
  const o = parseArgs("instance_norm", args, ["running_mean", "running_var", "weight", "bias", "use_input_stats", "momentum", "eps"], {
    running_mean: null,
    running_var: null,
    weight: null,
    bias: null,
    use_input_stats: true,
    momentum: 0.1,
    eps: 1e-5,
  });
  if (o.use_input_stats && input.shape.slice(2).reduce((a, b) => a * b, 1) === 1)
    throw new TorchError(`Expected more than 1 spatial element when training, got input size torch.Size([${input.shape.join(", ")}])`);
  if (!o.use_input_stats && (!o.running_mean || !o.running_var))
    throw new TorchError("Expected running_mean and running_var to be defined when use_input_stats is false");
  if (input.ndim < 2)
    throw new TorchError(`instance_norm: expected input with at least 2 dimensions (N, C, ...), got [${input.shape.join(", ")}]`);
  const [N, C] = [input.shape[0]!, input.shape[1]!];
  for (const [name, t] of [
    ["weight", o.weight],
    ["bias", o.bias],
    ["running_mean", o.running_mean],
    ["running_var", o.running_var],
  ] as const) {
    if (t && t.numel() !== C) throw new TorchError(`${name} should contain ${N * C} elements not ${t.numel() * N}`);
  }
  const rep = (t: Tensor | null) => (t ? t.repeat(N) : null);
  const x = input.reshape([1, N * C, ...input.shape.slice(2)]);
  // batch_norm without running stats; their update (batch_norm's on the N copies, then the mean over
  // the copies) is done here, out of place, rather than through a write into the repeated tensors
  const y = o.use_input_stats
    ? batch_norm(x, null, null, rep(o.weight), rep(o.bias), true, o.momentum, o.eps)
    : batch_norm(x, rep(o.running_mean), rep(o.running_var), rep(o.weight), rep(o.bias), false, o.momentum, o.eps);
  no_grad(() => {
    const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
    const update = (running: Tensor, batch: Tensor) =>
      running.copy_(
        batch
          .mul(o.momentum)
          .add(running.repeat(N).mul(1 - o.momentum))
          .reshape([N, C])
          .mean(0),
      );
    const keep = (running: Tensor) => running.copy_(running.repeat(N).reshape([N, C]).mean(0));
    if (o.running_mean) o.use_input_stats ? update(o.running_mean, x.mean(dims)) : keep(o.running_mean);
    if (o.running_var) o.use_input_stats ? update(o.running_var, x.var(dims)) : keep(o.running_var);
  });
  return y.reshape(input.shape);
}

/** local_response_norm: input / (k + alpha * mean of squares over `size` neighbouring channels)^beta, as functional.py. */
export function local_response_norm(
  input: Tensor,
  size: number,
  ...args: Args<[alpha: number, beta: number, k: number], { alpha?: number; beta?: number; k?: number }>
): Tensor {
  const o = parseArgs("local_response_norm", args, ["alpha", "beta", "k"], { alpha: 1e-4, beta: 0.75, k: 1 });
  const dim = input.ndim;
  if (dim < 3) throw new TorchError(`Expected 3D or higher dimensionality                          input (got ${dim} dimensions)`);
  if (input.numel() === 0) return input;
  let div = input.mul(input).unsqueeze(1);
  const lo = Math.floor(size / 2),
    hi = Math.floor((size - 1) / 2);
  if (dim === 3) {
    div = pad(div, [0, 0, lo, hi]);
    div = avg_pool2d(div, [size, 1], { stride: 1 }).squeeze(1);
  } else {
    const sizes = input.shape;
    div = div.view(sizes[0]!, 1, sizes[1]!, sizes[2]!, -1);
    div = pad(div, [0, 0, 0, 0, lo, hi]);
    div = avg_pool3d(div, [size, 1, 1], { stride: 1 }).squeeze(1);
    div = div.view([...sizes]);
  }
  div = div.mul(o.alpha).add(o.k).pow(o.beta);
  return input.div(div);
}
