// MLIR spelling of attributes, shared by the printer's generic and pretty forms.
import {
  type Attr,
  type ConvDims,
  type DenseElement,
  type GatherDims,
  type ScatterDims,
  type TensorType,
  numElements,
  typeToString,
} from "./ir.js";
import { formatElement } from "./numbers.js";

/** `dense<...>` without the trailing type: a splat when all elements print alike, `dense<>` when empty. */
export function printDenseBody(type: TensorType, values: readonly DenseElement[]): string {
  const n = numElements(type.shape);
  if (n === 0) return "dense<>";
  const strs = values.map((v) => formatElement(v, type.element));
  if (strs.length !== 1 && strs.length !== n) throw new Error(`dense constant has ${strs.length} values for ${typeToString(type)}`);
  if (strs.length === 1 || strs.every((s) => s === strs[0])) return `dense<${strs[0]}>`;
  let pos = 0;
  const nest = (dim: number): string => {
    if (dim === type.shape.length) return strs[pos++]!;
    const parts: string[] = [];
    for (let i = 0; i < type.shape[dim]!; i++) parts.push(nest(dim + 1));
    return `[${parts.join(", ")}]`;
  };
  return `dense<${nest(0)}>`;
}

const list = (xs: readonly number[]) => `[${xs.join(", ")}]`;

/** Struct-like dimension attributes, printed as MLIR does: empty lists and a zero index_vector_dim are left out. */
function printStruct(name: string, fields: [string, readonly number[] | number][]): string {
  const parts: string[] = [];
  for (const [k, v] of fields) {
    if (typeof v === "number") {
      if (v !== 0) parts.push(`${k} = ${v}`);
    } else if (v.length > 0) parts.push(`${k} = ${list(v)}`);
  }
  return `#stablehlo.${name}<${parts.join(", ")}>`;
}

export function printGatherDims(d: GatherDims): string {
  return printStruct("gather", [
    ["offset_dims", d.offsetDims],
    ["collapsed_slice_dims", d.collapsedSliceDims],
    ["operand_batching_dims", d.operandBatchingDims],
    ["start_indices_batching_dims", d.startIndicesBatchingDims],
    ["start_index_map", d.startIndexMap],
    ["index_vector_dim", d.indexVectorDim],
  ]);
}

export function printScatterDims(d: ScatterDims): string {
  return printStruct("scatter", [
    ["update_window_dims", d.updateWindowDims],
    ["inserted_window_dims", d.insertedWindowDims],
    ["input_batching_dims", d.inputBatchingDims],
    ["scatter_indices_batching_dims", d.scatterIndicesBatchingDims],
    ["scatter_dims_to_operand_dims", d.scatterDimsToOperandDims],
    ["index_vector_dim", d.indexVectorDim],
  ]);
}

/**
 * Convolution dimension numbers in MLIR's compact form, `#stablehlo.conv<[b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1]>`:
 * per operand dim, its role (b/f, i/o) or its spatial index.
 */
export function printConvDims(d: ConvDims): string {
  const side = (rank: number, a: [string, number], b: [string, number], spatial: readonly number[]) => {
    const roles = Array<string>(rank).fill("?");
    roles[a[1]] = a[0];
    roles[b[1]] = b[0];
    spatial.forEach((dim, i) => {
      roles[dim] = String(i);
    });
    return `[${roles.join(", ")}]`;
  };
  const r = d.inputSpatialDimensions.length + 2;
  return `#stablehlo.conv<${side(r, ["b", d.inputBatchDimension], ["f", d.inputFeatureDimension], d.inputSpatialDimensions)}x${side(
    r,
    ["i", d.kernelInputFeatureDimension],
    ["o", d.kernelOutputFeatureDimension],
    d.kernelSpatialDimensions,
  )}->${side(r, ["b", d.outputBatchDimension], ["f", d.outputFeatureDimension], d.outputSpatialDimensions)}>`;
}

/** MLIR string literal: quotes and backslashes escaped, other non-printables as \XX. */
export function printString(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    if (c === '"' || c === "\\") out += `\\${c}`;
    else if (b >= 0x20 && b < 0x7f) out += c;
    else out += `\\${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return `${out}"`;
}

export function printAttr(a: Attr): string {
  switch (a.kind) {
    case "int":
      return `${a.value} : ${a.type}`;
    case "bool":
      return a.value ? "true" : "false";
    case "float":
      return `${formatElement(a.value, a.type)} : ${a.type}`;
    case "string":
      return printString(a.value);
    case "ints":
      return a.values.length ? `array<i64: ${a.values.join(", ")}>` : "array<i64>";
    case "enum":
      return `#stablehlo<${a.enum} ${a.value}>`;
    case "dense":
      return `${printDenseBody(a.type, a.values)} : ${typeToString(a.type)}`;
    case "dot":
      return printStruct("dot", [
        ["lhs_batching_dimensions", a.lhsBatching],
        ["rhs_batching_dimensions", a.rhsBatching],
        ["lhs_contracting_dimensions", a.lhsContracting],
        ["rhs_contracting_dimensions", a.rhsContracting],
      ]);
    case "gather":
      return printGatherDims(a);
    case "scatter":
      return printScatterDims(a);
    case "conv":
      return printConvDims(a);
    case "type":
      return typeToString(a.type);
    case "array":
      return `[${a.values.map(printAttr).join(", ")}]`;
  }
}

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_$.]*$/;

export function printAttrDict(attrs: Record<string, Attr>): string {
  return `{${Object.entries(attrs)
    .map(([k, v]) => `${BARE_KEY.test(k) ? k : printString(k)} = ${printAttr(v)}`)
    .join(", ")}}`;
}
