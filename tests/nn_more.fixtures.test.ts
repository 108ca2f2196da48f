// The nn.functional activations, losses, distances, normalizations,
// pixel_shuffle, interpolate and alpha dropouts of issue 10, and their nn
// modules, against PyTorch 1.13 (tests/fixtures/gen_nn_more.py writes
// nn_more.json): forward values (positional and keyword forms), float64
// gradients, seeded RNG draws, PyTorch's errors, and modules' repr,
// state_dict and forward, on cpu and on the xla device.
import { describe, it } from "vitest";
import { compareValue, decodeValue, loadCases, loadTorch, type CallCase, type GradCase, type ProgramCase } from "./harness/fixtures";
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

type AnyCase = CallCase | ProgramCase | ErrorCase | (GradCase & { kind: "grad" }) | ModuleCase;
const all = loadCases<AnyCase>("nn_more.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const calls = all.filter((c): c is CallCase => kindOf(c) === undefined && !("program" in c));
const programs = all.filter((c): c is ProgramCase => "program" in c);
const errors = all.filter((c): c is ErrorCase => kindOf(c) === "error");
const grads = all.filter((c): c is GradCase & { kind: "grad" } => kindOf(c) === "grad");
const modules = all.filter((c): c is ModuleCase => kindOf(c) === "module");

onCpuAndXla("nn more vs PyTorch on %s", (device) => {
  describeCases("forward", calls, (c) => checkCallCase(c, device));

  describe("programs (seeded RNG, running stats, in place)", () => {
    for (const c of programs) {
      it(c.name, async () => {
        const torch = await loadTorch();
        const env: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(c.vars)) env[k] = decodeValue(v, device, { torch });
        for (const step of c.program) {
          const args = decodeValue(step.args, device, { torch, env }) as unknown[];
          const kwargs = decodeValue(step.kwargs ?? {}, device, { torch, env }) as Record<string, unknown>;
          const tail = Object.keys(kwargs).length ? [kwargs] : [];
          const r =
            step.target === "torch"
              ? resolveTorch(torch, step.method)(...args, ...tail)
              : (env[step.target] as any)[step.method](...args, ...tail);
          if (step.out !== null) env[step.out] = r;
        }
        for (const [name, expected] of Object.entries(c.out))
          compareValue(env[name], expected, { rtol: c.rtol, atol: c.atol, device }, `${c.name} [${device}] ${name}`);
      });
    }
  });

  describeCases("gradients", grads, (c) => checkGradCase(c, device));

  describeCases("errors", errors, (c) => checkErrorCase(c, device));

  describeCases("modules", modules, (c) => checkModuleCase(c, device));
});
