// The safetensors file format (https://github.com/huggingface/safetensors):
//   8 bytes   N, the header's length, unsigned little-endian
//   N bytes   a UTF-8 JSON object: per tensor {"dtype", "shape", "data_offsets": [begin, end]}
//             (offsets into the byte buffer after the header), and an optional
//             "__metadata__" object of string values; padded with spaces to a
//             multiple of 8 bytes so the buffer's elements are aligned
//   the rest  the tensors' bytes, little-endian, row-major, contiguous, in
//             offset order, with no gap or overlap, ending where the file ends.
// This module reads and writes that layout on bytes only (no tensors, no files),
// checking everything before anything is built from it.
import { TorchError } from "@xlatorch/core";

/** Every dtype name the format defines: element size in bits, and its rank in the reference writer's ordering. */
const FORMAT_DTYPES: Readonly<Record<string, { bits: number; rank: number }>> = {
  BOOL: { bits: 8, rank: 0 },
  F4: { bits: 4, rank: 1 },
  F6_E2M3: { bits: 6, rank: 2 },
  F6_E3M2: { bits: 6, rank: 3 },
  U8: { bits: 8, rank: 4 },
  I8: { bits: 8, rank: 5 },
  F8_E5M2: { bits: 8, rank: 6 },
  F8_E4M3: { bits: 8, rank: 7 },
  F8_E8M0: { bits: 8, rank: 8 },
  I16: { bits: 16, rank: 9 },
  U16: { bits: 16, rank: 10 },
  F16: { bits: 16, rank: 11 },
  BF16: { bits: 16, rank: 12 },
  I32: { bits: 32, rank: 13 },
  U32: { bits: 32, rank: 14 },
  F32: { bits: 32, rank: 15 },
  C64: { bits: 64, rank: 16 },
  F64: { bits: 64, rank: 17 },
  I64: { bits: 64, rank: 18 },
  U64: { bits: 64, rank: 19 },
};

/** The format's dtype names that xlatorch has a dtype for, and that dtype's name. */
export const TO_TORCH: Readonly<Record<string, string>> = {
  BOOL: "bool",
  U8: "uint8",
  I8: "int8",
  I16: "int16",
  I32: "int32",
  I64: "int64",
  F16: "float16",
  BF16: "bfloat16",
  F32: "float32",
  F64: "float64",
  C64: "complex64",
};
export const FROM_TORCH: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(TO_TORCH).map(([k, v]) => [v, k]));

/** The reference implementation refuses larger headers (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA = "__metadata__";

export interface TensorEntry {
  name: string;
  /** The format's dtype name (F32, BF16, ...). */
  dtype: string;
  shape: number[];
  /** [begin, end) in the byte buffer after the header. */
  offsets: [number, number];
}

export interface ParsedFile {
  /** Tensors in offset order. */
  tensors: TensorEntry[];
  metadata: Record<string, string> | null;
  /** Where the byte buffer begins in the file (8 + N). */
  dataStart: number;
}

/** A malformed file: `op: where: what`. */
export class SafetensorError extends TorchError {
  override name = "SafetensorError";
}

/**
 * Reads and checks a file's header: every tensor's dtype, shape and offsets,
 * the offsets contiguous from 0 to the end of the file. Throws a
 * SafetensorError naming `op` and `where` for anything malformed; dtypes
 * xlatorch cannot hold are refused here too, so nothing is built from a file
 * that cannot be loaded whole.
 */
export function parseFile(bytes: Uint8Array, op: string, where: string): ParsedFile {
  const bad = (what: string): never => {
    throw new SafetensorError(`${op}: ${where}: ${what}`);
  };
  if (bytes.length < 8) bad(`the file has ${bytes.length} bytes, fewer than the 8 of its header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) bad(`the header length ${n} is over the format's limit of ${MAX_HEADER_BYTES} bytes`);
  const dataStart = 8 + Number(n);
  if (dataStart > bytes.length) bad(`the header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    bad("the header is not valid UTF-8");
  }
  if (!text.startsWith("{"))
    bad(`the header must be a JSON object starting with '{', but it starts with ${JSON.stringify(text.slice(0, 8))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    bad(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) bad("the header is not a JSON object");
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== null) bad(`the header names ${JSON.stringify(duplicate)} twice`);

  let metadata: Record<string, string> | null = null;
  const tensors: TensorEntry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA) {
      metadata = checkMetadata(info, (what) => bad(`__metadata__ ${what}`));
      continue;
    }
    tensors.push(checkEntry(name, info, (what) => bad(`tensor ${JSON.stringify(name)}: ${what}`)));
  }

  // Offset order, as the reference reader checks it: each tensor begins where the previous one ended.
  tensors.sort((a, b) => a.offsets[0] - b.offsets[0] || a.offsets[1] - b.offsets[1]);
  const dataLength = bytes.length - dataStart;
  let end = 0;
  for (const t of tensors) {
    const [b, e] = t.offsets;
    const tag = `tensor ${JSON.stringify(t.name)}`;
    if (e < b) bad(`${tag}: data_offsets [${b}, ${e}] end before they begin`);
    if (b !== end) {
      bad(
        b < end
          ? `${tag}: data_offsets [${b}, ${e}] overlap the previous tensor's, which end at ${end}`
          : `${tag}: data_offsets [${b}, ${e}] leave a gap after byte ${end} (tensors must be contiguous)`,
      );
    }
    if (e > dataLength) bad(`${tag}: data_offsets [${b}, ${e}] run past the end of the data (${dataLength} bytes)`);
    const bits = FORMAT_DTYPES[t.dtype]!.bits * t.shape.reduce((p, d) => p * d, 1);
    if (bits !== (e - b) * 8)
      bad(`${tag}: ${t.dtype} of shape [${t.shape.join(", ")}] needs ${bits / 8} bytes, but data_offsets [${b}, ${e}] hold ${e - b}`);
    end = e;
  }
  if (end !== dataLength) bad(`the tensors' data ends at byte ${end}, but the file holds ${dataLength} bytes of data after the header`);
  for (const t of tensors) {
    if (!(t.dtype in TO_TORCH)) bad(`tensor ${JSON.stringify(t.name)} has dtype ${t.dtype}, which xlatorch has no dtype for`);
  }
  return { tensors, metadata, dataStart };
}

function checkMetadata(info: unknown, bad: (what: string) => never): Record<string, string> {
  if (typeof info !== "object" || info === null || Array.isArray(info)) bad("must be an object of strings");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
    if (typeof v !== "string") bad(`must map strings to strings, but ${JSON.stringify(k)} maps to ${describeJson(v)}`);
    // defineProperty: a key "__proto__" is data here, not the object's prototype
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function checkEntry(name: string, info: unknown, bad: (what: string) => never): TensorEntry {
  if (typeof info !== "object" || info === null || Array.isArray(info))
    bad(`expected {dtype, shape, data_offsets}, got ${describeJson(info)}`);
  const { dtype, shape, data_offsets } = info as Record<string, unknown>;
  if (typeof dtype !== "string") bad(`dtype must be a string, got ${describeJson(dtype)}`);
  if (!Object.hasOwn(FORMAT_DTYPES, dtype as string))
    bad(`unknown dtype ${JSON.stringify(dtype)} (the format's are ${Object.keys(FORMAT_DTYPES).join(", ")})`);
  const isCount = (x: unknown) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) bad(`shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every(isCount)) {
    bad(`data_offsets must be two non-negative integers [begin, end], got ${JSON.stringify(data_offsets)}`);
  }
  const numel = (shape as number[]).reduce((p, d) => p * d, 1);
  if (!Number.isSafeInteger(numel * 8)) bad(`shape [${(shape as number[]).join(", ")}] is too large`);
  return { name, dtype: dtype as string, shape: [...(shape as number[])], offsets: [data_offsets[0], data_offsets[1]] };
}

const describeJson = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`);

/**
 * The first key that an object of the JSON text repeats, or null. JSON.parse
 * keeps the last of repeated keys silently; a file naming one tensor twice is
 * ambiguous, so it is refused. Expects valid JSON (checked before).
 */
function firstDuplicateKey(text: string): string | null {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = stack[stack.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      stack.push(null);
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return null;
}

/** Code point order (Rust's and Python's string order), not JavaScript's UTF-16 unit order. */
export function compareNames(a: string, b: string): number {
  const x = [...a].map((ch) => ch.codePointAt(0)!),
    y = [...b].map((ch) => ch.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

export interface TensorBytes {
  name: string;
  dtype: string;
  shape: readonly number[];
  data: Uint8Array;
}

/**
 * A file's bytes as the reference writer lays them out: tensors sorted by
 * dtype (widest first, so every element is aligned) then name, the header
 * `{"__metadata__":{...},"name":{"dtype":..,"shape":[..],"data_offsets":[b,e]},...}`
 * without spaces, padded with spaces to a multiple of 8 bytes.
 */
export function serializeFile(tensors: readonly TensorBytes[], metadata: Readonly<Record<string, string>> | null): Uint8Array<ArrayBuffer> {
  const sorted = [...tensors].sort((a, b) => FORMAT_DTYPES[b.dtype]!.rank - FORMAT_DTYPES[a.dtype]!.rank || compareNames(a.name, b.name));
  const parts: string[] = [];
  // Written by hand, not JSON.stringify of an object: objects move integer-like keys ("0", "1") to the front.
  if (metadata)
    parts.push(
      `"${METADATA}":{${Object.entries(metadata)
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
        .join(",")}}`,
    );
  let offset = 0;
  for (const t of sorted) {
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const t of sorted) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}
