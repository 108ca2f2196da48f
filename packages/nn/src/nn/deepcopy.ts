// copy.deepcopy for modules: what PyTorch's _get_clones (TransformerEncoder,
// TransformerDecoder) uses to stack N copies of one layer, each starting with
// the same values in tensors of its own.
//
// A copy has the original's prototype and every own property (hidden ones
// included, in the same order, so parameters register in the same order);
// Parameters become new Parameters over cloned values (requires_grad and
// grad kept), other tensors are cloned, modules, arrays, Maps, Sets and plain
// objects are copied recursively, and anything else (functions such as an
// activation, dtypes, devices, numbers) is shared, as Python's deepcopy shares
// functions and atoms. An object met twice is copied once (the memo).
import { Tensor, no_grad } from "@xlatorch/core";
import { callableInstance } from "./callable.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

export function deepcopy<T>(value: T, memo: Map<unknown, unknown> = new Map()): T {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
  if (memo.has(value)) return memo.get(value) as T;
  if (value instanceof Parameter) {
    const p = new Parameter(
      no_grad(() => value.detach().clone()),
      value.requires_grad,
    );
    memo.set(value, p);
    if (value.grad) p.grad = deepcopy(value.grad, memo);
    return p as T;
  }
  if (value instanceof Tensor) {
    const t = no_grad(() => value.detach().clone());
    if (value.requires_grad) t.requires_grad_(true);
    memo.set(value, t);
    return t as T;
  }
  if (value instanceof Module) {
    const m = callableInstance<Module>(Object.getPrototypeOf(value));
    memo.set(value, m);
    copyOwn(value, m, memo);
    return m as T;
  }
  if (Array.isArray(value)) {
    const a: unknown[] = [];
    memo.set(value, a);
    for (const v of value) a.push(deepcopy(v, memo));
    return a as T;
  }
  if (value instanceof Map) {
    const m = new Map();
    memo.set(value, m);
    for (const [k, v] of value) m.set(k, deepcopy(v, memo));
    return m as T;
  }
  if (value instanceof Set) {
    const s = new Set();
    memo.set(value, s);
    for (const v of value) s.add(deepcopy(v, memo));
    return s as T;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const o = {};
    memo.set(value, o);
    copyOwn(value, o, memo);
    return o as T;
  }
  return value;
}

function copyOwn(from: object, to: object, memo: Map<unknown, unknown>): void {
  for (const key of Reflect.ownKeys(from)) {
    const d = Object.getOwnPropertyDescriptor(from, key)!;
    if ("value" in d) d.value = deepcopy(d.value, memo);
    Object.defineProperty(to, key, d);
  }
}
