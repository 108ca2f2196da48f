// Smaller torch.* names that ported programs use: torch.range (deprecated,
// inclusive end), scalar_tensor, chain_matmul, vander, frobenius_norm,
// nuclear_norm, fill, and the global switches PyTorch records
// (use_deterministic_algorithms, set_float32_matmul_precision). Each composes
// existing ops.
import { get_default_dtype, promote_types } from "../dtype.js";
import { bool, float64, int64 } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, parseArgs, type Scalar, type TensorOrScalar } from "./args.js";
import { convert, resolveDevice, resolveDtype, scalarTensor } from "./base.js";
import { arange, full, zeros } from "./creation.js";
import * as E from "./elementwise.js";
import { mm } from "./linalg.js";
import { norm } from "./reduce.js";
import { cumprod } from "./scan.js";
import { cat, clone, expand, flip, unsqueeze } from "./shape.js";

const FACTORY = ["dtype", "layout", "device", "pin_memory", "requires_grad"] as const;

/** torch.range(start=0, end, step=1, *, dtype, ...): start, start + step, ... up to and including end; default dtype float. */
export function range(start: number, end: number, ...args: unknown[]): Tensor {
  const o = parseArgs("range", args, ["step", ...FACTORY], { step: 1 });
  const step = Number(o.step);
  for (const [k, v] of [
    ["start", start],
    ["end", end],
  ] as const)
    if (typeof v !== "number") throw new TorchTypeError(`range(): argument '${k}' must be Number, not ${describe(v)}`);
  if (step === 0) throw new TorchError("range: step must be nonzero");
  if ((end - start) * step < 0 || !Number.isFinite(start) || !Number.isFinite(end))
    throw new TorchError(`range: upper bound and lower bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  const dtype = resolveDtype(o.dtype, get_default_dtype());
  const n = Math.floor((end - start) / step) + 1;
  // the values start + i * step in double, as PyTorch's kernel computes them, then cast
  const v = E.add(E.mul(arange(n, { dtype: float64, device: resolveDevice(o.device) }), step), start);
  const r = convert(v, dtype);
  if (o.requires_grad) r.requires_grad_(true);
  return r;
}

/** torch.scalar_tensor(s, *, dtype=float, device, requires_grad): a 0-d tensor. */
export function scalar_tensor(s: Scalar, ...args: unknown[]): Tensor {
  const o = parseArgs("scalar_tensor", args, FACTORY);
  if (typeof s !== "number" && typeof s !== "boolean" && typeof s !== "bigint")
    throw new TorchTypeError(`scalar_tensor(): argument 's' (position 1) must be Number, not ${describe(s)}`);
  return full([], s, { dtype: resolveDtype(o.dtype, get_default_dtype()), device: o.device, requires_grad: o.requires_grad });
}

/** torch.chain_matmul(*matrices) (deprecated): the product of 2-D matrices; one matrix is cloned. */
export function chain_matmul(...matrices: unknown[]): Tensor {
  const ms = (matrices.length === 1 && Array.isArray(matrices[0]) ? matrices[0] : matrices) as unknown[];
  if (ms.length === 0) throw new TorchError("chain_matmul(): Expected one or more matrices");
  ms.forEach((m, i) => {
    checkTensor("chain_matmul", `matrices[${i}]`, m);
    if ((m as Tensor).ndim !== 2)
      throw new TorchError(`chain_matmul(): Tensor dimension is ${(m as Tensor).ndim}, expected 2 instead (matrix ${i}).`);
  });
  const ts = ms as Tensor[];
  if (ts.length === 1) return clone(ts[0]!);
  for (let i = 0; i + 1 < ts.length; i++)
    if (ts[i]!.shape[1] !== ts[i + 1]!.shape[0])
      throw new TorchError(
        `chain_matmul(): matrices ${i} and ${i + 1} with shapes [${ts[i]!.shape.join(", ")}] and [${ts[i + 1]!.shape.join(", ")}] cannot be multiplied`,
      );
  return ts.reduce((a, b) => mm(a, b));
}

/** torch.vander(x, N=None, increasing=False): columns x^(N-1) ... x^0 (x^0 ... x^(N-1) when increasing), by cumprod as PyTorch. */
export function vander(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("vander", args, ["N", "increasing"], { N: null, increasing: false });
  checkTensor("vander", "x", x);
  if (x.ndim !== 1) throw new TorchError(`vander: x must be a one-dimensional tensor. Got ${x.ndim} dimensions.`);
  const n = (o.N ?? x.shape[0]) as number;
  if (n < 0) throw new TorchError(`vander: N must be non-negative. Got N=${n}.`);
  // integer inputs give int64, as cumprod promotes them
  const dt = promote_types(x.dtype, int64);
  const len = x.shape[0]!;
  if (n === 0) return zeros([len, 0], { dtype: dt, device: x.device });
  const one = full([len, 1], 1, { dtype: dt, device: x.device });
  const r = n === 1 ? one : cat([one, cumprod(expand(unsqueeze(convert(x, dt), 1), [len, n - 1]), 1)], 1);
  return o.increasing ? r : flip(r, [1]);
}

/** torch.frobenius_norm(input) | (input, dim, keepdim=False): the 2-norm over at most two dims. */
export function frobenius_norm(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("frobenius_norm", args, ["dim", "keepdim"], { dim: null, keepdim: false });
  checkTensor("frobenius_norm", "input", input);
  const dims = o.dim === null ? null : typeof o.dim === "number" ? [o.dim] : (o.dim as number[]);
  if (dims && dims.length > 2)
    throw new TorchError(`frobenius_norm: Expected at most 2 dimensions, but got ${dims.length} dimensions instead.`);
  return norm(input, 2, dims, !!o.keepdim);
}

/** torch.nuclear_norm(input, keepdim=False) | (input, dim, keepdim=False): the sum of singular values. */
export function nuclear_norm(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor("nuclear_norm", "input", input);
  // the first overload's second parameter is keepdim (a bool), the second's is dim
  const byDim =
    args.length > 0 &&
    typeof args[0] !== "boolean" &&
    !(args[0] !== null && typeof args[0] === "object" && !Array.isArray(args[0]) && !("dim" in (args[0] as object)));
  const o = parseArgs("nuclear_norm", args, byDim ? ["dim", "keepdim"] : ["keepdim"], { dim: null, keepdim: false });
  try {
    return norm(input, "nuc", o.dim, !!o.keepdim);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("norm: ")) e.message = `nuclear_norm: ${e.message.slice(6)}`;
    throw e;
  }
}

/** torch.fill(input, value): a copy of input with every element value (a scalar or 0-d tensor). */
export function fill(input: Tensor, value: TensorOrScalar): Tensor {
  checkTensor("fill", "input", input);
  if (value instanceof Tensor && value.ndim !== 0)
    throw new TorchError(`fill: fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
  // a where with an all-true condition: input's gradient is zeros (as PyTorch's FillBackward), a
  // tensor value's is the sum, and inf/nan in input cannot leak into the result
  const v = value instanceof Tensor ? convert(value, input.dtype) : scalarTensor(value, input.dtype, input.device);
  return E.where(full(input.shape.slice(), true, { dtype: bool, device: input.device }), v, input);
}

// ---- global switches PyTorch keeps (recorded; the project's kernels are deterministic) ----
let deterministic = false,
  deterministicWarnOnly = false;
/** torch.use_deterministic_algorithms(mode, *, warn_only=False). */
export function use_deterministic_algorithms(mode: boolean, ...args: unknown[]): void {
  const o = parseArgs("use_deterministic_algorithms", args, ["warn_only"], { warn_only: false });
  if (typeof mode !== "boolean")
    throw new TorchTypeError(`use_deterministic_algorithms(): argument 'mode' must be bool, not ${describe(mode)}`);
  deterministic = mode;
  deterministicWarnOnly = !!o.warn_only;
}
export const are_deterministic_algorithms_enabled = (): boolean => deterministic;
export const is_deterministic_algorithms_warn_only_enabled = (): boolean => deterministicWarnOnly;

let matmulPrecision = "highest";
/** torch.set_float32_matmul_precision(precision): 'highest' | 'high' | 'medium'; another value has no effect (PyTorch warns). */
export function set_float32_matmul_precision(precision: string): void {
  if (typeof precision !== "string")
    throw new TorchTypeError(`set_float32_matmul_precision(): argument 'precision' must be str, not ${describe(precision)}`);
  if (precision === "highest" || precision === "high" || precision === "medium") matmulPrecision = precision;
  else console.warn(`${precision} is not one of 'highest', 'high', or 'medium'; the current setFloat32MatmulPrecision call has no effect.`);
}
export const get_float32_matmul_precision = (): string => matmulPrecision;
