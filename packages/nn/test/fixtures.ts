// Loading tests/fixtures/nn.json (written by tests/fixtures/gen_nn.py with
// PyTorch 1.13): decoding values into tensors and building module specs.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as torch from "@xlatorch/core";
import "@xlatorch/cpu";
import { nn } from "../src/index.js";
import { compareValue, type Json } from "../../../tests/harness/compare";

export { compareValue, torch, type Json };

const FILE = fileURLToPath(new URL("../../../tests/fixtures/nn.json", import.meta.url));
export const fixtures: Record<string, any> = JSON.parse(readFileSync(FILE, "utf8"));

const special = (v: number | string) =>
  typeof v === "number" ? v : v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v);

/** Fixture JSON -> JS values: {"t": ...} becomes a cpu Tensor, arrays and objects recursively. */
export function decode(v: any): any {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(decode);
  if ("t" in v) {
    const { shape, dtype, data } = v.t as { shape: number[]; dtype: string; data: (number | string | boolean)[] };
    const dt = (torch as any)[dtype] as torch.DType;
    const flat = dtype.startsWith("float") ? data.map((x) => special(x as number | string)) : data;
    return torch.tensor(flat as number[], { dtype: dt }).reshape(shape);
  }
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decode(e)]));
}

/** {"ctor": "Linear", "args": [...], "kwargs": {...}} -> new nn.Linear(...args, kwargs); {"tensor": t} -> Tensor. */
export function build(spec: any): any {
  if (spec && typeof spec === "object" && !Array.isArray(spec)) {
    if ("ctor" in spec) {
      const args = (spec.args ?? []).map(build);
      const kwargs = Object.fromEntries(Object.entries(spec.kwargs ?? {}).map(([k, v]) => [k, build(v)]));
      const Ctor = (nn as any)[spec.ctor];
      if (typeof Ctor !== "function") throw new Error(`nn.${spec.ctor} is not defined`);
      return Object.keys(kwargs).length ? new Ctor(...args, kwargs) : new Ctor(...args);
    }
    if ("tensor" in spec) return decode(spec.tensor);
    return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, build(v)]));
  }
  if (Array.isArray(spec)) return spec.map(build);
  return spec;
}

/** Exact comparison (bit for bit) for seeded initializations. */
export const EXACT = { rtol: 0, atol: 0 };
/** PyTorch's float32 results computed in another order: rtol 1e-5 as the brief asks. */
export const CLOSE = { rtol: 1e-5, atol: 1e-6 };

export function compareState(
  actual: Record<string, torch.Tensor>,
  expected: Record<string, Json>,
  tol: { rtol: number; atol: number },
  path: string,
): void {
  const ak = Object.keys(actual),
    ek = Object.keys(expected);
  if (ak.join() !== ek.join()) throw new Error(`${path}: state_dict keys differ: expected [${ek.join(", ")}], got [${ak.join(", ")}]`);
  for (const k of ek) compareValue(actual[k], expected[k]!, tol, `${path} ${k}`);
}
