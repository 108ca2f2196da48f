// The in-memory StableHLO IR: plain data, no methods, so lowerings, the printer,
// the parser and every runtime can share it without a class hierarchy.
import type { DTypeName } from "./runtime.js";

export type ElementType =
  | "f32"
  | "f64"
  | "f16"
  | "bf16"
  | "i1"
  | "i8"
  | "ui8"
  | "i16"
  | "i32"
  | "i64"
  | "complex<f32>"
  | "complex<f64>"
  | NarrowElementType
  | SpecialElementType;

/**
 * Not tensor element types, carried as the element of a TensorType (special_types.ts):
 * a token (shape []), a tuple (shape [], its element types in TensorType.parts),
 * a uniformly quantized element type (its canonical `!quant.uniform<...>` spelling).
 */
export type SpecialElementType = "!stablehlo.token" | `tuple<${string}>` | `!quant.uniform<${string}>`;

/**
 * Element types the parser reads that have no dtype (the core's dtypes are
 * PyTorch's): unsigned 16-64, the 2- and 4-bit integers, and the small floats.
 * A runtime computes them only where it says so and refuses them elsewhere.
 */
export type NarrowElementType =
  | "ui16"
  | "ui32"
  | "ui64"
  | "i2"
  | "i4"
  | "ui2"
  | "ui4"
  | "f8E3M4"
  | "f8E4M3"
  | "f8E4M3FN"
  | "f8E4M3FNUZ"
  | "f8E4M3B11FNUZ"
  | "f8E5M2"
  | "f8E5M2FNUZ"
  | "f8E8M0FNU"
  | "f6E2M3FN"
  | "f6E3M2FN"
  | "f4E2M1FN";

export const NARROW_ELEMENT_TYPES: readonly NarrowElementType[] = [
  "ui16",
  "ui32",
  "ui64",
  "i2",
  "i4",
  "ui2",
  "ui4",
  "f8E3M4",
  "f8E4M3",
  "f8E4M3FN",
  "f8E4M3FNUZ",
  "f8E4M3B11FNUZ",
  "f8E5M2",
  "f8E5M2FNUZ",
  "f8E8M0FNU",
  "f6E2M3FN",
  "f6E3M2FN",
  "f4E2M1FN",
];

export const ELEMENT_TYPES: readonly ElementType[] = [
  "f32",
  "f64",
  "f16",
  "bf16",
  "i1",
  "i8",
  "ui8",
  "i16",
  "i32",
  "i64",
  "complex<f32>",
  "complex<f64>",
];

export interface TensorType {
  shape: number[];
  element: ElementType;
  /** A tuple's element types (element is `tuple<...>`); absent for everything else. */
  parts?: TensorType[];
}

/** An SSA value, printed as `%<name ?? id>`; ids are unique within a function. */
export interface Value {
  id: number;
  type: TensorType;
  name?: string;
}

/**
 * One element of a dense constant: i64 (and ui32/ui64) values are bigint, i1 values boolean.
 * A complex constant holds (re, im) number pairs, interleaved: 2 values per element.
 */
export type DenseElement = number | bigint | boolean;

/** Enum attributes, printed `#stablehlo<comparison_direction LT>`. */
export type EnumKind = "comparison_direction" | "comparison_type" | "precision" | "transpose" | "fft_type";
export type ComparisonDirection = "EQ" | "NE" | "GE" | "GT" | "LE" | "LT";
export type ComparisonType = "FLOAT" | "TOTALORDER" | "SIGNED" | "UNSIGNED";
export type Precision = "DEFAULT" | "HIGH" | "HIGHEST";

export interface DotDims {
  lhsBatching: number[];
  rhsBatching: number[];
  lhsContracting: number[];
  rhsContracting: number[];
}

export interface GatherDims {
  offsetDims: number[];
  collapsedSliceDims: number[];
  operandBatchingDims: number[];
  startIndicesBatchingDims: number[];
  startIndexMap: number[];
  indexVectorDim: number;
}

export interface ScatterDims {
  updateWindowDims: number[];
  insertedWindowDims: number[];
  inputBatchingDims: number[];
  scatterIndicesBatchingDims: number[];
  scatterDimsToOperandDims: number[];
  indexVectorDim: number;
}

/**
 * Convolution dimension numbers (`#stablehlo.conv<[b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1]>`):
 * which dimension of each operand and of the result is the batch, the feature, and each spatial dim.
 */
export interface ConvDims {
  inputBatchDimension: number;
  inputFeatureDimension: number;
  inputSpatialDimensions: number[];
  kernelInputFeatureDimension: number;
  kernelOutputFeatureDimension: number;
  kernelSpatialDimensions: number[];
  outputBatchDimension: number;
  outputFeatureDimension: number;
  outputSpatialDimensions: number[];
}

export type Attr =
  | { kind: "int"; value: number | bigint; type: "i64" | "i32" }
  | { kind: "bool"; value: boolean }
  | { kind: "float"; value: number; type: "f32" | "f64" }
  | { kind: "string"; value: string }
  /** DenseI64ArrayAttr: `array<i64: 1, 2>`. */
  | { kind: "ints"; values: number[] }
  | { kind: "enum"; enum: EnumKind; value: string }
  /** values.length is 1 (a splat) or the element count of `type`. */
  | { kind: "dense"; type: TensorType; values: DenseElement[] }
  | ({ kind: "dot" } & DotDims)
  | ({ kind: "gather" } & GatherDims)
  | ({ kind: "scatter" } & ScatterDims)
  | ({ kind: "conv" } & ConvDims)
  | { kind: "type"; type: TensorType }
  | { kind: "array"; values: Attr[] };

export interface Op {
  /** Full name with dialect, e.g. "stablehlo.add" or "chlo.erf". */
  name: string;
  operands: Value[];
  results: Value[];
  attrs: Record<string, Attr>;
  regions?: Region[];
  /** Where the op is written (parsed text only), for errors that name it. */
  loc?: { line: number; column: number };
}

/** A single-block region; `returns` is what its `stablehlo.return` yields. */
export interface Region {
  args: Value[];
  ops: Op[];
  returns: Value[];
}

export interface Func {
  name: string;
  params: Value[];
  body: Op[];
  returns: Value[];
  /**
   * Per parameter: the result it may be donated to (`tf.aliasing_output = N`
   * on the argument, as JAX marks donated buffers), or null. Absent: none.
   */
  aliasingOutput?: (number | null)[];
}

/** A module; its entry function is "main". */
export interface Module {
  name: string;
  funcs: Func[];
}

// ---- helpers on types ------------------------------------------------------

export function tensorType(shape: readonly number[], element: ElementType): TensorType {
  return { shape: [...shape], element };
}

export function numElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function isFloat(e: ElementType): boolean {
  return e === "f32" || e === "f64" || e === "f16" || e === "bf16" || /^f[4-8]E/.test(e);
}

export function isComplex(e: ElementType): e is "complex<f32>" | "complex<f64>" {
  return e === "complex<f32>" || e === "complex<f64>";
}

/** The element type of a complex type's parts (f32 for complex<f32>); others are their own. */
export function realPartType(e: ElementType): ElementType {
  return e === "complex<f32>" ? "f32" : e === "complex<f64>" ? "f64" : e;
}

/** Integer element types, bool (i1) excluded. */
export function isInteger(e: ElementType): boolean {
  return e !== "i1" && /^u?i[0-9]+$/.test(e);
}

export function isUnsigned(e: ElementType): boolean {
  return e.startsWith("ui");
}

export function bitWidth(e: ElementType): number {
  switch (e) {
    case "i1":
      return 1;
    case "i8":
    case "ui8":
      return 8;
    case "f16":
    case "bf16":
    case "i16":
      return 16;
    case "f32":
    case "i32":
      return 32;
    case "f64":
    case "i64":
    case "complex<f32>":
      return 64;
    case "complex<f64>":
      return 128;
    default: {
      // the narrow types: ui16 -> 16, i4 -> 4, f8E4M3FN -> 8
      const m = /^u?i([0-9]+)$/.exec(e) ?? /^f([0-9])E/.exec(e);
      if (!m) throw new Error(`no bit width for element type ${e}`);
      return Number(m[1]);
    }
  }
}

export function sameType(a: TensorType, b: TensorType): boolean {
  return a.element === b.element && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/** MLIR spelling of a tensor type: `tensor<2x3xf32>`, `tensor<f32>` (a token or a tuple: its own spelling). */
export function typeToString(t: TensorType): string {
  if (t.element === "!stablehlo.token" || t.element.startsWith("tuple<")) return t.element;
  return `tensor<${t.shape.map((d) => `${d}x`).join("")}${t.element}>`;
}

// ---- dtype <-> element type -----------------------------------------------

const DTYPE_TO_ELEMENT: Record<DTypeName, ElementType> = {
  float32: "f32",
  float64: "f64",
  float16: "f16",
  bfloat16: "bf16",
  int8: "i8",
  uint8: "ui8",
  int16: "i16",
  int32: "i32",
  int64: "i64",
  bool: "i1",
  complex64: "complex<f32>",
  complex128: "complex<f64>",
};

const ELEMENT_TO_DTYPE = Object.fromEntries(Object.entries(DTYPE_TO_ELEMENT).map(([d, e]) => [e, d])) as Record<ElementType, DTypeName>;

export function elementTypeOf(dtype: DTypeName): ElementType {
  const e = DTYPE_TO_ELEMENT[dtype];
  if (!e) throw new Error(`no StableHLO element type for dtype '${dtype}'`);
  return e;
}

export function dtypeOf(element: ElementType): DTypeName {
  const d = ELEMENT_TO_DTYPE[element];
  if (!d) throw new Error(`no dtype for StableHLO element type '${element}'`);
  return d;
}

/** One of ELEMENT_TYPES (the types with a dtype). */
export function isElementType(s: string): s is ElementType {
  return (ELEMENT_TYPES as readonly string[]).includes(s);
}

/** Any element type the parser reads (ELEMENT_TYPES and the narrow ones). */
export function isParsedElementType(s: string): s is ElementType {
  return isElementType(s) || (NARROW_ELEMENT_TYPES as readonly string[]).includes(s);
}
