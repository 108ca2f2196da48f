// torch.nn.Module.
//
// Registration: a module's parameters and submodules are its own enumerable
// properties holding a Parameter or a Module, in property order, which for
// `this.fc1 = ...; this.fc2 = ...` is assignment order, as PyTorch's
// __setattr__ registration gives. (Caveat of JS objects: integer-like names
// such as Sequential's "0", "1" come first, in numeric order.) Buffers are
// plain tensors, so register_buffer records their names. `module.fc1` is then
// an ordinary property read, with no Proxy in the way.
//
// Calling: instances are functions (see callable.ts); `model(x)` runs
// `__call__`: forward pre-hooks, forward, forward hooks.
import {
  Device,
  Tensor,
  forwardArgs,
  device as toDevice,
  dtypeOf,
  no_grad,
  noteModuleCall,
  type DType,
  type DeviceLike,
  TorchError,
  TorchTypeError,
} from "@xlatorch/core";
import { parseArgs, type Args } from "./args.js";
import { callableInstance, callablePrototype } from "./callable.js";
import { RemovableHandle } from "./hooks.js";
import { Parameter } from "./parameter.js";
import { addIndent, sizeRepr } from "./repr.js";
import { setData } from "./set_data.js";
import { zeroGrad } from "./zero_grad.js";

// (method syntax: bivariant in the module, so a hook on a Linear is stored among the Module's hooks)
type ForwardPreHook<M> = { hook(module: M, input: unknown[]): unknown }["hook"];
type ForwardHook<M extends Module> = { hook(module: M, input: unknown[], output: ReturnType<M["forward"]>): unknown }["hook"];
export type StateDict = Record<string, Tensor>;

/** What load_state_dict returns (PyTorch's _IncompatibleKeys). */
export interface IncompatibleKeys {
  missing_keys: string[];
  unexpected_keys: string[];
}

/** The call signature of every module is that of its `forward`. */
export interface Module {
  (...args: Parameters<this["forward"]>): ReturnType<this["forward"]>;
}

const isModule = (v: unknown): v is Module => v instanceof Module;
/** A module's own attributes by name (parameters, buffers and submodules are plain properties). */
const attrs = (m: Module) => m as unknown as Record<string, unknown>;
const isParameter = (v: unknown): v is Parameter => v instanceof Parameter;
const hidden = (o: object, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, writable: true, enumerable: false, configurable: true });

export class Module {
  declare training: boolean;
  /** Buffer names in registration order, each with its `persistent` flag. */
  declare _buffer_persistent: Map<string, boolean>;
  declare _forward_pre_hooks: Map<number, ForwardPreHook<Module>>;
  declare _forward_hooks: Map<number, ForwardHook<Module>>;

  constructor() {
    const self = callableInstance<Module>(new.target.prototype);
    self.training = true;
    hidden(self, "_buffer_persistent", new Map());
    hidden(self, "_forward_pre_hooks", new Map());
    hidden(self, "_forward_hooks", new Map());
    return self;
  }

  /**
   * Subclasses declare their own parameters and result. Module's own is PyTorch's `forward: Callable[..., Any]`:
   * every subclass must be a Module (its forward fits), and a plain Module is callable (m(x) in a training loop).
   */
  // biome-ignore lint/suspicious/noExplicitAny: no other type both accepts every subclass's forward and lets a plain Module be called with a Tensor and its result used as one (tests/serialization.test.ts, keyword_form.test.ts)
  forward(..._args: any[]): any {
    throw new TorchError(`Module [${this._get_name()}] is missing the required "forward" function`);
  }

  /** What `module(...args)` runs (PyTorch's _call_impl). A pre-hook may return new args (an array) or one new arg. */
  __call__(...given: unknown[]): unknown {
    // a built-in module's call takes the keyword form by PyTorch's forward signature (model({ input: x }))
    const args = forwardArgs(this.forward, given) as unknown[];
    // inside torch.compile's capture: the module's state becomes a guard of the replay (a closure-reached model)
    noteModuleCall(this);
    if (this._forward_pre_hooks.size === 0 && this._forward_hooks.size === 0) return this.forward(...args);
    let input = args;
    for (const hook of [...this._forward_pre_hooks.values()]) {
      const r = hook(this, input);
      if (r !== undefined && r !== null) input = Array.isArray(r) ? r : [r];
    }
    let result = this.forward(...input);
    for (const hook of [...this._forward_hooks.values()]) {
      const r = hook(this, input, result);
      if (r !== undefined && r !== null) result = r;
    }
    return result;
  }

  register_forward_pre_hook(hook: ForwardPreHook<this>): RemovableHandle {
    const h = new RemovableHandle(this._forward_pre_hooks);
    this._forward_pre_hooks.set(h.id, hook);
    return h;
  }
  register_forward_hook(hook: ForwardHook<this>): RemovableHandle {
    const h = new RemovableHandle(this._forward_hooks);
    this._forward_hooks.set(h.id, hook);
    return h;
  }

  // ---- registration ---------------------------------------------------------------
  /** PyTorch's name checks: no dots, not empty, not an existing attribute of another kind. */
  private _checkName(kind: string, name: string, sameKind: (v: unknown) => boolean): void {
    if (typeof name !== "string") throw new TorchTypeError(`${kind} name should be a string. Got ${typeof name}`);
    if (name.includes(".")) throw new TorchError(`${kind} name can't contain ".", got: ${name}`);
    if (name === "") throw new TorchError(`${kind} name can't be empty string ""`);
    const own = Object.prototype.hasOwnProperty.call(this, name);
    const v = attrs(this)[name];
    if ((!own && name in this) || (own && v !== undefined && v !== null && !sameKind(v))) {
      throw new TorchError(`attribute '${name}' already exists`);
    }
  }

  register_parameter(name: string, param: Parameter | null): void {
    this._checkName("parameter", name, isParameter);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TorchTypeError(`cannot assign '${describe(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    if (param && param.grad_fn) {
      throw new TorchError(
        `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
      );
    }
    attrs(this)[name] = param;
  }

  register_buffer(name: string, tensor: Tensor | null, ...args: Args<[persistent: boolean], { persistent?: boolean }>): void {
    const { persistent } = parseArgs("register_buffer", args, ["persistent"], { persistent: true });
    if (!this._buffer_persistent.has(name)) this._checkName("buffer", name, () => false);
    if (tensor !== null && !(tensor instanceof Tensor))
      throw new TorchTypeError(`cannot assign '${describe(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    this._buffer_persistent.set(name, persistent);
    attrs(this)[name] = tensor;
  }

  add_module(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) throw new TorchTypeError(`${describe(module)} is not a Module subclass`);
    this._checkName("module", name, isModule);
    attrs(this)[name] = module;
  }
  register_module(name: string, module: Module | null): void {
    this.add_module(name, module);
  }

  /** Own members whose value passes `pred`, in property order. */
  private _own<T>(pred: (v: unknown) => v is T): [string, T][] {
    const out: [string, T][] = [];
    for (const k of Object.keys(this)) {
      const v = attrs(this)[k];
      if (pred(v)) out.push([k, v]);
    }
    return out;
  }
  /** This module's own buffers (not its children's), with their persistence. */
  private _ownBuffers(): [string, Tensor, boolean][] {
    const out: [string, Tensor, boolean][] = [];
    for (const [k, persistent] of this._buffer_persistent) {
      const v = attrs(this)[k];
      if (v instanceof Tensor) out.push([k, v, persistent]);
    }
    return out;
  }

  /** PyTorch's `_parameters`, `_buffers` and `_modules` dicts, as fresh objects. */
  get _parameters(): Record<string, Parameter> {
    return Object.fromEntries(this._own(isParameter));
  }
  get _buffers(): Record<string, Tensor> {
    return Object.fromEntries(this._ownBuffers().map(([k, v]) => [k, v]));
  }
  get _modules(): Record<string, Module> {
    return Object.fromEntries(this._own(isModule));
  }

  // ---- traversal --------------------------------------------------------------------
  named_modules(
    ...args: Args<
      [memo: Set<Module> | null, prefix: string, remove_duplicate: boolean],
      { memo?: Set<Module> | null; prefix?: string; remove_duplicate?: boolean }
    >
  ): [string, Module][] {
    const o = parseArgs("named_modules", args, ["memo", "prefix", "remove_duplicate"], { prefix: "", remove_duplicate: true });
    const out: [string, Module][] = [];
    const walk = (m: Module, prefix: string, memo: Set<Module>) => {
      if (memo.has(m)) return;
      if (o.remove_duplicate) memo.add(m);
      out.push([prefix, m]);
      for (const [name, child] of m._own(isModule)) walk(child, prefix + (prefix ? "." : "") + name, memo);
    };
    walk(this, o.prefix, o.memo ?? new Set());
    return out;
  }
  modules(): Module[] {
    return this.named_modules().map(([, m]) => m);
  }

  named_children(): [string, Module][] {
    const memo = new Set<Module>();
    return this._own(isModule).filter(([, m]) => !memo.has(m) && memo.add(m));
  }
  children(): Module[] {
    return this.named_children().map(([, m]) => m);
  }

  /** PyTorch's _named_members: members of each (sub)module, each object once when remove_duplicate. */
  private _named_members<T>(
    members: (m: Module) => [string, T][],
    prefix: string,
    recurse: boolean,
    remove_duplicate: boolean,
  ): [string, T][] {
    const memo = new Set<T>();
    const mods: [string, Module][] = recurse ? this.named_modules({ prefix, remove_duplicate }) : [[prefix, this]];
    const out: [string, T][] = [];
    for (const [mp, m] of mods) {
      for (const [k, v] of members(m)) {
        if (memo.has(v)) continue;
        if (remove_duplicate) memo.add(v);
        out.push([mp + (mp ? "." : "") + k, v]);
      }
    }
    return out;
  }

  named_parameters(
    ...args: Args<
      [prefix: string, recurse: boolean, remove_duplicate: boolean],
      { prefix?: string; recurse?: boolean; remove_duplicate?: boolean }
    >
  ): [string, Parameter][] {
    const o = parseArgs("named_parameters", args, ["prefix", "recurse", "remove_duplicate"], {
      prefix: "",
      recurse: true,
      remove_duplicate: true,
    });
    return this._named_members((m) => m._own(isParameter), o.prefix, o.recurse, o.remove_duplicate);
  }
  parameters(...args: Args<[recurse: boolean], { recurse?: boolean }>): Parameter[] {
    const { recurse } = parseArgs("parameters", args, ["recurse"], { recurse: true });
    return this.named_parameters({ recurse }).map(([, p]) => p);
  }
  named_buffers(
    ...args: Args<
      [prefix: string, recurse: boolean, remove_duplicate: boolean],
      { prefix?: string; recurse?: boolean; remove_duplicate?: boolean }
    >
  ): [string, Tensor][] {
    const o = parseArgs("named_buffers", args, ["prefix", "recurse", "remove_duplicate"], {
      prefix: "",
      recurse: true,
      remove_duplicate: true,
    });
    return this._named_members((m) => m._ownBuffers().map(([k, v]) => [k, v]), o.prefix, o.recurse, o.remove_duplicate);
  }
  buffers(...args: Args<[recurse: boolean], { recurse?: boolean }>): Tensor[] {
    const { recurse } = parseArgs("buffers", args, ["recurse"], { recurse: true });
    return this.named_buffers({ recurse }).map(([, b]) => b);
  }

  get_submodule(target: string): Module {
    if (target === "") return this;
    let m: Module = this;
    for (const item of target.split(".")) {
      const next = Object.prototype.hasOwnProperty.call(m, item) ? attrs(m)[item] : undefined;
      if (next === undefined) throw new TorchError(`${m._get_name()} has no attribute \`${item}\``);
      if (!(next instanceof Module)) throw new TorchError(`\`${item}\` is not an nn.Module`);
      m = next;
    }
    return m;
  }

  /** Calls fn on every submodule (children first) and then on this module. */
  apply(...args: [fn: (module: Module) => void] | [{ fn: (module: Module) => void }]): this {
    const { fn } = parseArgs("apply", args, ["fn"]) as { fn: (module: Module) => void };
    if (fn === undefined) throw new TorchTypeError(`apply() missing 1 required positional argument: 'fn'`);
    if (typeof fn !== "function") throw new TorchTypeError(`apply(): '${typeof fn}' object is not callable`);
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes and gradients ------------------------------------------------------------
  train(...args: Args<[mode: boolean], { mode?: boolean }>): this {
    const { mode } = parseArgs("train", args, ["mode"], { mode: true });
    if (typeof mode !== "boolean") throw new TorchTypeError("training mode is expected to be boolean");
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  requires_grad_(requires_grad = true): this {
    for (const p of this.parameters()) p.requires_grad_(requires_grad);
    return this;
  }

  /** PyTorch 1.13: set_to_none defaults to false (grads are zeroed in place). */
  zero_grad(...args: Args<[set_to_none: boolean], { set_to_none?: boolean }>): void {
    const { set_to_none } = parseArgs("zero_grad", args, ["set_to_none"], { set_to_none: false });
    for (const p of this.parameters()) zeroGrad(p, set_to_none);
  }

  // ---- conversions --------------------------------------------------------------------
  /**
   * Applies fn to every parameter, gradient and buffer. Parameters and
   * gradients keep their identity (their data is replaced, see set_data.ts),
   * so optimizers built earlier still hold them; buffers are replaced.
   */
  _apply(fn: (t: Tensor) => Tensor): this {
    for (const m of this.children()) m._apply(fn);
    for (const [, p] of this._own(isParameter)) {
      const applied = no_grad(() => fn(p));
      if (applied !== p) setData(p, applied);
      const g = p.grad;
      if (g) {
        const ga = no_grad(() => fn(g));
        if (ga !== g) setData(g, ga);
      }
    }
    for (const [name, b] of this._ownBuffers()) attrs(this)[name] = fn(b);
    return this;
  }

  /** to(device), to(dtype), to(device, dtype), to(tensor), or to({ device, dtype, non_blocking }). Only floating-point tensors change dtype. */
  to(...args: unknown[]): this {
    const { device, dtype } = parseToArgs(args);
    if (dtype && !dtype.is_floating_point) {
      throw new TorchTypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${dtype}`);
    }
    return this._apply((t) => t.to({ device, dtype: t.is_floating_point() ? dtype : undefined }));
  }
  cpu(): this {
    return this.to("cpu");
  }
  type(dst_type: DType | string): this {
    return this._apply((t) => t.type(dst_type));
  }
  float(): this {
    return this._apply((t) => (t.is_floating_point() ? t.float() : t));
  }
  double(): this {
    return this._apply((t) => (t.is_floating_point() ? t.double() : t));
  }
  half(): this {
    return this._apply((t) => (t.is_floating_point() ? t.half() : t));
  }
  bfloat16(): this {
    return this._apply((t) => (t.is_floating_point() ? t.bfloat16() : t));
  }

  // ---- state dict ---------------------------------------------------------------------
  /**
   * Parameters and persistent buffers by dotted name ("0.weight", "fc1.bias"),
   * detached unless keep_vars. Keywords only: PyTorch deprecates positional
   * use, and a positional destination object would read as keywords.
   */
  state_dict(...args: Args<[], { destination?: StateDict; prefix?: string; keep_vars?: boolean }>): StateDict {
    const o = parseArgs("state_dict", args, ["destination", "prefix", "keep_vars"], { prefix: "", keep_vars: false }) as {
      destination?: StateDict;
      prefix: string;
      keep_vars: boolean;
    };
    const dest: StateDict = o.destination ?? {};
    const prefix: string = o.prefix,
      keep: boolean = o.keep_vars;
    for (const [k, p] of this._own(isParameter)) dest[prefix + k] = keep ? p : p.detach();
    for (const [k, b, persistent] of this._ownBuffers()) if (persistent) dest[prefix + k] = keep ? b : b.detach();
    for (const [name, m] of this._own(isModule)) m.state_dict({ destination: dest, prefix: prefix + name + ".", keep_vars: keep });
    return dest;
  }

  /** Copies values in place (under no_grad); with strict, missing/unexpected keys are errors. */
  load_state_dict(state_dict: StateDict, ...args: Args<[strict: boolean], { strict?: boolean }>): IncompatibleKeys {
    const { strict } = parseArgs("load_state_dict", args, ["strict"], { strict: true });
    const missing: string[] = [],
      unexpected: string[] = [],
      errors: string[] = [];
    const load = (m: Module, local: StateDict, prefix: string) => {
      // Like PyTorch, each module collects missing/unexpected keys (strict=true here); only the final error depends on `strict`.
      m._load_from_state_dict(local, prefix, true, missing, unexpected, errors);
      for (const [name, child] of m._own(isModule)) {
        const cp = prefix + name + ".";
        load(child, Object.fromEntries(Object.entries(local).filter(([k]) => k.startsWith(cp))), cp);
      }
    };
    load(this, state_dict, "");
    if (strict) {
      if (unexpected.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(", ")}. `);
      if (missing.length) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(", ")}. `);
    }
    if (errors.length) throw new TorchError(`Error(s) in loading state_dict for ${this._get_name()}:\n\t${errors.join("\n\t")}`);
    return { missing_keys: missing, unexpected_keys: unexpected };
  }

  /** One module's part of load_state_dict (no recursion), as PyTorch's. */
  _load_from_state_dict(
    state_dict: StateDict,
    prefix: string,
    strict: boolean,
    missing: string[],
    unexpected: string[],
    errors: string[],
  ): void {
    const local = new Map<string, Tensor>([
      ...this._own(isParameter),
      ...this._ownBuffers()
        .filter(([, , persistent]) => persistent)
        .map(([k, v]) => [k, v] as [string, Tensor]),
    ]);
    for (const [name, param] of local) {
      const key = prefix + name;
      if (!(key in state_dict)) {
        if (strict) missing.push(key);
        continue;
      }
      let input = state_dict[key];
      if (!(input instanceof Tensor)) {
        errors.push(
          `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${describe(input)}`,
        );
        continue;
      }
      // Backward compatibility kept by PyTorch: a 1-element 1-D value loads into a 0-dim parameter.
      if (param.ndim === 0 && input.ndim === 1) input = input.getitem(0);
      if (input.shape.join() !== param.shape.join() || input.ndim !== param.ndim) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape ${sizeRepr(input.shape)} from checkpoint, the shape in current model is ${sizeRepr(param.shape)}.`,
        );
        continue;
      }
      const value = input;
      try {
        no_grad(() => param.copy_(value));
      } catch (e) {
        errors.push(
          `While copying the parameter named "${key}", whose dimensions in the model are ${sizeRepr(param.shape)} and whose dimensions in the checkpoint are ${sizeRepr(value.shape)}, an exception occurred : ${(e as Error).message}.`,
        );
      }
    }
    if (strict) {
      const children = new Set(this._own(isModule).map(([k]) => k));
      for (const key of Object.keys(state_dict)) {
        if (!key.startsWith(prefix)) continue;
        const inputName = key.slice(prefix.length).split(".")[0]!;
        if (!children.has(inputName) && !local.has(inputName)) unexpected.push(key);
      }
    }
  }

  // ---- printing -----------------------------------------------------------------------
  _get_name(): string {
    return this.constructor.name;
  }
  /** The one-line description inside the parentheses, e.g. "in_features=3, out_features=2, bias=True". */
  extra_repr(): string {
    return "";
  }

  /** PyTorch's Module.__repr__. */
  toString(): string {
    const extra = this.extra_repr();
    const extraLines = extra ? extra.split("\n") : [];
    const childLines = this._own(isModule).map(([k, m]) => `(${k}): ${addIndent(m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let s = this._get_name() + "(";
    if (lines.length) {
      s += extraLines.length === 1 && !childLines.length ? extraLines[0] : `\n  ${lines.join("\n  ")}\n`;
    }
    return s + ")";
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
callablePrototype(Module.prototype, { name: (self) => (self as Module)._get_name() });

function describe(v: unknown): string {
  if (v === null) return "NoneType";
  if (typeof v === "object" || typeof v === "function") return (v as object).constructor?.name ?? typeof v;
  return typeof v;
}

const DEVICE_RE = /^(cpu|xla)(:\d+)?$/;
/** Module.to's arguments: device, dtype, tensor (both), or keywords. */
function parseToArgs(args: unknown[]): { device?: Device; dtype?: DType } {
  let device: DeviceLike | undefined, dtype: DType | undefined;
  const rest: unknown[] = [];
  for (const a of args) {
    if (a instanceof Tensor) {
      device = a.device;
      dtype = a.dtype;
    } else if (a instanceof Device) device = a;
    else if (typeof a === "string") {
      if (DEVICE_RE.test(a)) device = a;
      else dtype = dtypeOf(a);
    } else if (a && typeof a === "object" && "itemsize" in a) dtype = a as DType;
    else rest.push(a);
  }
  const o = parseArgs("to", rest, ["non_blocking", "device", "dtype"], {});
  if (o.device !== undefined) device = o.device;
  if (o.dtype !== undefined) dtype = dtypeOf(o.dtype);
  return { device: device === undefined ? undefined : toDevice(device), dtype };
}
