// kthvalue, topk and mode return PyTorch's indices among equal values (and
// topk's order when unsorted): packages/cpu/src/kernels/select.ts runs PyTorch's
// quickselect and libstdc++'s partial_sort / nth_element / sort as PyTorch's CPU
// kernels do. Against PyTorch 1.13 (tests/fixtures/gen_select_ties.py) on cpu
// and every xla mode: rows full of ties, NaN, int64, float32, dims, keepdim,
// float64 gradients.
import { it } from "vitest";
import { compareValue, cotangentPattern, decodeValue, loadCases, loadTorch, type Json } from "./harness/fixtures";
import { onEveryTarget } from "./harness/suites";

interface Case {
  name: string;
  fn: "kthvalue" | "topk" | "mode";
  args: Json[];
  kwargs: Record<string, Json>;
  values: Json;
  indices: Json;
  grad?: Json;
}
const cases = loadCases<Case>("select_ties.json");

onEveryTarget("kthvalue / topk / mode indices among ties vs PyTorch on %s", (device) => {
  for (const c of cases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const [x, ...rest] = decodeValue(c.args, device, { torch }) as any[];
      if (c.grad) x.requires_grad_(true);
      const r = torch[c.fn](x, ...rest, ...(Object.keys(c.kwargs).length ? [c.kwargs] : []));
      compareValue(r.values, c.values, { device }, `${c.name} [${device}] values`);
      compareValue(r.indices, c.indices, { device }, `${c.name} [${device}] indices`);
      if (!c.grad) return;
      r.values.mul(cotangentPattern(torch, r.values)).sum().backward();
      compareValue(x.grad, c.grad, { device }, `${c.name} [${device}] grad`);
    });
});
