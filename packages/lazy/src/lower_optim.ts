// Lowering of the fused optimizer updates (core's prims_optim.ts): each
// output's expression (adamUpdateExprs, the one the CPU kernel evaluates) as
// the StableHLO elementwise ops the composed update would emit, each distinct
// subexpression once. The 0-d hyperparameters arrive broadcast to the
// parameter's shape (lower.ts splats scalar operands), so they stay graph
// parameters: a new lr or step count compiles nothing.
import { adamUpdateExprs, sgdUpdateExprs, type AdamUpdateAttrs, type AVal, type SgdUpdateAttrs, type UpdateExpr } from "@xlatorch/core";
import type { Builder, Value } from "@xlatorch/stablehlo";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const OPS: Record<string, (b: Builder, a: Value[]) => Value> = {
  neg: (b, [x]) => b.negate(x!),
  sqrt: (b, [x]) => b.sqrt(x!),
  add: (b, [x, y]) => b.add(x!, y!),
  multiply: (b, [x, y]) => b.multiply(x!, y!),
  divide: (b, [x, y]) => b.divide(x!, y!),
  maximum: (b, [x, y]) => b.maximum(x!, y!),
};

/** The expressions' values over `ins`, a shared subexpression emitted once. */
export function lowerExprs(b: Builder, ins: Value[], exprs: UpdateExpr[]): Value[] {
  const done = new Map<string, Value>();
  const emit = (e: UpdateExpr): Value => {
    if (typeof e === "number") return ins[e]!;
    const key = JSON.stringify(e);
    let v = done.get(key);
    if (!v) {
      const [op, ...args] = e;
      const f = OPS[op];
      if (!f) throw new Error(`lower_optim: no lowering of ${op}`);
      v = f(b, args.map(emit));
      done.set(key, v);
    }
    return v;
  };
  return exprs.map(emit);
}

const adamUpdate: Lowering<AdamUpdateAttrs> = (b, ins, a) => lowerExprs(b, ins, adamUpdateExprs(a).exprs);
const sgdUpdate: Lowering<SgdUpdateAttrs> = (b, ins, a) => lowerExprs(b, ins, sgdUpdateExprs(a).exprs);

export const OPTIM_LOWERINGS = { adam_update: adamUpdate, sgd_update: sgdUpdate };
