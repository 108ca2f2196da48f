// The control-flow primitives, one StableHLO op each: `while` (stablehlo.while)
// and `case` (stablehlo.case). Their bodies are sub-graphs (subgraph.ts):
// functions of tensors traced once into plain data, carried as attributes, so
// a loop whose trip count depends on data is one op of one graph, compiled
// once. Shape rules here; CPU kernel in cpu/src/kernels/control.ts (it
// interprets the sub-graphs with the other kernels), lowering in
// lazy/src/lower_control.ts, VJPs in vjps_control.ts.
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const CONTROL_PRIMS = ["while", "case"] as const;

/** One primitive application of a sub-graph: its operands and results are value numbers. */
export interface Eqn {
  op: string;
  ins: number[];
  attrs: unknown;
  outs: AVal[];
}

/**
 * A traced function. Values are numbered: the inputs 0..inputs.length-1 (the
 * op's explicit operands, then the tensors it captured), then each equation's
 * results in order.
 */
export interface SubGraph {
  inputs: AVal[];
  eqns: Eqn[];
  outputs: number[];
}

/**
 * while(carried..., captured...): cond and body both take the whole operand
 * list; cond returns a bool scalar, body the next `carried` values (the
 * captured ones pass through unchanged). The results are the final carried values.
 */
export interface WhileAttrs {
  cond: SubGraph;
  body: SubGraph;
  carried: number;
}

/**
 * case(index, operands...): runs branches[index] (the last branch when index is
 * out of range, as StableHLO) on the operands; every branch returns the same avals.
 */
export interface CaseAttrs {
  branches: SubGraph[];
}

export const avalText = (a: AVal): string => `${a.dtype.name}[${a.shape.slice().join(", ")}]`;
const sameAval = (a: AVal, b: AVal) =>
  a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((n, i) => n === b.shape[i]);
const outAvals = (g: SubGraph): AVal[] =>
  g.outputs.map((v) => {
    const n = g.inputs.length;
    if (v < n) return g.inputs[v]!;
    let k = n;
    for (const e of g.eqns) {
      if (v < k + e.outs.length) return e.outs[v - k]!;
      k += e.outs.length;
    }
    throw new Error(`sub-graph: output value ${v} is not defined`);
  });

function checkInputs(op: string, g: SubGraph, ins: readonly AVal[]): void {
  if (g.inputs.length !== ins.length || !g.inputs.every((a, i) => sameAval(a, ins[i]!)))
    throw new Error(
      `${op}: sub-graph takes (${g.inputs.map(avalText).join(", ")}) but the op has operands (${ins.map(avalText).join(", ")})`,
    );
}

export function defineControlPrims(P: Record<string, Primitive>): void {
  P.while = definePrimitive<WhileAttrs>({
    name: "while",
    abstract: (ins, a) => {
      checkInputs("while cond", a.cond, ins);
      checkInputs("while body", a.body, ins);
      const carried = ins.slice(0, a.carried);
      const c = outAvals(a.cond);
      if (c.length !== 1 || c[0]!.dtype.name !== "bool" || c[0]!.shape.length !== 0)
        throw new Error(`while: cond must return one bool scalar, got (${c.map(avalText).join(", ")})`);
      const b = outAvals(a.body);
      if (b.length !== carried.length || !b.every((x, i) => sameAval(x, carried[i]!)))
        throw new Error(`while: body returns (${b.map(avalText).join(", ")}) but carries (${carried.map(avalText).join(", ")})`);
      return carried.map((x) => ({ shape: x.shape.slice(), dtype: x.dtype }));
    },
  });
  P.case = definePrimitive<CaseAttrs>({
    name: "case",
    abstract: ([index, ...ins], a) => {
      if (index!.shape.length !== 0 || index!.dtype.name !== "int32")
        throw new Error(`case: index must be an int32 scalar, got ${avalText(index!)}`);
      if (a.branches.length === 0) throw new Error("case: no branches");
      for (const g of a.branches) checkInputs("case branch", g, ins);
      const first = outAvals(a.branches[0]!);
      for (const g of a.branches.slice(1)) {
        const o = outAvals(g);
        if (o.length !== first.length || !o.every((x, i) => sameAval(x, first[i]!)))
          throw new Error(`case: branches return (${first.map(avalText).join(", ")}) and (${o.map(avalText).join(", ")})`);
      }
      return first.map((x) => ({ shape: x.shape.slice(), dtype: x.dtype }));
    },
  });
}

export { outAvals as subGraphOutAvals };
