// `import * as torch from "xlatorch"`: the whole PyTorch-style namespace.
import "@xlatorch/cpu";
import "@xlatorch/lazy";
import "./runtime_choice.js";
import "./compile_cache/index.js";
// torch.selu, torch.conv2d, torch.dropout, ...: core declares them, torch.nn implements them
import "./torch_nn_aliases.js";
// core's namespace, torch.* functions taking the keyword form (signed_functions.ts is generated)
export * from "./signed_functions.js";
export * as linalg from "./linalg_public.js";
export * as fft from "./fft_public.js";
export * as special from "./special_public.js";
export { xla, compile, _dynamo, compiler } from "@xlatorch/lazy";
export { nn, optim, utils } from "@xlatorch/nn";
export { chooseRuntime } from "./runtime_choice.js";
export { __config__ } from "./config.js";
export { save, load } from "./serialization/index.js";
