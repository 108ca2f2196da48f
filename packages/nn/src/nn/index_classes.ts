// torch.nn classes as written (nn/index.ts re-exports them, those with PyTorch signatures wrapped to take the keyword form).
export { Module, type StateDict, type IncompatibleKeys } from "./module.js";
export { Parameter } from "./parameter.js";
export { RemovableHandle } from "./hooks.js";
export { Identity, Linear, Bilinear } from "./modules/linear.js";
export {
  ReLU,
  LeakyReLU,
  GELU,
  SiLU,
  Tanh,
  Sigmoid,
  Softmax,
  LogSoftmax,
  ELU,
  SELU,
  CELU,
  PReLU,
  RReLU,
  GLU,
  Hardtanh,
  ReLU6,
  Hardswish,
  Hardsigmoid,
  LogSigmoid,
  Mish,
  Softplus,
  Softsign,
  Softshrink,
  Hardshrink,
  Tanhshrink,
  Threshold,
  Softmin,
} from "./modules/activation.js";
export { Dropout, AlphaDropout, FeatureAlphaDropout } from "./modules/dropout.js";
export { Flatten, Unflatten } from "./modules/flatten.js";
export { Embedding } from "./modules/sparse.js";
export { LayerNorm, GroupNorm, LocalResponseNorm } from "./modules/normalization.js";
export { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from "./modules/instancenorm.js";
export { CosineSimilarity, PairwiseDistance } from "./modules/distance.js";
export { PixelShuffle, PixelUnshuffle, Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from "./modules/vision.js";
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
export {
  L1Loss,
  MSELoss,
  SmoothL1Loss,
  NLLLoss,
  CrossEntropyLoss,
  BCELoss,
  BCEWithLogitsLoss,
  KLDivLoss,
  HuberLoss,
  MarginRankingLoss,
  HingeEmbeddingLoss,
  CosineEmbeddingLoss,
  SoftMarginLoss,
  MultiLabelMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  TripletMarginLoss,
  TripletMarginWithDistanceLoss,
  GaussianNLLLoss,
  PoissonNLLLoss,
} from "./modules/loss.js";
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
export { MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, FractionalMaxPool2d, FractionalMaxPool3d, CTCLoss } from "./modules/unpool.js";
export { ChannelShuffle } from "./modules/channel_shuffle.js";
export { Unfold, Fold } from "./modules/fold.js";
export {
  ConstantPad1d,
  ConstantPad2d,
  ConstantPad3d,
  ZeroPad2d,
  ReflectionPad1d,
  ReflectionPad2d,
  ReflectionPad3d,
  ReplicationPad1d,
  ReplicationPad2d,
  ReplicationPad3d,
} from "./modules/padding.js";
export { LPPool1d, LPPool2d, Softmax2d } from "./modules/lp_pool.js";
export { UninitializedParameter } from "./modules/lazy_parameter.js";
export { LazyLinear } from "./modules/lazy_linear.js";
export { LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d } from "./modules/lazy_conv.js";
export { AdaptiveLogSoftmaxWithLoss } from "./modules/adaptive_log_softmax.js";
export { UninitializedBuffer } from "./modules/lazy_parameter.js";
export {
  LazyBatchNorm1d,
  LazyBatchNorm2d,
  LazyBatchNorm3d,
  LazyInstanceNorm1d,
  LazyInstanceNorm2d,
  LazyInstanceNorm3d,
} from "./modules/lazy_norm.js";
export { CrossMapLRN2d } from "./modules/cross_map_lrn.js";
export { SyncBatchNorm } from "./modules/sync_batchnorm.js";
export { NLLLoss2d, Container } from "./modules/deprecated.js";
export { DataParallel } from "./modules/data_parallel.js";
