// Number spelling for dense constants. MLIR only lexes a float literal when it has
// a '.', and has no literal for NaN or infinity: those are written as the hex bit
// pattern of the element type. Integers are written exactly (i64 via bigint).
import type { DenseElement, ElementType } from "./ir.js";
import { isFloat } from "./ir.js";
import { isMinifloat, minifloatFromBits, minifloatToBits } from "./minifloat.js";

const HEX_SPECIALS: Record<"f32" | "f64" | "f16" | "bf16", { nan: string; inf: string; ninf: string }> = {
  f32: { nan: "0x7FC00000", inf: "0x7F800000", ninf: "0xFF800000" },
  f64: { nan: "0x7FF8000000000000", inf: "0x7FF0000000000000", ninf: "0xFFF0000000000000" },
  f16: { nan: "0x7E00", inf: "0x7C00", ninf: "0xFC00" },
  bf16: { nan: "0x7FC0", inf: "0x7F80", ninf: "0xFF80" },
};

/** A float in a form MLIR's lexer reads back to the same double. */
export function formatFloat(x: number, element: "f32" | "f64" | "f16" | "bf16"): string {
  if (Number.isNaN(x)) return HEX_SPECIALS[element].nan;
  if (x === Infinity) return HEX_SPECIALS[element].inf;
  if (x === -Infinity) return HEX_SPECIALS[element].ninf;
  if (Object.is(x, -0)) return "-0.0";
  // String(x) is the shortest text that reads back to the same double.
  const s = String(x);
  if (s.includes(".")) return s;
  const e = s.indexOf("e");
  return e < 0 ? `${s}.0` : `${s.slice(0, e)}.0${s.slice(e)}`;
}

export function formatElement(v: DenseElement, element: ElementType): string {
  if (element === "i1") return v === true || v === 1 || v === 1n ? "true" : "false";
  // the f8/f6/f4 types' NaN and infinities are written as their bits
  if (isMinifloat(element) && !Number.isFinite(Number(v)))
    return `0x${minifloatToBits(Number(v), element).toString(16).toUpperCase().padStart(2, "0")}`;
  if (isFloat(element)) return formatFloat(Number(v), element as "f32");
  return typeof v === "bigint" ? v.toString() : String(v);
}

const INT_RANGE: Partial<Record<ElementType, [bigint, bigint]>> = {
  i8: [-128n, 127n],
  ui8: [0n, 255n],
  i16: [-32768n, 32767n],
  i32: [-2147483648n, 2147483647n],
  i64: [-(1n << 63n), (1n << 63n) - 1n],
  i2: [-2n, 1n],
  i4: [-8n, 7n],
  ui2: [0n, 3n],
  ui4: [0n, 15n],
  ui16: [0n, 65535n],
  ui32: [0n, (1n << 32n) - 1n],
  ui64: [0n, (1n << 64n) - 1n],
};

/** Integer element types whose constants are bigint (values beyond 2^31). */
const BIG_ELEMENTS = new Set<ElementType>(["i64", "ui32", "ui64"]);

/**
 * Checks one constant element against its element type and normalizes it:
 * i64 -> bigint, other ints -> number, i1 -> boolean, floats -> number.
 */
export function normalizeElement(v: DenseElement, element: ElementType): DenseElement {
  if (element === "i1") {
    if (typeof v === "boolean") return v;
    if (v === 0 || v === 1 || v === 0n || v === 1n) return v === 1 || v === 1n;
    throw new Error(`constant: ${String(v)} is not a valid i1 (use true/false)`);
  }
  if (isFloat(element)) {
    if (typeof v === "boolean") return v ? 1 : 0;
    return Number(v);
  }
  let b: bigint;
  if (typeof v === "bigint") b = v;
  else if (typeof v === "boolean") b = v ? 1n : 0n;
  else {
    if (!Number.isInteger(v)) throw new Error(`constant: ${v} is not an integer for element type ${element}`);
    if (BIG_ELEMENTS.has(element) && !Number.isSafeInteger(v))
      throw new Error(`constant: ${v} is beyond 2^53; pass ${element} values as bigint`);
    b = BigInt(v);
  }
  const range = INT_RANGE[element];
  if (!range) throw new Error(`constant: integer ${b} for element type ${element}`);
  const [lo, hi] = range;
  if (b < lo || b > hi) throw new Error(`constant: ${b} is out of range for ${element}`);
  return BIG_ELEMENTS.has(element) ? b : Number(b);
}

// ---- bit patterns ------------------------------------------------------------

const scratch = new DataView(new ArrayBuffer(8));

export function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function bf16BitsToNumber(h: number): number {
  scratch.setUint32(0, (h & 0xffff) << 16);
  return scratch.getFloat32(0);
}

/** Decodes the bits of a hex float literal (`0x7FC00000`) for a float element type. */
export function floatFromBits(bits: bigint, element: ElementType): number {
  switch (element) {
    case "f32":
      scratch.setUint32(0, Number(bits));
      return scratch.getFloat32(0);
    case "f64":
      scratch.setBigUint64(0, bits);
      return scratch.getFloat64(0);
    case "f16":
      return halfBitsToNumber(Number(bits));
    case "bf16":
      return bf16BitsToNumber(Number(bits));
    default:
      if (isMinifloat(element)) return minifloatFromBits(Number(bits), element);
      throw new Error(`hex float literal for non-float type ${element}`);
  }
}

/** Reads element `i` of little-endian raw bytes (MLIR's `dense<"0x...">` form). */
export function elementFromBytes(bytes: DataView, i: number, element: ElementType): DenseElement {
  switch (element) {
    case "f32":
      return bytes.getFloat32(i * 4, true);
    case "f64":
      return bytes.getFloat64(i * 8, true);
    case "f16":
      return halfBitsToNumber(bytes.getUint16(i * 2, true));
    case "bf16":
      return bf16BitsToNumber(bytes.getUint16(i * 2, true));
    case "i1":
      return bytes.getUint8(i) !== 0;
    case "i8":
      return bytes.getInt8(i);
    case "ui8":
      return bytes.getUint8(i);
    case "i16":
      return bytes.getInt16(i * 2, true);
    case "i32":
      return bytes.getInt32(i * 4, true);
    case "i64":
      return bytes.getBigInt64(i * 8, true);
    case "ui16":
      return bytes.getUint16(i * 2, true);
    case "ui32":
      return BigInt(bytes.getUint32(i * 4, true));
    case "ui64":
      return bytes.getBigUint64(i * 8, true);
    default:
      // the f8/f6/f4 types: one byte per element, as MLIR stores them
      if (isMinifloat(element)) return minifloatFromBits(bytes.getUint8(i), element);
      throw new Error(`hex dense constants of ${element} are not supported`);
  }
}

/** Reads complex element `i` (two parts) of little-endian raw bytes. */
export function complexFromBytes(bytes: DataView, i: number, element: "complex<f32>" | "complex<f64>"): [number, number] {
  return element === "complex<f32>"
    ? [bytes.getFloat32(i * 8, true), bytes.getFloat32(i * 8 + 4, true)]
    : [bytes.getFloat64(i * 16, true), bytes.getFloat64(i * 16 + 8, true)];
}
