// The elementwise op tables shared by the builder, the printer and the parser:
// which ops exist and which element types each accepts.
import type { ElementClass } from "./shapes.js";

/** Unary elementwise ops whose result type is the operand type, with the operand class each accepts. */
export const UNARY_OPS = {
  abs: "signed",
  negate: "number",
  sign: "signed",
  exponential: "floatOrComplex",
  log: "floatOrComplex",
  log_plus_one: "floatOrComplex",
  exponential_minus_one: "floatOrComplex",
  sqrt: "floatOrComplex",
  rsqrt: "floatOrComplex",
  cbrt: "float",
  sine: "floatOrComplex",
  cosine: "floatOrComplex",
  tan: "floatOrComplex",
  tanh: "floatOrComplex",
  logistic: "floatOrComplex",
  floor: "float",
  ceil: "float",
  round_nearest_even: "float",
  round_nearest_afz: "float",
  not: "intOrBool",
  popcnt: "int",
  count_leading_zeros: "int",
} as const satisfies Record<string, ElementClass>;
export type UnaryOp = keyof typeof UNARY_OPS;

/** Binary elementwise ops (same operand and result types), with the operand class each accepts. */
export const BINARY_OPS = {
  add: "any",
  subtract: "number",
  multiply: "any",
  divide: "number",
  remainder: "number",
  power: "number",
  maximum: "any",
  minimum: "any",
  atan2: "float",
  and: "intOrBool",
  or: "intOrBool",
  xor: "intOrBool",
  shift_left: "int",
  shift_right_arithmetic: "int",
  shift_right_logical: "int",
} as const satisfies Record<string, ElementClass>;
export type BinaryOp = keyof typeof BINARY_OPS;
