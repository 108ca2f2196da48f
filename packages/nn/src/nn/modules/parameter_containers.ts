// ParameterList and ParameterDict (PyTorch 1.13): containers whose entries are
// registered as the module's own attributes ("0", "1", ... or the dict's
// keys), so their parameters appear in parameters() and state_dict() under
// those names. A plain Tensor put in is wrapped in a Parameter, as PyTorch's;
// other values are kept as attributes.
import { Tensor, TorchError, TorchIndexError, TorchTypeError } from "@xlatorch/core";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

const attrs = (m: Module) => m as unknown as Record<string, unknown>;
const hidden = (o: object, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, writable: true, enumerable: false, configurable: true });
const asParameter = (v: unknown) => (v instanceof Tensor && !(v instanceof Parameter) ? new Parameter(v) : v);
const typeName = (v: unknown) =>
  v === null ? "NoneType" : typeof v === "object" || typeof v === "function" ? (v as object).constructor.name : typeof v;

/** One entry: a Parameter is registered (PyTorch's checks), anything else is set as an attribute. */
function put(m: Module, name: string, value: unknown): void {
  if (value instanceof Parameter) m.register_parameter(name, value);
  else if (value instanceof Module) m.add_module(name, value);
  else {
    if (!Object.prototype.hasOwnProperty.call(m, name) && name in m) throw new TorchError(`attribute '${name}' already exists`);
    attrs(m)[name] = value;
  }
}

/**
 * `"  (0): Parameter containing: [torch.float32 of size 2x3]"`, as PyTorch's extra_repr: ParameterList names
 * the dtype, ParameterDict the tensor type (torch.typename: torch.FloatTensor).
 */
function entryLine(k: string, p: unknown, typename = false): string {
  if (p instanceof Tensor) {
    const type = typename ? `torch.${p.dtype.scalarName}Tensor` : String(p.dtype);
    return `  (${k}): ${p instanceof Parameter ? "Parameter" : "Tensor"} containing: [${type} of size ${p.shape.join("x")}]`;
  }
  return `  (${k}): Object of type: ${typeName(p)}`;
}

export class ParameterList extends Module {
  [index: number]: Parameter;
  declare _size: number;

  constructor(values: Iterable<unknown> | null = null) {
    super();
    hidden(this, "_size", 0);
    if (values !== null) this.extend(values);
  }

  private _abs(idx: number): string {
    if (!Number.isInteger(idx)) throw new TorchTypeError(`'${typeName(idx)}' object cannot be interpreted as an integer`);
    if (!(-this._size <= idx && idx < this._size)) throw new TorchIndexError(`index ${idx} is out of range`);
    return String(idx < 0 ? idx + this._size : idx);
  }

  /** `plist[i]` (negative from the end) or `plist["a:b"]`, a ParameterList of the slice. */
  getitem(idx: number): Parameter;
  getitem(idx: string): ParameterList;
  getitem(idx: number | string): Parameter | ParameterList {
    if (typeof idx === "string") {
      const parts = idx.split(":").map((p) => (p.trim() === "" ? null : Number(p)));
      const n = this._size;
      const step = parts[2] ?? 1;
      if (step <= 0) throw new TorchError(`slice step must be positive, got '${idx}'`);
      const clamp = (v: number | null, d: number) => (v === null ? d : v < 0 ? Math.max(0, v + n) : Math.min(v, n));
      const out = new ParameterList();
      for (let i = clamp(parts[0] ?? null, 0); i < clamp(parts[1] ?? null, n); i += step) out.append(attrs(this)[String(i)]);
      return out;
    }
    return attrs(this)[this._abs(idx)] as Parameter;
  }
  __getitem__(idx: number): Parameter {
    return this.getitem(idx);
  }
  setitem(idx: number, param: unknown): void {
    put(this, this._abs(idx), asParameter(param));
  }
  __setitem__(idx: number, param: unknown): void {
    this.setitem(idx, param);
  }

  override get length(): number {
    return this._size;
  }
  __len__(): number {
    return this._size;
  }
  *[Symbol.iterator](): Iterator<Parameter> {
    for (let i = 0; i < this._size; i++) yield attrs(this)[String(i)] as Parameter;
  }

  append(value: unknown): this {
    const i = this._size;
    this._size += 1;
    put(this, String(i), asParameter(value));
    return this;
  }
  extend(values: Iterable<unknown>): this {
    if (values === null || typeof values !== "object" || values instanceof Tensor || !(Symbol.iterator in values))
      throw new TorchTypeError(`ParameterList.extend should be called with an iterable, but got ${typeName(values)}`);
    for (const v of values) this.append(v);
    return this;
  }
  __iadd__(values: Iterable<unknown>): this {
    return this.extend(values);
  }

  override extra_repr(): string {
    return [...this].map((p, k) => entryLine(String(k), p)).join("\n");
  }
  override __call__(..._args: unknown[]): never {
    throw new TorchError("ParameterList should not be called.");
  }
}

/** What ParameterDict.update takes: a Map or ParameterDict (their order), a plain object (sorted, as a Python dict), or key/value pairs. */
export type ParameterDictInit = Map<string, unknown> | ParameterDict | Record<string, unknown> | Iterable<readonly [string, unknown]>;

export class ParameterDict extends Module {
  declare _keys: Set<string>;

  constructor(parameters: ParameterDictInit | null = null) {
    super();
    hidden(this, "_keys", new Set<string>());
    if (parameters !== null) this.update(parameters);
  }

  private _key(key: unknown): string {
    if (typeof key !== "string")
      throw new TorchTypeError(
        `Index given to ParameterDict cannot be used as a key as it is not a string (type is '${typeName(key)}'). Open an issue on github if you need non-string keys.`,
      );
    return key;
  }

  getitem(key: string): Parameter {
    const k = this._key(key);
    if (!this._keys.has(k)) throw new TorchError(`KeyError: '${k}'`);
    return attrs(this)[k] as Parameter;
  }
  __getitem__(key: string): Parameter {
    return this.getitem(key);
  }
  setitem(key: string, value: unknown): void {
    const k = this._key(key);
    put(this, k, asParameter(value));
    this._keys.add(k);
  }
  __setitem__(key: string, value: unknown): void {
    this.setitem(key, value);
  }
  delitem(key: string): void {
    const k = this._key(key);
    if (!this._keys.has(k)) throw new TorchError(`KeyError: '${k}'`);
    this._keys.delete(k);
    delete attrs(this)[k];
  }
  __delitem__(key: string): void {
    this.delitem(key);
  }
  has(key: string): boolean {
    return this._keys.has(key);
  }
  __contains__(key: string): boolean {
    return this.has(key);
  }
  override get length(): number {
    return this._keys.size;
  }
  __len__(): number {
    return this._keys.size;
  }
  [Symbol.iterator](): Iterator<string> {
    return [...this._keys][Symbol.iterator]();
  }

  keys(): string[] {
    return [...this._keys];
  }
  values(): Parameter[] {
    return this.keys().map((k) => attrs(this)[k] as Parameter);
  }
  items(): [string, Parameter][] {
    return this.keys().map((k) => [k, attrs(this)[k] as Parameter]);
  }
  get(key: string, defaultValue: unknown = null): unknown {
    return this.has(key) ? this.getitem(key) : defaultValue;
  }
  setdefault(key: string, defaultValue: unknown = null): unknown {
    if (!this.has(key)) this.setitem(key, defaultValue);
    return this.getitem(key);
  }
  pop(key: string): Parameter {
    const v = this.getitem(key);
    this.delitem(key);
    return v;
  }
  /** The last entry, removed (Python's dict.popitem). */
  popitem(): [string, Parameter] {
    const ks = this.keys();
    if (!ks.length) throw new TorchError("KeyError: 'popitem(): dictionary is empty'");
    const k = ks[ks.length - 1]!;
    return [k, this.pop(k)];
  }
  clear(): void {
    for (const k of this.keys()) this.delitem(k);
  }
  copy(): ParameterDict {
    return new ParameterDict(new Map(this.items()));
  }
  fromkeys(keys: Iterable<string>, defaultValue: unknown = null): ParameterDict {
    return new ParameterDict([...keys].map((k) => [k, defaultValue] as const));
  }

  update(parameters: ParameterDictInit): void {
    if (parameters === null || typeof parameters !== "object")
      throw new TorchTypeError(
        `ParametersDict.update should be called with an iterable of key/value pairs, but got ${typeName(parameters)}`,
      );
    if (parameters instanceof Map || parameters instanceof ParameterDict) {
      for (const [k, v] of parameters instanceof Map ? parameters : parameters.items()) this.setitem(k, v);
    } else if (Object.getPrototypeOf(parameters) === Object.prototype) {
      const entries = Object.entries(parameters as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [k, v] of entries) this.setitem(k, v);
    } else {
      let j = 0;
      for (const p of parameters as Iterable<readonly [string, unknown]>) {
        if (p === null || typeof p !== "object" || !(Symbol.iterator in p))
          throw new TorchTypeError(`ParameterDict update sequence element #${j} should be Iterable; is${typeName(p)}`);
        const pair = [...p];
        if (pair.length !== 2) throw new TorchError(`ParameterDict update sequence element #${j} has length ${pair.length}; 2 is required`);
        this.setitem(pair[0] as string, pair[1]);
        j++;
      }
    }
  }

  override extra_repr(): string {
    return this.items()
      .map(([k, p]) => entryLine(k, p, true))
      .join("\n");
  }
  override __call__(..._args: unknown[]): never {
    throw new TorchError("ParameterDict should not be called.");
  }
}
