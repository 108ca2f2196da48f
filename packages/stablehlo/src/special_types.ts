// The types that are not plain tensors: `!stablehlo.token`, `tuple<...>` and the
// uniformly quantized element type `!quant.uniform<...>`. Each is carried in the
// IR's TensorType (so values, signatures and the printer stay one shape): a token
// and a tuple have shape [] and their spelling as the element (a tuple keeps its
// element types in `parts`); a quantized tensor has its shape and its canonical
// `!quant.uniform<...>` spelling as the element, decoded by quantParams. A
// runtime that does not know them refuses them as unknown element types.
import type { Cursor } from "./cursor.js";
import type { ElementType, TensorType } from "./ir.js";

export const TOKEN = "!stablehlo.token";

export const isToken = (t: TensorType): boolean => t.element === TOKEN;
export const isTuple = (t: TensorType): boolean => t.element.startsWith("tuple<");
export const isQuantized = (e: ElementType | string): boolean => e.startsWith("!quant.uniform<");

export function tokenType(): TensorType {
  return { shape: [], element: TOKEN };
}

export function tupleType(parts: readonly TensorType[]): TensorType {
  return { shape: [], element: `tuple<${parts.map(specialOrTensorString).join(", ")}>`, parts: [...parts] };
}

/** The MLIR spelling of any type (tokens and tuples are not written inside `tensor<...>`). */
export function specialOrTensorString(t: TensorType): string {
  if (isToken(t) || isTuple(t)) return t.element;
  return `tensor<${t.shape.map((d) => `${d}x`).join("")}${t.element}>`;
}

/** The parameters of a `!quant.uniform<...>` element type. */
export interface QuantParams {
  /** The integer type the values are stored as (i8, ui8, i4, i16, i32). */
  storage: ElementType;
  storageMin: number;
  storageMax: number;
  /** The float type they stand for (f32, f16, bf16). */
  expressed: ElementType;
  /** Per-tensor: one scale and zero point; per-axis: one each along `axis`. */
  scales: number[];
  zeroPoints: number[];
  axis?: number;
}

const STORAGE_RANGE: Record<string, [number, number]> = {
  i2: [-2, 1],
  i4: [-8, 7],
  i8: [-128, 127],
  i16: [-32768, 32767],
  i32: [-2147483648, 2147483647],
  ui2: [0, 3],
  ui4: [0, 15],
  ui8: [0, 255],
  ui16: [0, 65535],
};

const quantCache = new Map<string, QuantParams>();

/** Decodes a canonical quantized element type (what parseQuantElement returns). */
export function quantParams(e: ElementType | string): QuantParams {
  const hit = quantCache.get(e);
  if (hit) return hit;
  const m = /^!quant\.uniform<([a-z0-9]+)(?:<(-?[0-9]+):(-?[0-9]+)>)?:([a-z0-9]+)(?::([0-9]+))?, (.*)>$/.exec(e);
  if (!m) throw new Error(`not a quantized element type: ${e}`);
  const [, storage, lo, hi, expressed, axis, rest] = m;
  const pairs = (axis !== undefined ? rest!.replace(/^\{|\}$/g, "") : rest!).split(",").map((s) => s.trim());
  const scales: number[] = [],
    zeroPoints: number[] = [];
  for (const p of pairs) {
    const [s, z] = p.split(":");
    scales.push(Number(s));
    zeroPoints.push(z === undefined ? 0 : Number(z));
  }
  const range = STORAGE_RANGE[storage!]!;
  const q: QuantParams = {
    storage: storage as ElementType,
    storageMin: lo !== undefined ? Number(lo) : range[0],
    storageMax: hi !== undefined ? Number(hi) : range[1],
    expressed: expressed as ElementType,
    scales,
    zeroPoints,
  };
  if (axis !== undefined) q.axis = Number(axis);
  quantCache.set(e, q);
  return q;
}

/**
 * `!quant.uniform<i8:f32, 0.1:-30>`, `!quant.uniform<i8<-127:127>:f32:0, {0.1:-30, 0.5:-20}>`
 * (after `tensor<...x`): read and returned in one canonical spelling, so equal
 * types compare equal as strings.
 */
export function parseQuantElement(c: Cursor): ElementType {
  const at = c.here();
  c.expect("!quant.uniform", "");
  c.expect("<", "after '!quant.uniform'");
  let storage = c.ident("a storage type (i8, ...)");
  if (/^si[0-9]+$/.test(storage)) storage = storage.slice(1);
  if (/^u[0-9]+$/.test(storage)) storage = `ui${storage.slice(1)}`;
  if (!STORAGE_RANGE[storage]) c.error(`unsupported quantized storage type '${storage}'`, at);
  let range = "";
  if (c.eat("<")) {
    const lo = c.int("the storage minimum");
    c.expect(":", "in the storage range");
    const hi = c.int("the storage maximum");
    c.expect(">", "to close the storage range");
    range = `<${lo}:${hi}>`;
  }
  c.expect(":", "after the storage type");
  const expressed = c.ident("an expressed type (f32, ...)");
  if (!["f32", "f16", "bf16", "f64"].includes(expressed)) c.error(`unsupported quantized expressed type '${expressed}'`, at);
  let axis = "";
  if (c.eat(":")) axis = `:${c.int("a quantization axis")}`;
  c.expect(",", "before the scale");
  const pair = (): string => {
    const s = c.number("a scale");
    const scale = Number(s.text);
    if (!(scale > 0) || !Number.isFinite(scale)) c.error(`quantization scale must be positive and finite, found ${s.text}`, at);
    let zp = 0;
    if (c.eat(":")) zp = c.int("a zero point");
    return `${String(scale)}:${zp}`;
  };
  let params: string;
  if (axis) {
    c.expect("{", "to open the per-axis scales");
    const ps = [pair()];
    while (c.eat(",")) ps.push(pair());
    c.expect("}", "to close the per-axis scales");
    params = `{${ps.join(", ")}}`;
  } else params = pair();
  c.expect(">", "to close !quant.uniform");
  return `!quant.uniform<${storage}${range}:${expressed}${axis}, ${params}>` as ElementType;
}
