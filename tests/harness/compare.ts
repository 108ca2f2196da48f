// Comparison of library results against PyTorch-generated expectations.
//
// Expected values are the raw JSON of tests/fixtures/*.json (format documented
// in tests/fixtures/gen_ops.py and tests/harness/fixtures.ts); actual values are
// whatever the library returned (Tensor, array of Tensors, number, bigint,
// boolean, nested arrays from tolist(), ...).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface TensorJson {
  shape: number[];
  dtype: string;
  data: (number | string | boolean)[];
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Per-dtype defaults: exact for integers/bool. */
export const DEFAULT_TOL: Record<string, Tolerance> = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-5, atol: 1e-6 },
  float16: { rtol: 1e-3, atol: 1e-3 },
  bfloat16: { rtol: 1e-2, atol: 1e-2 },
};

/** Tolerance used for Python float scalars (item(), tolist() of floats). */
const SCALAR_TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

export const FLOAT_DTYPES = new Set(["float32", "float64", "float16", "bfloat16"]);
export const INT_DTYPES = new Set(["int8", "uint8", "int16", "int32", "int64"]);

export interface CompareOptions {
  /** Case-level overrides of the dtype tolerance (fields "rtol"/"atol" of a case). */
  rtol?: number;
  atol?: number;
  /** Compare dtype and shape only (e.g. torch.empty). */
  shapeOnly?: boolean;
  /** When set, every tensor result must live on this device ("cpu" or "xla"). */
  device?: string;
}

export class FixtureMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FixtureMismatch";
  }
}

export function isTensorJson(v: unknown): v is { t: TensorJson } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "t" in v;
}

export function isTensor(v: unknown): boolean {
  return typeof v === "object" && v !== null && typeof (v as any).tolist === "function" && "shape" in (v as any) && "dtype" in (v as any);
}

export function specialFloat(v: number | string): number {
  if (typeof v === "number") return v;
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`bad float literal in fixture: ${JSON.stringify(v)}`);
  return n;
}

export function fmt(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (isTensor(v)) {
    const t = v as any;
    return `Tensor(shape=[${Array.from(t.shape as number[]).join(", ")}], dtype=${String(t.dtype)})`;
  }
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));
    return s === undefined ? String(v) : s.length > 200 ? s.slice(0, 200) + "..." : s;
  } catch {
    return String(v);
  }
}

function toBig(v: unknown): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  return undefined;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d]!;
    idx[d] = s === 0 ? 0 : flat % s;
    flat = s === 0 ? 0 : Math.floor(flat / s);
  }
  return idx;
}

function flattenList(v: unknown, out: unknown[]): unknown[] {
  if (Array.isArray(v)) for (const e of v) flattenList(e, out);
  else out.push(v);
  return out;
}

/** Rounds a double to the nearest float16 value (ties to even); the fixture stores short decimals. */
export function roundF16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return x > 0 ? Infinity : -Infinity;
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  e = Math.max(e, -14);
  const ulp = 2 ** (e - 10);
  const q = a / ulp;
  let r = Math.floor(q);
  const frac = q - r;
  if (frac > 0.5 || (frac === 0.5 && r % 2 === 1)) r += 1;
  return Math.sign(x) * r * ulp;
}

/** Expected element as a number of the expected dtype (short decimals are rounded back to it). */
function expectedFloat(e: number | string, dtype: string): number {
  const v = specialFloat(e);
  if (dtype === "float32") return Math.fround(v);
  if (dtype === "float16") return roundF16(v);
  return v;
}

function tolFor(dtype: string, opts: CompareOptions): Tolerance {
  const base = DEFAULT_TOL[dtype] ?? { rtol: 0, atol: 0 };
  return { rtol: opts.rtol ?? base.rtol, atol: opts.atol ?? base.atol };
}

function floatClose(a: number, e: number, tol: Tolerance): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (Number.isNaN(a)) return false;
  if (!Number.isFinite(e) || !Number.isFinite(a)) return a === e;
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
}

/** Compares one element; returns null when equal, else a reason. */
function elementMismatch(a: unknown, e: number | string | boolean, dtype: string, tol: Tolerance): string | null {
  if (dtype === "bool") {
    if (typeof a !== "boolean") return `expected a boolean, got ${typeof a} ${fmt(a)}`;
    return a === e ? null : "";
  }
  if (INT_DTYPES.has(dtype)) {
    const ab = toBig(a);
    if (ab === undefined) return `expected an integer, got ${typeof a} ${fmt(a)}`;
    return ab === toBig(e) ? null : "";
  }
  if (typeof a !== "number") return `expected a number, got ${typeof a} ${fmt(a)}`;
  return floatClose(a, expectedFloat(e as number | string, dtype), tol) ? null : "";
}

function readTensor(actual: any): unknown[] {
  let t = actual;
  if (typeof t.cpu === "function") t = t.cpu();
  const list = t.tolist();
  return flattenList(list, []);
}

export function compareTensor(actual: unknown, expected: TensorJson, opts: CompareOptions, path: string): void {
  if (!isTensor(actual)) throw new FixtureMismatch(`${path}: expected a Tensor ${fmtExpectedTensor(expected)}, got ${fmt(actual)}`);
  const t = actual as any;
  const dt = String(t.dtype);
  if (dt !== `torch.${expected.dtype}`) throw new FixtureMismatch(`${path}: dtype mismatch: expected torch.${expected.dtype}, got ${dt}`);
  const shape = Array.from(t.shape as ArrayLike<number>);
  if (shape.length !== expected.shape.length || shape.some((s, i) => s !== expected.shape[i]))
    throw new FixtureMismatch(`${path}: shape mismatch: expected [${expected.shape.join(", ")}], got [${shape.join(", ")}]`);
  if (opts.device !== undefined && t.device !== undefined) {
    const dev = String(t.device);
    if (!dev.startsWith(opts.device))
      throw new FixtureMismatch(`${path}: device mismatch: expected a tensor on ${opts.device}, got one on ${dev}`);
  }
  if (opts.shapeOnly) return;
  const values = readTensor(t);
  if (values.length !== expected.data.length)
    throw new FixtureMismatch(
      `${path}: tolist() gave ${values.length} elements, expected ${expected.data.length} for shape [${expected.shape.join(", ")}]`,
    );
  const tol = tolFor(expected.dtype, opts);
  let first = -1;
  let firstReason = "";
  let count = 0;
  let maxDiff = 0;
  for (let i = 0; i < values.length; i++) {
    const r = elementMismatch(values[i], expected.data[i]!, expected.dtype, tol);
    if (r !== null) {
      count++;
      if (first < 0) {
        first = i;
        firstReason = r;
      }
    }
    if (FLOAT_DTYPES.has(expected.dtype) && typeof values[i] === "number") {
      const d = Math.abs((values[i] as number) - expectedFloat(expected.data[i] as number | string, expected.dtype));
      if (Number.isFinite(d)) maxDiff = Math.max(maxDiff, d);
    }
  }
  if (first >= 0) {
    const e = FLOAT_DTYPES.has(expected.dtype)
      ? expectedFloat(expected.data[first] as number | string, expected.dtype)
      : expected.data[first];
    const a = values[first];
    const where = expected.shape.length ? ` (index [${unravel(first, expected.shape).join(", ")}])` : "";
    const tolMsg = FLOAT_DTYPES.has(expected.dtype) ? `, rtol=${tol.rtol} atol=${tol.atol}, max |diff| ${maxDiff}` : "";
    const preview = values.length <= 16 ? `\n  expected ${fmt(expected.data)}\n  actual   ${fmt(values)}` : "";
    throw new FixtureMismatch(
      `${path}: value mismatch at flat index ${first}${where}: expected ${fmt(e)}, got ${fmt(a)}` +
        `${firstReason ? ` (${firstReason})` : ""}; ${count}/${values.length} elements differ (${expected.dtype}${tolMsg})${preview}`,
    );
  }
}

function fmtExpectedTensor(e: TensorJson): string {
  return `(shape [${e.shape.join(", ")}], ${e.dtype})`;
}

/**
 * Compares `actual` with the fixture JSON `expected`; throws FixtureMismatch
 * naming `path` (e.g. "add_broadcast_f32 [xla] out[1]") and the first mismatch.
 */
export function compareValue(actual: unknown, expected: Json, opts: CompareOptions, path: string): void {
  if (isTensorJson(expected)) return compareTensor(actual, expected.t, opts, path);
  if (Array.isArray(expected)) {
    if (isTensor(actual) || typeof actual !== "object" || actual === null || typeof (actual as any).length !== "number")
      throw new FixtureMismatch(`${path}: expected a list of ${expected.length} values, got ${fmt(actual)}`);
    const arr = Array.from(actual as ArrayLike<unknown>);
    if (arr.length !== expected.length)
      throw new FixtureMismatch(`${path}: expected a list of length ${expected.length}, got length ${arr.length}: ${fmt(arr)}`);
    expected.forEach((e, i) => compareValue(arr[i], e, opts, `${path}[${i}]`));
    return;
  }
  if (expected === null) {
    if (actual !== null && actual !== undefined) throw new FixtureMismatch(`${path}: expected null/None, got ${fmt(actual)}`);
    return;
  }
  if (typeof expected === "boolean") {
    if (actual !== expected) throw new FixtureMismatch(`${path}: expected ${expected}, got ${fmt(actual)}`);
    return;
  }
  if (typeof expected === "string") {
    if (actual !== expected) throw new FixtureMismatch(`${path}: expected ${fmt(expected)}, got ${fmt(actual)}`);
    return;
  }
  if (typeof expected === "number" || (typeof expected === "object" && ("f" in expected || "i64" in expected))) {
    return compareScalar(actual, expected as number | { f?: string; i64?: string }, opts, path);
  }
  throw new Error(`${path}: unsupported expected value in fixture: ${fmt(expected)}`);
}

function compareScalar(actual: unknown, expected: number | { f?: string; i64?: string }, opts: CompareOptions, path: string): void {
  if (typeof expected === "object" && expected.i64 !== undefined) {
    if (toBig(actual) !== BigInt(expected.i64)) throw new FixtureMismatch(`${path}: expected ${expected.i64}, got ${fmt(actual)}`);
    return;
  }
  const e = typeof expected === "number" ? expected : specialFloat(expected.f!);
  if (typeof actual === "bigint") {
    if (!Number.isInteger(e) || actual !== BigInt(e)) throw new FixtureMismatch(`${path}: expected ${fmt(e)}, got ${fmt(actual)}`);
    return;
  }
  if (typeof actual !== "number") throw new FixtureMismatch(`${path}: expected the number ${fmt(e)}, got ${typeof actual} ${fmt(actual)}`);
  // Integers (numel, dim, int items) compare exactly; floats with tolerance.
  if (Number.isInteger(e) && Number.isInteger(actual)) {
    if (actual !== e) throw new FixtureMismatch(`${path}: expected ${fmt(e)}, got ${fmt(actual)}`);
    return;
  }
  const tol = { rtol: opts.rtol ?? SCALAR_TOL.rtol, atol: opts.atol ?? SCALAR_TOL.atol };
  if (!floatClose(actual, e, tol))
    throw new FixtureMismatch(`${path}: expected ${fmt(e)}, got ${fmt(actual)} (rtol=${tol.rtol} atol=${tol.atol})`);
}
