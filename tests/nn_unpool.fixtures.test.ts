// max_unpool1d/2d/3d, fractional_max_pool2d/3d, grid_sample, affine_grid and
// ctc_loss, and the modules MaxUnpool*, FractionalMaxPool2d/3d and CTCLoss,
// against PyTorch 1.13 (tests/fixtures/gen_nn_unpool.py writes
// nn_unpool.json, in nn_more.json's formats; this file runs them as
// nn_more.fixtures.test.ts does): forward values (positional and keyword
// forms; a random fractional pooling by shape), float64 gradients, PyTorch's
// errors, and modules' repr, state_dict and forward, on cpu and on the xla
// device.
import { describe, it } from "vitest";
import { compareValue, loadCases, loadTorch, type CallCase, type GradCase, type Json } from "./harness/fixtures";
import {
  checkCallCase,
  checkErrorCase,
  checkGradCase,
  checkModuleCase,
  describeCases,
  onCpuAndXla,
  resolveTorch,
  type ModuleCase,
} from "./harness/fixture_suite";
import type { ErrorCase } from "./harness/suites";

type AnyCase = CallCase | ErrorCase | (GradCase & { kind: "grad" }) | ModuleCase;
const all = loadCases<AnyCase>("nn_unpool.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const calls = all.filter((c): c is CallCase => kindOf(c) === undefined && !("program" in c));
const errors = all.filter((c): c is ErrorCase => kindOf(c) === "error");
const grads = all.filter((c): c is GradCase & { kind: "grad" } => kindOf(c) === "grad");
const modules = all.filter((c): c is ModuleCase => kindOf(c) === "module");
interface SeededCase {
  name: string;
  kind: "seeded";
  fn: string;
  shape: number[];
  kernel_size: number;
  output_size: number | number[];
  seed: number;
  out: Json;
  indices: Json;
}
const seededCases = (all as unknown[]).filter((c): c is SeededCase => kindOf(c as AnyCase) === "seeded");

onCpuAndXla("nn unpool, grid_sample, ctc_loss vs PyTorch on %s", (device) => {
  describeCases("forward", calls, (c) => checkCallCase(c, device));

  describeCases("gradients", grads, (c) => checkGradCase(c, device));

  describeCases("errors", errors, (c) => checkErrorCase(c, device));

  describe("random draws after manual_seed", () => {
    for (const c of seededCases) {
      it(c.name, async () => {
        const torch = await loadTorch();
        const n = c.shape.reduce((a, b) => a * b, 1);
        const x = torch.arange(n, { dtype: torch.float32 }).reshape(c.shape).sin().to(device);
        torch.manual_seed(c.seed);
        const [out, idx] = resolveTorch(torch, c.fn)(x, c.kernel_size, { output_size: c.output_size, return_indices: true });
        compareValue(out, c.out, { device }, `${c.name} [${device}] values`);
        compareValue(idx, c.indices, { device }, `${c.name} [${device}] indices`);
      });
    }
  });

  describeCases("modules", modules, (c) => checkModuleCase(c, device));
});
