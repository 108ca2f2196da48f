// torch.narrow / Tensor.narrow with a 0-dim integral tensor start, against
// PyTorch 1.13 (tests/fixtures/gen_dynamic_slice.py writes dynamic_slice.json):
// values in function and method form, positional and keyword, writes through
// the narrowed view (a KV cache filled row by row), float64 gradients and
// PyTorch's errors, on cpu and on the xla device in every execution mode (where
// the start stays a graph value: the dynamic_slice primitive).
import { it } from "vitest";
import { loadCases, runGradCase, runOpCase, type GradCase, type OpCase } from "./harness/fixtures";
import { onEveryTarget, runErrorCase, type ErrorCase } from "./harness/suites";

type AnyCase = OpCase | ErrorCase | (GradCase & { kind: "grad" });
const all = loadCases<AnyCase>("dynamic_slice.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const opCases = all.filter((c): c is OpCase => kindOf(c) === undefined);
const errCases = all.filter((c): c is ErrorCase => kindOf(c) === "error");
const gradCases = all.filter((c): c is GradCase & { kind: "grad" } => kindOf(c) === "grad");

onEveryTarget("narrow with a tensor start vs PyTorch on %s", (device) => {
  for (const c of opCases) it(c.name, () => runOpCase(c, device));
});

onEveryTarget("narrow with a tensor start: gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases) it(c.name, () => runGradCase(c, device));
});

onEveryTarget("narrow with a tensor start: errors vs PyTorch on %s", (device) => {
  for (const c of errCases) it(c.name, () => runErrorCase(c, device));
});
