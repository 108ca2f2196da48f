// @xlatorch/stablehlo: the in-memory StableHLO IR, its builder, the MLIR text
// printer and parser, and the Runtime interface every executor implements.
export * from "./ir.js";
export * from "./runtime.js";
export { Builder, FuncBuilder, UNARY_OPS, BINARY_OPS, defaultCompareType, identity } from "./builder.js";
export type { UnaryOp, BinaryOp, ReduceKind, WindowOptions, NestedElements, GatherDimsInput, ScatterDimsInput } from "./builder.js";
export { printModule } from "./printer.js";
export { printAttr, printString } from "./attrs.js";
export { parseModule } from "./parser.js";
