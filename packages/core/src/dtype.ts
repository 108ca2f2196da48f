// dtypes as values (torch.float32, ...) and PyTorch's type promotion.
import { registerSlab, type SlabRegions } from "./storage_key.js";
export type DTypeName =
  | "float32"
  | "float64"
  | "float16"
  | "bfloat16"
  | "int8"
  | "uint8"
  | "int16"
  | "int32"
  | "int64"
  | "bool"
  | "complex64"
  | "complex128";

export type HostArray = Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

/** A complex number as item() and tolist() give it and torch.tensor takes it (JavaScript has none). */
export interface ComplexScalar {
  re: number;
  im: number;
}

type Category = "bool" | "int" | "float" | "complex";

/**
 * Small host arrays share slabs. V8 keeps a typed array of up to 64 bytes in
 * its heap, but gives a larger one its own ArrayBuffer and backing store
 * (allocated, zeroed, tracked and swept one by one): for an 8x8 float32 result
 * that was a quarter of a whole add's time. Arrays of 65 bytes to 1 KiB are
 * therefore views into 8 KiB ArrayBuffers, each region handed out once (so it
 * is zero, as a fresh array is) at an 8-byte-aligned offset (BigInt64Array).
 * The cost is retention: a slab lives while any of its arrays does, so a
 * long-lived small tensor among short-lived ones holds up to 8 KiB. Code that
 * must know whether two arrays share memory compares storageKey()s
 * (storage_key.ts), which for a slab array is its region: the slab records
 * where each region starts.
 */
const SLAB_BYTES = 8192,
  SLAB_MIN = 64,
  SLAB_MAX = 1024;
let slab: ArrayBuffer | null = null,
  regions: SlabRegions = { starts: [], keys: [] },
  slabOffset = 0,
  slabEnd = SLAB_BYTES;

/** The slab holding the next `bytes` (a new one when the current is full); the region starts at slabOffset. */
function slabBuffer(bytes: number): ArrayBuffer {
  const size = (bytes + 7) & ~7;
  if (slab === null || slabEnd + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    regions = { starts: [], keys: [] };
    registerSlab(slab, regions);
    slabEnd = 0;
  }
  slabOffset = slabEnd;
  regions.starts.push(slabEnd);
  slabEnd += size;
  return slab;
}

export class DType {
  constructor(
    readonly name: DTypeName,
    readonly itemsize: number,
    readonly category: Category,
    /** PyTorch's capitalised name, used in error messages ("Float", "Long"). */
    readonly scalarName: string,
  ) {}
  get is_floating_point(): boolean {
    return this.category === "float";
  }
  get is_complex(): boolean {
    return this.category === "complex";
  }
  get is_signed(): boolean {
    return this.name !== "uint8" && this.name !== "bool";
  }
  /** true when the host array holds BigInts (int64). */
  get isBig(): boolean {
    return this.name === "int64";
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  /**
   * A zeroed host array for n elements (complex: 2n interleaved re, im values; docs/ARCHITECTURE.md); a small
   * one is carved from a shared slab (slabBuffer).
   */
  alloc(n: number): HostArray {
    const bytes = n * this.itemsize;
    if (bytes > SLAB_MIN && bytes <= SLAB_MAX) return this.view(slabBuffer(bytes), slabOffset, n);
    switch (this.name) {
      case "complex64":
        return new Float32Array(2 * n);
      case "complex128":
        return new Float64Array(2 * n);
      case "float32":
        return new Float32Array(n);
      case "float64":
        return new Float64Array(n);
      case "float16":
      case "bfloat16":
        return new Uint16Array(n);
      case "int8":
        return new Int8Array(n);
      case "uint8":
      case "bool":
        return new Uint8Array(n);
      case "int16":
        return new Int16Array(n);
      case "int32":
        return new Int32Array(n);
      case "int64":
        return new BigInt64Array(n);
    }
  }
  /** This dtype's host array of n elements over `buffer` from byte `at`. */
  private view(buffer: ArrayBuffer, at: number, n: number): HostArray {
    switch (this.name) {
      case "complex64":
        return new Float32Array(buffer, at, 2 * n);
      case "complex128":
        return new Float64Array(buffer, at, 2 * n);
      case "float32":
        return new Float32Array(buffer, at, n);
      case "float64":
        return new Float64Array(buffer, at, n);
      case "float16":
      case "bfloat16":
        return new Uint16Array(buffer, at, n);
      case "int8":
        return new Int8Array(buffer, at, n);
      case "uint8":
      case "bool":
        return new Uint8Array(buffer, at, n);
      case "int16":
        return new Int16Array(buffer, at, n);
      case "int32":
        return new Int32Array(buffer, at, n);
      case "int64":
        return new BigInt64Array(buffer, at, n);
    }
  }
}

export const float32 = new DType("float32", 4, "float", "Float");
export const float64 = new DType("float64", 8, "float", "Double");
export const float16 = new DType("float16", 2, "float", "Half");
export const bfloat16 = new DType("bfloat16", 2, "float", "BFloat16");
export const int8 = new DType("int8", 1, "int", "Char");
export const uint8 = new DType("uint8", 1, "int", "Byte");
export const int16 = new DType("int16", 2, "int", "Short");
export const int32 = new DType("int32", 4, "int", "Int");
export const int64 = new DType("int64", 8, "int", "Long");
export const bool = new DType("bool", 1, "bool", "Bool");
export const complex64 = new DType("complex64", 8, "complex", "ComplexFloat");
export const complex128 = new DType("complex128", 16, "complex", "ComplexDouble");
// PyTorch's aliases
export const float = float32,
  double = float64,
  half = float16;
export const int = int32,
  long = int64,
  short = int16;
export const cfloat = complex64,
  cdouble = complex128;

export const ALL_DTYPES: readonly DType[] = [
  float32,
  float64,
  float16,
  bfloat16,
  int8,
  uint8,
  int16,
  int32,
  int64,
  bool,
  complex64,
  complex128,
];
const BY_NAME = new Map<string, DType>(ALL_DTYPES.map((d) => [d.name, d]));

export function dtypeOf(x: DType | string): DType {
  if (x instanceof DType) return x;
  const d = BY_NAME.get(x.startsWith("torch.") ? x.slice(6) : x);
  if (!d) throw new TypeError(`unknown dtype '${x}'; expected one of ${[...BY_NAME.keys()].join(", ")}`);
  return d;
}

let defaultFloat: DType = float32;
export function get_default_dtype(): DType {
  return defaultFloat;
}
export function set_default_dtype(d: DType): void {
  if (!d.is_floating_point) throw new TypeError(`set_default_dtype: only floating-point types are supported as the default type, got ${d}`);
  defaultFloat = d;
}
/** The default complex dtype follows the default float dtype (complex128 under float64), as in PyTorch. */
export function get_default_complex_dtype(): DType {
  return defaultFloat === float64 ? complex128 : complex64;
}
/** The complex dtype of a float dtype's precision (c10's toComplexType; there is no complex32, so half types give complex64). */
export function toComplexType(d: DType): DType {
  if (d.is_complex) return d;
  return d === float64 ? complex128 : complex64;
}
/** The real dtype of a complex dtype's parts (c10's toRealValueType); other dtypes are their own. */
export function toRealValueType(d: DType): DType {
  return d === complex128 ? float64 : d === complex64 ? float32 : d;
}

// Promotion lattice of c10's promoteTypes, restricted to our dtypes.
const ORDER: DTypeName[] = [
  "uint8",
  "int8",
  "int16",
  "int32",
  "int64",
  "float16",
  "float32",
  "float64",
  "bool",
  "bfloat16",
  "complex64",
  "complex128",
];
const u1 = "uint8",
  i1 = "int8",
  i2 = "int16",
  i4 = "int32",
  i8 = "int64",
  f2 = "float16",
  f4 = "float32",
  f8 = "float64",
  b1 = "bool",
  bf = "bfloat16",
  c4 = "complex64",
  c8 = "complex128";
const TABLE: DTypeName[][] = [
  /* u1 */ [u1, i2, i2, i4, i8, f2, f4, f8, u1, bf, c4, c8],
  /* i1 */ [i2, i1, i2, i4, i8, f2, f4, f8, i1, bf, c4, c8],
  /* i2 */ [i2, i2, i2, i4, i8, f2, f4, f8, i2, bf, c4, c8],
  /* i4 */ [i4, i4, i4, i4, i8, f2, f4, f8, i4, bf, c4, c8],
  /* i8 */ [i8, i8, i8, i8, i8, f2, f4, f8, i8, bf, c4, c8],
  /* f2 */ [f2, f2, f2, f2, f2, f2, f4, f8, f2, f4, c4, c8],
  /* f4 */ [f4, f4, f4, f4, f4, f4, f4, f8, f4, f4, c4, c8],
  /* f8 */ [f8, f8, f8, f8, f8, f8, f8, f8, f8, f8, c8, c8],
  /* b1 */ [u1, i1, i2, i4, i8, f2, f4, f8, b1, bf, c4, c8],
  /* bf */ [bf, bf, bf, bf, bf, f4, f4, f8, bf, bf, c4, c8],
  /* c4 */ [c4, c4, c4, c4, c4, c4, c4, c8, c4, c4, c4, c8],
  /* c8 */ [c8, c8, c8, c8, c8, c8, c8, c8, c8, c8, c8, c8],
];
export function promote_types(a: DType, b: DType): DType {
  return BY_NAME.get(TABLE[ORDER.indexOf(a.name)]![ORDER.indexOf(b.name)]!)!;
}

/** An operand of result_type: a tensor (with its rank) or a Python-like scalar. */
export type PromotionOperand = { dtype: DType; ndim: number } | number | boolean | bigint;

/**
 * PyTorch's result_type: dimensioned tensors outrank 0-dim tensors, which
 * outrank scalars, except that a higher category (bool < int < float) from a
 * lower-priority group lifts the result. A float scalar counts as the default
 * float dtype, an int scalar as int64.
 */
export function result_type(...operands: PromotionOperand[]): DType {
  let dim: DType | undefined, zero: DType | undefined, wrapped: DType | undefined;
  const upd = (cur: DType | undefined, d: DType) => (cur ? promote_types(cur, d) : d);
  for (const o of operands) {
    if (typeof o === "boolean") wrapped = upd(wrapped, bool);
    else if (typeof o === "bigint") wrapped = upd(wrapped, int64);
    else if (typeof o === "number") wrapped = upd(wrapped, Number.isInteger(o) ? int64 : defaultFloat);
    else if (o.ndim === 0) zero = upd(zero, o.dtype);
    else dim = upd(dim, o.dtype);
  }
  return combine(dim, combine(zero, wrapped))!;
}

function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (!higher) return lower;
  if (!lower) return higher;
  // c10's combine_categories: a complex lower-priority operand keeps a float higher one's precision
  if (higher.is_complex) return higher;
  if (lower.is_complex) return higher.is_floating_point ? toComplexType(higher) : lower;
  if (higher.category === "float") return higher;
  if (higher === bool || lower.category === "float") return promote_types(higher, lower);
  return higher;
}

/** can_cast(from, to): PyTorch forbids in-place/out casts that lower the category. */
export function can_cast(from: DType, to: DType): boolean {
  const rank = { bool: 0, int: 1, float: 2, complex: 3 } as const;
  return rank[from.category] <= rank[to.category];
}
