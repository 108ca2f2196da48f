// CPU kernels of the control-flow primitives (core's prims_control.ts): the
// sub-graphs are interpreted with the other primitives' kernels, one equation
// at a time (values are immutable, so a view kernel's aliasing result is safe).
// while reads its condition on the host each trip; case runs one branch (the
// last one when the index is out of range, as stablehlo.case).
import type { AVal, CaseAttrs, SubGraph, WhileAttrs } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { dense } from "./layout.js";
import type { Kernel } from "./types.js";

function run(kernels: () => Record<string, Kernel>, g: SubGraph, args: readonly Strided[]): Strided[] {
  const k = kernels();
  const vals: Strided[] = [...args];
  const avals: AVal[] = [...g.inputs];
  for (const e of g.eqns) {
    const kernel = k[e.op];
    if (!kernel) throw new Error(`no CPU kernel for primitive ${e.op}`);
    vals.push(
      ...kernel(
        e.ins.map((v) => vals[v]!),
        e.ins.map((v) => avals[v]!),
        e.attrs,
        e.outs,
      ),
    );
    avals.push(...e.outs);
  }
  return g.outputs.map((v) => vals[v]!);
}

const scalar = (s: Strided, a: AVal): number => Number(dense(s, [], a.dtype)[0]);

/** The kernels, given the whole kernel table (read when they run: it includes these). */
export function controlKernels(kernels: () => Record<string, Kernel>): { while: Kernel; case: Kernel } {
  return {
    while: (ins, _avals, attrs) => {
      const a = attrs as WhileAttrs;
      const predAval = [...a.cond.inputs, ...a.cond.eqns.flatMap((e) => e.outs)][a.cond.outputs[0]!]!;
      const captured = ins.slice(a.carried);
      let vals = ins.slice(0, a.carried);
      while (scalar(run(kernels, a.cond, [...vals, ...captured])[0]!, predAval) !== 0) vals = run(kernels, a.body, [...vals, ...captured]);
      return vals;
    },
    case: ([index, ...ops], avals, attrs) => {
      const a = attrs as CaseAttrs;
      const i = scalar(index!, avals[0]!);
      const k = i < 0 || i >= a.branches.length ? a.branches.length - 1 : i;
      return run(kernels, a.branches[k]!, ops);
    },
  };
}
