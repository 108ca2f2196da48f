// gelu and gelu_backward: F.gelu (approximate="none") as one primitive each
// way. Composed, gelu was five elementwise primitives forward and ten more in
// backward (erf's derivative, the two products' gradients, the scalings and
// the accumulation of x's two gradients), each a pass over nanoGPT's
// [B, T, 4C] hidden activations: a third of its training step's elementwise
// kernel time.
//
// Both keep the bits of that composition: their values are expressions of
// elementwise primitives, op for op as F.gelu computed them
// (x * 0.5 * (erf(x * SQRT1_2) + 1)) and as autograd differentiated them
// (multiply's, erf's and the scalings' VJPs, the two gradients of x added),
// each intermediate rounded to the element type, every constant a scalar of
// the element type as the composition's scalar operands were. The CPU kernel
// (cpu/src/kernels/gelu.ts) and the lowering (lazy/src/lower_gelu.ts) both
// evaluate these expressions, so they cannot drift apart. VJPs: vjps_gelu.ts.
import { TorchError } from "./errors.js";
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const GELU_PRIMS = ["gelu", "gelu_backward"] as const;

/**
 * A value as an expression: an operand's index (gelu: x = 0; gelu_backward:
 * g = 0, x = 1), ["const", value] for a scalar of the element type, or
 * [primitive, ...operands] with an elementwise primitive (multiply, add, neg,
 * erf, exp).
 */
export type GeluExpr = number | ["const", number] | [string, ...GeluExpr[]];

const c = (v: number): GeluExpr => ["const", v];
const HALF = c(0.5),
  ALPHA = c(Math.SQRT1_2),
  ONE = c(1);
/** erf's derivative's factor, as vjps.ts's erf VJP writes it. */
const ERF_SLOPE = c(2 / Math.sqrt(Math.PI));

/** gelu(x) = (x * 0.5) * (erf(x * SQRT1_2) + 1), nn/functional/activation.ts's composition. */
export const GELU_EXPR: GeluExpr = ["multiply", ["multiply", 0, HALF], ["add", ["erf", ["multiply", 0, ALPHA]], ONE]];

/**
 * gelu_backward(g, x): the composition's gradient of x, as autograd computed it: with a = x * 0.5,
 * u = x * SQRT1_2, b = erf(u) + 1, the product's VJP gives g * b (to a) and g * a (to b); erf's gives
 * (g * a) * (exp(-(u * u)) * 2/sqrt(pi)); the scalings multiply by their constant; x's two gradients add.
 */
export const GELU_BACKWARD_EXPR: GeluExpr = (() => {
  const g = 0,
    x = 1;
  const a: GeluExpr = ["multiply", x, HALF];
  const u: GeluExpr = ["multiply", x, ALPHA];
  const b: GeluExpr = ["add", ["erf", u], ONE];
  const viaErf: GeluExpr = ["multiply", ["multiply", g, a], ["multiply", ["exp", ["neg", ["multiply", u, u]]], ERF_SLOPE]];
  return ["add", ["multiply", viaErf, ALPHA], ["multiply", ["multiply", g, b], HALF]];
})();

const shapeStr = (a: AVal) => `[${a.shape.join(", ")}]`;

function checkFloating(name: string, x: AVal): void {
  if (!x.dtype.is_floating_point) throw new TorchError(`${name}: expected a floating input, got ${x.dtype.name}`);
}

export function defineGeluPrims(P: Record<string, Primitive>): void {
  P.gelu = definePrimitive({
    name: "gelu",
    abstract: (ins): AVal[] => {
      if (ins.length !== 1) throw new TorchError(`gelu: expected 1 operand, got ${ins.length}`);
      checkFloating("gelu", ins[0]!);
      return [{ shape: ins[0]!.shape, dtype: ins[0]!.dtype }];
    },
  });
  P.gelu_backward = definePrimitive({
    name: "gelu_backward",
    abstract: (ins): AVal[] => {
      if (ins.length !== 2) throw new TorchError(`gelu_backward: expected 2 operands, got ${ins.length}`);
      const [g, x] = ins as [AVal, AVal];
      checkFloating("gelu_backward", x);
      if (g.dtype !== x.dtype || shapeStr(g) !== shapeStr(x))
        throw new TorchError(
          `gelu_backward: expected a gradient like the input ${x.dtype.name}${shapeStr(x)}, got ${g.dtype.name}${shapeStr(g)}`,
        );
      return [{ shape: x.shape, dtype: x.dtype }];
    },
  });
}
