// The complex forms of elementwise VJPs, in PyTorch's convention: for a
// holomorphic f the gradient of a real loss is g * conj(f'(z)). The real
// formulas of vjps.ts are linear in g, f(g) = g * f'(z), so for complex
// operands conj(f(conj(g))) is PyTorch's gradient; power's zero cases are
// PyTorch's pow_backward_self / pow_backward_exponent for complex exponents.
import type { Tensor } from "./tensor.js";
import { conjIfComplex as cj, imag, real } from "./ops/complex.js";
import * as E from "./ops/elementwise.js";

type G = Tensor;
/** Unary VJPs that already conjugate (or need no conjugation): the rest get conj(f(conj(g))) for complex operands. */
const CONJUGATING = new Set(["neg", "abs", "sign", "floor", "ceil", "round_nearest_even", "exp", "log", "sqrt"]);

/** The VJP `f` of unary primitive `name`, conjugated for complex operands where its formula does not. */
export function complexAwareUnary(name: string, f: (g: G, x: Tensor, y: Tensor) => Tensor): (g: G, x: Tensor, y: Tensor) => Tensor {
  if (CONJUGATING.has(name)) return f;
  return (g, x, y) => (x.dtype.is_complex ? cj(f(cj(g), x, y)) : f(g, x, y));
}

/** power(x, e) for complex operands: d/dx conj(e x^(e-1)), 0 where e == 0; d/de conj(x^e log x), 0 where x == 0 and e is real and >= 0. */
export function complexPowerVjp(g: G, x: Tensor, e: Tensor, y: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const gx = needs[0] ? E.where(E.eq(e, 0), 0, E.mul(g, cj(E.mul(e, E.pow(x, E.sub(e, 1)))))) : null;
  const realNonNegative = E.logical_and(E.eq(imag(e), 0), E.ge(real(e), 0));
  const ge = needs[1] ? E.where(E.logical_and(E.eq(x, 0), realNonNegative), 0, E.mul(g, cj(E.mul(y, E.log(x))))) : null;
  return [gx, ge];
}
