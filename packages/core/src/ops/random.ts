// Random tensors from PyTorch's CPU generator streams (random/): values are
// drawn on the host in element order, exactly as PyTorch consumes its
// Mersenne Twister, then placed on the tensor's device. On xla that makes the
// numbers equal to the cpu device's, and they enter the graph as device data.
import type { Device, DeviceLike } from "../device.js";
import { captureHooks } from "../capture_hooks.js";
import { fromHost } from "../dispatch.js";
import { float64, get_default_dtype, int64, toRealValueType, uint8, type DType, type HostArray } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import * as R from "../random/index.js";
import { broadcastShapes, numelOf, sameShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { isKwargs, parseArgs, splitSizes } from "./args.js";
import { resolveDevice, resolveDtype } from "./base.js";
import { checkNoInternalOverlap, copy_ } from "./inplace.js";
import { reshape } from "./shape.js";

export const Generator = R.Generator;
export type Generator = R.Generator;
export const default_generator = R.default_generator;
export const manual_seed = (seed: number | bigint) => R.manual_seed(seed);
export const seed = () => R.seed();
export const initial_seed = () => R.initial_seed();
export const get_rng_state = (): Tensor => fromHost(R.get_rng_state(), [R.CPU_STATE_SIZE], uint8, resolveDevice("cpu"));
export function set_rng_state(state: Tensor | Uint8Array): void {
  R.set_rng_state(state instanceof Tensor ? (state.cpu().contiguous()._host() as Uint8Array) : state);
}

const genOf = (g: unknown): R.Generator => {
  if (g === undefined || g === null) return R.default_generator;
  if (!(g instanceof R.Generator)) throw new TorchTypeError("generator must be a torch.Generator");
  return g;
};
const OPTS = ["generator", "dtype", "device", "requires_grad"] as const;

/** A tensor of draw()'s values; while `device` is captured by torch.compile, drawn again at each replay. */
function liveData(draw: () => HostArray, shape: number[], dtype: DType, device: Device): Tensor {
  const h = captureHooks();
  if (h?.captures(device)) return h.liveData(draw, shape, dtype, device);
  // A draw on a device the compiled call does not capture (the cpu inside a function compiled for xla) runs
  // now only: a replay would neither draw again (a `.to("xla")` of it would be a constant) nor advance the
  // generator. So it is a graph break: fullgraph throws, else the call runs in pieces with this draw eager.
  h?.unsupported(
    `a random draw on the ${device.type} device, which the compiled function does not capture (drawn on the host, it cannot be replayed)`,
  );
  return fromHost(draw(), shape, dtype, device);
}

// Draws are thunks: a compiled call (torch.compile) draws again at each replay (liveData).
function make(draw: () => HostArray, shape: number[], dtype: DType, o: { device?: DeviceLike | null; requires_grad?: boolean }): Tensor {
  const t = liveData(draw, shape, dtype, resolveDevice(o.device));
  if (o.requires_grad) t.requires_grad_(true);
  return t;
}
/** The generator's dtype for a tensor's values: a complex dtype's parts (drawn as interleaved (re, im) pairs). */
const partsName = (dt: DType) => toRealValueType(dt).name as R.RandomDType;
const checkSize = (op: string, size: number[]) => {
  for (const d of size)
    if (d < 0) throw new TorchError(`${op}: Trying to create tensor with negative dimension ${d}: [${size.join(", ")}]`);
};

export function rand(...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("rand", args);
  checkSize("rand", size);
  const o = parseArgs("rand", rest, OPTS);
  const dt = resolveDtype(o.dtype, get_default_dtype());
  if (!dt.is_floating_point && !dt.is_complex) throw new TorchError(`rand: "check_uniform_bounds" not implemented for '${dt.scalarName}'`);
  // complex: PyTorch fills view_as_real(self), the (re, im) pairs in order, from the same stream
  const n = numelOf(size) * (dt.is_complex ? 2 : 1);
  return make(() => R.uniform(genOf(o.generator), n, partsName(dt)), size, dt, o);
}

export function randn(...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("randn", args);
  checkSize("randn", size);
  const o = parseArgs("randn", rest, OPTS);
  const dt = resolveDtype(o.dtype, get_default_dtype());
  if (!dt.is_floating_point && !dt.is_complex) throw new TorchError(`randn: "normal_kernel_cpu" not implemented for '${dt.scalarName}'`);
  // complex: PyTorch's normal_ fills view_as_real(self) with std / sqrt(2) (each part carries half the variance)
  if (dt.is_complex) return make(() => R.normal(genOf(o.generator), 2 * numelOf(size), partsName(dt), 0, 1 / Math.sqrt(2)), size, dt, o);
  return make(() => R.normal(genOf(o.generator), numelOf(size), dt.name as R.RandomDType), size, dt, o);
}

/** randint(high, size) or randint(low, high, size), {generator, dtype=int64, device}. */
export function randint(...args: unknown[]): Tensor {
  const nums: number[] = [];
  while (typeof args[0] === "number" || typeof args[0] === "bigint") nums.push(args.shift() as number);
  const size = Array.isArray(args[0]) ? (args.shift() as number[]) : null;
  const o = parseArgs("randint", args, ["low", "high", "size", ...OPTS]);
  let low = o.low ?? 0,
    high = o.high;
  if (nums.length === 1) high = nums[0];
  else if (nums.length >= 2) [low, high] = nums;
  const shape = size ?? o.size;
  if (high === undefined || !shape)
    throw new TorchTypeError("randint() missing required arguments: expected randint(high, size) or randint(low, high, size)");
  if (!(low < high)) throw new TorchError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const dt = resolveDtype(o.dtype, int64);
  return make(() => R.randint(genOf(o.generator), numelOf(shape), dt.name as R.RandomDType, low, high), [...shape], dt, o);
}

export function randperm(n: number, ...args: unknown[]): Tensor {
  const o = parseArgs("randperm", args, OPTS);
  if (!Number.isInteger(n) || n < 0) throw new TorchError(`randperm: n must be non-negative, got ${n}`);
  const dt = resolveDtype(o.dtype, int64);
  return make(() => R.randperm(genOf(o.generator), n, dt.name as R.RandomDType), [n], dt, o);
}

export const rand_like = (x: Tensor, ...a: unknown[]) => rand(x.shape.slice(), { dtype: x.dtype, device: x.device, ...(a[0] as object) });
export const randn_like = (x: Tensor, ...a: unknown[]) => randn(x.shape.slice(), { dtype: x.dtype, device: x.device, ...(a[0] as object) });
export function randint_like(x: Tensor, ...args: unknown[]): Tensor {
  const nums = args.filter((a) => typeof a === "number") as number[];
  const kw = (args.find((a) => typeof a === "object") ?? {}) as object;
  return randint(...nums, x.shape.slice(), { dtype: x.dtype, device: x.device, ...kw });
}

/** Draws for every element of `t` (in row-major order) written into it in place. */
function fill(op: string, t: Tensor, draw: () => HostArray): Tensor {
  // before drawing: a refused call leaves the generator's state as it was
  checkNoInternalOverlap(op, t);
  return copy_(t, liveData(draw, t.shape.slice(), t.dtype, t.device));
}
const dn = (t: Tensor) => t.dtype.name as R.RandomDType;

export function uniform_(t: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("uniform_", args, ["from", "to", "generator"], { from: 0, to: 1 });
  const n = t.numel() * (t.dtype.is_complex ? 2 : 1);
  return fill("uniform_", t, () => R.uniform(genOf(o.generator), n, partsName(t.dtype), o.from, o.to));
}
export function normal_(t: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("normal_", args, ["mean", "std", "generator"], { mean: 0, std: 1 });
  if (!(o.std >= 0)) throw new TorchError(`normal_ expects std >= 0.0, but found std ${o.std}`);
  // complex: view_as_real(self) filled with std / sqrt(2), as rand/randn
  const [n, std] = t.dtype.is_complex ? [2 * t.numel(), o.std / Math.sqrt(2)] : [t.numel(), o.std];
  return fill("normal_", t, () => R.normal(genOf(o.generator), n, partsName(t.dtype), o.mean, std, { contiguous: t.is_contiguous() }));
}
export function random_(t: Tensor, ...args: unknown[]): Tensor {
  // PyTorch's overloads: random_(to), random_(from, to) with to=None meaning up to the dtype's limit, random_()
  const kw = args.length && isKwargs(args[args.length - 1]) ? [args.pop()] : [];
  const o = parseArgs("random_", kw, ["from", "to", "generator"]);
  let from = o.from,
    to = o.to;
  if (args.length === 1) {
    from = 0;
    to = args[0];
  } else if (args.length >= 2) [from, to] = args;
  return fill("random_", t, () => R.random_(genOf(o.generator), t.numel(), dn(t), from, to));
}
export function bernoulli_(t: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("bernoulli_", args, ["p", "generator"], { p: 0.5 });
  const p = o.p instanceof Tensor ? probs(o.p, t.numel()) : o.p;
  return fill("bernoulli_", t, () => R.bernoulli(genOf(o.generator), p, t.numel(), dn(t)));
}
export function exponential_(t: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("exponential_", args, ["lambd", "generator"], { lambd: 1 });
  return fill("exponential_", t, () => R.exponential(genOf(o.generator), t.numel(), dn(t), o.lambd));
}

/** Probabilities of a float tensor as the sampler's host array. */
function probs(p: Tensor, n: number): Float64Array | Float32Array | Uint16Array {
  if (!p.dtype.is_floating_point || p.dtype.name === "float16")
    throw new TorchError(`bernoulli: probabilities must be float32, float64 or bfloat16, got ${p.dtype}`);
  if (p.numel() !== n && p.numel() !== 1)
    throw new TorchError(`bernoulli: probability tensor of ${p.numel()} elements does not match ${n} elements`);
  return p.cpu().contiguous()._host() as Float64Array | Float32Array | Uint16Array;
}

/** bernoulli(probs) draws 0/1 with each element's probability; bernoulli(input, p) with a scalar p. */
export function bernoulli(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("bernoulli", args, ["p", "generator"]);
  const out = fromHost(input.dtype.alloc(input.numel()), input.shape.slice(), input.dtype, input.device);
  const p = o.p === undefined || o.p === null ? probs(input, input.numel()) : o.p;
  return fill("bernoulli", out, () => R.bernoulli(genOf(o.generator), p, input.numel(), dn(input)));
}

export function multinomial(input: Tensor, num_samples: number, ...args: unknown[]): Tensor {
  const o = parseArgs("multinomial", args, ["replacement", "generator"], { replacement: false });
  if (input.ndim < 1 || input.ndim > 2) throw new TorchError(`multinomial: prob_dist must be 1 or 2 dim, got ${input.ndim}`);
  if (!input.dtype.is_floating_point)
    throw new TorchError(`multinomial only supports floating-point dtypes for input, got: ${input.dtype.scalarName}`);
  // (the sampler's own RangeError would not be a TorchError)
  if (num_samples <= 0) throw new TorchError("cannot sample n_sample <= 0 samples");
  const k = input.shape[input.ndim - 1]!;
  if (!o.replacement && num_samples > k)
    throw new TorchError(`multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement (${num_samples} > ${k})`);
  const host = R.multinomial(
    genOf(o.generator),
    input.cpu().contiguous()._host() as Float32Array,
    k,
    num_samples,
    o.replacement,
    input.dtype.name as R.FloatDType,
  );
  const shape = input.ndim === 1 ? [num_samples] : [input.shape[0]!, num_samples];
  return fromHost(host, shape, int64, input.device);
}

/** normal(mean, std, size?) with numbers or tensors for mean and std. */
export function normal(mean: Tensor | number, std: Tensor | number = 1, ...args: unknown[]): Tensor {
  let size: number[] | null = null;
  if (Array.isArray(args[0])) size = args.shift() as number[];
  const o = parseArgs("normal", args, ["size", ...OPTS]);
  size = size ?? o.size ?? null;
  const gen = genOf(o.generator);
  if (typeof mean === "number" && typeof std === "number") {
    if (!size) throw new TorchTypeError("normal(mean: float, std: float) needs a size");
    const dt = resolveDtype(o.dtype, get_default_dtype());
    return make(() => R.normal(gen, numelOf(size!), dt.name as R.RandomDType, mean, std), size, dt, o);
  }
  const ref = (mean instanceof Tensor ? mean : std) as Tensor;
  const dt = ref.dtype;
  // PyTorch 1.13 checks std, then broadcasts mean with std: N(0, 1) draws over the
  // broadcast shape, times std, plus mean (normal_out_impl).
  if (std instanceof Tensor) {
    const s = std.cpu().contiguous().to(float64)._host() as Float64Array;
    for (const v of s) if (!(v >= 0)) throw new TorchError("normal expects all elements of std >= 0.0");
  } else if (!(std >= 0)) throw new TorchError(`normal expects std >= 0.0, but found std ${Number.isNaN(std) ? "nan" : std}`);
  const shape: readonly number[] =
    mean instanceof Tensor && std instanceof Tensor ? broadcastShapes("normal", mean.shape, std.shape) : ref.shape;
  // other operand dtypes are read as float64 (exact), or as the result's half dtype
  const host = (x: Tensor | number) => {
    if (typeof x === "number") return x;
    const y = x.dtype === dt ? x : x.to(dt.name === "float16" || dt.name === "bfloat16" ? dt : float64);
    return (sameShape(y.shape, shape) ? y : y.expand([...shape])).cpu().contiguous()._host();
  };
  const out = R.normalTensor(gen, host(mean) as never, host(std) as never, dt.name as R.FloatDType);
  return reshape(fromHost(out as HostArray, [out.length], dt, ref.device), [...shape]);
}
