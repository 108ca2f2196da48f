// A value needed again after the graph that computed it did not return it is
// computed once more, and that graph learns to return it (trace.ts
// noteRecompute). When the recompute's own small graph computes other values
// of the first graph on the way without returning them, and one of those is
// needed later too, it must be learned by the first graph as well: else each
// run of the program learns one level of the chain and recomputes the next
// (nanoGPT's generation loop took three runs to settle).
import { beforeEach, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

const xla = torch.xla;
beforeEach(() => {
  xla.set_execution_mode("fused");
  xla.sync();
  xla.clear_compilation_cache();
  xla.reset_metrics();
});

/** One run: a graph computes a, b = f(a), c = g(b) and returns only c's sum; then b is read, then a. */
function run(device: string): number[] {
  const x = torch.arange(6, { dtype: torch.float32 }).to(device);
  const a = x.mul(2).add(1);
  const b = a.exp();
  const out = [b.mul(3).sum().item() as number];
  out.push(b.sum().item() as number);
  out.push(a.sum().item() as number);
  return out;
}

describe("recomputed values", () => {
  it("a chain of values not returned is learned by the graph that computed them in one run", () => {
    const expected = run("cpu");
    const recomputes: number[] = [];
    for (let r = 0; r < 3; r++) {
      const before = xla.metrics().recomputes;
      const got = run("xla");
      recomputes.push(xla.metrics().recomputes - before);
      expect(got[0]).toBeCloseTo(expected[0]!, 3);
      expect(got[1]).toBeCloseTo(expected[1]!, 3);
      expect(got[2]).toBe(expected[2]);
    }
    // first run: b, then a (inside b's recompute, not returned there); from the second run on the first graph returns both
    expect(recomputes).toEqual([2, 0, 0]);
  });
});
