// torch.nn.init (PyTorch 1.13): the same arithmetic in double and the same
// RNG calls in the same order, so seeded initializations match bit for bit.
import { Tensor, eye, float64, no_grad, randperm, tensor as makeTensor, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "./args.js";

export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "conv_transpose1d"
  | "conv_transpose2d"
  | "conv_transpose3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "selu";

export function calculate_gain(nonlinearity: Nonlinearity, param: number | null = null): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "conv_transpose1d":
    case "conv_transpose2d":
    case "conv_transpose3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5.0 / 3;
    case "relu":
      return Math.sqrt(2.0);
    case "leaky_relu": {
      if (param !== null && typeof param !== "number") throw new TorchError(`negative_slope ${String(param)} not a valid number`);
      const slope = param ?? 0.01;
      // Python's `slope ** 2` is the correctly rounded square, as slope * slope is.
      return Math.sqrt(2.0 / (1 + slope * slope));
    }
    case "selu":
      return 3.0 / 4;
    default:
      throw new TorchError(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

export function _calculate_fan_in_and_fan_out(tensor: Tensor): [number, number] {
  if (tensor.ndim < 2) throw new TorchError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  const receptive = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return [tensor.shape[1]! * receptive, tensor.shape[0]! * receptive];
}

function _calculate_correct_fan(tensor: Tensor, mode: string): number {
  const m = mode.toLowerCase();
  if (m !== "fan_in" && m !== "fan_out") throw new TorchError(`Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  return m === "fan_in" ? fanIn : fanOut;
}

export const uniform_ = (tensor: Tensor, ...args: Args<[a: number, b: number], { a?: number; b?: number }>): Tensor => {
  const { a, b } = parseArgs("uniform_", args, ["a", "b"], { a: 0, b: 1 });
  return no_grad(() => tensor.uniform_(a, b));
};
export const normal_ = (tensor: Tensor, ...args: Args<[mean: number, std: number], { mean?: number; std?: number }>): Tensor => {
  const { mean, std } = parseArgs("normal_", args, ["mean", "std"], { mean: 0, std: 1 });
  return no_grad(() => tensor.normal_(mean, std));
};
export const constant_ = (tensor: Tensor, val: number): Tensor => no_grad(() => tensor.fill_(val));
export const ones_ = (tensor: Tensor): Tensor => constant_(tensor, 1);
export const zeros_ = (tensor: Tensor): Tensor => no_grad(() => tensor.zero_());

export function eye_(tensor: Tensor): Tensor {
  if (tensor.ndim !== 2) throw new TorchError("Only tensors with 2 dimensions are supported");
  return no_grad(() => tensor.copy_(eye(tensor.shape[0]!, tensor.shape[1]!, { dtype: tensor.dtype, device: tensor.device })));
}

export function xavier_uniform_(tensor: Tensor, ...args: Args<[gain: number], { gain?: number }>): Tensor {
  const { gain } = parseArgs("xavier_uniform_", args, ["gain"], { gain: 1 });
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return no_grad(() => tensor.uniform_(-a, a));
}

export function xavier_normal_(tensor: Tensor, ...args: Args<[gain: number], { gain?: number }>): Tensor {
  const { gain } = parseArgs("xavier_normal_", args, ["gain"], { gain: 1 });
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return no_grad(() => tensor.normal_(0, std));
}

type KaimingArgs = Args<
  [a: number, mode: "fan_in" | "fan_out", nonlinearity: Nonlinearity],
  { a?: number; mode?: "fan_in" | "fan_out"; nonlinearity?: Nonlinearity }
>;
/** std = gain / sqrt(fan), drawn by `draw`; zero-element tensors are left alone (PyTorch warns). */
function kaiming(op: string, tensor: Tensor, args: KaimingArgs, draw: (std: number) => Tensor): Tensor {
  const o = parseArgs(op, args, ["a", "mode", "nonlinearity"], { a: 0, mode: "fan_in", nonlinearity: "leaky_relu" });
  if (tensor.shape.includes(0)) return tensor;
  const fan = _calculate_correct_fan(tensor, o.mode);
  const std = calculate_gain(o.nonlinearity, o.a) / Math.sqrt(fan);
  return no_grad(() => draw(std));
}
export const kaiming_uniform_ = (tensor: Tensor, ...args: KaimingArgs): Tensor =>
  kaiming("kaiming_uniform_", tensor, args, (std) => {
    const bound = Math.sqrt(3.0) * std;
    return tensor.uniform_(-bound, bound);
  });
export const kaiming_normal_ = (tensor: Tensor, ...args: KaimingArgs): Tensor =>
  kaiming("kaiming_normal_", tensor, args, (std) => tensor.normal_(0, std));

export { orthogonal_ } from "./init_orthogonal.js";

/**
 * Values from N(mean, std) truncated to [a, b], by PyTorch's inverse-CDF method:
 * uniform on [2 cdf(a) - 1, 2 cdf(b) - 1], erfinv, scale, shift, clamp (the same
 * draws as PyTorch's uniform_).
 */
export function trunc_normal_(
  tensor: Tensor,
  ...args: Args<[mean: number, std: number, a: number, b: number], { mean?: number; std?: number; a?: number; b?: number }>
): Tensor {
  const { mean, std, a, b } = parseArgs("trunc_normal_", args, ["mean", "std", "a", "b"], { mean: 0, std: 1, a: -2, b: 2 });
  // PyTorch warns when mean is more than 2 std from [a, b]; the values are still drawn
  const erf = (x: number) => Number(makeTensor(x, { dtype: float64 }).erf().item());
  const norm_cdf = (x: number) => (1 + erf(x / Math.sqrt(2))) / 2;
  const l = norm_cdf((a - mean) / std);
  const u = norm_cdf((b - mean) / std);
  return no_grad(() => {
    tensor.uniform_(2 * l - 1, 2 * u - 1);
    tensor.copy_(tensor.erfinv());
    tensor.mul_(std * Math.sqrt(2));
    tensor.add_(mean);
    return tensor.clamp_(a, b);
  });
}

/** Each column gets ceil(sparsity * rows) zeros at rows chosen by randperm; the rest N(0, std). */
export function sparse_(tensor: Tensor, sparsity: number, ...args: Args<[std: number], { std?: number }>): Tensor {
  const { std } = parseArgs("sparse_", args, ["std"], { std: 0.01 });
  if (tensor.ndim !== 2) throw new TorchError("Only tensors with 2 dimensions are supported");
  const [rows, cols] = tensor.shape as [number, number];
  const num_zeros = Math.ceil(sparsity * rows);
  return no_grad(() => {
    tensor.normal_(0, std);
    for (let col = 0; col < cols; col++) {
      const zero_indices = randperm(rows).narrow(0, 0, Math.min(num_zeros, rows));
      tensor.setitem(zero_indices.to(tensor.device), col, 0);
    }
    return tensor;
  });
}

/** The identity of {3, 4, 5}-d convolution weights: 1 at each kernel's centre for input channel = output channel (per group). */
export function dirac_(tensor: Tensor, ...args: Args<[groups: number], { groups?: number }>): Tensor {
  const { groups } = parseArgs("dirac_", args, ["groups"], { groups: 1 });
  const dims = tensor.ndim;
  if (dims < 3 || dims > 5) throw new TorchError("Only tensors with 3, 4, or 5 dimensions are supported");
  const sizes = tensor.shape;
  if (sizes[0]! % groups !== 0) throw new TorchError("dim 0 must be divisible by groups");
  const out_per_group = Math.floor(sizes[0]! / groups);
  const min_dim = Math.min(out_per_group, sizes[1]!);
  const centre = sizes.slice(2).map((s) => Math.floor(s / 2));
  return no_grad(() => {
    tensor.zero_();
    for (let g = 0; g < groups; g++) for (let d = 0; d < min_dim; d++) tensor.setitem(g * out_per_group + d, d, ...centre, 1);
    return tensor;
  });
}
