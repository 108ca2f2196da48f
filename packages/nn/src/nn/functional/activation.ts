// Activations, composed from core elementwise ops in the order PyTorch's CPU
// kernels evaluate them (so float32 roundings agree as far as possible).
import {
  Tensor,
  where,
  TorchError,
  TorchIndexError,
  bind1,
  bool,
  empty,
  float64,
  full,
  no_grad,
  ones_like,
  P,
  type Generator,
} from "@xlatorch/core";
import { recordCustom } from "@xlatorch/core";
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

/**
 * gelu: x * 0.5 * (1 + erf(x / sqrt(2))), one primitive each way (core's prims_gelu.ts, the bits of
 * that composition), or the tanh approximation, composed.
 */
export function gelu(input: Tensor, ...args: Args<[], { approximate?: "none" | "tanh" }>): Tensor {
  const { approximate } = parseArgs("gelu", args, ["approximate"], { approximate: "none" });
  if (approximate === "none") {
    // ATen's GeluKernel is defined for floating types only
    if (!input.dtype.is_floating_point) throw new TorchError(`"GeluKernelImpl" not implemented for '${input.dtype.scalarName}'`);
    return bind1(P.gelu, [input]);
  }
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

// ---------------------------------------------------------------------------
// The activations below follow ATen's CPU kernels (PyTorch 1.13): the same
// operation order for the forward value, and selects placed so that the
// autograd of the composition gives PyTorch's derivative at the kinks
// (e.g. hardtanh_backward is 0 at x == min_val and x == max_val).

/** A Scalar as ATen's kernel holds it: rounded to float for float32/float16/bfloat16 inputs (opmath float). */
const asOpmath = (input: Tensor, v: number): number => (input.dtype === float64 ? v : Math.fround(v));

/** The in-place form: the value written into `input` (PyTorch's `op_` variants). */
const writeBack = (input: Tensor, y: Tensor, inplace: boolean): Tensor => (inplace ? input.copy_(y) : y);

/** ATen's elu kernel: x <= 0 ? (exp(x * input_scale) - 1) * alpha * scale : x * scale. */
function eluCore(input: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  const negcoef = asOpmath(input, asOpmath(input, alpha) * asOpmath(input, scale));
  const xi = inputScale === 1 ? input : input.mul(inputScale);
  const neg = xi.exp().sub(1).mul(negcoef);
  return where(input.le(0), neg, scale === 1 ? input : input.mul(scale));
}

function floating(op: string, input: Tensor): void {
  if (!input.dtype.is_floating_point) throw new TorchError(`"${op}" not implemented for '${input.dtype.scalarName}'`);
}

export function elu(input: Tensor, ...args: Args<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>): Tensor {
  const { alpha, inplace } = parseArgs("elu", args, ["alpha", "inplace"], { alpha: 1, inplace: false });
  floating("elu_cpu", input);
  return writeBack(input, eluCore(input, alpha, 1, 1), inplace);
}
export const elu_ = (input: Tensor, ...args: Args<[alpha: number], { alpha?: number }>): Tensor =>
  elu(input, parseArgs("elu_", args, ["alpha"], { alpha: 1 }).alpha, true);

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
export function selu(input: Tensor, ...args: Inplace): Tensor {
  const { inplace } = parseArgs("selu", args, ["inplace"], { inplace: false });
  floating("elu_cpu", input);
  return writeBack(input, eluCore(input, SELU_ALPHA, SELU_SCALE, 1), inplace);
}
export const selu_ = (input: Tensor): Tensor => selu(input, true);

export function celu(input: Tensor, ...args: Args<[alpha: number, inplace: boolean], { alpha?: number; inplace?: boolean }>): Tensor {
  const { alpha, inplace } = parseArgs("celu", args, ["alpha", "inplace"], { alpha: 1, inplace: false });
  if (alpha === 0) throw new TorchError("ZeroDivisionError: alpha cannot be 0 for CELU");
  floating("elu_cpu", input);
  return writeBack(input, celuCore(input, alpha, inplace), inplace);
}
/**
 * ATen's celu is elu(x, alpha, 1, 1 / alpha) with 1 / alpha in double, but its derivative (derivatives.yaml:
 * elu_backward(grad, alpha, 1, 1.0 / alpha.toFloat(), ...)) takes input_scale from alpha rounded to float32: in
 * float64 it is not the forward's exact derivative (1e-8 apart for alpha = 2.3). The forward is eluCore's; the
 * node computes elu_backward as ATen's kernel does: x <= 0 ? g * s * alpha * exp(x * s) : g, s = 1 / f32(alpha).
 * celu_ differentiates through its result instead (is_result): y <= 0 ? g * s * (y + alpha) : g.
 */
function celuCore(input: Tensor, alpha: number, inplace: boolean): Tensor {
  const y = no_grad(() => eluCore(input, alpha, 1, 1 / alpha));
  const s = asOpmath(input, 1 / Math.fround(alpha));
  const negcoef = asOpmath(input, alpha);
  recordCustom(
    inplace ? "CeluBackward1" : "CeluBackward0",
    [input],
    [y],
    inplace
      ? ([g], _i, [out]) => [g ? where(out!.le(0), g.mul(s).mul(out!.add(negcoef)), g) : null]
      : ([g], [x]) => [g ? where(x!.le(0), g.mul(s).mul(negcoef).mul(x!.mul(s).exp()), g) : null],
    inplace ? { outputs: true } : { inputs: true },
  );
  return y;
}
export const celu_ = (input: Tensor, ...args: Args<[alpha: number], { alpha?: number }>): Tensor =>
  celu(input, parseArgs("celu_", args, ["alpha"], { alpha: 1 }).alpha, true);

/** prelu: x > 0 ? x : weight * x, weight of 1 or C (= input.size(1)) elements. */
export function prelu(input: Tensor, ...args: Args<[weight: Tensor], { weight?: Tensor }>): Tensor {
  const { weight } = parseArgs("prelu", args, ["weight"], {}) as { weight: Tensor };
  floating("prelu_cpu", input);
  const n = weight.numel();
  if (n !== 1) {
    if (input.ndim === 0) throw new TorchError("Not allow zero-dim input tensor.");
    const channels = input.ndim >= 2 ? input.shape[1]! : 1;
    if (channels !== n)
      throw new TorchError(
        `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${channels}.`,
      );
  }
  if (weight.ndim > 1) throw new TorchError(`prelu: Expected \`weight\` to be a scalar or 1D tensor, but got ndim = ${weight.ndim}`);
  const w = n === 1 || input.ndim < 2 ? weight.reshape(n === 1 ? [] : [n]) : weight.reshape([n, ...Array(input.ndim - 2).fill(1)]);
  return where(input.gt(0), input, w.mul(input));
}

type RreluArgs = Args<
  [lower: number, upper: number, training: boolean, inplace: boolean],
  { lower?: number; upper?: number; training?: boolean; inplace?: boolean }
>;
/**
 * rrelu: in training each x <= 0 is multiplied by a slope drawn from
 * uniform(lower, upper), drawn as PyTorch's CPU kernel does: one
 * uniform_real_distribution<double> draw per non-positive element in
 * row-major order (so a seeded run gives PyTorch's slopes), rounded to the
 * input's dtype. Out of training the slope is (lower + upper) / 2.
 * F.rrelu has no generator parameter in PyTorch 1.13 (it draws from the
 * default generator); F.rrelu_ is torch.rrelu_, which takes one.
 */
export function rrelu(input: Tensor, ...args: RreluArgs): Tensor {
  const o = parseArgs("rrelu", args, ["lower", "upper", "training", "inplace"], {
    lower: 1 / 8,
    upper: 1 / 3,
    training: false,
    inplace: false,
  });
  return rreluWith(input, o.lower, o.upper, o.training, o.inplace, null);
}

function rreluWith(input: Tensor, lower: number, upper: number, training: boolean, inplace: boolean, generator: Generator | null): Tensor {
  floating(training ? "rrelu_with_noise_out_cpu" : "leaky_relu_cpu", input);
  if (!(lower <= upper)) throw new TorchError("Lower bound should be less than or equal to the upper bound");
  if (!training) return writeBack(input, where(input.gt(0), input, input.mul((lower + upper) / 2)), inplace);
  const neg = input.detach().le(0);
  const noise = no_grad(() => {
    const n = Number(neg.sum().item());
    // uniform_real_distribution<double>(lower, upper): u * (upper - lower) + lower, a product and a sum (no fused multiply-add)
    const [lo, hi] = [asOpmath(input, lower), asOpmath(input, upper)];
    const u = empty([n], { dtype: float64, device: input.device }).uniform_(0, 1, { generator });
    const slopes = u
      .mul(hi - lo)
      .add(lo)
      .to(input.dtype);
    return ones_like(input).masked_scatter(neg, slopes);
  });
  return writeBack(input, input.mul(noise), inplace);
}
/** rrelu_(input, lower=1/8, upper=1/3, training=False, generator=None): torch.rrelu_, drawing from `generator` when given. */
export const rrelu_ = (
  input: Tensor,
  ...args: Args<
    [lower: number, upper: number, training: boolean, generator: Generator | null],
    { lower?: number; upper?: number; training?: boolean; generator?: Generator | null }
  >
): Tensor => {
  const o = parseArgs("rrelu_", args, ["lower", "upper", "training", "generator"], {
    lower: 1 / 8,
    upper: 1 / 3,
    training: false,
    generator: null,
  });
  return rreluWith(input, o.lower, o.upper, o.training, true, o.generator);
};

/** glu: a * sigmoid(b) for the two halves of `dim`, as ATen's kernel: a * (1 / (1 + exp(-b))). */
export function glu(input: Tensor, ...args: Args<[dim: number], { dim?: number }>): Tensor {
  const { dim } = parseArgs("glu", args, ["dim"], { dim: -1 });
  if (input.ndim === 0) throw new TorchError("glu does not support scalars because halving size must be even");
  floating("glu_cpu", input);
  const d = dim < 0 ? dim + input.ndim : dim;
  if (d < 0 || d >= input.ndim)
    throw new TorchIndexError(`Dimension out of range (expected to be in range of [${-input.ndim}, ${input.ndim - 1}], but got ${dim})`);
  const n = input.shape[d]!;
  if (n % 2 !== 0) throw new TorchError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  const a = input.narrow(d, 0, n / 2);
  const b = input.narrow(d, n / 2, n / 2);
  return a.mul(b.neg().exp().add(1).reciprocal());
}

type HardtanhArgs = Args<[min_val: number, max_val: number, inplace: boolean], { min_val?: number; max_val?: number; inplace?: boolean }>;
/** hardtanh: clamp(x, min_val, max_val), its gradient 0 at and beyond both bounds (hardtanh_backward). */
function hardtanhCore(op: string, input: Tensor, lo: number, hi: number): Tensor {
  if (input.dtype === bool) throw new TorchError(`"${op}" not implemented for 'Bool'`);
  // clamp with min_val > max_val gives max_val (NaN stays NaN); the gradient is 0 everywhere but at NaN
  if (lo > hi) return where(input.ne(input), input, scalarLike(input, hi));
  return where(input.le(lo), scalarLike(input, lo), where(input.ge(hi), scalarLike(input, hi), input));
}
const scalarLike = (input: Tensor, v: number): Tensor => full([], v, { dtype: input.dtype, device: input.device });

export function hardtanh(input: Tensor, ...args: HardtanhArgs): Tensor {
  const o = parseArgs("hardtanh", args, ["min_val", "max_val", "inplace"], { min_val: -1, max_val: 1, inplace: false });
  return writeBack(input, hardtanhCore("hardtanh", input, o.min_val, o.max_val), o.inplace);
}
export const hardtanh_ = (
  input: Tensor,
  ...args: Args<[min_val: number, max_val: number], { min_val?: number; max_val?: number }>
): Tensor => {
  const o = parseArgs("hardtanh_", args, ["min_val", "max_val"], { min_val: -1, max_val: 1 });
  return hardtanh(input, o.min_val, o.max_val, true);
};

export function relu6(input: Tensor, ...args: Inplace): Tensor {
  const { inplace } = parseArgs("relu6", args, ["inplace"], { inplace: false });
  return writeBack(input, hardtanhCore("hardtanh", input, 0, 6), inplace);
}

/** hardswish: x * min(max(x + 3, 0), 6) / 6; gradient x / 3 + 0.5 on [-3, 3] (both ends included), as hardswish_backward. */
export function hardswish(input: Tensor, ...args: Inplace): Tensor {
  const { inplace } = parseArgs("hardswish", args, ["inplace"], { inplace: false });
  floating("hardswish_cpu", input);
  const mid = input.mul(input.add(3)).div(6);
  const y = where(input.lt(-3), input.mul(0), where(input.le(3), mid, input.mul(6).div(6)));
  return writeBack(input, y, inplace);
}

/** hardsigmoid: min(max(x + 3, 0), 6) / 6; gradient 1/6 strictly inside (-3, 3), as hardsigmoid_backward. */
export function hardsigmoid(input: Tensor, ...args: Inplace): Tensor {
  const { inplace } = parseArgs("hardsigmoid", args, ["inplace"], { inplace: false });
  floating("hardsigmoid_cpu", input);
  // hardsigmoid_backward multiplies by the float constant 1.0f / 6.0f, for double inputs too: the middle
  // piece is (x + 3) / 6 with that slope (a zero added whose derivative is the constant)
  const slope = input.sub(input.detach()).mul(Math.fround(1 / 6));
  const mid = input.detach().add(3).div(6).add(slope);
  const y = where(input.le(-3), scalarLike(input, 0), where(input.ge(3), scalarLike(input, 1), mid));
  return writeBack(input, y, inplace);
}

/**
 * logsigmoid: min(x, 0) - log1p(exp(-|x|)), ATen's stable form; written with
 * selects so the derivative at 0 is log_sigmoid_backward's 1/2.
 */
export function logsigmoid(input: Tensor): Tensor {
  floating("log_sigmoid_cpu", input);
  const neg = input.lt(0);
  const negAbs = where(neg, input, input.neg());
  return where(neg, input, scalarLike(input, 0)).sub(negAbs.exp().log1p());
}

/** mish: x * tanh(log1p(exp(x))). */
export function mish(input: Tensor, ...args: Inplace): Tensor {
  const { inplace } = parseArgs("mish", args, ["inplace"], { inplace: false });
  floating("mish_cpu", input);
  return writeBack(input, input.mul(input.exp().log1p().tanh()), inplace);
}

/** softplus: x * beta > threshold ? x : log1p(exp(x * beta)) / beta. */
export function softplus(input: Tensor, ...args: Args<[beta: number, threshold: number], { beta?: number; threshold?: number }>): Tensor {
  const { beta, threshold } = parseArgs("softplus", args, ["beta", "threshold"], { beta: 1, threshold: 20 });
  floating("softplus_cpu", input);
  const xb = input.mul(beta);
  const linear = xb.gt(threshold);
  // the exp branch sees 0 where the linear branch is taken, so an overflowing exp cannot make its (unused) gradient NaN
  const soft = xb.masked_fill(linear, 0).exp().log1p().div(beta);
  return where(linear, input, soft);
}

export const softsign = (input: Tensor): Tensor => input.div(input.abs().add(1));

/** softshrink: x - lambd above lambd, x + lambd below -lambd, else 0 (also for NaN, as ATen's kernel). */
export function softshrink(input: Tensor, ...args: Args<[lambd: number], { lambd?: number }>): Tensor {
  const { lambd } = parseArgs("softshrink", args, ["lambd"], { lambd: 0.5 });
  if (!(lambd >= 0)) throw new TorchError(`lambda must be greater or equal to 0, but found to be ${lambd}.`);
  floating("softshrink_cpu", input);
  return where(input.gt(lambd), input.sub(lambd), where(input.lt(-lambd), input.add(lambd), scalarLike(input, 0)));
}

/** hardshrink: 0 on [-lambd, lambd], x elsewhere. */
export function hardshrink(input: Tensor, ...args: Args<[lambd: number], { lambd?: number }>): Tensor {
  const { lambd } = parseArgs("hardshrink", args, ["lambd"], { lambd: 0.5 });
  floating("hardshrink_cpu", input);
  return where(input.ge(-lambd).logical_and(input.le(lambd)), scalarLike(input, 0), input);
}

export const tanhshrink = (input: Tensor): Tensor => input.sub(input.tanh());

type ThresholdArgs = Args<[threshold: number, value: number, inplace: boolean], { threshold?: number; value?: number; inplace?: boolean }>;
/** threshold: x <= threshold ? value : x, in the input's dtype; gradient 0 where replaced (threshold_backward). */
export function threshold(input: Tensor, ...args: ThresholdArgs): Tensor {
  const o = parseArgs("threshold", args, ["threshold", "value", "inplace"], { inplace: false }) as {
    threshold: number;
    value: number;
    inplace: boolean;
  };
  if (input.dtype === bool) throw new TorchError(`"threshold_cpu" not implemented for 'Bool'`);
  return writeBack(input, input.masked_fill(input.le(o.threshold), o.value), o.inplace);
}
export const threshold_ = (
  input: Tensor,
  ...args: Args<[threshold: number, value: number], { threshold?: number; value?: number }>
): Tensor => {
  const o = parseArgs("threshold_", args, ["threshold", "value"], {}) as { threshold: number; value: number };
  return threshold(input, o.threshold, o.value, true);
};

export const relu_ = (input: Tensor): Tensor => input.relu_();
export const leaky_relu_ = (input: Tensor, ...args: Args<[negative_slope: number], { negative_slope?: number }>): Tensor =>
  leaky_relu(input, parseArgs("leaky_relu_", args, ["negative_slope"], { negative_slope: 0.01 }).negative_slope, true);
