// The pieces of a p-norm (sum |x|^p)^(1/p) with PyTorch's subgradient at zero
// (norm_backward in FunctionsManual.cpp: 0 where the norm is 0, and for p < 1
// also 0 where an element is 0) instead of the inf * 0 = NaN the chain rule
// gives through sqrt or pow there. Values are unchanged; each zero is taken
// out of the derivative with a where on both sides (the safe operand).
import type { Tensor } from "../tensor.js";
import { eq, pow, sqrt, where } from "./elementwise.js";

/** a^p for a = |x| >= 0; for p < 1 (where a^(p-1) is infinite at 0) its derivative is 0 at a = 0. */
export function powAbs(a: Tensor, p: number): Tensor {
  if (p >= 1) return pow(a, p);
  const z = eq(a, 0);
  return where(z, p > 0 ? 0 : Infinity, pow(where(z, 1, a), p));
}

/** s^(1/p) of a sum s of |x|^p (sqrt for p = 2), its derivative 0 where s = 0 (p > 0). */
export function rootOf(s: Tensor, p: number): Tensor {
  if (p < 0) return pow(s, 1 / p);
  const z = eq(s, 0);
  const safe = where(z, 1, s);
  return where(z, 0, p === 2 ? sqrt(safe) : pow(safe, 1 / p));
}
