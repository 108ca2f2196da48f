// VJPs of prims_gelu.ts's gelu and gelu_backward.
//
// gelu's is one gelu_backward (the composition's gradient, one kernel).
// gelu_backward(g, x) = g * gelu'(x) is linear in g, so its cotangent u gives
// g the gradient gelu_backward(u, x); x gets u * g * gelu''(x), written with
// ops so it runs and traces on any device: with phi(x) = exp(-x^2 / 2) / sqrt(2 pi),
// gelu'(x) = Phi(x) + x phi(x) and gelu''(x) = phi(x) * (2 - x^2).
import { bind1 } from "./dispatch.js";
import { defineVjp } from "./primitive.js";
import { P } from "./prims.js";
import type { Tensor } from "./tensor.js";

defineVjp("gelu", { inputs: true }, ([g], [x]) => [g ? bind1(P.gelu_backward, [g, x!]) : null]);

defineVjp("gelu_backward", { inputs: true }, ([u], [g, x], _o, _a, needs) => {
  if (!u) return [null, null];
  const dg = needs[0] ? bind1(P.gelu_backward, [u, x!]) : null;
  let dx: Tensor | null = null;
  if (needs[1]) {
    const x2 = x!.mul(x!);
    const phi = x2
      .mul(-0.5)
      .exp()
      .mul(1 / Math.sqrt(2 * Math.PI));
    dx = u.mul(g!).mul(phi.mul(x2.neg().add(2)));
  }
  return [dg, dx];
});
