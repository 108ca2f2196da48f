// `import * as torch from "xlatorch"`: the whole PyTorch-style namespace.
import "@xlatorch/cpu";
import "@xlatorch/lazy";
import "./runtime_choice.js";
export * from "@xlatorch/core";
export { xla } from "@xlatorch/lazy";
export { nn, optim, utils } from "@xlatorch/nn";
export { chooseRuntime } from "./runtime_choice.js";
export { save, load } from "./serialization/index.js";
