// Defects found with PyTorch's OpInfo samples (0-dim inputs, a tensor-valued
// narrow start, integer pow with negative exponents, bool promotion of square
// and addr, inner with 0-dim operands, errors PyTorch raises for 0-dim and
// empty inputs, the nuclear norm), checked against PyTorch 1.13 on every
// target. tests/fixtures/gen_defects_a.py writes defects_a.json: op cases and
// gradient cases in the shared fixture format (tests/harness/fixtures.ts) and
// error cases (class from PyTorch's exception, message words from its message).
import { it } from "vitest";
import { loadCases, runGradCase, runOpCase, type GradCase, type OpCase } from "./harness/fixtures";
import { onEveryTarget, runErrorCase, type ErrorCase } from "./harness/suites";

type AnyCase = OpCase | (GradCase & { kind: "grad" }) | ErrorCase;
const all = loadCases<AnyCase>("defects_a.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const opCases = all.filter((c): c is OpCase => kindOf(c) === undefined);
const gradCases = all.filter((c): c is GradCase & { kind: "grad" } => kindOf(c) === "grad");
const errCases = all.filter((c): c is ErrorCase => kindOf(c) === "error");

onEveryTarget("OpInfo defects (a) vs PyTorch on %s", (device) => {
  for (const c of opCases)
    it(c.name, async () => {
      await runOpCase(c, device);
    });
});
onEveryTarget("OpInfo defects (a) gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases)
    it(c.name, async () => {
      await runGradCase(c, device);
    });
});
onEveryTarget("OpInfo defects (a): bad calls throw as PyTorch does on %s", (device) => {
  for (const c of errCases)
    it(c.name, async () => {
      await runErrorCase(c, device);
    });
});
