// torch.nn.functional (`import { nn } from ...; const F = nn.functional`).
// Every function is a composition of core ops: no kernels of its own.
export { linear, bilinear } from "./linear.js";
export { relu, leaky_relu, gelu, silu, tanh, sigmoid, softmax, log_softmax, softmin } from "./activation.js";
export { dropout } from "./dropout.js";
export {
  nll_loss,
  cross_entropy,
  mse_loss,
  l1_loss,
  smooth_l1_loss,
  binary_cross_entropy,
  binary_cross_entropy_with_logits,
} from "./loss.js";
export { layer_norm, batch_norm, normalize } from "./normalization.js";
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
