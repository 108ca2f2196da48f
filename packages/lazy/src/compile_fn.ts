// torch.compile, torch._dynamo.explain and the compiled-function cache.
//
// A compiled function keeps, per guard key (the shapes, dtypes, devices and
// requires_grad of its argument tensors, the values of its other arguments,
// the own primitive fields of class-instance arguments), the captures it has
// made (capture.ts), each with the module state it was traced on (the
// compiled module's and module arguments' training flags, tensors and
// primitive attributes: module_guard.ts). A call:
//   1. the very first call runs eagerly: lazily created state (an optimizer's
//      moments) is made then, not baked into a graph;
//   2. a call whose key has captures replays the first whose guards hold;
//   3. otherwise the call is traced and compiled (a recompile, reported with
//      its reason under XLATORCH_DEBUG_RECOMPILE=1), up to
//      torch._dynamo.config.cache_size_limit captures, after which the
//      function runs eagerly (fused lazy calls) with a warning;
//   4. a graph break (host read, sync, data-dependent shape, an op computed
//      on the host) throws with fullgraph, naming the op and the line;
//      otherwise the call goes on in pieces, and calls with that key run in
//      pieces from then on: the function runs each call (lazy mode, cpu
//      tensors on the recorder), the trace is cut only at its breaks and at
//      the end, and each piece's graph is found in the graph cache
//      (execute.ts), so nothing is lowered or compiled again;
//   5. a call whose result needs grad (a forward whose backward runs outside)
//      is captured as a forward and a backward executable (aot.ts).
// Numbers the function reads from outside its arguments and modules (a
// closure's variables) are constants of the graph (as in jax.jit; JavaScript
// cannot read a closure to guard it as dynamo does), except those the library
// declares live (optimizer hyperparameters and step counts, random draws:
// core/capture_hooks.ts): pass a number that changes as an argument.
import { Tensor, TorchError, TorchTypeError, is_grad_enabled } from "@xlatorch/core";
import { finishGrad, replayAot, type AotCaptured } from "./aot.js";
import { argTensors, captureCall, replay, type Captured, type GraphBreak } from "./capture.js";
import { metrics } from "./metrics.js";
import { isModuleLike, moduleRoots, moduleState, moduleStateChange, type ModuleState } from "./module_guard.js";

/** torch._dynamo.config. */
export const config = {
  /** Captures per compiled function before it runs eagerly. */
  cache_size_limit: 8,
};

export interface CompileOptions {
  fullgraph?: boolean;
  dynamic?: boolean | null;
  mode?: string | null;
  backend?: string | ((...a: unknown[]) => unknown);
  options?: Record<string, unknown> | null;
  disable?: boolean;
}

const MODES = new Set(["default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs"]);
const BACKENDS = new Set(["xla", "openxla", "inductor", "eager", "aot_eager"]);

/** torch._dynamo.reset(): every compiled function forgets its captures. */
let epoch = 0;
export function reset(): void {
  epoch++;
}

let objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
const idOf = (o: object): number => {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextObjectId++));
  return id;
};

/** The guard key of a call's arguments, as parts (so a recompile can name the one that changed). */
function keyParts(args: readonly unknown[]): string[] {
  const parts: string[] = [];
  const walk = (x: unknown, path: string, depth: number): void => {
    if (x instanceof Tensor)
      parts.push(`${path}: ${x.dtype.name}[${x.shape.join(", ")}] on ${x.device}${x.requires_grad ? " requiring grad" : ""}`);
    else if (depth < 8 && Array.isArray(x)) {
      parts.push(`${path}: array of ${x.length}`);
      x.forEach((e, i) => walk(e, `${path}[${i}]`, depth + 1));
    } else if (depth < 8 && typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
      parts.push(`${path}: {${Object.keys(x).join(", ")}}`);
      for (const [k, e] of Object.entries(x)) walk(e, `${path}.${k}`, depth + 1);
    } else if (typeof x === "object" || typeof x === "function") {
      if (x === null) return void parts.push(`${path}: null`);
      parts.push(`${path}: object #${idOf(x)}`);
      // an instance's own numbers, strings and booleans (a config object's fields) shape the graph as a plain
      // object's do; modules' attributes are guarded with their tensors (module_guard.ts)
      if (!isModuleLike(x))
        for (const k of Object.keys(x)) {
          const v = (x as Record<string, unknown>)[k];
          if (v === null || (typeof v !== "object" && typeof v !== "function")) parts.push(`${path}.${k}: ${typeof v} ${String(v)}`);
        }
    } else parts.push(`${path}: ${typeof x} ${String(x)}`);
  };
  args.forEach((a, i) => walk(a, `argument ${i}`, 0));
  parts.push(`grad mode ${is_grad_enabled() ? "enabled" : "disabled"}`);
  return parts;
}

/**
 * What keyParts reads of a call's arguments when each is a tensor or a primitive: per tensor its dtype, shape,
 * device and requires_grad (not its identity), per primitive its value; and the grad mode.
 */
interface KeyArgs {
  tensor: boolean[];
  dtypes: string[];
  shapes: number[][];
  devices: string[];
  grads: boolean[];
  values: unknown[];
  gradMode: boolean;
  st: KeyState;
}

/** The arguments as keyParts would key them, or null when one is an object, array or function (those always build the key). */
function keyArgs(args: readonly unknown[], st: KeyState): KeyArgs | null {
  const k: KeyArgs = { tensor: [], dtypes: [], shapes: [], devices: [], grads: [], values: [], gradMode: is_grad_enabled(), st };
  for (const a of args) {
    if (a instanceof Tensor) {
      k.tensor.push(true);
      k.dtypes.push(a.dtype.name);
      k.shapes.push(a.shape.slice());
      k.devices.push(String(a.device));
      k.grads.push(a.requires_grad);
      k.values.push(null);
    } else if (a === null || (typeof a !== "object" && typeof a !== "function")) {
      k.tensor.push(false);
      k.dtypes.push("");
      k.shapes.push([]);
      k.devices.push("");
      k.grads.push(false);
      k.values.push(a);
    } else return null;
  }
  return k;
}

/** Whether keyParts(args) is the key `k` was taken from (a primitive compared with Object.is: -0 and 0 take the slow path). */
function sameKeyArgs(k: KeyArgs, args: readonly unknown[]): boolean {
  const n = args.length;
  if (n !== k.tensor.length || k.gradMode !== is_grad_enabled()) return false;
  for (let i = 0; i < n; i++) {
    const a = args[i];
    if (!k.tensor[i]) {
      if (!Object.is(a, k.values[i])) return false;
      continue;
    }
    if (!(a instanceof Tensor) || a.dtype.name !== k.dtypes[i] || a.requires_grad !== k.grads[i]) return false;
    const s = a.shape,
      was = k.shapes[i]!;
    if (s.length !== was.length) return false;
    for (let d = 0; d < s.length; d++) if (s[d] !== was[d]) return false;
    // the device as keyParts prints it ("xla" and "xla:0" are two keys)
    const dev = a.device;
    const w = k.devices[i]!;
    if (dev.index === null ? w !== dev.type : w !== `${dev.type}:${dev.index}`) return false;
  }
  return true;
}

function describeChange(before: string[] | null, now: string[]): string {
  if (!before) return "first call with these arguments";
  for (let i = 0; i < Math.max(before.length, now.length); i++)
    if (before[i] !== now[i]) return `guard failed: ${before[i] ?? "(none)"} -> ${now[i] ?? "(none)"}`;
  return "guard failed";
}

interface KeyState {
  captures: (Captured | AotCaptured)[];
  /** The module state (module_guard.ts) each capture was traced with (null: no module roots). */
  states: (ModuleState | null)[];
  /** Why calls with this key run eagerly, or null. */
  eager: string | null;
  /** The graph break that makes calls with this key run in pieces, or null. */
  split: string | null;
}

class CompiledFunction {
  private keys = new Map<string, KeyState>();
  private epoch = epoch;
  private calls = 0;
  private captures = 0;
  private lastKey: string[] | null = null;
  /** What the last key built saw of the arguments, and its key state (null: arguments sameKeyArgs does not compare). */
  private last: KeyArgs | null = null;
  /** Where its first call's results were (noteDevice), or null. */
  private device: "xla" | "cpu" | null = null;
  private warnedLimit = false;
  /** The reasons of this function's recompiles, oldest first. */
  readonly recompileReasons: string[] = [];

  constructor(
    private readonly fn: (...a: unknown[]) => unknown,
    private readonly opts: CompileOptions,
    private readonly name: string,
    /** What torch.compile was given: a module's state is guarded (module_guard.ts). */
    private readonly target: unknown,
  ) {}

  call(args: unknown[]): unknown {
    if (this.opts.disable || this.opts.backend === "eager" || this.opts.backend === "aot_eager") return this.fn(...args);
    if (this.epoch !== epoch) {
      this.keys.clear();
      this.epoch = epoch;
      this.captures = 0;
      this.last = null;
    }
    // a call with the arguments the last call's key saw (a training loop's every step) finds its key state without
    // building the key's strings; otherwise the key is built and looked up
    let parts: string[] | null = null;
    let st = this.last !== null && sameKeyArgs(this.last, args) ? this.last.st : undefined;
    if (!st) {
      parts = keyParts(args);
      const key = parts.join("\n");
      st = this.keys.get(key);
      if (!st) this.keys.set(key, (st = { captures: [], states: [], eager: null, split: null }));
      this.last = keyArgs(args, st);
    }
    if (st.eager !== null && st.captures.length === 0) return this.eager(args);
    if (st.split !== null) return this.split(args);
    const tensors = argTensors(args);
    let why: string | null = null;
    for (let i = 0; i < st.captures.length; i++) {
      const c = st.captures[i]!;
      // a capture replays only on the module state it was traced with
      const ms = st.states[i];
      const changed = ms ? moduleStateChange(ms) : null;
      if (changed) {
        metrics.compiledGuardFailures++;
        why = changed;
        continue;
      }
      const r = "forward" in c ? replayAot(c, tensors) : replay(c, tensors);
      if (r.ok) return r.result;
      metrics.compiledGuardFailures++;
      why = r.reason;
    }
    // past the cache size limit, what no capture matches runs eagerly
    if (st.eager !== null) return this.eager(args);
    if (this.calls++ === 0) {
      this.lastKey = parts ??= keyParts(args);
      const r = this.eager(args);
      this.noteDevice(r);
      return r;
    }
    if (this.captures >= config.cache_size_limit) {
      if (!this.warnedLimit && !process.env.XLATORCH_QUIET) {
        this.warnedLimit = true;
        console.warn(
          `[xlatorch] torch.compile: ${this.name} hit config.cache_size_limit (${config.cache_size_limit}) captures; it runs eagerly from now on (last reason: ${why ?? describeChange(this.lastKey, (parts ??= keyParts(args)))})`,
        );
      }
      st.eager = "cache_size_limit reached";
      return this.eager(args);
    }
    if (this.captures > 0) {
      const reason = why ?? describeChange(this.lastKey, (parts ??= keyParts(args)));
      this.recompileReasons.push(reason);
      if (process.env.XLATORCH_DEBUG_RECOMPILE) console.warn(`[xlatorch] torch.compile: recompiling ${this.name}: ${reason}`);
    }
    this.lastKey = parts ??= keyParts(args);
    this.captures++;
    metrics.compiledCaptures++;
    // the module state before the traced call (module_guard.ts)
    const roots = moduleRoots(this.target, args);
    const state = roots.length ? moduleState(roots) : null;
    const c = captureCall(this.fn, args, { fullgraph: !!this.opts.fullgraph, finishGrad, device: this.device });
    if (c.entry || c.custom) {
      st.captures.push(c.entry ?? (c.custom as AotCaptured));
      st.states.push(state);
    } else if (c.breaks.length) {
      st.split = c.eagerReason;
      metrics.compiledSplitCalls++;
      if (process.env.XLATORCH_DEBUG_RECOMPILE) console.warn(`[xlatorch] torch.compile: ${this.name} runs in pieces: ${c.eagerReason}`);
    } else {
      st.eager = c.eagerReason;
      if (process.env.XLATORCH_DEBUG_RECOMPILE) console.warn(`[xlatorch] torch.compile: ${this.name} runs eagerly: ${c.eagerReason}`);
    }
    return c.result;
  }

  /**
   * The device of the first (eager) call's result tensors: where a call with no tensor argument, which reads its
   * tensors from a closure, is traced (a cpu step then compiles on the CPU runtime instead of running eagerly).
   */
  private noteDevice(result: unknown): void {
    const ts = argTensors([result]);
    this.device = ts.some((t) => t.device.type === "xla") ? "xla" : ts.some((t) => t.device.type === "cpu") ? "cpu" : null;
  }

  /** A call of a function that breaks: traced in pieces, each found in the graph cache after the first time. */
  private split(args: unknown[]): unknown {
    metrics.compiledSplitCalls++;
    return captureCall(this.fn, args, { fullgraph: false, split: true, device: this.device }).result;
  }

  private eager(args: unknown[]): unknown {
    metrics.compiledEagerCalls++;
    return this.fn(...args);
  }
}

function checkOptions(opts: unknown): CompileOptions {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== "object") throw new TorchTypeError(`compile(): options must be an object, got ${typeof opts}`);
  const o = opts as CompileOptions;
  for (const k of Object.keys(o))
    if (!["fullgraph", "dynamic", "mode", "backend", "options", "disable"].includes(k))
      throw new TorchTypeError(`compile() got an unexpected keyword argument '${k}'`);
  if (o.mode != null && !MODES.has(o.mode)) throw new TorchError(`Unrecognized mode=${o.mode}, should be one of: ${[...MODES].join(", ")}`);
  if (typeof o.backend === "string" && !BACKENDS.has(o.backend))
    throw new TorchError(
      `compile(): backend '${o.backend}' is not available (xla, openxla, inductor and aot_eager compile through XLA; eager does not compile)`,
    );
  return o;
}

/** What torch.compile returns for a module: the module itself in behaviour, its calls compiled. */
export type OptimizedModule<M> = M & { _orig_mod: M };

/**
 * torch.compile(fn | module, {fullgraph, dynamic, mode, backend, options, disable}).
 * Also usable as torch.compile({...options}) returning a decorator-like wrapper.
 */
export function compile<F extends (...a: never[]) => unknown>(model: F, options?: CompileOptions): F;
export function compile(options: CompileOptions): <F extends (...a: never[]) => unknown>(model: F) => F;
export function compile(model: unknown, options?: unknown): unknown {
  if (typeof model !== "function") {
    if (options === undefined && (model === undefined || (typeof model === "object" && model !== null))) {
      const o = checkOptions(model);
      return (m: (...a: never[]) => unknown) => compile(m, o);
    }
    throw new TorchTypeError(`compile(): model must be a function or a Module, got ${model === null ? "None" : typeof model}`);
  }
  const opts = checkOptions(options);
  const target = model as (...a: unknown[]) => unknown;
  const isModule = typeof (target as { forward?: unknown }).forward === "function";
  const name = isModule ? `${target.constructor?.name ?? "module"}.forward` : target.name || "<anonymous>";
  const compiled = new CompiledFunction((...a) => target(...a), opts, name, target);
  if (!isModule) {
    const f = (...args: unknown[]) => compiled.call(args);
    Object.defineProperty(f, "_torchdynamo_orig_callable", { value: target });
    Object.defineProperty(f, "recompile_reasons", { get: () => compiled.recompileReasons });
    return f;
  }
  // a module: the same object in every respect but the call
  return new Proxy(target, {
    apply: (_t, _this, args: unknown[]) => compiled.call(args),
    get: (t, k, r) => (k === "_orig_mod" ? t : k === "recompile_reasons" ? compiled.recompileReasons : Reflect.get(t, k, r)),
  });
}

export interface ExplainOutput {
  graph_count: number;
  graph_break_count: number;
  break_reasons: { reason: string; user_stack: string | null }[];
  op_count: number;
}

/** torch._dynamo.explain(fn)(...args): runs fn once under a capture that notes every graph break. */
export function explain(fn: (...a: never[]) => unknown): (...args: unknown[]) => ExplainOutput {
  if (typeof fn !== "function") throw new TorchTypeError("explain(): expected a function or a Module");
  return (...args: unknown[]) => {
    const before = metrics.opsRecorded;
    const c = captureCall(fn as (...a: unknown[]) => unknown, args, { fullgraph: false, explain: true });
    return {
      graph_count: c.breaks.length + 1,
      graph_break_count: c.breaks.length,
      break_reasons: c.breaks.map((b: GraphBreak) => ({ reason: b.reason, user_stack: b.where })),
      op_count: metrics.opsRecorded - before,
    };
  };
}
