// Argument handling shared by every op: trailing keyword objects, sizes, scalars,
// and the checks on tensor arguments (type, device, index dtype and bounds).
import { backendOf } from "../capture_hooks.js";
import { int32, int64, type ComplexScalar, type DType } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { Tensor } from "../tensor.js";

export type Scalar = number | boolean | bigint;
export type TensorOrScalar = Tensor | Scalar;

/**
 * A Python complex number ({re, im}, exactly those two keys, both numbers): the one plain object that is a
 * value, not a trailing options object (no PyTorch parameter is named re or im), so every Number/Scalar
 * parameter takes it as PyTorch's do (full_like(x, 1+2j), index_fill(x, 0, i, 1j), addmm(..., beta=1j)).
 */
export const isComplexScalar = (x: unknown): x is ComplexScalar => {
  if (typeof x !== "object" || x === null || Object.getPrototypeOf(x) !== Object.prototype) return false;
  const keys = Object.keys(x);
  return keys.length === 2 && typeof (x as ComplexScalar).re === "number" && typeof (x as ComplexScalar).im === "number";
};

export const isKwargs = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" &&
  x !== null &&
  !Array.isArray(x) &&
  !(x instanceof Tensor) &&
  !ArrayBuffer.isView(x) &&
  Object.getPrototypeOf(x) === Object.prototype &&
  !isComplexScalar(x);

/**
 * parseArgs's result: each parameter name to the value passed (or its default).
 * The values are whatever the caller passed, as in Python; each op checks the
 * ones it reads (checkTensor, checkInt, dtypeOf, ...). The callers' declared
 * types (methods_types.ts, signed_functions.ts, nn's Args) are where misuse
 * fails to compile.
 */
// biome-ignore lint/suspicious/noExplicitAny: kwargs are untyped at this layer (Python's **kwargs); about 250 ops and modules read o.dim, o.dtype, ... as their parameter's type, and `unknown` here gives some 310 compile errors in 45 files, each needing a cast that states nothing more than the op's own runtime check
export type ParsedArgs<K extends string> = Record<K, any>;

/**
 * Map positional args and a trailing options object onto PyTorch's parameter
 * names. Any trailing run of positionals may move into the options object;
 * unknown or duplicated names throw.
 */
export function parseArgs<K extends string>(
  op: string,
  args: readonly unknown[],
  names: readonly K[],
  defaults: Partial<Record<K, unknown>> = {},
): ParsedArgs<K> {
  if (args.length === 0) return { ...defaults } as ParsedArgs<K>;
  let pos = args as unknown[];
  let kw: Record<string, unknown> = {};
  if (pos.length && isKwargs(pos[pos.length - 1])) {
    kw = pos[pos.length - 1] as Record<string, unknown>;
    pos = pos.slice(0, -1);
  }
  if (pos.length > names.length)
    throw new TorchTypeError(`${op}() takes ${names.length} positional arguments but ${pos.length} were given`);
  const out: Record<string, unknown> = { ...defaults };
  pos.forEach((v, i) => {
    if (v !== undefined) out[names[i]!] = v;
  });
  for (const [k, v] of Object.entries(kw)) {
    const i = names.indexOf(k as K);
    if (i < 0) throw new TorchTypeError(`${op}() got an unexpected keyword argument '${k}'`);
    if (i < pos.length && pos[i] !== undefined) throw new TorchTypeError(`${op}() got multiple values for argument '${k}'`);
    if (v !== undefined) out[k] = v;
  }
  return out as ParsedArgs<K>;
}

/** Sizes as PyTorch accepts them: variadic numbers or one array; returns [sizes, rest]. */
export function splitSizes(op: string, args: readonly unknown[]): [number[], unknown[]] {
  if (Array.isArray(args[0])) return [checkSizes(op, args[0] as number[]), args.slice(1)];
  let i = 0;
  while (i < args.length && typeof args[i] === "number") i++;
  const next = args[i];
  if (next !== undefined && !isKwargs(next)) {
    throw new TorchTypeError(
      `${op}(): argument 'size' must be a sequence of ints, but got ${describe(next)}${typeof next === "string" ? ` '${next}'` : ""}`,
    );
  }
  return [checkSizes(op, args.slice(0, i) as number[]), args.slice(i)];
}

function checkSizes(op: string, s: number[]): number[] {
  for (const d of s) {
    if (typeof d !== "number" || !Number.isInteger(d))
      throw new TorchTypeError(`${op}(): argument 'size' must be a sequence of ints, but got ${String(d)}`);
  }
  return s;
}

/** Fixed-arity ops reject extra positional arguments, as Python would. */
export function noExtra(op: string, taken: number, extra: readonly unknown[]): void {
  if (extra.length) throw new TorchTypeError(`${op}() takes ${taken} positional arguments but ${taken + extra.length} were given`);
}

export function checkTensor(op: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TorchTypeError(`${op}(): argument '${name}' must be Tensor, not ${describe(x)}`);
  return x;
}

export function checkInt(op: string, name: string, x: unknown): number {
  if (typeof x !== "number" || !Number.isInteger(x))
    throw new TorchTypeError(`${op}(): argument '${name}' must be int, not ${describe(x)}`);
  return x;
}

/**
 * The device check PyTorch runs before ops that do not move operands: `arg` must
 * be on self's device (a cpu index tensor for an xla self is an error there).
 */
export function checkSameDevice(op: string, self: Tensor, argName: string, arg: Tensor): void {
  if (!arg.device.equals(self.device)) {
    throw new TorchError(
      `Expected all tensors to be on the same device, but found at least two devices, ${self.device} and ${arg.device}! (when checking argument for argument ${argName} in method ${op})`,
    );
  }
}

export const describe = (x: unknown): string =>
  x === null
    ? "NoneType"
    : x instanceof Tensor
      ? "Tensor"
      : Array.isArray(x)
        ? "list"
        : typeof x === "number"
          ? Number.isInteger(x)
            ? "int"
            : "float"
          : isComplexScalar(x)
            ? "complex"
            : typeof x;

export const isScalar = (x: unknown): x is Scalar => typeof x === "number" || typeof x === "boolean" || typeof x === "bigint";

export function fail(msg: string): never {
  throw new TorchError(msg);
}

/** An elementwise operand: a Tensor or a Python number. */
export function checkOperand(op: string, x: unknown, name: string): asserts x is TensorOrScalar {
  if (!(x instanceof Tensor) && !isScalar(x))
    throw new TorchTypeError(`${op}(): argument '${name}' must be Tensor or Number, not ${describe(x)}`);
}

/** Tensors of one dtype (addmm and friends). */
export function sameDtypes(op: string, ts: readonly Tensor[], names: readonly string[]): void {
  const i = ts.findIndex((t) => t.dtype !== ts[0]!.dtype);
  if (i > 0)
    throw new TorchError(`${op}: expected ${names[0]} and ${names[i]} to have the same dtype, but got: ${ts[0]!.dtype} != ${ts[i]!.dtype}`);
}

/** Scalars cast to the result dtype as PyTorch does: integral results truncate them (beta=0.5 acts as 0). */
export function castScalars(op: string, dt: DType, scalars: Record<string, unknown>): number[] {
  return Object.entries(scalars).map(([name, v]) => {
    if (!isScalar(v)) throw new TorchTypeError(`${op}(): argument '${name}' must be Number, not ${describe(v)}`);
    return dt.is_floating_point || dt.is_complex ? Number(v) : Math.trunc(Number(v));
  });
}

/** Tensors given as one array or variadically. */
export const tensorList = (op: string, args: unknown[]): Tensor[] => {
  const list = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as unknown[];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TorchTypeError(`${op}(): expected Tensor as element ${i} in argument 0, but got ${describe(t)}`);
  });
  return list as Tensor[];
};

/** An int64 index tensor (gather, scatter). */
export function checkIndexTensor(op: string, index: unknown): Tensor {
  if (!(index instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'index' must be Tensor, not ${describe(index)}`);
  if (index.dtype !== int64) throw new TorchError(`${op}(): Expected dtype int64 for index, but got index of dtype ${index.dtype}`);
  return index;
}

/** An int64 (or, where allowed, int32) index tensor. */
export function checkIndexDtype(op: string, index: unknown, allowInt32: boolean): Tensor {
  if (!(index instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'index' must be Tensor, not ${describe(index)}`);
  if (index.dtype !== int64 && !(allowInt32 && index.dtype === int32)) {
    throw new TorchError(`${op}(): Expected dtype int${allowInt32 ? "32/int" : ""}64 for index, but got ${index.dtype}`);
  }
  return index;
}

/**
 * Index bounds are checked at the call wherever the index values are at hand
 * without a sync (always on cpu; on xla while the index is still host data).
 * Computed indices on xla are not checked (XLA clamps them).
 */
export function indexValues(ix: Tensor): ArrayLike<number | bigint> | null {
  if (ix.numel() === 0) return null;
  return backendOf(ix.device).peekHost?.(ix) ?? null;
}
export function checkBounds(
  ix: Tensor,
  n: number,
  dim: number,
  op = "index",
  allowNegative = true,
  Err: new (m: string) => Error = TorchIndexError,
): void {
  const h = indexValues(ix);
  if (!h) return;
  for (let i = 0; i < h.length; i++) {
    const k = Number(h[i]);
    if (k >= n || k < (allowNegative ? -n : 0)) {
      throw new Err(
        op === "index_select"
          ? `index_select(): index ${k} is out of range in self (dimension ${dim} with size ${n})`
          : `${op}: index ${k} is out of bounds for dimension ${dim} with size ${n}`,
      );
    }
  }
}
