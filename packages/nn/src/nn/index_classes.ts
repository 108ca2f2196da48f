// torch.nn classes as written (nn/index.ts re-exports them, those with PyTorch signatures wrapped to take the keyword form).
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
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "./modules/conv.js";
export {
  MaxPool1d,
  MaxPool2d,
  MaxPool3d,
  AvgPool1d,
  AvgPool2d,
  AvgPool3d,
  AdaptiveAvgPool1d,
  AdaptiveAvgPool2d,
  AdaptiveAvgPool3d,
  AdaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  AdaptiveMaxPool3d,
} from "./modules/pooling.js";
export { BatchNorm2d, BatchNorm3d } from "./modules/batchnorm2d.js";
export { Dropout1d, Dropout2d, Dropout3d } from "./modules/dropout2d.js";
export { RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell } from "./modules/rnn.js";
export { L1Loss, MSELoss, SmoothL1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from "./modules/loss.js";
export { MultiheadAttention } from "./modules/attention.js";
export {
  Transformer,
  TransformerEncoder,
  TransformerDecoder,
  TransformerEncoderLayer,
  TransformerDecoderLayer,
} from "./modules/transformer.js";
export { ParameterList, ParameterDict } from "./modules/parameter_containers.js";
export { EmbeddingBag } from "./modules/embedding_bag.js";
