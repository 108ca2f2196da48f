// softmax and softmax_backward: softmax(x, dim) as one primitive each way
// (ops/reduce.ts). Composed, it was nine primitives forward (max, reshape,
// broadcast, subtract, exp, sum, reshape, broadcast, divide) and eleven more in
// backward (divide's two gradients, the sum's, exp's), with an autograd node
// each: on nanoGPT's [B, nh, T, T] attention weights, 40 calls of a training step.
//
// Both keep the bits of that composition, every step rounded to the element
// type as its kernels rounded it, the sums in the reduce kernel's order:
//   softmax(x) -> (y, e, s): m = max(x), e = exp(x - m), s = sum(e), y = e / s,
// with s keeping a 1 at `dim` (e and s are what the composition's backward read);
//   softmax_backward(g, y, e, s) = (g / s + sum(-((g * y) / s))) * e,
// as autograd differentiated the composition (divide's VJP gives g / s to e and
// -((g * y) / s) to s, the sum's VJP broadcasts, exp's multiplies by e).
// Kernel: cpu/src/kernels/softmax.ts; lowering: lazy/src/lower_softmax.ts; VJPs: vjps_softmax.ts.
import { TorchError } from "./errors.js";
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const SOFTMAX_PRIMS = ["softmax", "softmax_backward"] as const;

export interface SoftmaxAttrs {
  /** The normalized dim. */
  dim: number;
}

const shapeStr = (a: AVal) => `[${a.shape.join(", ")}]`;
/** The shape of s: the input's, with a 1 at `dim`. */
export const softmaxSumShape = (shape: readonly number[], dim: number): number[] => shape.map((d, i) => (i === dim ? 1 : d));

function checkInput(name: string, x: AVal, dim: number): void {
  if (!x.dtype.is_floating_point) throw new TorchError(`${name}: expected a floating input, got ${x.dtype.name}`);
  if (!Number.isInteger(dim) || dim < 0 || dim >= x.shape.length)
    throw new TorchError(`${name}: dim ${dim} out of range for an input of shape ${shapeStr(x)}`);
}

export function defineSoftmaxPrims(P: Record<string, Primitive>): void {
  P.softmax = definePrimitive<SoftmaxAttrs>({
    name: "softmax",
    abstract: (ins, { dim }): AVal[] => {
      if (ins.length !== 1) throw new TorchError(`softmax: expected 1 operand, got ${ins.length}`);
      const x = ins[0]!;
      checkInput("softmax", x, dim);
      const full = { shape: x.shape, dtype: x.dtype };
      return [full, full, { shape: softmaxSumShape(x.shape, dim), dtype: x.dtype }];
    },
  });
  P.softmax_backward = definePrimitive<SoftmaxAttrs>({
    name: "softmax_backward",
    abstract: (ins, { dim }): AVal[] => {
      if (ins.length !== 4) throw new TorchError(`softmax_backward: expected 4 operands, got ${ins.length}`);
      const [g, y, e, s] = ins as [AVal, AVal, AVal, AVal];
      checkInput("softmax_backward", y, dim);
      for (const t of [g, e])
        if (t.dtype !== y.dtype || shapeStr(t) !== shapeStr(y))
          throw new TorchError(`softmax_backward: expected operands like ${y.dtype.name}${shapeStr(y)}, got ${t.dtype.name}${shapeStr(t)}`);
      const ss = `[${softmaxSumShape(y.shape, dim).join(", ")}]`;
      if (s.dtype !== y.dtype || shapeStr(s) !== ss)
        throw new TorchError(`softmax_backward: expected a sum of shape ${ss}, got ${s.dtype.name}${shapeStr(s)}`);
      return [{ shape: y.shape, dtype: y.dtype }];
    },
  });
}
