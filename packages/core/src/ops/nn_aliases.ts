// torch.* functions that PyTorch exposes at the top level beside their
// nn.functional forms (torch.selu, torch.conv2d, torch.dropout(input, p, train),
// torch.layer_norm, torch.kl_div with an int reduction, ...), with the aten
// signatures of PyTorch 1.13. They are torch.* names, so they are declared here
// in core (the generated keyword-form wrappers and the signature tables list
// core's functions); their implementations compose torch.nn.functional, which
// depends on core, so @xlatorch/nn... no: packages/xlatorch/src/torch_nn_aliases.ts
// registers them when the torch namespace loads.
import { TorchError } from "../errors.js";

type Impl = (...args: unknown[]) => unknown;
const IMPLS = new Map<string, Impl>();

/** Installs torch.<name>'s implementation (packages/xlatorch/src/torch_nn_aliases.ts). */
export function _registerNnAlias(name: string, f: Impl): void {
  IMPLS.set(name, f);
}

function alias(name: string): Impl {
  const f = (...args: unknown[]): unknown => {
    const impl = IMPLS.get(name);
    if (!impl) throw new TorchError(`torch.${name} is implemented by torch.nn: import it from "xlatorch"`);
    return impl(...args);
  };
  Object.defineProperty(f, "name", { value: name });
  return f;
}

export const selu = alias("selu");
export const selu_ = alias("selu_");
export const celu = alias("celu");
export const celu_ = alias("celu_");
export const rrelu = alias("rrelu");
export const rrelu_ = alias("rrelu_");
export const threshold = alias("threshold");
export const threshold_ = alias("threshold_");
export const relu_ = alias("relu_");
export const hardshrink = alias("hardshrink");
export const prelu = alias("prelu");
export const pdist = alias("pdist");
export const pixel_shuffle = alias("pixel_shuffle");
export const pixel_unshuffle = alias("pixel_unshuffle");
export const channel_shuffle = alias("channel_shuffle");
export const native_channel_shuffle = alias("native_channel_shuffle");
export const cosine_similarity = alias("cosine_similarity");
export const pairwise_distance = alias("pairwise_distance");
export const bilinear = alias("bilinear");
export const embedding = alias("embedding");
export const dropout = alias("dropout");
export const dropout_ = alias("dropout_");
export const alpha_dropout = alias("alpha_dropout");
export const alpha_dropout_ = alias("alpha_dropout_");
export const feature_alpha_dropout = alias("feature_alpha_dropout");
export const feature_alpha_dropout_ = alias("feature_alpha_dropout_");
export const feature_dropout = alias("feature_dropout");
export const feature_dropout_ = alias("feature_dropout_");
export const layer_norm = alias("layer_norm");
export const group_norm = alias("group_norm");
export const batch_norm = alias("batch_norm");
export const instance_norm = alias("instance_norm");
export const conv1d = alias("conv1d");
export const conv2d = alias("conv2d");
export const conv3d = alias("conv3d");
export const conv_transpose1d = alias("conv_transpose1d");
export const conv_transpose2d = alias("conv_transpose2d");
export const conv_transpose3d = alias("conv_transpose3d");
export const max_pool1d = alias("max_pool1d");
export const max_pool2d = alias("max_pool2d");
export const max_pool3d = alias("max_pool3d");
export const max_pool1d_with_indices = alias("max_pool1d_with_indices");
export const avg_pool1d = alias("avg_pool1d");
export const adaptive_avg_pool1d = alias("adaptive_avg_pool1d");
export const adaptive_max_pool1d = alias("adaptive_max_pool1d");
export const kl_div = alias("kl_div");
export const cosine_embedding_loss = alias("cosine_embedding_loss");
export const margin_ranking_loss = alias("margin_ranking_loss");
export const hinge_embedding_loss = alias("hinge_embedding_loss");
export const poisson_nll_loss = alias("poisson_nll_loss");
export const triplet_margin_loss = alias("triplet_margin_loss");
export const binary_cross_entropy_with_logits = alias("binary_cross_entropy_with_logits");
export const ctc_loss = alias("ctc_loss");
