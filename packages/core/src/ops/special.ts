// torch.special's functions that need new math (lgamma, digamma, polygamma,
// zeta, the incomplete gamma functions, Bessel functions, ndtri, erfcx: one
// primitive each, prims_special.ts) and the ones composed from existing ops
// (entr, ndtr, log_ndtr, xlog1py, multigammaln, spherical_bessel_j0). The
// torch.* names PyTorch has for some (lgamma, digamma, polygamma, mvlgamma, i0,
// igamma, igammac) are these functions. The orthogonal polynomials live in
// special_polynomials.ts.
import { recordCustom, surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { get_default_dtype, result_type, type DType } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { is_grad_enabled, no_grad } from "../grad_mode.js";
import { P, type PrimName } from "../prims.js";
import type { Tensor } from "../tensor.js";
import { checkOperand, checkTensor, parseArgs, type TensorOrScalar } from "./args.js";
import { opmath, operand, scalarTensor } from "./base.js";
import { abs, add, div, eq, erf, exp, gt, isinf, isnan, log, log1p, lt, mul, neg, prepare, sin, sub, where } from "./elementwise.js";
import { erfc } from "./math.js";

const floatOf = (d: DType): DType => (d.is_floating_point ? d : get_default_dtype());

/** A unary special function: integers and bool promote to the default float dtype (PyTorch's unary float ops). */
function specialUnary(op: string, prim: PrimName, x: Tensor, differentiable = true): Tensor {
  checkTensor(op, "input", x);
  // real functions: PyTorch's kernels refuse complex tensors (a real result would drop the imaginary parts)
  if (x.dtype.is_complex)
    throw new TorchError(`${op}: "${op === "digamma" ? op : `${op}_vml_cpu`}" not implemented for '${x.dtype.scalarName}'`);
  const dt = floatOf(x.dtype);
  const xin = differentiable ? x : x.detach();
  return surface(op, () => opmath(dt, [xin], (u) => bind1(P[prim], [u!])));
}
/** igamma/igammac take float operands only ("igamma_cpu" not implemented for 'Long'). */
function floatOnly(op: string, a: Tensor, b: Tensor): void {
  const dt = result_type(a, b);
  if (!dt.is_floating_point) throw new TorchError(`"${op}_cpu" not implemented for '${dt.scalarName}'`);
}
/** A float function of two operands (tensors or numbers), promoted and broadcast. */
function specialBinary(
  op: string,
  a: TensorOrScalar,
  b: TensorOrScalar,
  f: (x: Tensor, y: Tensor) => Tensor,
  names = ["input", "other"],
): Tensor {
  checkOperand(op, a, names[0]!);
  checkOperand(op, b, names[1]!);
  const dt = floatOf(result_type(operand(a), operand(b)));
  return surface(op, () => {
    const [x, y] = prepare(op, [a, b], dt);
    return opmath(dt, [x!, y!], (u, v) => f(u!, v!));
  });
}
const prim2 = (prim: PrimName) => (x: Tensor, y: Tensor) => bind1(P[prim], [x, y]);

// ---- gamma family -------------------------------------------------------------
export const lgamma = (input: Tensor): Tensor => specialUnary("lgamma", "lgamma", input);
export const digamma = (input: Tensor): Tensor => specialUnary("digamma", "digamma", input);
/** polygamma(n, input): the n-th derivative of digamma, n a non-negative integer. */
export function polygamma(n: number, input: Tensor): Tensor {
  if (typeof n !== "number" || !Number.isInteger(n))
    throw new TorchError(`polygamma(): argument 'n' must be int, not ${typeof n === "number" ? "float" : typeof n}`);
  checkTensor("polygamma", "input", input);
  if (n < 0) throw new TorchError("polygamma(n, x) does not support negative n.");
  const dt = floatOf(input.dtype);
  return surface("polygamma", () =>
    opmath(dt, [input], (x) => (n === 0 ? bind1(P.digamma, [x!]) : bind1(P.polygamma, [scalarTensor(n, x!.dtype, x!.device), x!]))),
  );
}
/** mvlgamma(input, p): the log multivariate gamma, sum_i lgamma(x - i/2) + p(p-1)/4 log(pi). */
export function mvlgamma(input: Tensor, ...args: unknown[]): Tensor {
  const { p } = parseArgs("mvlgamma", args, ["p"]);
  checkTensor("mvlgamma", "input", input);
  if (typeof p !== "number" || !Number.isInteger(p)) throw new TorchError(`mvlgamma(): argument 'p' must be int, not ${typeof p}`);
  if (p < 1) throw new TorchError("p has to be greater than or equal to 1");
  const dt = floatOf(input.dtype);
  return surface("mvlgamma", () =>
    opmath(dt, [input], (x) => {
      let s = bind1(P.lgamma, [x!]);
      for (let i = 1; i < p; i++) s = add(s, bind1(P.lgamma, [sub(x!, i / 2)]));
      return add(s, ((p * (p - 1)) / 4) * Math.log(Math.PI));
    }),
  );
}
export const multigammaln = (input: Tensor, ...args: unknown[]): Tensor => mvlgamma(input, ...args);
/** zeta(input, other): the Hurwitz zeta function sum_k (k + other)^-input. */
export const zeta = (input: TensorOrScalar, other: TensorOrScalar): Tensor => specialBinary("zeta", input, other, prim2("zeta"));
/** igamma(input, other): the regularized lower incomplete gamma function P(input, other). */
export const igamma = (input: Tensor, other: Tensor): Tensor => {
  checkTensor("igamma", "input", input);
  checkTensor("igamma", "other", other);
  floatOnly("igamma", input, other);
  return specialBinary("igamma", input, other, prim2("igamma"));
};
/** igammac(input, other) = 1 - igamma(input, other), computed directly. */
export const igammac = (input: Tensor, other: Tensor): Tensor => {
  checkTensor("igammac", "input", input);
  checkTensor("igammac", "other", other);
  floatOnly("igammac", input, other);
  return specialBinary("igammac", input, other, prim2("igammac"));
};

// ---- Bessel functions ---------------------------------------------------------
// torch.i0 and special.i0e/i1/i1e are differentiable; special.bessel_*,
// modified_bessel_* and scaled_modified_bessel_* are not (PyTorch 1.13).
export const i0 = (input: Tensor): Tensor => specialUnary("i0", "bessel_i0", input);
export const i0e = (input: Tensor): Tensor => specialUnary("special_i0e", "bessel_i0e", input);
export const i1 = (input: Tensor): Tensor => specialUnary("special_i1", "bessel_i1", input);
export const i1e = (input: Tensor): Tensor => specialUnary("special_i1e", "bessel_i1e", input);
export const modified_bessel_i0 = (input: Tensor): Tensor => specialUnary("special_modified_bessel_i0", "bessel_i0", input, false);
export const modified_bessel_i1 = (input: Tensor): Tensor => specialUnary("special_modified_bessel_i1", "bessel_i1", input, false);
export const modified_bessel_k0 = (input: Tensor): Tensor => specialUnary("special_modified_bessel_k0", "bessel_k0", input, false);
export const modified_bessel_k1 = (input: Tensor): Tensor => specialUnary("special_modified_bessel_k1", "bessel_k1", input, false);
export const scaled_modified_bessel_k0 = (x: Tensor): Tensor => specialUnary("special_scaled_modified_bessel_k0", "bessel_k0e", x, false);
export const scaled_modified_bessel_k1 = (x: Tensor): Tensor => specialUnary("special_scaled_modified_bessel_k1", "bessel_k1e", x, false);
export const bessel_j0 = (input: Tensor): Tensor => specialUnary("special_bessel_j0", "bessel_j0", input, false);
export const bessel_j1 = (input: Tensor): Tensor => specialUnary("special_bessel_j1", "bessel_j1", input, false);
export const bessel_y0 = (input: Tensor): Tensor => specialUnary("special_bessel_y0", "bessel_y0", input, false);
export const bessel_y1 = (input: Tensor): Tensor => specialUnary("special_bessel_y1", "bessel_y1", input, false);
/** spherical_bessel_j0(x) = sin(x) / x: a Taylor polynomial below |x| = 1/2 (as PyTorch), 0 at +-inf; not differentiable. */
export function spherical_bessel_j0(x: Tensor): Tensor {
  checkTensor("special_spherical_bessel_j0", "x", x);
  const dt = floatOf(x.dtype);
  return surface("special_spherical_bessel_j0", () =>
    opmath(dt, [x.detach()], (u) => {
      const x2 = mul(u!, u!);
      let poly = mul(x2, 1 / 6227020800);
      for (const c of [-1 / 39916800, 1 / 362880, -1 / 5040, 1 / 120, -1 / 6]) poly = mul(x2, add(poly, c));
      const r = where(lt(abs(u!), 0.5), add(poly, 1), div(sin(u!), u!));
      return where(isinf(u!), 0, r);
    }),
  );
}

// ---- error function family ------------------------------------------------------
export const erfcx = (input: Tensor): Tensor => specialUnary("special_erfcx", "erfcx", input);
export const ndtri = (input: Tensor): Tensor => specialUnary("special_ndtri", "ndtri", input);
/** ndtr(x): PyTorch's split, 1/2 + erf(x/sqrt2)/2 near 0, erfc(|x|/sqrt2)/2 (reflected) in the tails. */
export function ndtr(input: Tensor): Tensor {
  checkTensor("special_ndtr", "input", input);
  const dt = floatOf(input.dtype);
  return surface("special_ndtr", () =>
    opmath(dt, [input], (x) => {
      const t = mul(x!, Math.SQRT1_2);
      const center = add(mul(erf(t), 0.5), 0.5);
      const tail = mul(erfc(abs(t)), 0.5);
      return where(lt(abs(t), Math.SQRT1_2), center, where(gt(x!, 0), sub(1, tail), tail));
    }),
  );
}
/** log_ndtr(x) = log(ndtr(x)): log(erfcx(-x/sqrt2) / 2) - x^2/2 below -1, log1p(-erfc(x/sqrt2) / 2) above (PyTorch's split). */
export function log_ndtr(input: Tensor): Tensor {
  checkTensor("special_log_ndtr", "input", input);
  const dt = floatOf(input.dtype);
  return surface("special_log_ndtr", () =>
    opmath(dt, [input], (x) => {
      const t = mul(x!, Math.SQRT1_2);
      const low = sub(log(div(bind1(P.erfcx, [neg(t)]), 2)), div(mul(x!, x!), 2));
      const high = log1p(neg(div(erfc(t), 2)));
      return where(lt(x!, -1), low, high);
    }),
  );
}
/** entr(x) = -x log x for x > 0, 0 at 0, -inf below 0 (NaN stays NaN). */
export function entr(input: Tensor): Tensor {
  checkTensor("special_entr", "input", input);
  const dt = floatOf(input.dtype);
  const value = () =>
    surface("special_entr", () =>
      opmath(dt, [input], (x) => {
        const pos = neg(mul(x!, log(where(gt(x!, 0), x!, 1))));
        return where(isnan(x!), x!, where(gt(x!, 0), pos, where(eq(x!, 0), 0, -Infinity)));
      }),
    );
  if (!is_grad_enabled() || !input.requires_grad) return value();
  // PyTorch's derivative (derivatives.yaml): grad * -(1 + log(x)) everywhere, so NaN below 0 and
  // +inf at 0, where the where() of the value above would pass back 0
  const out = no_grad(value);
  recordCustom("SpecialEntrBackward0", [input], [out], ([g], [x]) => [g ? mul(g, neg(add(log(x!), 1))) : null]);
  return out;
}
/** xlog1py(x, y) = x * log1p(y), 0 where x == 0 unless y is NaN. */
export const xlog1py = (input: TensorOrScalar, other: TensorOrScalar): Tensor =>
  specialBinary("special_xlog1py", input, other, (x, y) => {
    const l = log1p(y);
    const atZero = mul(x, where(isinf(l), 0, where(isnan(l), 0, l)));
    return where(isnan(y), NaN, where(eq(x, 0), atZero, mul(x, l)));
  });
