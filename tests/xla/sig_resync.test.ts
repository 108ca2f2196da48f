// Signature prediction (packages/lazy/src/sig.ts) follows a graph that differs
// from the predicted one by ops added, left out or replaced in the middle: only
// the ops that differ are looked up, not every op after them (a char-RNN's
// first step and its periodic variants differ so). Prediction is a fast path
// only: each variant computes its own values and compiles once.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { sigStats } from "../../packages/lazy/src/sig";
import { pinFused } from "../harness/modes";

pinFused();

type Variant = "base" | "added" | "left out" | "replaced";
/** A chain of 40 elementwise ops on x; the variants change ops 20-22 (`other` is shaped [5], so its ops have signatures of their own). */
function chain(x: torch.Tensor, other: torch.Tensor, v: Variant): number[] {
  let y = x;
  for (let i = 0; i < 40; i++) {
    if (i === 20 && v === "added") y = y.add(other.mul(3).sum()).sub(1);
    if (i >= 20 && i < 23 && v === "left out") continue;
    if (i >= 20 && i < 23 && v === "replaced") {
      y = y.div(1 + i);
      continue;
    }
    y = i % 2 ? y.mul(1.01) : y.add(0.5);
  }
  return Array.from(y.to("cpu")._host() as Float32Array);
}

describe("signature prediction resynchronises", () => {
  it("after ops added, left out or replaced mid-graph only those are looked up; values as on cpu", () => {
    const host = torch.tensor([0.5, -1, 2, 3], { dtype: torch.float32 });
    const hostOther = torch.tensor([1, 2, 3, 4, 5], { dtype: torch.float32 });
    const x = host.to("xla"),
      other = hostOther.to("xla");
    for (let i = 0; i < 3; i++) chain(x, other, "base");
    // [variant, most lookups allowed]: the ops it adds or replaces (first seen here: new signatures)
    const cases: [Variant, number][] = [
      ["added", 4],
      ["left out", 0],
      ["replaced", 3],
    ];
    for (const [v, most] of cases) {
      chain(x, other, "base");
      const before = sigStats.lookups;
      const got = chain(x, other, v);
      expect(sigStats.lookups - before, v).toBeLessThanOrEqual(most);
      expect(got, v).toEqual(chain(host, hostOther, v));
    }
    // every variant again: nothing compiles (a wrong signature would make a new key or run another variant's executable)
    const compiles = torch.xla.metrics().uncachedCompiles;
    for (const [v] of cases) expect(chain(x, other, v), v).toEqual(chain(host, hostOther, v));
    expect(torch.xla.metrics().uncachedCompiles).toBe(compiles);
  });
});
