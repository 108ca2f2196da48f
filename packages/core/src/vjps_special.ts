// The gradients of torch.special's primitives (PyTorch's derivatives.yaml),
// written with ops so they run and trace on any device and differentiate again.
// The Bessel functions of special.bessel_*/modified_bessel_* are not
// differentiable in PyTorch (their ops detach); their VJPs below serve the
// differentiable torch.i0/special.i0e/i1/i1e and any internal use.
import { bind1 } from "./dispatch.js";
import { TorchError } from "./errors.js";
import { scalarTensor } from "./ops/base.js";
import * as E from "./ops/elementwise.js";
import { defineVjp, type Saves } from "./primitive.js";
import { P } from "./prims.js";
import type { Tensor } from "./tensor.js";

const IN: Saves = { inputs: true };
const OUT: Saves = { outputs: true };
const BOTH: Saves = { inputs: true, outputs: true };
const u = (name: keyof typeof P, x: Tensor): Tensor => bind1(P[name], [x]);
const b = (name: keyof typeof P, x: Tensor, y: Tensor): Tensor => bind1(P[name], [x, y]);
const notImplemented = (what: string): never => {
  throw new TorchError(`the derivative for '${what}' is not implemented.`);
};

const unary: Record<string, [Saves, (g: Tensor, x: Tensor, y: Tensor) => Tensor]> = {
  lgamma: [IN, (g, x) => E.mul(g, u("digamma", x))],
  digamma: [IN, (g, x) => E.mul(g, b("polygamma", scalarTensor(1, x.dtype, x.device), x))],
  bessel_i0: [IN, (g, x) => E.mul(g, u("bessel_i1", x))],
  // d/dx e^-|x| I0 = i1e - sgn(x) i0e
  bessel_i0e: [BOTH, (g, x, y) => E.mul(g, E.sub(u("bessel_i1e", x), E.mul(E.sign(x), y)))],
  // I1' = I0 - I1/x, 1/2 at 0
  bessel_i1: [BOTH, (g, x, y) => E.mul(g, E.where(E.eq(x, 0), 0.5, E.sub(u("bessel_i0", x), E.div(y, x))))],
  bessel_i1e: [
    BOTH,
    (g, x, y) => E.mul(g, E.where(E.eq(x, 0), 0.5, E.sub(u("bessel_i0e", x), E.mul(y, E.add(E.sign(x), E.reciprocal(x)))))),
  ],
  bessel_k0: [IN, (g, x) => E.mul(g, E.neg(u("bessel_k1", x)))],
  bessel_k1: [BOTH, (g, x, y) => E.mul(g, E.neg(E.add(u("bessel_k0", x), E.div(y, x))))],
  bessel_k0e: [BOTH, (g, x, y) => E.mul(g, E.sub(y, u("bessel_k1e", x)))],
  bessel_k1e: [BOTH, (g, x, y) => E.mul(g, E.sub(E.mul(y, E.sub(1, E.reciprocal(x))), u("bessel_k0e", x)))],
  bessel_j0: [IN, (g, x) => E.mul(g, E.neg(u("bessel_j1", x)))],
  bessel_j1: [BOTH, (g, x, y) => E.mul(g, E.where(E.eq(x, 0), 0.5, E.sub(u("bessel_j0", x), E.div(y, x))))],
  bessel_y0: [IN, (g, x) => E.mul(g, E.neg(u("bessel_y1", x)))],
  bessel_y1: [BOTH, (g, x, y) => E.mul(g, E.sub(u("bessel_y0", x), E.div(y, x)))],
  // x = ndtri(p): dx/dp = sqrt(2 pi) exp(x^2 / 2)
  ndtri: [OUT, (g, _x, y) => E.mul(g, E.mul(E.exp(E.div(E.mul(y, y), 2)), Math.sqrt(2 * Math.PI)))],
  erfcx: [BOTH, (g, x, y) => E.mul(g, E.sub(E.mul(E.mul(x, y), 2), 2 / Math.sqrt(Math.PI)))],
};
for (const [name, [saves, f]] of Object.entries(unary)) {
  defineVjp(name, saves, ([g], [x], [y]) => [f(g!, x!, y!)]);
}

// polygamma(n, x): d/dx = polygamma(n + 1, x); n is an integer, not differentiable
defineVjp("polygamma", IN, ([g], [n, x], _o, _a, needs) => [null, needs[1] ? E.mul(g!, b("polygamma", E.add(n!, 1), x!)) : null]);
// zeta(x, q): d/dq = -x zeta(x + 1, q); PyTorch has no derivative in x
defineVjp("zeta", IN, ([g], [x, q], _o, _a, needs) => [
  needs[0] ? notImplemented("zeta") : null,
  needs[1] ? E.mul(g!, E.mul(E.neg(x!), b("zeta", E.add(x!, 1), q!))) : null,
]);
// d/dx P(a, x) = x^(a-1) e^-x / Gamma(a); PyTorch has no derivative in a
const igammaGrad = (a: Tensor, x: Tensor) => E.exp(E.sub(E.sub(E.mul(E.sub(a, 1), E.log(x)), x), u("lgamma", a)));
defineVjp("igamma", IN, ([g], [a, x], _o, _a, needs) => [
  needs[0] ? notImplemented("igamma: input") : null,
  needs[1] ? E.mul(g!, igammaGrad(a!, x!)) : null,
]);
defineVjp("igammac", IN, ([g], [a, x], _o, _a, needs) => [
  needs[0] ? notImplemented("igammac: input") : null,
  needs[1] ? E.neg(E.mul(g!, igammaGrad(a!, x!))) : null,
]);
