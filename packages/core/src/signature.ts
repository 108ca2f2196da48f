// The one argument parser. Every public callable has its PyTorch signature(s)
// in signatures.json (generated from PyTorch 1.13 by
// tests/fixtures/gen_signatures.py: aten schemas where the callable is an
// aten op, Python's signature otherwise). A call in the keyword form (a
// trailing options object) is rewritten into the canonical form the
// implementation takes: every parameter named in the options object that
// continues the positional run becomes positional, keyword-only parameters
// (and any after a gap) stay in the options object. Unknown, duplicated and
// missing arguments throw PyTorch's TypeError text at the call; overloads
// resolve by trying each in PyTorch's order. Calls without an options object
// pass through untouched.
import { TorchTypeError } from "./errors.js";
import { memory_format } from "./memory_format.js";
import { describe, isComplexScalar, isKwargs } from "./ops/args.js";
import { checkOutAutograd, type OutKind, outTensors, writeOut } from "./out_arg.js";
import { Tensor } from "./tensor.js";
import { userForwardArgs } from "./user_forward.js";
import data from "./signatures.json";

/** [name, type, has_default, keyword_only] as PyTorch declares them. */
export type Param = [name: string, type: string, hasDefault: boolean, kwOnly: boolean];
export interface Overload {
  params: Param[];
  varargs: boolean;
  /** a C function that takes no keywords at all (torch.set_num_threads) */
  positional_only?: boolean;
  /** the overload takes PyTorch's keyword-only `out=` (out_arg.ts): one tensor, or a tuple of them */
  out?: OutKind;
}
export type SignatureGroup =
  | "torch"
  | "tensor"
  | "functional"
  | "modules"
  | "optim"
  | "lr_scheduler"
  | "nn_utils"
  | "init"
  | "linalg"
  | "fft"
  | "special"
  /** nn modules' forward methods, by class name (the call `module(...)` binds by them) */
  | "forwards";

const DATA = data as unknown as {
  table: Record<SignatureGroup, Record<string, Overload[]>>;
  cpp: Partial<Record<SignatureGroup, string[]>>;
};
const TABLE = DATA.table;
/** nn.functional's functions PyTorch implements in C++ (conv2d, avg_pool2d, ...): its C++ parser words their TypeErrors. */
const CPP = new Set(Object.entries(DATA.cpp).flatMap(([g, ns]) => ns!.map((n) => `${g}.${n}`)));
export const signaturesOf = (group: SignatureGroup, name: string): readonly Overload[] | undefined => TABLE[group]?.[name];

type Bound = { args: unknown[] } | { error: string; score: number };

/** Parameters that take a Python dict (ModuleDict's modules, Optimizer's defaults, ParameterDict's parameters). */
const DICT_PARAMS = new Set(["modules", "defaults", "parameters"]);

/**
 * Canonical arguments of a keyword-form call (`args` ends with an options object), or a TypeError.
 * `python`: the callable is written in Python (nn, optim), whose TypeErrors Python words;
 * `self`: 1 for a class's __init__, whose positional arguments Python counts with self.
 */
export function canonicalArgs(op: string, overloads: readonly Overload[], args: readonly unknown[], python = false, self = 0): unknown[] {
  // A plain object that names no parameter, in a slot that takes a dict (ModuleDict's dict of modules), is a value, not options.
  const kw = args[args.length - 1] as Record<string, unknown>;
  const slot = args.length - 1;
  if (
    !Object.keys(kw).some((k) => overloads.some((o) => o.params.some((p) => p[0] === k))) &&
    overloads.some((o) => DICT_PARAMS.has(o.params.filter((p) => !p[3])[slot]?.[0] ?? ""))
  )
    return [...args];
  let best: { error: string; score: number } | null = null;
  for (const o of overloads) {
    const r = bind(op, o, args, python, self);
    if ("args" in r) return r.args;
    if (!best || r.score > best.score) best = r;
  }
  throw new TorchTypeError(best?.error ?? `${op}(): no signature accepts these arguments`);
}

function bind(op: string, o: Overload, args: readonly unknown[], python: boolean, self: number): Bound {
  if (o.varargs) return { args: [...args] };
  const kw = args[args.length - 1] as Record<string, unknown>;
  const pos = args.slice(0, -1);
  const params = o.params;
  const positional = params.filter((p) => !p[3]);
  // PyTorch's C++ parser counts positional arguments first; Python binds the keywords first
  if (!python && pos.length > positional.length) return { error: tooMany(op, positional, pos.length, false), score: 0 };
  const bound: unknown[] = pos.slice();
  const rest: Record<string, unknown> = {};
  let score = 1;
  let kwOnlyGiven = 0;
  for (const k of Object.keys(kw)) {
    const v = kw[k];
    if (v === undefined) continue; // an absent argument, as in parseArgs
    const i = positional.findIndex((p) => p[0] === k);
    if (i >= 0) {
      if (i < pos.length && pos[i] !== undefined) return { error: `${op}() got multiple values for argument '${k}'`, score };
      bound[i] = v;
    } else if (params.some((p) => p[0] === k)) {
      rest[k] = v;
      kwOnlyGiven++;
    } else {
      return { error: `${op}() got an unexpected keyword argument '${k}'`, score };
    }
    score++;
  }
  if (python && pos.length > positional.length) return { error: tooMany(op, positional, pos.length, true, self, kwOnlyGiven), score: 0 };
  const missing = missingError(
    op,
    positional.filter((p, i) => !p[2] && bound[i] === undefined),
    python,
  );
  if (missing) return { error: missing, score };
  for (let i = 0; i < bound.length; i++) {
    // a Python-written function passes its arguments on positionally (to the aten op that checks them): the position is named
    const bad = kindError(op, positional[i]!, bound[i], i < pos.length || python ? i + 1 : null);
    if (bad) return { error: bad, score };
  }
  // keyword-only arguments are of their kinds too (PyTorch names no position for them)
  for (const k in rest) {
    const bad = kindError(op, params.find((p) => p[0] === k)!, rest[k], null);
    if (bad) return { error: bad, score };
  }
  // the positional run ends at the first gap; what was named after it stays named
  let n = 0;
  while (n < bound.length && bound[n] !== undefined) n++;
  for (let i = n; i < bound.length; i++) if (bound[i] !== undefined) rest[positional[i]![0]] = bound[i];
  const out = bound.slice(0, n);
  if (Object.keys(rest).length) out.push(rest);
  return { args: out };
}

/** Python's list of missing names: 'a', 'a' and 'b', 'a', 'b', and 'c'. */
const pyList = (xs: string[]) => (xs.length < 3 ? xs.join(" and ") : `${xs.slice(0, -1).join(", ")}, and ${xs[xs.length - 1]}`);

/**
 * The TypeError for `given` positional arguments to parameters that take fewer. Python's wording (CPython's
 * too_many_positional: "takes from M to N" where some have defaults, counting a method's self, and the
 * keyword-only arguments given) or PyTorch's C++ parser's (extra_args: "takes from M to N" where some are optional).
 */
function tooMany(op: string, positional: readonly Param[], given: number, python: boolean, self = 0, kwOnlyGiven = 0): string {
  const n = positional.length + self;
  const required = positional.filter((p) => !p[2]).length + self;
  const sig = required < n ? `from ${required} to ${n}` : `${n}`;
  const plural = required < n || n !== 1 ? "s" : "";
  const g = given + self;
  if (!python) return `${op}() takes ${sig} positional argument${plural} but ${g} ${g === 1 ? "was" : "were"} given`;
  const kwOnly = kwOnlyGiven
    ? ` positional argument${g === 1 ? "" : "s"} (and ${kwOnlyGiven} keyword-only argument${kwOnlyGiven === 1 ? "" : "s"})`
    : "";
  return `${op}() takes ${sig} positional argument${plural} but ${g}${kwOnly} ${g === 1 && !kwOnlyGiven ? "was" : "were"} given`;
}

/**
 * The TypeError for missing required parameters, or null. Python: "missing 2 required positional arguments: 'a' and 'b'";
 * PyTorch's C++ parser: "missing 2 required positional argument: "a", "b"" (its plural is the other way round).
 */
function missingError(op: string, missing: readonly Param[], python: boolean): string | null {
  const n = missing.length;
  if (!n) return null;
  if (python) return `${op}() missing ${n} required positional argument${n === 1 ? "" : "s"}: ${pyList(missing.map((p) => `'${p[0]}'`))}`;
  return `${op}() missing ${n} required positional argument${n === 1 ? "s" : ""}: ${missing.map((p) => `"${p[0]}"`).join(", ")}`;
}

const isInt = (v: unknown) => (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint" || typeof v === "boolean";
const isNumber = (v: unknown) => typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";
/** PyTorch's Number (an aten Scalar) also takes a Python complex; its float does not. */
const isScalarArg = (v: unknown) => isNumber(v) || isComplexScalar(v);
/** Checks the argument kinds that tell overloads apart, with PyTorch's wording. */
function kindError(op: string, p: Param, v: unknown, position: number | null): string | null {
  if (v === undefined || checkOf(p)(v)) return null;
  const type = kindOf(p);
  return mismatch(op, p[0], v !== null && type.startsWith("Optional[") ? type.slice(9, -1) : type, v, position);
}

/** Whether a present argument (not undefined) is of a parameter's kind: compiled once per parameter, as every positional call checks them. */
type Check = (v: unknown) => boolean;
const CHECKS = new WeakMap<Param, Check>();
const ANY: Check = () => true;
function checkOf(p: Param): Check {
  let c = CHECKS.get(p);
  if (!c) CHECKS.set(p, (c = compileCheck(p)));
  return c;
}
/**
 * A parameter's kind: the table's, except that a `memory_format` parameter is
 * a torch.memory_format (or None) wherever PyTorch has one, though its stubs
 * leave some unannotated (Tensor.contiguous) and the table then says "any".
 */
const kindOf = (p: Param): string => (p[1] === "any" && p[0] === "memory_format" ? "Optional[memory_format]" : p[1]);
function compileCheck(p: Param): Check {
  const type = kindOf(p);
  if (type === "any") return ANY;
  const optional = type.startsWith("Optional[");
  const nullOk = optional || p[2];
  const t = optional ? type.slice(9, -1) : type;
  const kind: Check =
    t === "Tensor"
      ? (v) => v instanceof Tensor
      : t === "int"
        ? (v) => isInt(v) || (v instanceof Tensor && v.numel() === 1 && !v.dtype.is_floating_point)
        : t === "float"
          ? (v) => isNumber(v) || (v instanceof Tensor && v.numel() === 1)
          : t === "number"
            ? (v) => isScalarArg(v) || (v instanceof Tensor && v.numel() === 1)
            : t === "bool"
              ? (v) => typeof v === "boolean"
              : t === "memory_format"
                ? (v) => v instanceof memory_format
                : t === "List[int]"
                  ? (v) => (Array.isArray(v) && v.every(isInt)) || isInt(v)
                  : t === "List[Tensor]"
                    ? (v) => Array.isArray(v) && v.every((x) => x instanceof Tensor || x === null) // index lists may hold None
                    : ANY;
  // Tensor and number parameters, nearly every argument of the hot ops, get checks of one level
  if (t === "Tensor") return nullOk ? (v) => v === null || v instanceof Tensor : (v) => v instanceof Tensor;
  if ((t === "float" || t === "number") && !nullOk) return (v) => typeof v === "number" || kind(v);
  return (v) => (v === null ? nullOk : kind(v));
}
const TYPE_WORDS: Record<string, string> = {
  number: "Number",
  float: "float",
  int: "int",
  bool: "bool",
  Tensor: "Tensor",
  "List[int]": "tuple of ints",
  "List[Tensor]": "tuple of Tensors",
  memory_format: "torch.memory_format",
};
function mismatch(op: string, name: string, type: string, v: unknown, position: number | null): string {
  const want = TYPE_WORDS[type] ?? type;
  return `${op}(): argument '${name}'${position !== null ? ` (position ${position})` : ""} must be ${want}, not ${pyType(v)}`;
}
/** The Python type name PyTorch's messages use for a value. */
function pyType(v: unknown): string {
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (isKwargs(v)) return "dict";
  return describe(v);
}

function takesCompiled(checks: readonly Check[], optional: readonly boolean[], args: ArrayLike<unknown>): boolean {
  const n = checks.length;
  if (args.length > n) return false;
  for (let i = 0; i < n; i++) {
    const v = i < args.length ? args[i] : undefined;
    if (v === undefined) {
      if (!optional[i]) return false;
      continue;
    }
    if (!checks[i]!(v)) return false;
  }
  return true;
}
function positionalError(op: string, positional: readonly (readonly Param[])[], args: ArrayLike<unknown>, python: boolean): string {
  // the signature that takes the most leading arguments names the first one it refuses
  let best = positional[0]!,
    bestOk = -1;
  for (const ps of positional) {
    let ok = 0;
    while (ok < args.length && ok < ps.length && kindError("", ps[ok]!, args[ok], null) === null) ok++;
    if (ok > bestOk) {
      best = ps;
      bestOk = ok;
    }
  }
  if (args.length > best.length) return tooMany(op, best, args.length, python);
  const missing = missingError(
    op,
    best.filter((p, i) => !p[2] && (i >= args.length || args[i] === undefined)),
    python,
  );
  if (missing) return missing;
  for (let i = 0; i < best.length; i++) {
    const v = args[i];
    if (i >= args.length || v === undefined) continue;
    const e = kindError(op, best[i]!, v, i + 1);
    if (e) return e;
  }
  return `${op}(): no signature takes these arguments`;
}

/** Whether overload `o` takes these positional arguments (count and the kinds that tell overloads apart). */
export function acceptsPositional(o: Overload, args: readonly unknown[]): boolean {
  if (o.varargs) return false;
  const positional = o.params.filter((p) => !p[3]);
  if (args.length > positional.length) return false;
  if (positional.some((p, i) => !p[2] && i >= args.length)) return false;
  return args.every((v, i) => kindError("", positional[i]!, v, null) === null);
}

/** Any function (a parameter list of `never` takes every function type, whatever its parameters). */
type AnyFunction = (...a: never[]) => unknown;

/** `fn` with the keyword form rewritten by its signatures (calls without an options object are untouched). */
export function signed<F extends AnyFunction>(op: string, overloads: readonly Overload[] | undefined, fn: F, python = false): F {
  if (!overloads?.length) return fn;
  const f = fn as unknown as (this: unknown, ...a: unknown[]) => unknown;
  const positional = overloads.map((o) => o.params.filter((p) => !p[3]));
  const variadic = overloads.some((o) => o.varargs);
  // per overload, each positional parameter's kind check and whether it may be left out
  const checks = positional.map((ps) => ps.map(checkOf));
  const optional = positional.map((ps) => ps.map((p) => p[2]));
  const accepted = (args: ArrayLike<unknown>): boolean => {
    for (let k = 0; k < checks.length; k++) if (takesCompiled(checks[k]!, optional[k]!, args)) return true;
    return false;
  };
  const noKeywords = overloads.every((o) => o.positional_only);
  const takesOut = overloads.some((o) => o.out);
  const w = function (this: unknown) {
    const n = arguments.length;
    if (n !== 0 && isKwargs(arguments[n - 1])) {
      if (noKeywords) throw new TorchTypeError(`torch.${op}() takes no keyword arguments`);
      const args = Array.prototype.slice.call(arguments);
      if (takesOut && "out" in arguments[n - 1]) return callWithOut(this, op, overloads, f, args, python);
      return f.apply(this, canonicalArgs(op, overloads, args, python));
    }
    // the positional form: some signature must take these arguments (counts and kinds), else PyTorch's TypeError
    if (!variadic && !accepted(arguments)) throw new TorchTypeError(positionalError(op, positional, arguments, python));
    // exact arity without forwarding the arguments object for the common short calls (functions may count their arguments)
    switch (n) {
      case 1:
        return f.call(this, arguments[0]);
      case 2:
        return f.call(this, arguments[0], arguments[1]);
      case 3:
        return f.call(this, arguments[0], arguments[1], arguments[2]);
      default:
        return f.apply(this, arguments as unknown as unknown[]);
    }
  };
  Object.defineProperty(w, "name", { value: fn.name || op });
  return w as unknown as F;
}

/**
 * A call with PyTorch's `out=` (out_arg.ts): bound without it by the overloads that take one, computed as
 * without it, then written into the given tensor(s). `out: null` is PyTorch's out=None: no out.
 */
function callWithOut(
  self: unknown,
  op: string,
  overloads: readonly Overload[],
  f: (this: unknown, ...a: unknown[]) => unknown,
  args: unknown[],
  python: boolean,
): unknown {
  const { out, ...kw } = args[args.length - 1] as Record<string, unknown>;
  const rest = Object.keys(kw).length ? [...args.slice(0, -1), kw] : args.slice(0, -1);
  if (out === null || out === undefined)
    return rest.length && isKwargs(rest[rest.length - 1]) ? f.apply(self, canonicalArgs(op, overloads, rest, python)) : f.apply(self, rest);
  for (const o of overloads) {
    if (!o.out) continue;
    let bound: unknown[] | null = null;
    if (o.varargs) bound = rest;
    else if (rest.length && isKwargs(rest[rest.length - 1])) {
      const r = bind(op, o, rest, python, 0);
      if ("args" in r) bound = r.args;
    } else if (acceptsPositional(o, rest)) bound = rest;
    if (!bound) continue;
    const outs = outTensors(op, o.out, out);
    checkOutAutograd(op, bound, outs);
    // a factory (torch.zeros(2, 3, out=t)) makes its result on out's device, in out's dtype unless told another
    const factory = o.params.some((p) => p[0] === "device");
    if (factory) bound = withFactoryDefaults(bound, outs[0]!);
    return writeOut(op, f.apply(self, bound), outs, factory);
  }
  // no overload that takes out= binds these arguments: the parser's own TypeError (out= itself is one where none takes it)
  canonicalArgs(op, overloads, args, python);
  throw new TorchTypeError(`${op}(): no signature that takes out= takes these arguments`);
}

/** A factory call's arguments with out's device, and out's dtype, where the call names none. */
function withFactoryDefaults(args: unknown[], out: Tensor): unknown[] {
  const last = args[args.length - 1];
  const kw = args.length && isKwargs(last) ? (last as Record<string, unknown>) : {};
  const opts = { ...kw, device: kw.device ?? out.device, dtype: kw.dtype ?? out.dtype };
  return kw === last ? [...args.slice(0, -1), opts] : [...args, opts];
}

/** Rewrites every Tensor method that has signatures (installed by methods.ts) to take the keyword form. */
export function signTensorMethods(proto: Record<string, unknown>): void {
  for (const name of Object.keys(TABLE.tensor)) {
    const f = proto[name];
    if (typeof f === "function") proto[name] = signed(name, TABLE.tensor[name], f as (...a: unknown[]) => unknown);
  }
}

/**
 * A class whose constructor takes the keyword form (a Proxy: instanceof and subclassing see the class). Its
 * __init__ is written in Python, which checks the positional form's count (not the kinds): Python's TypeError
 * for too many or missing positional arguments.
 */
export function signedClass<C extends abstract new (...a: never[]) => unknown>(group: SignatureGroup, name: string, cls: C): C {
  if (group === "modules") registerForward(name, cls);
  const overloads = TABLE[group][name];
  if (!overloads?.length || overloads.every((o) => o.varargs)) return cls;
  const python = isPython(group, name);
  const positional = overloads.length === 1 ? overloads[0]!.params.filter((p) => !p[3]) : null;
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      const n = args.length;
      if (n && isKwargs(args[n - 1])) return Reflect.construct(target, canonicalArgs(name, overloads, args, python, 1), newTarget);
      if (positional) {
        if (n > positional.length) throw new TorchTypeError(tooMany(name, positional, n, python, 1));
        const missing = missingError(
          name,
          positional.filter((p, i) => !p[2] && (i >= n || args[i] === undefined)),
          python,
        );
        if (missing) throw new TorchTypeError(missing);
      }
      return Reflect.construct(target, args, newTarget);
    },
  });
}

/** `fn` taking the keyword form by the signatures of `name` in `group`. */
export const signedIn = <F extends AnyFunction>(group: SignatureGroup, name: string, fn: F): F =>
  signed(name, TABLE[group][name], fn, isPython(group, name));
/** nn, optim and lr_scheduler callables are written in Python (but for nn.functional's C++ builtins): Python words their TypeErrors. */
const isPython = (group: SignatureGroup, name: string) => group !== "torch" && group !== "tensor" && !CPP.has(`${group}.${name}`);

/** PyTorch's forward signature of each built-in module's forward function (a subclass that overrides forward has none). */
interface ForwardSig {
  /** `Linear.forward`, as Python's TypeErrors name it (the qualified name of the class that defines it) */
  op: string;
  overloads: readonly Overload[];
  /** the positional parameters (null when forward takes *args) and how many of them are required */
  positional: readonly Param[] | null;
  required: number;
}
const FORWARDS = new WeakMap<object, ForwardSig>();
function registerForward(name: string, cls: abstract new (...a: never[]) => unknown): void {
  const f = (cls.prototype as { forward?: unknown }).forward;
  const overloads = TABLE.forwards?.[name];
  if (typeof f !== "function" || !overloads?.length || FORWARDS.has(f)) return;
  const o = overloads[0]!;
  const positional = o.varargs ? null : o.params.filter((p) => !p[3]);
  FORWARDS.set(f, { op: `${name}.forward`, overloads, positional, required: positional?.filter((p) => !p[2]).length ?? 0 });
}

/**
 * The arguments of a module call `module(...args)`, checked and bound by PyTorch's signature of the module's
 * forward (Python's binding and TypeErrors, counting self): a call ending in the keyword form becomes the
 * positional run plus the keywords after its first gap, which is what the forwards take; a positional call
 * with too many or too few arguments throws. Calls of modules whose forward has no PyTorch signature (user
 * modules) bind a trailing keyword object by forward's own parameter names (user_forward.ts).
 */
export function forwardArgs(forward: object, args: readonly unknown[]): readonly unknown[] {
  const sig = FORWARDS.get(forward);
  // a forward the user wrote: its keyword form is bound by its own parameter names (user_forward.ts)
  if (!sig) return typeof forward === "function" ? userForwardArgs(forward as () => unknown, args, "forward") : args;
  const n = args.length;
  if (n && isKwargs(args[n - 1])) return canonicalArgs(sig.op, sig.overloads, args, true, 1);
  const pos = sig.positional;
  if (pos && n > pos.length) throw new TorchTypeError(tooMany(sig.op, pos, n, true, 1));
  if (pos && n < sig.required) {
    const missing = missingError(
      sig.op,
      pos.filter((p, i) => !p[2] && i >= n),
      true,
    );
    if (missing) throw new TorchTypeError(missing);
  }
  return args;
}
