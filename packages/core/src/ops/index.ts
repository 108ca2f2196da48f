// The torch.* functions of the core.
export * from "./creation.js";
export * from "./elementwise.js";
export * from "./reduce.js";
export { var_ as var } from "./reduce.js";
export * from "./shape.js";
export * from "./indexing.js";
export * from "./linalg.js";
export { copy_, fill_, zero_, assign, inplace, writing } from "./inplace.js";
export { scalarTensor, convert as _convert, expandTo as _expandTo } from "./base.js";
export { parseArgs, splitSizes, type Scalar, type TensorOrScalar } from "./args.js";
export * from "./random.js";
export * from "./more_linalg.js";
export * from "./more_math.js";
export * from "./more_reduce.js";
export * from "./more_shape.js";
