// The implementations of core's nn_aliases.ts: torch.* functions PyTorch 1.13
// exposes beside nn.functional, with their aten signatures (positional order
// and defaults differ from F.*: torch.dropout(input, p, train) has no defaults,
// torch.embedding takes weight first, the losses take an int reduction, the
// norms their aten parameter order, torch.max_pool2d has no return_indices),
// each mapped onto nn.functional. Registered when the torch namespace loads.
import { _registerNnAlias, parseArgs, Tensor, TorchError } from "@xlatorch/core";
import { nn } from "@xlatorch/nn";

type Fn = (...args: never[]) => unknown;
// biome-ignore lint/suspicious/noExplicitAny: nn.functional's entry points take typed argument lists; the aliases forward values already checked by the keyword-form wrapper and the functional's own parser
const F = nn.functional as unknown as Record<string, (...args: any[]) => any>;

/**
 * aten's int reduction (at::Reduction): 0 none, 1 mean, 2 sum. The schemas' default is Mean, but PyTorch
 * 1.13's Python binding reads that default as 0: torch.kl_div(input, target) is unreduced, and so are the
 * other losses here called without a reduction (REDUCTION_DEFAULT).
 */
function reductionName(op: string, r: unknown): string {
  if (r === 0) return "none";
  if (r === 1) return "mean";
  if (r === 2) return "sum";
  throw new TorchError(`${op}: ${String(r)} is not a valid value for reduction`);
}
/** aten's `int[] stride=[]`: empty means the kernel size (F's None). */
const REDUCTION_DEFAULT = 0;
const strideOrNull = (s: unknown) => (Array.isArray(s) && s.length === 0 ? null : s);

const p = <K extends string>(op: string, args: unknown[], names: readonly K[], defaults: Partial<Record<K, unknown>> = {}) =>
  parseArgs(op, args, names, defaults);

const ALIASES: Record<string, Fn> = {
  selu: (input: Tensor) => F.selu!(input),
  selu_: (input: Tensor) => F.selu_!(input),
  celu: (input: Tensor, ...a: unknown[]) => F.celu!(input, p("celu", a, ["alpha"], { alpha: 1 }).alpha),
  celu_: (input: Tensor, ...a: unknown[]) => F.celu_!(input, p("celu_", a, ["alpha"], { alpha: 1 }).alpha),
  rrelu: (input: Tensor, ...a: unknown[]) => {
    const o = p("rrelu", a, ["lower", "upper", "training", "generator"], { lower: 1 / 8, upper: 1 / 3, training: false, generator: null });
    // F.rrelu has no generator (PyTorch's neither); F.rrelu_ (torch.rrelu_) has: the same draw on a copy
    if (o.generator !== null) return F.rrelu_!(input.clone(), o.lower, o.upper, o.training, o.generator);
    return F.rrelu!(input, o.lower, o.upper, o.training);
  },
  rrelu_: (input: Tensor, ...a: unknown[]) => {
    const o = p("rrelu_", a, ["lower", "upper", "training", "generator"], { lower: 1 / 8, upper: 1 / 3, training: false, generator: null });
    return F.rrelu_!(input, o.lower, o.upper, o.training, o.generator);
  },
  threshold: (input: Tensor, ...a: unknown[]) => {
    const o = p("threshold", a, ["threshold", "value"]);
    return F.threshold!(input, o.threshold, o.value);
  },
  threshold_: (input: Tensor, ...a: unknown[]) => {
    const o = p("threshold_", a, ["threshold", "value"]);
    return F.threshold_!(input, o.threshold, o.value);
  },
  relu_: (input: Tensor) => F.relu_!(input),
  hardshrink: (input: Tensor, ...a: unknown[]) => F.hardshrink!(input, p("hardshrink", a, ["lambd"], { lambd: 0.5 }).lambd),
  prelu: (input: Tensor, weight: Tensor) => F.prelu!(input, weight),
  pdist: (input: Tensor, ...a: unknown[]) => F.pdist!(input, p("pdist", a, ["p"], { p: 2 }).p),
  pixel_shuffle: (input: Tensor, ...a: unknown[]) => F.pixel_shuffle!(input, p("pixel_shuffle", a, ["upscale_factor"]).upscale_factor),
  pixel_unshuffle: (input: Tensor, ...a: unknown[]) =>
    F.pixel_unshuffle!(input, p("pixel_unshuffle", a, ["downscale_factor"]).downscale_factor),
  channel_shuffle: (input: Tensor, ...a: unknown[]) => F.channel_shuffle!(input, p("channel_shuffle", a, ["groups"]).groups),
  // (PyTorch's native_channel_shuffle checks nothing and crashes on what channel_shuffle refuses)
  native_channel_shuffle: (input: Tensor, ...a: unknown[]) => F.channel_shuffle!(input, p("native_channel_shuffle", a, ["groups"]).groups),
  cosine_similarity: (x1: Tensor, x2: Tensor, ...a: unknown[]) => {
    const o = p("cosine_similarity", a, ["dim", "eps"], { dim: 1, eps: 1e-8 });
    return F.cosine_similarity!(x1, x2, o.dim, o.eps);
  },
  pairwise_distance: (x1: Tensor, x2: Tensor, ...a: unknown[]) => {
    const o = p("pairwise_distance", a, ["p", "eps", "keepdim"], { p: 2, eps: 1e-6, keepdim: false });
    return F.pairwise_distance!(x1, x2, o.p, o.eps, o.keepdim);
  },
  bilinear: (input1: Tensor, input2: Tensor, weight: Tensor, ...a: unknown[]) =>
    F.bilinear!(input1, input2, weight, p("bilinear", a, ["bias"], { bias: null }).bias),
  // torch.embedding(weight, indices, padding_idx=-1, ...): -1 is "no padding row"
  embedding: (weight: Tensor, indices: Tensor, ...a: unknown[]) => {
    const o = p("embedding", a, ["padding_idx", "scale_grad_by_freq", "sparse"], {
      padding_idx: -1,
      scale_grad_by_freq: false,
      sparse: false,
    });
    return F.embedding!(indices, weight, o.padding_idx === -1 ? null : o.padding_idx, null, 2, o.scale_grad_by_freq, o.sparse);
  },
  dropout: (input: Tensor, ...a: unknown[]) => {
    const o = p("dropout", a, ["p", "train"]);
    return F.dropout!(input, o.p, o.train);
  },
  dropout_: (input: Tensor, ...a: unknown[]) => {
    const o = p("dropout_", a, ["p", "train"]);
    return F.dropout!(input, o.p, o.train, true);
  },
  alpha_dropout: (input: Tensor, ...a: unknown[]) => {
    const o = p("alpha_dropout", a, ["p", "train"]);
    return F.alpha_dropout!(input, o.p, o.train);
  },
  alpha_dropout_: (input: Tensor, ...a: unknown[]) => {
    const o = p("alpha_dropout_", a, ["p", "train"]);
    return F.alpha_dropout!(input, o.p, o.train, true);
  },
  feature_alpha_dropout: (input: Tensor, ...a: unknown[]) => {
    const o = p("feature_alpha_dropout", a, ["p", "train"]);
    return F.feature_alpha_dropout!(input, o.p, o.train);
  },
  feature_alpha_dropout_: (input: Tensor, ...a: unknown[]) => {
    const o = p("feature_alpha_dropout_", a, ["p", "train"]);
    return F.feature_alpha_dropout!(input, o.p, o.train, true);
  },
  feature_dropout: (input: Tensor, ...a: unknown[]) => {
    const o = p("feature_dropout", a, ["p", "train"]);
    // ATen's feature dropout is F.dropout2d's (which takes any input of 2 or more dimensions)
    return F.dropout2d!(input, o.p, o.train);
  },
  feature_dropout_: (input: Tensor, ...a: unknown[]) => {
    const o = p("feature_dropout_", a, ["p", "train"]);
    return F.dropout2d!(input, o.p, o.train, true);
  },
  layer_norm: (input: Tensor, ...a: unknown[]) => {
    const o = p("layer_norm", a, ["normalized_shape", "weight", "bias", "eps", "cudnn_enable"], {
      weight: null,
      bias: null,
      eps: 1e-5,
      cudnn_enable: true,
    });
    return F.layer_norm!(input, o.normalized_shape, o.weight, o.bias, o.eps);
  },
  group_norm: (input: Tensor, ...a: unknown[]) => {
    const o = p("group_norm", a, ["num_groups", "weight", "bias", "eps", "cudnn_enabled"], {
      weight: null,
      bias: null,
      eps: 1e-5,
      cudnn_enabled: true,
    });
    return F.group_norm!(input, o.num_groups, o.weight, o.bias, o.eps);
  },
  batch_norm: (input: Tensor, ...a: unknown[]) => {
    const o = p("batch_norm", a, ["weight", "bias", "running_mean", "running_var", "training", "momentum", "eps", "cudnn_enabled"]);
    return F.batch_norm!(input, o.running_mean, o.running_var, o.weight, o.bias, o.training, o.momentum, o.eps);
  },
  instance_norm: (input: Tensor, ...a: unknown[]) => {
    const o = p("instance_norm", a, [
      "weight",
      "bias",
      "running_mean",
      "running_var",
      "use_input_stats",
      "momentum",
      "eps",
      "cudnn_enabled",
    ]);
    return F.instance_norm!(input, o.running_mean, o.running_var, o.weight, o.bias, o.use_input_stats, o.momentum, o.eps);
  },
  conv1d: (...a: unknown[]) => F.conv1d!(...a),
  conv2d: (...a: unknown[]) => F.conv2d!(...a),
  conv3d: (...a: unknown[]) => F.conv3d!(...a),
  conv_transpose1d: (...a: unknown[]) => F.conv_transpose1d!(...a),
  conv_transpose2d: (...a: unknown[]) => F.conv_transpose2d!(...a),
  conv_transpose3d: (...a: unknown[]) => F.conv_transpose3d!(...a),
  max_pool1d: (input: Tensor, ...a: unknown[]) => maxPool("max_pool1d", input, a),
  max_pool2d: (input: Tensor, ...a: unknown[]) => maxPool("max_pool2d", input, a),
  max_pool3d: (input: Tensor, ...a: unknown[]) => maxPool("max_pool3d", input, a),
  max_pool1d_with_indices: (input: Tensor, ...a: unknown[]) => {
    const o = p("max_pool1d_with_indices", a, ["kernel_size", "stride", "padding", "dilation", "ceil_mode"], {
      stride: [],
      padding: 0,
      dilation: 1,
      ceil_mode: false,
    });
    return F.max_pool1d!(input, o.kernel_size, strideOrNull(o.stride), o.padding, o.dilation, o.ceil_mode, true);
  },
  avg_pool1d: (input: Tensor, ...a: unknown[]) => {
    const o = p("avg_pool1d", a, ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"], {
      stride: [],
      padding: 0,
      ceil_mode: false,
      count_include_pad: true,
    });
    return F.avg_pool1d!(input, o.kernel_size, strideOrNull(o.stride), o.padding, o.ceil_mode, o.count_include_pad);
  },
  adaptive_avg_pool1d: (input: Tensor, ...a: unknown[]) =>
    F.adaptive_avg_pool1d!(input, p("adaptive_avg_pool1d", a, ["output_size"]).output_size),
  // aten's adaptive_max_pool1d returns (values, indices)
  adaptive_max_pool1d: (input: Tensor, ...a: unknown[]) =>
    F.adaptive_max_pool1d!(input, p("adaptive_max_pool1d", a, ["output_size"]).output_size, true),
  kl_div: (input: Tensor, target: Tensor, ...a: unknown[]) => {
    const o = p("kl_div", a, ["reduction", "log_target"], { reduction: REDUCTION_DEFAULT, log_target: false });
    return F.kl_div!(input, target, { reduction: reductionName("kl_div", o.reduction), log_target: o.log_target });
  },
  cosine_embedding_loss: (input1: Tensor, input2: Tensor, target: Tensor, ...a: unknown[]) => {
    const o = p("cosine_embedding_loss", a, ["margin", "reduction"], { margin: 0, reduction: REDUCTION_DEFAULT });
    return F.cosine_embedding_loss!(input1, input2, target, o.margin, { reduction: reductionName("cosine_embedding_loss", o.reduction) });
  },
  margin_ranking_loss: (input1: Tensor, input2: Tensor, target: Tensor, ...a: unknown[]) => {
    const o = p("margin_ranking_loss", a, ["margin", "reduction"], { margin: 0, reduction: REDUCTION_DEFAULT });
    return F.margin_ranking_loss!(input1, input2, target, o.margin, { reduction: reductionName("margin_ranking_loss", o.reduction) });
  },
  hinge_embedding_loss: (input: Tensor, target: Tensor, ...a: unknown[]) => {
    const o = p("hinge_embedding_loss", a, ["margin", "reduction"], { margin: 1, reduction: REDUCTION_DEFAULT });
    return F.hinge_embedding_loss!(input, target, o.margin, { reduction: reductionName("hinge_embedding_loss", o.reduction) });
  },
  poisson_nll_loss: (input: Tensor, target: Tensor, ...a: unknown[]) => {
    const o = p("poisson_nll_loss", a, ["log_input", "full", "eps", "reduction"]);
    return F.poisson_nll_loss!(input, target, o.log_input, o.full, {
      eps: o.eps,
      reduction: reductionName("poisson_nll_loss", o.reduction),
    });
  },
  triplet_margin_loss: (anchor: Tensor, positive: Tensor, negative: Tensor, ...a: unknown[]) => {
    const o = p("triplet_margin_loss", a, ["margin", "p", "eps", "swap", "reduction"], {
      margin: 1,
      p: 2,
      eps: 1e-6,
      swap: false,
      reduction: REDUCTION_DEFAULT,
    });
    return F.triplet_margin_loss!(anchor, positive, negative, o.margin, o.p, o.eps, o.swap, {
      reduction: reductionName("triplet_margin_loss", o.reduction),
    });
  },
  binary_cross_entropy_with_logits: (input: Tensor, target: Tensor, ...a: unknown[]) => {
    const o = p("binary_cross_entropy_with_logits", a, ["weight", "pos_weight", "reduction"], {
      weight: null,
      pos_weight: null,
      reduction: REDUCTION_DEFAULT,
    });
    return F.binary_cross_entropy_with_logits!(input, target, o.weight, {
      pos_weight: o.pos_weight,
      reduction: reductionName("binary_cross_entropy_with_logits", o.reduction),
    });
  },
  ctc_loss: (log_probs: Tensor, targets: Tensor, input_lengths: unknown, target_lengths: unknown, ...a: unknown[]) => {
    const o = p("ctc_loss", a, ["blank", "reduction", "zero_infinity"], { blank: 0, reduction: REDUCTION_DEFAULT, zero_infinity: false });
    return F.ctc_loss!(log_probs, targets, input_lengths, target_lengths, o.blank, reductionName("ctc_loss", o.reduction), o.zero_infinity);
  },
};

function maxPool(op: string, input: Tensor, a: unknown[]): Tensor {
  const o = p(op, a, ["kernel_size", "stride", "padding", "dilation", "ceil_mode"], {
    stride: [],
    padding: 0,
    dilation: 1,
    ceil_mode: false,
  });
  return F[op]!(input, o.kernel_size, strideOrNull(o.stride), o.padding, o.dilation, o.ceil_mode);
}

for (const [name, f] of Object.entries(ALIASES)) _registerNnAlias(name, f as (...args: unknown[]) => unknown);
