// torch.optim optimizers as written (optim/index.ts re-exports them taking the keyword form).
export {
  Optimizer,
  required,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type ParamState,
  type OptimizerStateDict,
} from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { Adam, AdamW, type AdamOptions } from "./adam.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export { Adagrad, type AdagradOptions } from "./adagrad.js";
export { Adadelta, type AdadeltaOptions } from "./adadelta.js";
export { Adamax, type AdamaxOptions } from "./adamax.js";
export { NAdam, type NAdamOptions } from "./nadam.js";
export { RAdam, type RAdamOptions } from "./radam.js";
export { LBFGS, type LBFGSOptions } from "./lbfgs.js";
export { Rprop, type RpropOptions } from "./rprop.js";
export { ASGD, type ASGDOptions } from "./asgd.js";
export { SparseAdam, type SparseAdamOptions } from "./sparse_adam.js";
