// `import * as torch from "xlatorch"`: the whole PyTorch-style namespace.
import "@xlatorch/cpu";
export * from "@xlatorch/core";
