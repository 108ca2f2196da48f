// Creation ops: tensor, zeros, ones, full, empty, arange, linspace, eye, *_like.
import { fromHost, bind1 } from "../dispatch.js";
import { bool, get_default_dtype, int64, type DType } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { Tensor } from "../tensor.js";
import { parseArgs, splitSizes, type Scalar } from "./args.js";
import { expandTo, resolveDevice, resolveDtype, scalarTensor, setHost } from "./base.js";

type Nested = Scalar | Nested[] | ArrayLike<number>;

function finish(t: Tensor, requires_grad: unknown): Tensor {
  if (requires_grad) t.requires_grad_(true);
  return t;
}

/** torch.tensor(data, {dtype, device, requires_grad}): infers shape and dtype like PyTorch. */
export function tensor(data: Nested | Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("tensor", args, ["dtype", "device", "requires_grad"]);
  if (data instanceof Tensor) {
    const t = data.detach().to({ dtype: resolveDtype(o.dtype, data.dtype), device: o.device ?? data.device, copy: true });
    return finish(t, o.requires_grad);
  }
  const shape: number[] = [];
  const flat: Scalar[] = [];
  walk(data, 0, shape, flat);
  const dtype = resolveDtype(o.dtype, inferDtype(flat));
  const host = dtype.alloc(flat.length);
  for (let i = 0; i < flat.length; i++) setHost(host, i, flat[i]!, dtype);
  return finish(fromHost(host, shape, dtype, resolveDevice(o.device)), o.requires_grad);
}

function walk(x: Nested, depth: number, shape: number[], flat: Scalar[]): void {
  const isSeq = Array.isArray(x) || ArrayBuffer.isView(x);
  if (!isSeq) {
    if (depth < shape.length) throw new TorchError(`tensor: expected sequence of length ${shape[depth]} at dim ${depth} (got a scalar)`);
    if (typeof x !== "number" && typeof x !== "boolean" && typeof x !== "bigint") throw new TorchTypeError(`tensor: could not infer dtype of ${typeof x}`);
    flat.push(x);
    return;
  }
  const arr = x as ArrayLike<Nested>;
  if (depth === shape.length) shape.push(arr.length);
  else if (shape[depth] !== arr.length) throw new TorchError(`tensor: expected sequence of length ${shape[depth]} at dim ${depth} (got ${arr.length})`);
  for (let i = 0; i < arr.length; i++) walk(arr[i]!, depth + 1, shape, flat);
}

function inferDtype(flat: readonly Scalar[]): DType {
  let sawBool = false, sawInt = false, sawFloat = false;
  for (const v of flat) {
    if (typeof v === "boolean") sawBool = true;
    else if (typeof v === "bigint" || Number.isInteger(v)) sawInt = true;
    else sawFloat = true;
  }
  return sawFloat ? get_default_dtype() : sawInt ? int64 : sawBool ? bool : get_default_dtype();
}

/** Fill value's natural dtype, as torch.full infers it. */
export const scalarDtype = (v: Scalar): DType =>
  typeof v === "boolean" ? bool : typeof v === "bigint" || Number.isInteger(v) ? int64 : get_default_dtype();

function filled(op: string, size: number[], value: Scalar, o: Record<string, any>, fallback: DType): Tensor {
  for (const d of size) if (d < 0) throw new TorchError(`${op}: Trying to create tensor with negative dimension ${d}: [${size.join(", ")}]`);
  const dtype = resolveDtype(o.dtype, fallback);
  const s = scalarTensor(value, dtype, resolveDevice(o.device));
  return finish(bind1(P.copy!, [expandTo(s, size)]), o.requires_grad);
}

const CREATE_OPTS = ["dtype", "device", "requires_grad"] as const;
export function zeros(...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("zeros", args);
  return filled("zeros", size, 0, parseArgs("zeros", rest, CREATE_OPTS), get_default_dtype());
}
export function ones(...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("ones", args);
  return filled("ones", size, 1, parseArgs("ones", rest, CREATE_OPTS), get_default_dtype());
}
/** Contents are unspecified in PyTorch; ours are zeros. */
export function empty(...args: unknown[]): Tensor {
  const [size, rest] = splitSizes("empty", args);
  return filled("empty", size, 0, parseArgs("empty", rest, CREATE_OPTS), get_default_dtype());
}
export function full(size: number[], fill_value: Scalar, ...args: unknown[]): Tensor {
  const o = parseArgs("full", args, CREATE_OPTS);
  return filled("full", size, fill_value, o, scalarDtype(fill_value));
}

const likeOpts = (x: Tensor, o: Record<string, any>) => ({ ...o, dtype: o.dtype ?? x.dtype, device: o.device ?? x.device });
export const zeros_like = (x: Tensor, ...a: unknown[]) => filled("zeros_like", [...x.shape], 0, likeOpts(x, parseArgs("zeros_like", a, CREATE_OPTS)), x.dtype);
export const ones_like = (x: Tensor, ...a: unknown[]) => filled("ones_like", [...x.shape], 1, likeOpts(x, parseArgs("ones_like", a, CREATE_OPTS)), x.dtype);
export const empty_like = (x: Tensor, ...a: unknown[]) => filled("empty_like", [...x.shape], 0, likeOpts(x, parseArgs("empty_like", a, CREATE_OPTS)), x.dtype);
export const full_like = (x: Tensor, v: Scalar, ...a: unknown[]) => filled("full_like", [...x.shape], v, likeOpts(x, parseArgs("full_like", a, CREATE_OPTS)), x.dtype);

/** Host-computed values uploaded to the device (arange, linspace). */
function fromValues(values: ArrayLike<number>, dtype: DType, o: Record<string, any>): Tensor {
  const host = dtype.alloc(values.length);
  for (let i = 0; i < values.length; i++) setHost(host, i, values[i]!, dtype);
  return finish(fromHost(host, [values.length], dtype, resolveDevice(o.device)), o.requires_grad);
}

/** arange(end) | arange(start, end, step=1), {dtype, device, requires_grad}. */
export function arange(...args: unknown[]): Tensor {
  const nums: number[] = [];
  while (args.length && typeof args[0] === "number") nums.push(args.shift() as number);
  const o = parseArgs("arange", args, ["start", "end", "step", ...CREATE_OPTS]);
  let start = o.start ?? 0, end = o.end, step = o.step ?? 1;
  if (nums.length === 1) end = nums[0];
  else if (nums.length >= 2) [start, end, step] = [nums[0]!, nums[1]!, nums[2] ?? step];
  if (end === undefined) throw new TorchTypeError("arange() missing required argument 'end'");
  if (step === 0) throw new TorchError("arange: step must be nonzero");
  if ((end - start) * step < 0) throw new TorchError(`arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  const allInt = [start, end, step].every(Number.isInteger);
  const dtype = resolveDtype(o.dtype, allInt ? int64 : get_default_dtype());
  const n = Math.ceil((end - start) / step);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = start + i * step;
  return fromValues(v, dtype, o);
}

export function linspace(start: number, end: number, steps: number, ...args: unknown[]): Tensor {
  const o = parseArgs("linspace", args, CREATE_OPTS);
  if (!Number.isInteger(steps) || steps < 0) throw new TorchError(`linspace: number of steps must be non-negative, got ${steps}`);
  const dtype = resolveDtype(o.dtype, get_default_dtype());
  const v = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) v[i] = steps === 1 ? start : i < half ? start + step * i : end - step * (steps - 1 - i);
  return fromValues(v, dtype, o);
}

export function eye(n: number, ...args: unknown[]): Tensor {
  const m = typeof args[0] === "number" ? (args.shift() as number) : n;
  const o = parseArgs("eye", args, CREATE_OPTS);
  if (n < 0 || m < 0) throw new TorchError(`eye: n and m must be non-negative, got n=${n}, m=${m}`);
  const dev = resolveDevice(o.device);
  const r = bind1(P.iota!, [], { shape: [n, m], dim: 0, dtype: int64 }, dev);
  const c = bind1(P.iota!, [], { shape: [n, m], dim: 1, dtype: int64 }, dev);
  const eq = bind1(P.compare!, [r, c], { direction: "EQ" });
  return finish(bind1(P.convert!, [eq], { dtype: resolveDtype(o.dtype, get_default_dtype()) }), o.requires_grad);
}
