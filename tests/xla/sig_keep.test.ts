// Signature prediction (packages/lazy/src/sig.ts) keeps a program's graphs
// through a run of variants of one graph: a graph of a kept one's length
// replaces that one (a host read of each parameter in turn is a new small
// graph at every read), so the other graphs (a first step, an evaluation) are
// still predicted when they come again. Prediction is a fast path only: values
// and compiles are checked as well.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { sigStats } from "../../packages/lazy/src/sig";
import { pinFused } from "../harness/modes";

pinFused();

/** 40 elementwise ops on a [5] tensor. */
function other(x: torch.Tensor): number[] {
  let y = x;
  for (let i = 0; i < 40; i++) y = i % 2 ? y.mul(1.01) : y.add(0.5);
  return Array.from(y.to("cpu")._host() as Float32Array);
}
/** 20 elementwise ops on a [20] tensor, then a window starting at `k`: one graph per k, all of one length. */
function variant(x: torch.Tensor, k: number): number[] {
  let y = x;
  for (let i = 0; i < 20; i++) y = i % 2 ? y.mul(0.99) : y.sub(0.25);
  return Array.from(y.narrow(0, k, 4).to("cpu")._host() as Float32Array);
}

describe("signature prediction keeps graphs through variants", () => {
  it("a graph seen before 16 same-length variants (more than the slots) of another is predicted again; values as on cpu", () => {
    const hostA = torch.tensor([0.5, -1, 2, 3, 4], { dtype: torch.float32 });
    const hostB = torch.arange(20, { dtype: torch.float32 });
    const a = hostA.to("xla"),
      b = hostB.to("xla");
    for (let i = 0; i < 3; i++) other(a);
    for (let k = 0; k < 16; k++) expect(variant(b, k), `variant ${k}`).toEqual(variant(hostB, k));
    const before = sigStats.lookups;
    const compiles = torch.xla.metrics().uncachedCompiles;
    expect(other(a)).toEqual(other(hostA));
    // kept through the variants: no op of it looked up, and its executable is the cached one
    expect(sigStats.lookups - before).toBe(0);
    expect(torch.xla.metrics().uncachedCompiles).toBe(compiles);
  });
});
