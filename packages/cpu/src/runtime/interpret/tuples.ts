// Tuples and tokens in the reference evaluator: `stablehlo.tuple` packs its
// operands (copied: the runtime may reuse a value's memory after its last use,
// while the tuple lives on), `get_tuple_element` unpacks one (copied again, for
// the same reason), and `after_all` makes a token. A token carries no data: it
// only orders side effects, which this evaluator runs in program order anyway.
import { tokenType } from "@xlatorch/stablehlo";
import type { Interp } from "./engine.js";
import { alloc, type DenseValue, Unsupported } from "./values.js";

/** A deep copy (tuples included). */
export function copyValue(v: DenseValue): DenseValue {
  const out: DenseValue = { type: v.type, data: v.data.slice() as DenseValue["data"] };
  if (v.parts) out.parts = v.parts.map(copyValue);
  return out;
}

export function tokenValue(): DenseValue {
  return alloc(tokenType());
}

export const tupleOps: Record<string, Interp> = {
  "stablehlo.tuple": (op, ins) => {
    const out = alloc(op.results[0]!.type, op);
    out.parts = ins.map(copyValue);
    return [out];
  },
  "stablehlo.get_tuple_element": (op, [t]) => {
    const a = op.attrs.index;
    const i = a && a.kind === "int" ? Number(a.value) : -1;
    if (!t!.parts || i < 0 || i >= t!.parts.length) throw new Unsupported(op, `index ${i} is out of range for ${t!.type.element}`);
    return [copyValue(t!.parts[i]!)];
  },
  "stablehlo.after_all": (op) => [alloc(op.results[0]!.type, op)],
};
