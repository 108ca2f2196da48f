// Lowerings of the control-flow primitives (core's prims_control.ts): one
// stablehlo.while / stablehlo.case each, their sub-graphs lowered into the
// regions with the same lowering table as the main graph (so a loop body is
// never unrolled, and a trip count that depends on data needs no recompile).
// - while: every operand is carried, the captured tensors too (they pass
//   through the body unchanged): a while region takes only its arguments, as
//   XLA turns each region into a separate computation; the op's results are
//   the leading `carried` ones.
// - case: the index, then one region per branch with no arguments that uses
//   the operands from the enclosing scope (as JAX lowers lax.cond).
import type { AVal, CaseAttrs, SubGraph, WhileAttrs } from "@xlatorch/core";
import { Builder, elementTypeOf, tensorType, type Region, type Value } from "@xlatorch/stablehlo";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];
type Table = Record<string, Lowering<never>>;

const ty = (a: AVal) => tensorType(a.shape.slice(), elementTypeOf(a.dtype.name));

/** Emits the sub-graph's ops into `b` over `args`; returns its outputs. */
function lowerSubGraph(table: Table, b: Builder, g: SubGraph, args: readonly Value[]): Value[] {
  const vals: Value[] = [...args];
  const avals: AVal[] = [...g.inputs];
  for (const e of g.eqns) {
    const lower = table[e.op];
    if (!lower) throw new Error(`no StableHLO lowering for primitive ${e.op} (inside a control-flow body)`);
    const ins = e.ins.map((v) => vals[v]!);
    const res = lower(
      b,
      ins,
      e.attrs as never,
      e.outs,
      e.ins.map((v) => avals[v]!),
    );
    vals.push(...res);
    avals.push(...e.outs);
  }
  return g.outputs.map((v) => vals[v]!);
}

/**
 * A region without arguments whose body may use values of the enclosing scope
 * (Builder.region checks for the contrary, which while, reduce and sort need).
 * It shares the builder's value numbering, so names stay unique in the function.
 */
function capturingRegion(b: Builder, body: (rb: Builder) => Value[]): Region {
  const ids = (b as unknown as { ids: { next: number } }).ids;
  const rb = new Builder([], ids);
  const returns = body(rb);
  return { args: [], ops: rb.ops, returns };
}

export function controlLowerings(table: Table): { while: Lowering<WhileAttrs>; case: Lowering<CaseAttrs> } {
  return {
    while: (b, ins, a, _outs, inAvals) => {
      const types = inAvals.map(ty);
      const cond = b.region(types, (rb, args) => lowerSubGraph(table, rb, a.cond, args));
      const body = b.region(types, (rb, args) => [...lowerSubGraph(table, rb, a.body, args), ...args.slice(a.carried)]);
      return b.emit("stablehlo.while", ins, types, {}, [cond, body]).slice(0, a.carried);
    },
    case: (b, [index, ...ops], a, outs) => {
      const regions = a.branches.map((g) => capturingRegion(b, (rb) => lowerSubGraph(table, rb, g, ops)));
      return b.emit("stablehlo.case", [index!], outs.map(ty), {}, regions);
    },
  };
}
