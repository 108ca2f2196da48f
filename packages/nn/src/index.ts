// @xlatorch/nn: torch.nn (with nn.functional, nn.init, nn.utils), torch.optim
// and torch.utils.data, built on @xlatorch/core's ops.
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as utils from "./utils/index.js";
