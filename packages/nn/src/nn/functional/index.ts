// torch.nn.functional (`import { nn } from ...; const F = nn.functional`).
// Every function is a composition of core ops: no kernels of its own.
export { linear, bilinear } from "./linear.js";
export {
  relu,
  relu_,
  leaky_relu,
  leaky_relu_,
  gelu,
  silu,
  tanh,
  sigmoid,
  softmax,
  log_softmax,
  softmin,
  elu,
  elu_,
  selu,
  selu_,
  celu,
  celu_,
  prelu,
  rrelu,
  rrelu_,
  glu,
  hardtanh,
  hardtanh_,
  relu6,
  hardswish,
  hardsigmoid,
  logsigmoid,
  mish,
  softplus,
  softsign,
  softshrink,
  hardshrink,
  tanhshrink,
  threshold,
  threshold_,
} from "./activation.js";
export { dropout, alpha_dropout, feature_alpha_dropout } from "./dropout.js";
export {
  nll_loss,
  cross_entropy,
  mse_loss,
  l1_loss,
  smooth_l1_loss,
  binary_cross_entropy,
  binary_cross_entropy_with_logits,
  kl_div,
  huber_loss,
  margin_ranking_loss,
  hinge_embedding_loss,
  soft_margin_loss,
  cosine_embedding_loss,
  multi_margin_loss,
  multilabel_margin_loss,
  multilabel_soft_margin_loss,
  triplet_margin_loss,
  triplet_margin_with_distance_loss,
  gaussian_nll_loss,
  poisson_nll_loss,
} from "./loss.js";
export { layer_norm, batch_norm, normalize, group_norm, instance_norm, local_response_norm } from "./normalization.js";
export { cosine_similarity, pairwise_distance, pdist } from "./distance.js";
export { pixel_shuffle, pixel_unshuffle, interpolate, upsample, upsample_nearest, upsample_bilinear } from "./vision.js";
export { embedding, one_hot } from "./sparse.js";
export { pad } from "./padding.js";
export { conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, unfold, fold } from "./conv.js";
export {
  max_pool1d,
  max_pool2d,
  max_pool3d,
  max_pool1d_with_indices,
  max_pool2d_with_indices,
  avg_pool1d,
  avg_pool2d,
  avg_pool3d,
  adaptive_avg_pool1d,
  adaptive_avg_pool2d,
  adaptive_avg_pool3d,
  adaptive_max_pool1d,
  adaptive_max_pool2d,
  adaptive_max_pool3d,
} from "./pooling.js";
export { dropout1d, dropout2d, dropout3d } from "./dropout2d.js";
export { scaled_dot_product_attention, multi_head_attention_forward } from "./attention.js";
export { embedding_bag } from "./embedding_bag.js";
export {
  max_unpool1d,
  max_unpool2d,
  max_unpool3d,
  fractional_max_pool2d,
  fractional_max_pool3d,
  fractional_max_pool2d_with_indices,
  fractional_max_pool3d_with_indices,
} from "./unpool.js";
export { affine_grid, grid_sample } from "./grid_sample.js";
export { ctc_loss } from "./ctc_loss.js";
export { channel_shuffle } from "./channel_shuffle.js";
export { lp_pool1d, lp_pool2d } from "./lp_pool.js";
export { gumbel_softmax } from "./gumbel_softmax.js";
export {
  max_pool3d_with_indices,
  adaptive_max_pool1d_with_indices,
  adaptive_max_pool2d_with_indices,
  adaptive_max_pool3d_with_indices,
} from "./pool_with_indices.js";
