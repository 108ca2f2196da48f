// torch.linalg.matrix_exp as PyTorch 1.13's algorithm (packages/core/src/ops/matrix_exp.ts:
// the Taylor-type polynomial of degree 1..12 chosen by each matrix's 1-norm, or degree 18
// with scaling and squaring), against PyTorch (tests/fixtures/gen_matrix_exp.py) on cpu and
// every xla mode: a matrix in each degree's interval for float32 and float64, batches that
// mix degrees, float64 gradients.
import { it } from "vitest";
import { compareValue, cotangentPattern, decodeValue, loadCases, loadTorch, type Json } from "./harness/fixtures";
import { onEveryTarget } from "./harness/suites";

interface Case {
  name: string;
  a: Json;
  out: Json;
  grad: Json | null;
}
const cases = loadCases<Case>("matrix_exp.json");

onEveryTarget("linalg.matrix_exp vs PyTorch on %s", (device) => {
  for (const c of cases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const a = decodeValue(c.a, device, { torch });
      if (c.grad) a.requires_grad_(true);
      const y = torch.linalg.matrix_exp(a);
      compareValue(y, c.out, { device }, `${c.name} [${device}]`);
      if (!c.grad) return;
      y.mul(cotangentPattern(torch, y)).sum().backward();
      compareValue(a.grad, c.grad, { device }, `${c.name} [${device}] grad`);
    });
});
