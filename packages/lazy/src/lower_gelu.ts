// Lowerings of core's prims_gelu.ts: each primitive's expression (GELU_EXPR,
// GELU_BACKWARD_EXPR, the ones the CPU kernel evaluates) as the StableHLO
// elementwise ops the composition emitted, each distinct subexpression once;
// a constant is a scalar of the element type broadcast to the shape, where
// the composition's scalar operand was a 0-d parameter broadcast the same way.
import { GELU_BACKWARD_EXPR, GELU_EXPR, type AVal, type GeluExpr } from "@xlatorch/core";
import { elementTypeOf, type Builder, type Value } from "@xlatorch/stablehlo";

type Lowering = (b: Builder, ins: Value[], attrs: unknown, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const OPS: Record<string, (b: Builder, a: Value[]) => Value> = {
  neg: (b, [x]) => b.negate(x!),
  exp: (b, [x]) => b.unary("exponential", x!),
  erf: (b, [x]) => b.erf(x!),
  add: (b, [x, y]) => b.add(x!, y!),
  multiply: (b, [x, y]) => b.multiply(x!, y!),
};

function lowerExpr(expr: GeluExpr): Lowering {
  return (b, ins, _a, [o]) => {
    const shape = o!.shape.slice();
    const e = elementTypeOf(o!.dtype.name);
    const done = new Map<string, Value>();
    const emit = (t: GeluExpr): Value => {
      if (typeof t === "number") return ins[t]!;
      const key = JSON.stringify(t);
      let v = done.get(key);
      if (!v) {
        if (t[0] === "const") v = b.broadcastInDim(b.constant(t[1] as number, e), shape, []);
        else {
          const [op, ...args] = t as [string, ...GeluExpr[]];
          const f = OPS[op];
          if (!f) throw new Error(`lower_gelu: no lowering of ${op}`);
          v = f(b, args.map(emit));
        }
        done.set(key, v);
      }
      return v;
    };
    return [emit(expr)];
  };
}

export const GELU_LOWERINGS = { gelu: lowerExpr(GELU_EXPR), gelu_backward: lowerExpr(GELU_BACKWARD_EXPR) };
