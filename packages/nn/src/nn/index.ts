// torch.nn.
export { Module, type StateDict, type IncompatibleKeys } from "./module.js";
export { Parameter } from "./parameter.js";
export { RemovableHandle } from "./hooks.js";
export { Identity, Linear, Bilinear } from "./modules/linear.js";
export { ReLU, LeakyReLU, GELU, SiLU, Tanh, Sigmoid, Softmax, LogSoftmax } from "./modules/activation.js";
export { Dropout } from "./modules/dropout.js";
export { Flatten, Unflatten } from "./modules/flatten.js";
export { Embedding } from "./modules/sparse.js";
export { LayerNorm } from "./modules/normalization.js";
export { BatchNorm1d } from "./modules/batchnorm.js";
export { Sequential, ModuleList, ModuleDict } from "./modules/container.js";
export { RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell } from "./modules/rnn.js";
export { L1Loss, MSELoss, SmoothL1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from "./modules/loss.js";
export * as functional from "./functional/index.js";
export * as init from "./init.js";
export * as utils from "./utils/index.js";
