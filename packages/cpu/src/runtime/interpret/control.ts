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
  // a composite runs its decomposition function
  "stablehlo.composite": (op, ins, ctx) => {
    const d = op.attrs.decomposition;
    if (!d || d.kind !== "string" || !d.value.startsWith("@")) throw new Unsupported(op, "expects decomposition = @function");
    return ctx.call(d.value.slice(1).replace(/^"(.*)"$/, "$1"), ins);
  },
  "chlo.scan": (op, ins, ctx) => scanOp(op, ins, ctx),
};

/**
 * chlo.scan: along `dimension` (from the end when is_reverse), the body maps
 * (input slices..., carries...) to (output slices..., new carries...).
 */
function scanOp(op: Op, ins: DenseValue[], ctx: EvalCtx): DenseValue[] {
  const body = op.regions?.[0];
  const nIn = Number((op.attrs.num_inputs as { value: number } | undefined)?.value ?? 0);
  if (!body) throw new Unsupported(op, "expects a body region");
  const inputs = ins.slice(0, nIn);
  let carries = ins.slice(nIn);
  const nOut = op.results.length - carries.length;
  const outs = op.results.slice(0, nOut).map((r) => alloc(r.type, op));
  const d = Number((op.attrs.dimension as { value: number }).value);
  const rev = op.attrs.is_reverse;
  const reverse = !!rev && rev.kind === "bool" && rev.value;
  const shape = inputs[0]?.type.shape ?? outs[0]!.type.shape;
  const len = shape[d]!;
  const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
  const sliceShape = shape.filter((_, k) => k !== d);
  for (let s = 0; s < len; s++) {
    const t = reverse ? len - 1 - s : s;
    const at = (o: number, i: number) => (o * len + t) * inner + i;
    const slices = inputs.map((x) => {
      const v = alloc(tensorType(sliceShape, x.type.element), op);
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) copyElement(v, o * inner + i, x, at(o, i));
      return v;
    });
    const res = ctx.region(body, [...slices, ...carries]);
    res.slice(0, nOut).forEach((y, r) => {
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) copyElement(outs[r]!, at(o, i), y, o * inner + i);
    });
    carries = res.slice(nOut);
  }
  return [...outs, ...carries];
}

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
