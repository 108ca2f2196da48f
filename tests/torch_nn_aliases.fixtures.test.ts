// The torch.* functions PyTorch exposes beside nn.functional (torch.selu,
// torch.conv2d, torch.dropout(input, p, train), torch.embedding(weight,
// indices), torch.layer_norm/batch_norm in aten order, the losses with an int
// reduction, ...; core's nn_aliases.ts, implemented in
// packages/xlatorch/src/torch_nn_aliases.ts) against PyTorch 1.13
// (tests/fixtures/gen_torch_nn_aliases.py): values in positional and keyword
// forms, float64 gradients and errors, on cpu and on the xla device.
import { describe } from "vitest";
import { it } from "vitest";
import { loadCases, runGradCase, runOpCase, type GradCase, type OpCase } from "./harness/fixtures";
import { runErrorCase, type ErrorCase } from "./harness/suites";

type AnyCase = OpCase | GradCase | ErrorCase;
const all = loadCases<AnyCase>("torch_nn_aliases.json");
const errCases = all.filter((c): c is ErrorCase => (c as { kind?: string }).kind === "error");
const gradCases = all.filter((c): c is GradCase => "weights" in c);
const opCases = all.filter((c): c is OpCase => !("weights" in c) && (c as { kind?: string }).kind !== "error");

for (const device of ["cpu", "xla"] as const) {
  describe(`torch.* nn aliases vs PyTorch on ${device}`, () => {
    for (const c of opCases) it(c.name, async () => runOpCase(c, device));
    for (const c of gradCases) it(c.name, async () => runGradCase(c, device));
    for (const c of errCases) it(c.name, async () => runErrorCase(c, device));
  });
}
