// torch.special's orthogonal polynomials of (x, n): Chebyshev T/U/V/W (and
// shifted, at 2x - 1), Hermite H/He, Laguerre L, Legendre P. Each follows
// PyTorch 1.13's evaluation: n truncated to an integer, 0 for n < 0, the closed
// forms at |x| == 1, cos/sin of n acos(x) for large n inside (-1, 1), else the
// three-term recurrence. Composed of ops, so one graph on the xla device; n is
// per element, so the recurrence runs to the largest n (read from the host when
// n is a tensor). Not differentiable in PyTorch 1.13: the operands are detached.
import { surface } from "../autograd.js";
import { float32, float64, get_default_dtype, result_type } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkOperand, type TensorOrScalar } from "./args.js";
import { constant, operand } from "./base.js";
import {
  abs,
  acos,
  add,
  cos,
  div,
  eq,
  floor,
  gt,
  logical_and,
  logical_or,
  lt,
  mul,
  ne,
  neg,
  prepare,
  sin,
  sub,
  trunc,
  where,
} from "./elementwise.js";

type Rec = (k: number, x: Tensor, p: Tensor, q: Tensor) => Tensor;
interface Family {
  /** P_1(x) */
  p1: (x: Tensor) => Tensor;
  /** P_{k+1} from p = P_{k-1}, q = P_k */
  step: Rec;
  /** the closed forms and trigonometric branches around the recurrence's value r */
  edges: (x: Tensor, n: Tensor, r: Tensor, even: Tensor) => Tensor;
  /** evaluate at 2x - 1 (the shifted Chebyshev polynomials) */
  shifted?: boolean;
}

function evaluate(op: string, fam: Family, xIn: TensorOrScalar, nIn: TensorOrScalar): Tensor {
  checkOperand(op, xIn, "x");
  checkOperand(op, nIn, "n");
  let dt = result_type(operand(xIn), operand(nIn));
  if (!dt.is_floating_point) dt = get_default_dtype();
  const xd = xIn instanceof Tensor ? xIn.detach() : xIn;
  const nd = nIn instanceof Tensor ? nIn.detach() : nIn;
  return surface(op, () => {
    const [x0, n0] = prepare(op, [xd, nd], dt);
    const x = fam.shifted ? sub(add(x0!, x0!), 1) : x0!;
    const n = trunc(n0!);
    let nMax: number;
    if (nIn instanceof Tensor) nMax = n.numel() === 0 ? 0 : Number(n.max().item());
    else nMax = Math.trunc(Number(nIn));
    if (!Number.isFinite(nMax)) throw new TorchError(`${op}: n must be finite, got ${nMax}`);
    // P_n by the recurrence, picked per element where n == k
    const one = constant(1, dt, x, x.shape);
    let r = one;
    if (nMax >= 1) {
      let p = one;
      let q = fam.p1(x);
      r = where(eq(n, 1), q, r);
      for (let k = 1; k < nMax; k++) {
        const next = fam.step(k, x, p, q);
        p = q;
        q = next;
        r = where(eq(n, k + 1), q, r);
      }
    }
    const even = eq(sub(n, mul(floor(div(n, 2)), 2)), 0);
    return where(lt(n, 0), 0, fam.edges(x, n, r, even));
  });
}

const absEq1 = (x: Tensor) => eq(abs(x), 1);
const inside = (x: Tensor, n: Tensor, above: number) => logical_and(gt(n, above), lt(abs(x), 1));
const sign = (c: Tensor, v: Tensor | number) => where(c, v, typeof v === "number" ? -v : neg(v));
const twoX = (x: Tensor) => add(x, x);
const cheb: Rec = (_k, x, p, q) => sub(mul(twoX(x), q), p);

const T: Family = {
  p1: (x) => x,
  step: cheb,
  edges: (x, n, r, even) => {
    const trig = cos(mul(n, acos(x)));
    return where(absEq1(x), sign(logical_or(gt(x, 0), even), 1), where(inside(x, n, 6), trig, r));
  },
};
const U: Family = {
  p1: twoX,
  step: cheb,
  edges: (x, n, r, even) => {
    const t = acos(x);
    const s = sin(t);
    const n1 = add(n, 1);
    const trig = where(ne(s, 0), div(sin(mul(n1, t)), s), div(mul(n1, cos(mul(n1, t))), x));
    return where(absEq1(x), sign(logical_or(gt(x, 0), even), n1), where(inside(x, n, 8), trig, r));
  },
};
const V: Family = {
  p1: (x) => sub(twoX(x), 1),
  step: cheb,
  edges: (x, n, r, even) => {
    const t = acos(x);
    const n2 = add(add(n, n), 1);
    const trig = where(ne(sin(div(t, 2)), 1), div(cos(mul(add(n, 0.5), t)), cos(div(t, 2))), sign(even, n2));
    return where(absEq1(x), where(gt(x, 0), 1, sign(even, n2)), where(inside(x, n, 8), trig, r));
  },
};
const W: Family = {
  p1: (x) => add(twoX(x), 1),
  step: cheb,
  edges: (x, n, r, even) => {
    const t = acos(x);
    const n2 = add(add(n, n), 1);
    const atOne = where(gt(x, 0), n2, sign(even, 1));
    const trig = where(ne(cos(div(t, 2)), 1), div(sin(mul(add(n, 0.5), t)), sin(div(t, 2))), atOne);
    return where(absEq1(x), atOne, where(inside(x, n, 8), trig, r));
  },
};
/**
 * a * b - c rounded once, as ATen's CPU kernels compute the Hermite recurrences (the compiler fuses
 * them into an fma: with two roundings 1 in 500 float32 values of OpInfo's samples differ by more
 * than the tolerance). float32 through float64, where the product is exact; float64 as it is.
 */
const fms = (a: Tensor, b: Tensor, c: Tensor): Tensor =>
  a.dtype === float32 ? sub(mul(a.to(float64), b.to(float64)), c.to(float64)).to(float32) : sub(mul(a, b), c);
const H: Family = {
  p1: twoX,
  // H_{k+1} = 2x H_k - 2k H_{k-1}
  step: (k, x, p, q) => fms(twoX(x), q, mul(p, 2 * k)),
  edges: (_x, _n, r) => r,
};
const HE: Family = {
  p1: (x) => x,
  step: (k, x, p, q) => fms(x, q, mul(p, k)),
  edges: (_x, _n, r) => r,
};
const L: Family = {
  p1: (x) => sub(1, x),
  // L_{k+1} = ((2k + 1 - x) L_k - k L_{k-1}) / (k + 1)
  step: (k, x, p, q) => div(sub(mul(add(sub(1, x), 2 * k), q), mul(p, k)), k + 1),
  edges: (x, _n, r) => where(eq(x, 0), 1, r),
};
const LEGENDRE: Family = {
  p1: (x) => x,
  // P_{k+1} = ((2k + 1) x P_k - k P_{k-1}) / (k + 1)
  step: (k, x, p, q) => div(sub(mul(mul(x, 2 * k + 1), q), mul(p, k)), k + 1),
  edges: (x, _n, r, even) => where(absEq1(x), sign(logical_or(gt(x, 0), even), 1), r),
};

export const chebyshev_polynomial_t = (x: TensorOrScalar, n: TensorOrScalar): Tensor => evaluate("special_chebyshev_polynomial_t", T, x, n);
export const chebyshev_polynomial_u = (x: TensorOrScalar, n: TensorOrScalar): Tensor => evaluate("special_chebyshev_polynomial_u", U, x, n);
export const chebyshev_polynomial_v = (x: TensorOrScalar, n: TensorOrScalar): Tensor => evaluate("special_chebyshev_polynomial_v", V, x, n);
export const chebyshev_polynomial_w = (x: TensorOrScalar, n: TensorOrScalar): Tensor => evaluate("special_chebyshev_polynomial_w", W, x, n);
export const shifted_chebyshev_polynomial_t = (x: TensorOrScalar, n: TensorOrScalar): Tensor =>
  evaluate("special_shifted_chebyshev_polynomial_t", { ...T, shifted: true }, x, n);
export const shifted_chebyshev_polynomial_u = (x: TensorOrScalar, n: TensorOrScalar): Tensor =>
  evaluate("special_shifted_chebyshev_polynomial_u", { ...U, shifted: true }, x, n);
export const shifted_chebyshev_polynomial_v = (x: TensorOrScalar, n: TensorOrScalar): Tensor =>
  evaluate("special_shifted_chebyshev_polynomial_v", { ...V, shifted: true }, x, n);
export const shifted_chebyshev_polynomial_w = (x: TensorOrScalar, n: TensorOrScalar): Tensor =>
  evaluate("special_shifted_chebyshev_polynomial_w", { ...W, shifted: true }, x, n);
export const hermite_polynomial_h = (x: TensorOrScalar, n: TensorOrScalar): Tensor => evaluate("special_hermite_polynomial_h", H, x, n);
export const hermite_polynomial_he = (x: TensorOrScalar, n: TensorOrScalar): Tensor => evaluate("special_hermite_polynomial_he", HE, x, n);
export const laguerre_polynomial_l = (x: TensorOrScalar, n: TensorOrScalar): Tensor => evaluate("special_laguerre_polynomial_l", L, x, n);
export const legendre_polynomial_p = (x: TensorOrScalar, n: TensorOrScalar): Tensor =>
  evaluate("special_legendre_polynomial_p", LEGENDRE, x, n);
