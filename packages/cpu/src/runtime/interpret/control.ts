// Control flow and calls: while, case, if, func.call, map, optimization_barrier.
// Regions run op at a time (engine.ts); the ops here only pick which and how often.
import { numelOf } from "@xlatorch/core";
import { tensorType, type Op } from "@xlatorch/stablehlo";
import type { EvalCtx, Interp } from "./engine.js";
import { alloc, copyElement, type DenseValue, getInt, Unsupported } from "./values.js";

const strAttr = (op: Op, k: string): string => {
  const a = op.attrs[k];
  if (!a || a.kind !== "string") throw new Unsupported(op, `expects a ${k} attribute`);
  return a.value;
};

export const controlOps: Record<string, Interp> = {
  "stablehlo.while": (op, ins, ctx) => {
    const [cond, body] = op.regions ?? [];
    if (!cond || !body) throw new Unsupported(op, "expects cond and body regions");
    let vals = ins;
    for (;;) {
      const [p] = ctx.region(cond, vals);
      if (getInt(p!, 0) === 0n) return vals;
      vals = ctx.region(body, vals);
    }
  },
  // branch `index`, or the last branch when index is out of range (the spec's default)
  "stablehlo.case": (op, ins, ctx) => {
    const branches = op.regions ?? [];
    const i = getInt(ins[0]!, 0);
    const k = i < 0n || i >= BigInt(branches.length) ? branches.length - 1 : Number(i);
    return ctx.region(branches[k]!, []);
  },
  "stablehlo.if": (op, ins, ctx) => {
    const [t, f] = op.regions ?? [];
    return ctx.region(getInt(ins[0]!, 0) !== 0n ? t! : f!, []);
  },
  "func.call": (op, ins, ctx) => ctx.call(strAttr(op, "callee"), ins),
  "stablehlo.optimization_barrier": (_op, ins) => ins,
  "stablehlo.map": (op, ins, ctx) => mapOp(op, ins, ctx),
};

/** stablehlo.map: the computation applied to each index's scalars (dimensions must be all of them, in order). */
function mapOp(op: Op, ins: DenseValue[], ctx: EvalCtx): DenseValue[] {
  const r = op.regions?.[0];
  if (!r) throw new Unsupported(op, "expects a computation region");
  const out = alloc(op.results[0]!.type, op);
  const n = numelOf(out.type.shape);
  for (let i = 0; i < n; i++) {
    const args = ins.map((x) => {
      const s = alloc(tensorType([], x.type.element), op);
      copyElement(s, 0, x, i);
      return s;
    });
    const [y] = ctx.region(r, args);
    copyElement(out, i, y!, 0);
  }
  return [out];
}
