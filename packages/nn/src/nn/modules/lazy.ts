// PyTorch's LazyModuleMixin (torch/nn/modules/lazy.py) for the Lazy* modules:
// the module holds UninitializedParameters until its first call, whose
// forward pre-hook infers the shapes from the input (initialize_parameters),
// materializes them and makes the module its cls_to_become (LazyLinear becomes
// Linear). Until then state_dict saves the uninitialized parameters as they
// are, load_state_dict gives them the loaded values' shapes, and to()/double()
// only change the dtype and device they will have.
import { no_grad, Tensor, TorchError } from "@xlatorch/core";
import type { RemovableHandle } from "../hooks.js";
import { Module, type StateDict } from "../module.js";
import { is_lazy } from "./lazy_parameter.js";

/** What a Lazy* class adds to its module: the shape inference run at the first call. */
export interface LazyModule extends Module {
  initialize_parameters(...input: unknown[]): void;
}

/** PyTorch's has_uninitialized_params (parameters and buffers). */
export function hasUninitialized(m: Module): boolean {
  return [...Object.values(m._parameters), ...Object.values(m._buffers)].some(is_lazy);
}

const own = (o: object, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, writable: true, enumerable: false, configurable: true });
const OVERRIDES = ["state_dict", "_load_from_state_dict", "_apply"] as const;
const hooks = new WeakMap<Module, RemovableHandle>();

/**
 * Makes a freshly built module lazy: registers the initializing pre-hook (first, as PyTorch's
 * LazyModuleMixin.__init__ does) and the state_dict/load/_apply behaviour of a lazy module, which lasts
 * until the first call turns the module into `clsToBecome`.
 */
export function makeLazy(m: LazyModule, clsToBecome: { prototype: Module }): void {
  own(m, "state_dict", lazyStateDict);
  own(m, "_load_from_state_dict", lazyLoad);
  own(m, "_apply", lazyApply);
  hooks.set(
    m,
    m.register_forward_pre_hook((mod, input) => {
      mod.initialize_parameters(...input);
      if (hasUninitialized(mod)) throw new TorchError(`module ${mod._get_name()} has not been fully initialized`);
      hooks.get(mod)?.remove();
      hooks.delete(mod);
      for (const k of OVERRIDES) delete (mod as unknown as Record<string, unknown>)[k];
      Object.setPrototypeOf(mod, clsToBecome.prototype);
    }),
  );
}

/** LazyModuleMixin._save_to_state_dict: an uninitialized parameter is saved as itself (there are no values to detach). */
function lazyStateDict(this: Module, o: { destination?: StateDict; prefix?: string; keep_vars?: boolean } = {}): StateDict {
  const dest: StateDict = o.destination ?? {};
  const prefix = o.prefix ?? "";
  Module.prototype.state_dict.call(this, { destination: dest, prefix, keep_vars: true });
  if (!o.keep_vars) {
    for (const [k, t] of [...Object.entries(this._parameters), ...Object.entries(this._buffers)]) {
      const key = prefix + k;
      if (key in dest && !is_lazy(t)) dest[key] = t.detach();
    }
  }
  return dest;
}

/**
 * LazyModuleMixin._lazy_load_hook: an uninitialized parameter takes the shape of the value loaded into it;
 * loading an uninitialized value into it leaves it as it is (PyTorch copies nothing: neither has values).
 */
function lazyLoad(
  this: Module,
  state_dict: StateDict,
  prefix: string,
  strict: boolean,
  missing: string[],
  unexpected: string[],
  errors: string[],
): void {
  const local: StateDict = { ...state_dict };
  const skipped = new Set<string>();
  for (const [name, p] of [...Object.entries(this._parameters), ...Object.entries(this._buffers)]) {
    const key = prefix + name;
    if (!is_lazy(p) || !(key in state_dict)) continue;
    const v = state_dict[key];
    if (is_lazy(v)) {
      delete local[key];
      skipped.add(key);
    } else if (v instanceof Tensor) no_grad(() => p.materialize(v.shape));
  }
  const before = missing.length;
  Module.prototype._load_from_state_dict.call(this, local, prefix, strict, missing, unexpected, errors);
  for (let i = missing.length - 1; i >= before; i--) if (skipped.has(missing[i]!)) missing.splice(i, 1);
}

/** Module._apply with the conversion applied to what an uninitialized parameter will be (its dtype and device). */
function lazyApply(this: Module, fn: (t: Tensor) => Tensor): Module {
  return Module.prototype._apply.call(this, (t) => (is_lazy(t) ? t._retarget(fn) : fn(t)));
}

/** What each Lazy class made by a mixin (lazy_conv.ts, lazy_norm.ts) adds to the class it stands for, besides its constructor. */
export interface LazyMethods<B> {
  /** PyTorch's cls_to_become: the class the module turns into at its first call. */
  readonly cls_to_become: B;
  has_uninitialized_params(): boolean;
  initialize_parameters(input: Tensor): void;
}

// biome-ignore lint/suspicious/noExplicitAny: TypeScript takes a class as a mixin's base only when its constructor is typed (...args: any[]) (TS2545); each Lazy class declares its own typed constructor, and its super() call is checked against its base class's
export type Constructor<T> = new (...args: any[]) => T;
