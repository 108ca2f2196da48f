// Recording an op finds its interned signature by predicting it from recent
// graphs (packages/lazy/src/sig.ts): a step that cuts two graphs (the step,
// then a read of its loss through a view, as the benchmark harness does) must
// find every signature predicted after warm-up, and a prediction is only a
// fast path: graphs that share a prefix and then differ, or that come in a new
// order, get their own signatures and their own values.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { sigStats } from "../../packages/lazy/src/sig";
import { batch, makeMlp, trainStep } from "./mlp";
import { pinFused } from "../harness/modes";

pinFused();
const xla = torch.xla;

/** `steps` training steps, each followed by a sync and a one-element read of the loss: the losses read. */
function loop(device: string, steps: number, perStep?: (s: number) => void): number[] {
  const m = makeMlp(device);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const [x, y] = batch(device, s % 3, 6);
    const loss = trainStep(m, x, y, 0.05);
    if (device === "xla") xla.sync(loss);
    losses.push(Number(loss.reshape(-1).getitem(0).item()));
    perStep?.(s);
  }
  return losses;
}

describe("signature prediction", () => {
  it("two graphs a step (the step, then the read): no signature looked up after warm-up, cpu's losses bit for bit", () => {
    const lookups: number[] = [];
    const got = loop("xla", 12, () => lookups.push(sigStats.lookups));
    const want = loop("cpu", 12);
    expect(got).toEqual(want);
    // steps 0-2 see new batches' data nodes only (data shares one signature); ops are the same every step
    const perStep = lookups.slice(1).map((l, i) => l - lookups[i]!);
    expect(perStep.slice(3)).toEqual(new Array(8).fill(0));
    expect(got[11]).toBeLessThan(got[0]!);
  });

  it("graphs sharing a prefix, alternating and then in a new order: each gets its own values", () => {
    const x = torch.tensor([1, 2, 3, 4], { dtype: torch.float32 }).to("xla");
    const a = () => Array.from(x.mul(2).add(1).exp().to("cpu")._host() as Float32Array);
    const b = () => Array.from(x.mul(2).sub(1).to("cpu")._host() as Float32Array);
    const c = () => Array.from(x.mul(2).sum().to("cpu")._host() as Float32Array);
    const ea = Array.from(torch.tensor([1, 2, 3, 4], { dtype: torch.float32 }).mul(2).add(1).exp()._host() as Float32Array);
    const want: Record<string, number[]> = { a: ea, b: [1, 3, 5, 7], c: [20] };
    const run: Record<string, () => number[]> = { a, b, c };
    // alternating (each graph predicted from the one two cuts back), then a new order, then one graph repeated
    const order = "ababab" + "cbacab" + "cccaaa";
    for (const k of order) expect(run[k]!(), `graph ${k}`).toEqual(want[k]);
    // one compile per distinct graph (a wrong signature would make a new key or run another graph's executable)
    const before = xla.metrics().uncachedCompiles;
    for (const k of order) run[k]!();
    expect(xla.metrics().uncachedCompiles).toBe(before);
  });
});
