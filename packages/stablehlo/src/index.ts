// @xlatorch/stablehlo: the in-memory StableHLO IR, its builder, the MLIR text
// printer and parser, and the Runtime interface every executor implements.
export * from "./ir.js";
export * from "./runtime.js";
export { BaseBuilder, defaultCompareType } from "./builder_base.js";
export type { NestedElements } from "./builder_base.js";
export { Builder, FuncBuilder, identity } from "./builder.js";
export type { ReduceKind, WindowOptions, GatherDimsInput, ScatterDimsInput } from "./builder.js";
export { UNARY_OPS, BINARY_OPS } from "./opsets.js";
export type { UnaryOp, BinaryOp } from "./opsets.js";
export { printModule } from "./printer.js";
export type { PrintOptions } from "./printer.js";
export { printAttr, printString } from "./attrs.js";
export { parseModule } from "./parser.js";
export { formatElement } from "./numbers.js";
export { isMinifloat, MINIFLOAT_FORMATS, minifloatFromBits, minifloatToBits, roundToMinifloat } from "./minifloat.js";
export type { MinifloatType } from "./minifloat.js";
export { isQuantized, isToken, isTuple, quantParams, TOKEN, tokenType, tupleType } from "./special_types.js";
export type { QuantParams } from "./special_types.js";
export { ParseError } from "./cursor.js";
export type { ConvOpts } from "./shapes.js";
export { collectBound, makeSyncNet } from "./sync_net.js";
export type { SyncNet } from "./sync_net.js";
