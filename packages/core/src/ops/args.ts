// Argument handling shared by every op: trailing keyword objects, sizes, scalars.
import { TorchError, TorchTypeError } from "../errors.js";
import { Tensor } from "../tensor.js";

export type Scalar = number | boolean | bigint;
export type TensorOrScalar = Tensor | Scalar;

export const isKwargs = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && !ArrayBuffer.isView(x) &&
  Object.getPrototypeOf(x) === Object.prototype;

/**
 * Map positional args and a trailing options object onto PyTorch's parameter
 * names. Any trailing run of positionals may move into the options object;
 * unknown or duplicated names throw.
 */
export function parseArgs<K extends string>(op: string, args: readonly unknown[], names: readonly K[], defaults: Partial<Record<K, unknown>> = {}): Record<K, any> {
  if (args.length === 0) return { ...defaults } as Record<K, any>;
  let pos = args as unknown[];
  let kw: Record<string, unknown> = {};
  if (pos.length && isKwargs(pos[pos.length - 1])) { kw = pos[pos.length - 1] as Record<string, unknown>; pos = pos.slice(0, -1); }
  if (pos.length > names.length) throw new TorchTypeError(`${op}() takes ${names.length} positional arguments but ${pos.length} were given`);
  const out: Record<string, unknown> = { ...defaults };
  pos.forEach((v, i) => { if (v !== undefined) out[names[i]!] = v; });
  for (const [k, v] of Object.entries(kw)) {
    const i = names.indexOf(k as K);
    if (i < 0) throw new TorchTypeError(`${op}() got an unexpected keyword argument '${k}'`);
    if (i < pos.length && pos[i] !== undefined) throw new TorchTypeError(`${op}() got multiple values for argument '${k}'`);
    if (v !== undefined) out[k] = v;
  }
  return out as Record<K, any>;
}

/** Sizes as PyTorch accepts them: variadic numbers or one array; returns [sizes, rest]. */
export function splitSizes(op: string, args: readonly unknown[]): [number[], unknown[]] {
  if (Array.isArray(args[0])) return [checkSizes(op, args[0] as number[]), args.slice(1)];
  let i = 0;
  while (i < args.length && typeof args[i] === "number") i++;
  const next = args[i];
  if (next !== undefined && !isKwargs(next)) {
    throw new TorchTypeError(`${op}(): argument 'size' must be a sequence of ints, but got ${describe(next)}${typeof next === "string" ? ` '${next}'` : ""}`);
  }
  return [checkSizes(op, args.slice(0, i) as number[]), args.slice(i)];
}

function checkSizes(op: string, s: number[]): number[] {
  for (const d of s) {
    if (typeof d !== "number" || !Number.isInteger(d)) throw new TorchTypeError(`${op}(): argument 'size' must be a sequence of ints, but got ${String(d)}`);
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
  if (typeof x !== "number" || !Number.isInteger(x)) throw new TorchTypeError(`${op}(): argument '${name}' must be int, not ${describe(x)}`);
  return x;
}

/**
 * The device check PyTorch runs before ops that do not move operands: `arg` must
 * be on self's device (a cpu index tensor for an xla self is an error there).
 */
export function checkSameDevice(op: string, self: Tensor, argName: string, arg: Tensor): void {
  if (!arg.device.equals(self.device)) {
    throw new TorchError(`Expected all tensors to be on the same device, but found at least two devices, ${self.device} and ${arg.device}! (when checking argument for argument ${argName} in method ${op})`);
  }
}

export const describe = (x: unknown): string =>
  x === null ? "NoneType" : x instanceof Tensor ? "Tensor" : Array.isArray(x) ? "list" : typeof x === "number" ? (Number.isInteger(x) ? "int" : "float") : typeof x;

export const isScalar = (x: unknown): x is Scalar => typeof x === "number" || typeof x === "boolean" || typeof x === "bigint";

export function fail(msg: string): never { throw new TorchError(msg); }
