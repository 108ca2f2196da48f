// The compiled path of stablehlo.while and stablehlo.case (what the lazy
// device's control-flow primitives lower to, and what imported modules use):
// the regions' ops run as the runtime's steps (kernels where exact, see
// interpret/engine.ts), and the loop-carried buffers pass from one trip to the
// next as they are. The reference evaluator's forms (interpret/control.ts) copy
// every operand to a dense value per trip, captured weights included.
import { dtypeOf } from "@xlatorch/core";
import type { Module, Op, Region, Value } from "@xlatorch/stablehlo";
import { dense } from "../kernels/layout.js";
import type { CpuBuffer } from "./buffer.js";

type Lookup = (v: Value) => CpuBuffer;
type ScopedRunner = (ins: readonly CpuBuffer[], scope: Lookup) => CpuBuffer[];
/** interpret/engine.ts's evalRegion (passed in: engine.ts picks this runner). */
type EvalRegion = (r: Region, args: CpuBuffer[], outer: Lookup, module: Module) => CpuBuffer[];

const scalar = (b: CpuBuffer): number => Number(dense(b.s, b.shape, dtypeOf(b.dtype))[0]);

/** The runner of a while or case op, or null for other ops. */
export function controlRunner(op: Op, module: Module, evalRegion: EvalRegion): ScopedRunner | null {
  const regions = op.regions ?? [];
  if (op.name === "stablehlo.while" && regions.length === 2) {
    const [cond, body] = regions as [Region, Region];
    return (ins, scope) => {
      let vals = [...ins];
      while (scalar(evalRegion(cond, vals, scope, module)[0]!) !== 0) vals = evalRegion(body, vals, scope, module);
      return vals;
    };
  }
  if (op.name === "stablehlo.case" && regions.length > 0 && op.operands.length === 1) {
    return (ins, scope) => {
      const i = scalar(ins[0]!);
      // an index out of range runs the last branch (the spec's default)
      const k = Number.isInteger(i) && i >= 0 && i < regions.length ? i : regions.length - 1;
      return evalRegion(regions[k]!, [], scope, module);
    };
  }
  return null;
}
