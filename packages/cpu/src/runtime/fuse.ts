// Fusion of elementwise chains: an elementwise op whose only use is another
// elementwise op is inlined into it, so a chain becomes one generated loop.
// Intermediates are rounded to their dtype exactly as the eager kernels store
// them, so fused and eager results are identical.
import type { DType } from "@xlatorch/core";
import type { Op, Value } from "@xlatorch/stablehlo";
import { binaryExpr, compareExpr, convertExpr, readExpr, selectExpr, storeExpr, unaryExpr, wrapExpr } from "../exprs.js";
import { dtypeOfElement, ELEMENTWISE, fusable } from "./translate.js";

export interface FusedLoop {
  /** Values read by the loop, in x0..x{n-1} order. */
  leaves: Value[];
  reads: string[];
  body: string;
  out: Value;
  outDtype: DType;
}

const dt = (v: Value) => dtypeOfElement(v.type.element);

/**
 * Expressions nest at most this deep; a deeper chain is cut into several loops
 * (JavaScript parsers recurse on nested expressions).
 */
const MAX_DEPTH = 64;

/** Which elementwise ops get inlined into their single elementwise consumer. */
export function inlinable(ops: readonly Op[], uses: Map<number, number>): Set<Op> {
  const producer = new Map<number, Op>();
  for (const op of ops) if (fusable(op)) producer.set(op.results[0]!.id, op);
  const inl = new Set<Op>();
  const depth = new Map<Op, number>();
  for (const op of ops) {
    if (!fusable(op)) continue;
    let d = 1;
    for (const v of op.operands) {
      const p = producer.get(v.id);
      if (!p || uses.get(v.id) !== 1) continue;
      const pd = depth.get(p)!;
      if (pd + 1 > MAX_DEPTH) continue;
      inl.add(p);
      d = Math.max(d, pd + 1);
    }
    depth.set(op, d);
  }
  return inl;
}

export function buildLoop(root: Op, producerOf: (v: Value) => Op | undefined, inlined: Set<Op>): FusedLoop {
  const leaves: Value[] = [];
  const leafIdx = new Map<number, number>();
  const expr = (v: Value): string => {
    const p = producerOf(v);
    if (p && inlined.has(p)) return wrapExpr(dt(v), opExpr(p));
    let i = leafIdx.get(v.id);
    if (i === undefined) {
      i = leaves.length;
      leafIdx.set(v.id, i);
      leaves.push(v);
    }
    return `x${i}`;
  };
  const opExpr = (op: Op): string => {
    const prim = ELEMENTWISE[op.name]!;
    const ins = op.operands.map(expr);
    const d0 = dt(op.operands[0]!);
    switch (prim) {
      case "compare": {
        const a = op.attrs.comparison_direction;
        return compareExpr(a && a.kind === "enum" ? a.value : "EQ", ins[0]!, ins[1]!);
      }
      case "select":
        return selectExpr(ins[0]!, ins[1]!, ins[2]!);
      case "convert":
        return convertExpr(d0, dt(op.results[0]!), ins[0]!);
      default:
        return ins.length === 1 ? unaryExpr(prim, d0, ins[0]!) : binaryExpr(prim, d0, ins[0]!, ins[1]!);
    }
  };
  const out = root.results[0]!;
  const body = storeExpr(dt(out), opExpr(root));
  return { leaves, reads: leaves.map((l) => readExpr(dt(l), "@")), body, out, outDtype: dt(out) };
}
