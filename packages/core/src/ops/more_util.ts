// Small helpers shared by the more_*.ts op files (compositions only).
import { recordCustom } from "../autograd.js";
import { getBackend } from "../device.js";
import { is_grad_enabled, no_grad } from "../grad_mode.js";
import { bind1 } from "../dispatch.js";
import { bfloat16, float16, float32, float64, int16, int32, int64, int8, uint8, bool, type DType } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import type { Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { describe, type Scalar } from "./args.js";
import { convert, expandTo, scalarTensor } from "./base.js";
import { abs, add, eq, exp, exp2, isinf, log1p, logical_and, maximum, mul, neg, sub, where } from "./elementwise.js";

export const isHalf = (d: DType): boolean => d === float16 || d === bfloat16;

/**
 * Computes `f` in PyTorch's "opmath" precision: float16/bfloat16 operands are
 * widened to float32 and the result rounded back once, as PyTorch's kernels
 * do; other dtypes run as they are (after conversion to `dt`).
 */
export function opmath(dt: DType, xs: readonly Tensor[], f: (...ys: Tensor[]) => Tensor): Tensor {
  if (!isHalf(dt)) return f(...xs.map((x) => convert(x, dt)));
  return convert(f(...xs.map((x) => convert(x, float32))), dt);
}

/** An int64 iota of `shape` counting along `dim`, on `like`'s device. */
export const iota = (shape: Shape, dim: number, like: Tensor, dtype: DType = int64): Tensor =>
  bind1(P.iota!, [], { shape: [...shape], dim, dtype }, like.device);

/** A constant of x's device broadcast (as a view) to `shape`. */
export const constant = (v: Scalar, dtype: DType, like: Tensor, shape: Shape = []): Tensor =>
  expandTo(scalarTensor(v, dtype, like.device), shape);

/** Largest finite value / lowest value of a dtype (torch.finfo / torch.iinfo). */
export function dtypeMax(d: DType): Scalar {
  switch (d) {
    case float32: return 3.4028234663852886e38;
    case float64: return Number.MAX_VALUE;
    case float16: return 65504;
    case bfloat16: return 3.3895313892515355e38;
    case int8: return 127;
    case uint8: return 255;
    case int16: return 32767;
    case int32: return 2147483647;
    case int64: return 2n ** 63n - 1n;
    case bool: return true;
  }
  throw new TorchTypeError(`no maximum for ${d}`);
}
export function dtypeLowest(d: DType): Scalar {
  if (d.is_floating_point) return -(dtypeMax(d) as number);
  switch (d) {
    case int8: return -128;
    case uint8: return 0;
    case int16: return -32768;
    case int32: return -2147483648;
    case int64: return -(2n ** 63n);
    case bool: return false;
  }
  throw new TorchTypeError(`no minimum for ${d}`);
}

/** Tensor values already on the host (cpu, or xla host data) without a sync; null otherwise. */
export function peek(t: Tensor): ArrayLike<number | bigint> | null {
  if (t.numel() === 0) return null;
  return (getBackend(t.device.type).peekHost?.(t) as ArrayLike<number | bigint> | null | undefined) ?? null;
}

export function checkIndexDtype(op: string, index: unknown, allowInt32: boolean): Tensor {
  if (!(index instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'index' must be Tensor, not ${describe(index)}`);
  if (index.dtype !== int64 && !(allowInt32 && index.dtype === int32)) {
    throw new TorchError(`${op}(): Expected dtype int${allowInt32 ? "32/int" : ""}64 for index, but got ${index.dtype}`);
  }
  return index;
}

/** Python's float repr (shortest round-trip digits; exponent form below 1e-4 and from 1e16). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expS] = x.toExponential().split("e") as [string, string];
  const e = Number(expS);
  if (e < -4 || e >= 16) {
    const m = mant.includes(".") ? mant : mant;
    return `${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  let s: string;
  if (e >= 0) {
    s = digits.length <= e + 1 ? digits + "0".repeat(e + 1 - digits.length) + ".0" : `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
  } else {
    s = `0.${"0".repeat(-e - 1)}${digits}`;
  }
  return (neg ? "-" : "") + s;
}

/** log(exp(a) + exp(b)) as PyTorch evaluates it: max + log1p(exp(-|a - b|)), equal infinities passed through. */
export function logaddexpImpl(x: Tensor, y: Tensor, base2: boolean): Tensor {
  const m = maximum(x, y);
  const d = neg(abs(sub(x, y)));
  const r = base2 ? add(m, mul(log1p(exp2(d)), 1 / Math.LN2)) : add(m, log1p(exp(d)));
  return where(logical_and(isinf(x), eq(x, y)), x, r);
}

/**
 * An op PyTorch gives no derivative: when an input requires grad, the result
 * is computed without recording and gets a node (named as PyTorch's grad_fn)
 * whose backward throws PyTorch's message.
 */
export function withoutDerivative<T extends Tensor | Tensor[]>(node: string, message: string, inputs: readonly (Tensor | unknown)[], f: () => T): T {
  const ts = inputs.filter((t): t is Tensor => t instanceof Tensor);
  if (!is_grad_enabled() || !ts.some((t) => t.requires_grad)) return f();
  const out = no_grad(f);
  const outs = (Array.isArray(out) ? out : [out]).filter((t) => t.dtype.is_floating_point);
  if (outs.length) recordCustom(node, ts, outs, () => { throw new TorchError(message); });
  return out;
}
