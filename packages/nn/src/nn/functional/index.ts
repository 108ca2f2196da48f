// torch.nn.functional (`import { nn } from ...; const F = nn.functional`).
// Every function is a composition of core ops: no kernels of its own.
export { linear, bilinear } from "./linear.js";
export { relu, leaky_relu, gelu, silu, tanh, sigmoid, softmax, log_softmax, softmin } from "./activation.js";
export { dropout } from "./dropout.js";
export { nll_loss, cross_entropy, mse_loss, l1_loss, smooth_l1_loss, binary_cross_entropy, binary_cross_entropy_with_logits } from "./loss.js";
export { layer_norm, batch_norm, normalize } from "./normalization.js";
export { embedding, one_hot } from "./sparse.js";
export { pad } from "./padding.js";
