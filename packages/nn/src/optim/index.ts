// torch.optim.
export { Optimizer, required, type ParamGroup, type ParamGroupInput, type Params, type ParamState, type OptimizerStateDict } from "./optimizer.js";
export { SGD, type SGDOptions } from "./sgd.js";
export { Adam, AdamW, type AdamOptions } from "./adam.js";
export { RMSprop, type RMSpropOptions } from "./rmsprop.js";
export * as lr_scheduler from "./lr_scheduler.js";
