// Sequential, ModuleList, ModuleDict.
//
// Entries are registered with add_module, i.e. stored as the module's own
// properties ("0", "1", ... or the dict's keys), so `seq[0]`, `list[2]` and
// `dict.fc` read them directly, and a key that is already an attribute or
// method ("train", "forward", "keys") is refused as in PyTorch.
import { TorchError, TorchIndexError } from "@xlatorch/core";
import type { Tensor } from "@xlatorch/core";
import { Module } from "../module.js";

/** A container's children by name (plain properties "0", "1", ... or the dict's keys). */
const attrs = (m: Module) => m as unknown as Record<string, unknown>;

/** Python-style index: negative counts from the end; out of range throws IndexError's message. */
function normIndex(what: string, idx: number, n: number): number {
  if (!Number.isInteger(idx) || idx < -n || idx >= n) throw new TorchIndexError(`index ${idx} is out of range (${what} of length ${n})`);
  return idx < 0 ? idx + n : idx;
}

/** [start, stop, step) of a Python slice "a:b:c" over n items (positive steps). */
function sliceRange(s: string, n: number): number[] {
  const parts = s.split(":").map((p) => (p.trim() === "" ? null : Number(p)));
  const [a, b, c] = [parts[0] ?? null, parts[1] ?? null, parts[2] ?? null];
  const step = c ?? 1;
  if (step <= 0) throw new TorchError(`slice step must be positive, got '${s}'`);
  const clamp = (v: number | null, d: number) => (v === null ? d : v < 0 ? Math.max(0, v + n) : Math.min(v, n));
  const out: number[] = [];
  for (let i = clamp(a, 0); i < clamp(b, n); i += step) out.push(i);
  return out;
}

/** Shared by Sequential and ModuleList: integer-keyed children. */
abstract class IndexedModules extends Module {
  [index: number]: Module;

  protected _values(): Module[] {
    return this.named_children_all().map(([, m]) => m);
  }
  /** All children in order, duplicates included (a list may hold one module twice). */
  protected named_children_all(): [string, Module][] {
    const self = attrs(this);
    return Object.keys(this)
      .filter((k) => self[k] instanceof Module)
      .map((k) => [k, self[k] as Module]);
  }
  override get length(): number {
    return this._values().length;
  }
  __len__(): number {
    return this.length;
  }
  [Symbol.iterator](): Iterator<Module> {
    return this._values()[Symbol.iterator]();
  }

  /** Re-registers `modules` as "0", "1", ... (after a delete or insert). */
  protected _reset(modules: Module[]): void {
    const self = attrs(this);
    for (const k of Object.keys(this)) if (self[k] instanceof Module) delete self[k];
    modules.forEach((m, i) => this.add_module(String(i), m));
  }

  /** `seq[i]` with Python's negative indices. (Slices are handled by the subclasses.) */
  protected _at(idx: number): Module {
    const vals = this._values();
    return vals[normIndex(this._get_name(), idx, vals.length)]!;
  }

  __setitem__(idx: number, module: Module): void {
    const entries = this.named_children_all();
    const i = normIndex(this._get_name(), idx, entries.length);
    this.add_module(entries[i]![0], module);
  }
  __delitem__(idx: number | string): void {
    const vals = this._values();
    const drop = new Set(typeof idx === "string" ? sliceRange(idx, vals.length) : [normIndex(this._get_name(), idx, vals.length)]);
    this._reset(vals.filter((_, i) => !drop.has(i)));
  }
}

export class Sequential extends IndexedModules {
  /** new Sequential(m0, m1, ...) or new Sequential({ name: module, ... }) (an OrderedDict in PyTorch). */
  constructor(...args: Module[] | [Record<string, Module>]) {
    super();
    const first = args[0];
    if (args.length === 1 && first && !(first instanceof Module) && typeof first === "object") {
      for (const [k, m] of Object.entries(first)) this.add_module(k, m);
    } else {
      (args as Module[]).forEach((m, i) => this.add_module(String(i), m));
    }
  }

  /** `seq[idx]`: a module for an integer (negative from the end), a Sequential for a slice "a:b". */
  getitem(idx: number): Module;
  getitem(idx: string): Sequential;
  getitem(idx: number | string): Module | Sequential {
    if (typeof idx === "number") return this._at(idx);
    const entries = this.named_children_all();
    return new Sequential(Object.fromEntries(sliceRange(idx, entries.length).map((i) => entries[i]!)));
  }
  __getitem__(idx: number): Module {
    return this._at(idx);
  }

  append(module: Module): this {
    this.add_module(String(this.length), module);
    return this;
  }

  /** Each module in turn on the previous one's output (Tensors, as Sequential is used here). */
  override forward(input: Tensor): Tensor {
    // this._values() without its intermediate arrays
    const self = attrs(this);
    const mods: Module[] = [];
    for (const k of Object.keys(this)) {
      const m = self[k];
      if (m instanceof Module) mods.push(m);
    }
    let x = input;
    for (let i = 0; i < mods.length; i++) x = mods[i]!(x) as Tensor;
    return x;
  }
}

export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  getitem(idx: number): Module;
  getitem(idx: string): ModuleList;
  getitem(idx: number | string): Module | ModuleList {
    return typeof idx === "number" ? this._at(idx) : new ModuleList(sliceRange(idx, this.length).map((i) => this._values()[i]!));
  }
  __getitem__(idx: number): Module {
    return this._at(idx);
  }

  append(module: Module): this {
    this.add_module(String(this.length), module);
    return this;
  }
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }
  insert(index: number, module: Module): void {
    const vals = this._values();
    const n = vals.length;
    const i = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    vals.splice(i, 0, module);
    this._reset(vals);
  }
  pop(index = -1): Module {
    const m = this._at(index);
    this.__delitem__(index);
    return m;
  }
}

export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> | null = null) {
    super();
    if (modules) this.update(modules);
  }

  getitem(key: string): Module {
    const m = this.has(key) ? (attrs(this)[key] as Module) : undefined;
    if (!m) throw new TorchError(`KeyError: '${key}'`);
    return m;
  }
  __getitem__(key: string): Module {
    return this.getitem(key);
  }
  setitem(key: string, module: Module): void {
    this.add_module(key, module);
  }
  __setitem__(key: string, module: Module): void {
    this.setitem(key, module);
  }
  delitem(key: string): void {
    this.getitem(key);
    delete attrs(this)[key];
  }
  __delitem__(key: string): void {
    this.delitem(key);
  }
  /** `key in dict`. */
  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this, key) && attrs(this)[key] instanceof Module;
  }
  __contains__(key: string): boolean {
    return this.has(key);
  }
  override get length(): number {
    return this.keys().length;
  }
  __len__(): number {
    return this.length;
  }

  keys(): string[] {
    return Object.keys(this._modules);
  }
  values(): Module[] {
    return Object.values(this._modules);
  }
  items(): [string, Module][] {
    return Object.entries(this._modules);
  }
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  clear(): void {
    for (const k of this.keys()) delete attrs(this)[k];
  }
  pop(key: string): Module {
    const m = this.getitem(key);
    this.delitem(key);
    return m;
  }
  update(modules: Record<string, Module> | Iterable<[string, Module]>): void {
    const entries = Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.setitem(k, m);
  }

  /** ModuleDict has no forward of its own, as in PyTorch. */
  override forward(..._args: unknown[]): Tensor {
    throw new TorchError(`Module [ModuleDict] is missing the required "forward" function`);
  }
}
