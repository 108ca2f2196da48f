// Parsing of types and attribute values: `tensor<2x3xf32>`, `array<i64: 1, 2>`,
// `dense<...> : tensor<...>` (element lists, splats, hex floats, `"0x..."` blobs),
// `#stablehlo<comparison_direction LT>` and the dimension-number records.
import type { Cursor } from "./cursor.js";
import {
  type Attr,
  type DenseElement,
  type ElementType,
  type TensorType,
  bitWidth,
  isParsedElementType,
  isComplex,
  isFloat,
  numElements,
  realPartType,
  typeToString,
} from "./ir.js";
import { complexFromBytes, elementFromBytes, floatFromBits, normalizeElement } from "./numbers.js";
import { parseConvAttr } from "./parse_conv_dims.js";
import { parseQuantElement, TOKEN, tokenType, tupleType } from "./special_types.js";

const DIM = /[0-9]+/y;

export function parseType(c: Cursor): TensorType {
  if (c.eat(TOKEN)) return tokenType();
  if (c.peek("tuple")) {
    c.expect("tuple");
    c.expect("<", "after 'tuple'");
    const parts: TensorType[] = [];
    if (!c.eat(">")) {
      do parts.push(parseType(c));
      while (c.eat(","));
      c.expect(">", "to close the tuple type");
    }
    return tupleType(parts);
  }
  if (!c.peek("tensor")) c.fail("a tensor type like tensor<2x3xf32>");
  c.expect("tensor");
  c.expect("<", "after 'tensor'");
  const shape: number[] = [];
  for (;;) {
    // Dimensions are `<digits>x`, read with a sticky regex so no text is copied.
    const ch = c.text[c.here()];
    if (ch === "?") c.error("dynamic dimensions ('?') are not supported");
    DIM.lastIndex = c.pos;
    const m = DIM.exec(c.text);
    if (!m) break;
    c.pos += m[0].length;
    shape.push(Number(m[0]));
    if (c.text[c.pos] !== "x") c.fail("'x' after a dimension size");
    c.pos++;
  }
  const elemAt = c.here();
  if (c.peek("!quant.uniform")) {
    const q = parseQuantElement(c);
    c.expect(">", "to close the tensor type");
    return { shape, element: q };
  }
  let e = c.ident("an element type");
  if (e === "complex") {
    c.expect("<", "after 'complex'");
    e = `complex<${c.ident("a complex part type (f32 or f64)")}>`;
    c.expect(">", "to close the complex type");
  }
  if (/^si[0-9]+$/.test(e)) e = e.slice(1); // si32 is i32
  if (!isParsedElementType(e))
    c.error(
      `unsupported element type '${e}' (supported: f32 f64 f16 bf16 i1 i2 i4 i8 i16 i32 i64 ui2 ui4 ui8 ui16 ui32 ui64 complex<f32> complex<f64> and the f8/f6/f4 types)`,
      elemAt,
    );
  if (c.peek(",")) c.error("tensor encodings are not supported");
  c.expect(">", "to close the tensor type");
  return { shape, element: e };
}

/** `(t, ...) -> t` or `(t, ...) -> (t, ...)`. */
export function parseFunctionType(c: Cursor): { inputs: TensorType[]; results: TensorType[] } {
  c.expect("(", "to start a function type like (tensor<f32>) -> tensor<f32>");
  const inputs: TensorType[] = [];
  if (!c.eat(")")) {
    do inputs.push(parseType(c));
    while (c.eat(","));
    c.expect(")", "to close the function type's inputs");
  }
  c.expect("->", "in a function type");
  return { inputs, results: parseResultTypes(c) };
}

/** `t` or `(t, ...)` (the right side of `->`). */
export function parseResultTypes(c: Cursor): TensorType[] {
  if (!c.eat("(")) return [parseType(c)];
  const out: TensorType[] = [];
  if (c.eat(")")) return out;
  do out.push(parseType(c));
  while (c.eat(","));
  c.expect(")", "to close the result types");
  return out;
}

const ENUMS: Record<string, readonly string[]> = {
  comparison_direction: ["EQ", "NE", "GE", "GT", "LE", "LT"],
  comparison_type: ["NOTYPE", "FLOAT", "TOTALORDER", "SIGNED", "UNSIGNED"],
  precision: ["DEFAULT", "HIGH", "HIGHEST"],
  fft_type: ["FFT", "IFFT", "RFFT", "IRFFT"],
  transpose: ["TRANSPOSE_INVALID", "NO_TRANSPOSE", "TRANSPOSE", "ADJOINT"],
  rng_algorithm: ["DEFAULT", "THREE_FRY", "PHILOX"],
  rng_distribution: ["UNIFORM", "NORMAL"],
};

/** One enum keyword of `kind` (as in the pretty forms: `LT`, `FLOAT`, `DEFAULT`). */
export function parseEnumValue(c: Cursor, kind: string): string {
  const at = c.here();
  const v = c.ident(`a ${kind} value`);
  if (!ENUMS[kind]!.includes(v)) c.error(`unknown ${kind} '${v}' (expected one of ${ENUMS[kind]!.join(", ")})`, at);
  return v;
}

export function parseAttr(c: Cursor): Attr {
  c.ws();
  if (c.eat("true")) return { kind: "bool", value: true };
  if (c.eat("false")) return { kind: "bool", value: false };
  if (c.peek('"')) return { kind: "string", value: c.string() };
  if (c.peek("array")) return parseDenseArray(c);
  if (c.peek("dense")) return parseDense(c);
  if (c.peek("tensor")) return { kind: "type", type: parseType(c) };
  if (c.peek("#stablehlo<")) {
    c.expect("#stablehlo<");
    const at = c.here();
    const kind = c.ident("an enum kind");
    if (!(kind in ENUMS)) {
      // kept as its text: a runtime that needs it refuses the op
      c.pos = at;
      c.skipGroupTo(">");
      return { kind: "string", value: `#stablehlo<${c.text.slice(at, c.pos)}` };
    }
    const value = parseEnumValue(c, kind);
    c.expect(">", "to close the enum attribute");
    return { kind: "enum", enum: kind as "precision", value };
  }
  if (c.peek("#stablehlo.")) return parseRecord(c);
  if (c.peek("#") || c.peek("@") || c.peek("<") || c.peek("{")) return opaqueAttr(c);
  if (c.eat("[")) {
    const values: Attr[] = [];
    if (c.eat("]")) return { kind: "array", values };
    do values.push(parseAttr(c));
    while (c.eat(","));
    c.expect("]", "to close the array attribute");
    return { kind: "array", values };
  }
  const at = c.here();
  const ch = c.text[c.pos] ?? "";
  if (/[-+0-9]/.test(ch)) {
    const n = c.number();
    let type = n.float ? "f64" : "i64";
    if (c.eat(":")) type = c.ident("an attribute type");
    if (type === "i64" || type === "i32") {
      if (n.float) c.error(`integer attribute expected for type ${type}, found ${n.text}`, at);
      const big = BigInt(n.text);
      return { kind: "int", value: Number.isSafeInteger(Number(big)) ? Number(big) : big, type };
    }
    if (type === "f32" || type === "f64")
      return { kind: "float", value: n.hex ? floatFromBits(BigInt(n.text), type) : Number(n.text), type };
    return c.error(`unsupported attribute type '${type}'`, at);
  }
  return c.fail("an attribute value");
}

/**
 * An attribute this parser has no structure for (`#stablehlo.channel_handle<...>`, `@symbol`,
 * `#chlo.ragged_dot<...>`, `<...>`, a dictionary `{...}`): kept as its text, so the op parses and a runtime that
 * needs the attribute refuses the op by name and location.
 */
function opaqueAttr(c: Cursor): Attr {
  const start = c.here();
  if (c.eat("@")) {
    c.pos = start;
    return { kind: "string", value: `@${c.symbol()}` };
  }
  if (c.eat("#")) while (/[A-Za-z0-9_.]/.test(c.text[c.pos] ?? "")) c.pos++;
  if (c.text[c.pos] === "<" || c.text[c.pos] === "{") c.skipGroup();
  return { kind: "string", value: c.text.slice(start, c.pos) };
}

/** `array<i64: 1, 2>` or `array<i64>`. */
function parseDenseArray(c: Cursor): Attr {
  c.expect("array");
  c.expect("<", "after 'array'");
  const at = c.here();
  const t = c.ident("an element type");
  if (t !== "i64" && t !== "i32" && t !== "i1") c.error(`only array<i64|i32|i1: ...> attributes are supported, found array<${t}`, at);
  const values: number[] = [];
  if (c.eat(":"))
    do values.push(t === "i1" ? (c.eat("true") ? 1 : c.eat("false") ? 0 : c.int()) : c.int());
    while (c.eat(","));
  c.expect(">", "to close the array attribute");
  return { kind: "ints", values };
}

const RECORD_FIELDS: Record<string, Record<string, string>> = {
  dot: {
    lhs_batching_dimensions: "lhsBatching",
    rhs_batching_dimensions: "rhsBatching",
    lhs_contracting_dimensions: "lhsContracting",
    rhs_contracting_dimensions: "rhsContracting",
  },
  gather: {
    offset_dims: "offsetDims",
    collapsed_slice_dims: "collapsedSliceDims",
    operand_batching_dims: "operandBatchingDims",
    start_indices_batching_dims: "startIndicesBatchingDims",
    start_index_map: "startIndexMap",
    index_vector_dim: "indexVectorDim",
  },
  scatter: {
    update_window_dims: "updateWindowDims",
    inserted_window_dims: "insertedWindowDims",
    input_batching_dims: "inputBatchingDims",
    scatter_indices_batching_dims: "scatterIndicesBatchingDims",
    scatter_dims_to_operand_dims: "scatterDimsToOperandDims",
    index_vector_dim: "indexVectorDim",
  },
};

/** `#stablehlo.dot<...>`, `#stablehlo.gather<...>`, `#stablehlo.scatter<...>`; missing fields are empty (or 0). */
function parseRecord(c: Cursor): Attr {
  c.expect("#stablehlo.");
  const at = c.here();
  const kind = c.ident("a record attribute name");
  if (kind === "conv") return parseConvAttr(c);
  const fields = RECORD_FIELDS[kind];
  if (!fields) {
    // kept as text (#stablehlo.channel_handle<...>, ...): a runtime that needs it refuses the op
    c.pos = at - "#stablehlo.".length;
    return opaqueAttr(c);
  }
  const rec: Record<string, number[] | number> = {};
  for (const [k, v] of Object.entries(fields)) rec[v] = k === "index_vector_dim" ? 0 : [];
  c.expect("<", `after #stablehlo.${kind}`);
  while (!c.eat(">")) {
    const fat = c.here();
    const f = c.ident(`a field of #stablehlo.${kind}`);
    if (!(f in fields)) c.error(`unknown field '${f}' in #stablehlo.${kind} (expected one of ${Object.keys(fields).join(", ")})`, fat);
    c.expect("=", `after '${f}'`);
    rec[fields[f]!] = f === "index_vector_dim" ? c.int() : c.intList();
    if (!c.eat(",")) {
      c.expect(">", `to close #stablehlo.${kind}`);
      break;
    }
  }
  return { kind, ...rec } as Attr;
}

type Num = { text: string; float: boolean; hex: boolean };
/** A complex element is `(re, im)`. */
type Literal = Num | boolean | { re: Num; im: Num } | Literal[];

/** `dense<...> : tensor<...>`: the literal is read first, then checked against the type that follows. */
export function parseDense(c: Cursor): Extract<Attr, { kind: "dense" }> {
  c.expect("dense");
  c.expect("<", "after 'dense'");
  const litAt = c.here();
  let lit: Literal | string | undefined;
  if (!c.peek(">")) lit = c.peek('"') ? c.string() : parseLiteral(c);
  c.expect(">", "to close the dense literal");
  c.expect(":", "and the type after a dense literal (dense<...> : tensor<...>)");
  const type = parseType(c);
  return { kind: "dense", type, values: denseValues(c, lit, type, litAt) };
}

function parseLiteral(c: Cursor): Literal {
  if (c.eat("[")) {
    const items: Literal[] = [];
    if (c.eat("]")) return items;
    do items.push(parseLiteral(c));
    while (c.eat(","));
    c.expect("]", "to close a dense literal list");
    return items;
  }
  if (c.eat("true")) return true;
  if (c.eat("false")) return false;
  if (c.eat("(")) {
    const re = c.number("the real part of a complex element (re, im)");
    c.expect(",", "between the parts of a complex element");
    const im = c.number("the imaginary part of a complex element (re, im)");
    c.expect(")", "to close a complex element");
    return { re, im };
  }
  return c.number("a dense element (number, true or false)");
}

function denseValues(c: Cursor, lit: Literal | string | undefined, type: TensorType, at: number): DenseElement[] {
  const n = numElements(type.shape);
  const where = `for ${typeToString(type)}`;
  if (lit === undefined) {
    if (n !== 0) c.error(`empty dense<> ${where}, which has ${n} elements`, at);
    return [];
  }
  if (typeof lit === "string") return hexBlob(c, lit, type, at);
  const out: DenseElement[] = [];
  const walk = (l: Literal, dim: number) => {
    if (Array.isArray(l)) {
      if (dim >= type.shape.length || l.length !== type.shape[dim])
        c.error(`dense literal nesting does not match ${typeToString(type)}`, at);
      for (const x of l) walk(x, dim + 1);
    } else {
      if (dim !== type.shape.length && dim !== 0) c.error(`dense literal nesting does not match ${typeToString(type)}`, at);
      if (isComplex(type.element)) {
        // complex: (re, im) pairs, interleaved; a real literal is (x, 0)
        const part = realPartType(type.element);
        if (typeof l === "object" && "re" in l) out.push(element(c, l.re, part, at), element(c, l.im, part, at));
        else out.push(element(c, l, part, at), 0);
      } else {
        if (typeof l === "object" && "re" in l) c.error(`complex element in a dense literal of ${type.element}`, at);
        out.push(element(c, l as Num | boolean, type.element, at));
      }
    }
  };
  walk(lit, 0);
  const per = isComplex(type.element) ? 2 : 1;
  // A bare scalar is a splat; otherwise the nesting has covered every element.
  if (!Array.isArray(lit)) return out;
  if (out.length !== n * per) c.error(`dense literal has ${out.length / per} elements ${where}`, at);
  return out;
}

function element(c: Cursor, l: Num | boolean, e: ElementType, at: number): DenseElement {
  try {
    if (typeof l === "boolean") {
      if (e !== "i1") c.error(`boolean in a dense literal of ${e}`, at);
      return l;
    }
    if (isFloat(e)) return l.hex ? floatFromBits(BigInt(l.text), e) : Number(l.text);
    if (l.float) c.error(`float ${l.text} in a dense literal of ${e}`, at);
    return normalizeElement(BigInt(l.text), e);
  } catch (err) {
    if (err instanceof Error && err.name === "ParseError") throw err;
    return c.error((err as Error).message, at);
  }
}

/** MLIR's `"0x..."` form: raw little-endian bytes, one element (a splat) or all of them. */
function hexBlob(c: Cursor, s: string, type: TensorType, at: number): DenseElement[] {
  if (!/^0x([0-9A-Fa-f]{2})*$/.test(s)) c.error(`dense string must be hex bytes "0x...", found "${s.slice(0, 20)}"`, at);
  const bytes = new Uint8Array((s.length - 2) / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(s.slice(2 + 2 * i, 4 + 2 * i), 16);
  const size = Math.max(1, Math.ceil(bitWidth(type.element) / 8));
  const n = numElements(type.shape);
  const count = bytes.length / size;
  if (count !== n && count !== 1)
    c.error(`hex dense literal has ${bytes.length} bytes, expected ${n * size} for ${typeToString(type)}`, at);
  const view = new DataView(bytes.buffer);
  const e = type.element;
  if (isComplex(e)) return Array.from({ length: count }, (_, i) => complexFromBytes(view, i, e)).flat();
  try {
    return Array.from({ length: count }, (_, i) => elementFromBytes(view, i, e));
  } catch (err) {
    return c.error((err as Error).message, at);
  }
}
