// torch.set_num_threads / get_num_threads / set_num_interop_threads /
// get_num_interop_threads. The intra-op thread count belongs to the cpu
// device's kernels (the WebAssembly worker pool and a system OpenBLAS, in
// @xlatorch/cpu), which core does not depend on: the cpu package installs
// itself as the backend when it loads; until then (or without it) the numbers
// are only recorded. Validation is PyTorch's (THPModule_setNumThreads):
// RuntimeErrors worded as PyTorch words them.
import { TorchError } from "./errors.js";

export interface ThreadBackend {
  /** Sets the intra-op thread count (already validated: a positive integer). */
  set(n: number): void;
  get(): number;
  /** The machine's core count: get_num_interop_threads()'s default, as PyTorch's. */
  cores(): number;
}

let recorded = 1;
let backend: ThreadBackend = {
  set: (n) => {
    recorded = n;
  },
  get: () => recorded,
  cores: () => 1,
};
let interop: number | undefined;

/** @xlatorch/cpu installs its thread pool here (internal). */
export function _setThreadBackend(b: ThreadBackend): void {
  backend = b;
}

/** Python's type name of a non-int argument, as PyTorch's message names it. */
function pyType(x: unknown): string {
  if (x === null || x === undefined) return "NoneType";
  if (typeof x === "boolean") return "bool";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (typeof x === "bigint") return "int";
  if (typeof x === "string") return "str";
  if (Array.isArray(x)) return "list";
  return typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x;
}

function positiveInt(op: string, args: readonly unknown[]): number {
  if (args.length !== 1) throw new TypeError(`torch.${op}() takes exactly one argument (${args.length} given)`);
  const x = args[0];
  if (pyType(x) !== "int") throw new TorchError(`${op} expects an int, but got ${pyType(x)}`);
  const n = Number(x);
  if (!(n > 0)) throw new TorchError(`${op} expects a positive integer`);
  return n;
}

/** Sets the number of threads used for intra-op parallelism on the cpu device (PyTorch's torch.set_num_threads). */
export function set_num_threads(...args: [nthreads: number]): void {
  backend.set(positiveInt("set_num_threads", args));
}

/** The number of threads used for intra-op parallelism on the cpu device (default: the number of cores). */
export function get_num_threads(): number {
  return backend.get();
}

/**
 * Sets the number of threads for inter-op parallelism. Recorded only: ops run
 * one after another on the calling thread here, so the number changes nothing.
 */
export function set_num_interop_threads(...args: [nthreads: number]): void {
  interop = positiveInt("set_num_interop_threads", args);
}

/** The inter-op thread count set by set_num_interop_threads (default: the number of cores, as PyTorch's). */
export function get_num_interop_threads(): number {
  return interop ?? backend.cores();
}
