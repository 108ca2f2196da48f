// Client_Create options as PJRT_NamedValue arrays.
//
// Plugins check each option's type (the CUDA plugin wants memory_fraction as a
// 32-bit float and errors on an int64), and a JS number does not say which it
// is. So: booleans are kBool, strings kString, bigints kInt64, arrays
// kInt64List; a number is kFloat for the names in FLOAT_OPTIONS or when it has
// a fraction, kInt64 otherwise; `{ float: x }` / `{ int64: x }` force a type.
import type { Arena } from "./memory.js";
import { NamedValueType, PJRT_NamedValue } from "./layout.js";

export type NamedValueInput =
  | string
  | boolean
  | number
  | bigint
  | readonly (number | bigint)[]
  | { readonly float: number }
  | { readonly int64: number | bigint };

export type ClientOptions = Readonly<Record<string, NamedValueInput>>;

/** Options known to be floats (CUDA plugin: memory_fraction). */
const FLOAT_OPTIONS: ReadonlySet<string> = new Set(["memory_fraction"]);

export type EncodedValue =
  | { type: "string"; value: string }
  | { type: "bool"; value: boolean }
  | { type: "int64"; value: bigint }
  | { type: "float"; value: number }
  | { type: "int64list"; value: bigint[] };

/** Decides the PJRT type of one option value (pure; tested directly). */
export function classifyOption(name: string, v: NamedValueInput): EncodedValue {
  if (typeof v === "string") return { type: "string", value: v };
  if (typeof v === "boolean") return { type: "bool", value: v };
  if (typeof v === "bigint") return { type: "int64", value: v };
  if (typeof v === "number") {
    if (FLOAT_OPTIONS.has(name) || !Number.isInteger(v)) return { type: "float", value: v };
    return { type: "int64", value: BigInt(v) };
  }
  if (Array.isArray(v)) return { type: "int64list", value: v.map((x) => BigInt(x)) };
  if (typeof v === "object" && v !== null && "float" in v) return { type: "float", value: v.float };
  if (typeof v === "object" && v !== null && "int64" in v) return { type: "int64", value: BigInt(v.int64) };
  throw new TypeError(`client option ${name}: unsupported value ${String(v)}`);
}

/** Writes the options into `arena`; returns the array address and count. */
export function encodeNamedValues(arena: Arena, options: ClientOptions): { addr: bigint; count: number } {
  const entries = Object.entries(options);
  if (entries.length === 0) return { addr: 0n, count: 0 };
  const structs = arena.structArray(PJRT_NamedValue, entries.length);
  entries.forEach(([name, raw], i) => {
    const s = structs[i]!;
    const n = arena.string(name);
    s.set("name", n.addr).set("name_size", n.len);
    const enc = classifyOption(name, raw);
    switch (enc.type) {
      case "string": {
        const str = arena.string(enc.value);
        s.set("type", NamedValueType.kString).setUnion("value", "ptr", str.addr).set("value_size", str.len);
        break;
      }
      case "bool":
        s.set("type", NamedValueType.kBool).setUnion("value", "bool", enc.value).set("value_size", 1);
        break;
      case "int64":
        s.set("type", NamedValueType.kInt64).setUnion("value", "int64", enc.value).set("value_size", 1);
        break;
      case "float":
        s.set("type", NamedValueType.kFloat).setUnion("value", "float", enc.value).set("value_size", 1);
        break;
      case "int64list":
        s.set("type", NamedValueType.kInt64List).setUnion("value", "ptr", arena.int64Array(enc.value)).set("value_size", enc.value.length);
        break;
    }
  });
  return { addr: structs[0]!.addr, count: entries.length };
}
