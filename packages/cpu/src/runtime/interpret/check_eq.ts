// `stablehlo.custom_call @check.eq(%actual, %expected) -> tensor<i1>`, the check
// of the StableHLO testdata generator's files: as stablehlo-translate's
// interpreter fallback runs it, integers must be equal and floats within 1e-4
// (a mismatch fails the check); the result is true. Other targets go to the
// evaluator's custom_call (table.ts).
import type { Interp } from "./engine.js";
import { runCheck } from "./check.js";
import { INTERPRETED } from "./table.js";
import { alloc, isIntLike, setInt } from "./values.js";

export const checkEqOps: Record<string, Interp> = {
  "stablehlo.custom_call": (op, ins, ctx) => {
    const t = op.attrs.call_target_name;
    if (!t || t.kind !== "string" || t.value !== "check.eq" || ins.length !== 2) return INTERPRETED["stablehlo.custom_call"]!(op, ins, ctx);
    const exact = isIntLike(ins[1]!.type.element);
    runCheck(
      {
        ...op,
        name: exact ? "check.expect_eq" : "check.expect_almost_eq",
        attrs: { tolerance: { kind: "float", value: 1e-4, type: "f64" } },
      },
      ins,
    );
    return op.results.map((r) => {
      const out = alloc(r.type, op);
      for (let i = 0; i < out.data.length; i++) setInt(out, i, 1n);
      return out;
    });
  },
};
