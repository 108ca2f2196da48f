// examples/transformer/encoder_classifier.ts gives PyTorch's per-step losses
// (tests/fixtures/gen_encoder_classifier.py ran the Python original with the
// same seed: weights, batches and dropout masks are drawn alike), on cpu and on xla.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../examples/transformer/encoder_classifier";

const ref = JSON.parse(readFileSync(new URL("./fixtures/encoder_classifier.json", import.meta.url), "utf8")) as {
  losses: number[];
  lrs: number[];
  accuracy: number;
};
const quiet = () => {};

// float32 training: reductions sum in another order than PyTorch's, so the
// losses agree to rounding accumulated over 40 steps, not bit for bit.
function check(got: { losses: number[]; lrs: number[]; accuracy: number }) {
  expect(got.losses.length).toBe(ref.losses.length);
  got.losses.forEach((l, i) => expect(Math.abs(l - ref.losses[i]!), `step ${i}: ${l} vs PyTorch ${ref.losses[i]}`).toBeLessThan(2e-4));
  got.lrs.forEach((lr, i) => expect(lr).toBeCloseTo(ref.lrs[i]!, 12));
  expect(Math.abs(got.accuracy - ref.accuracy)).toBeLessThanOrEqual(1 / 256);
  expect(got.losses[got.losses.length - 1]!).toBeLessThan(got.losses[0]! - 0.4);
}

describe("Transformer-encoder classifier example matches PyTorch step for step", () => {
  it("cpu", () => check(run(quiet, { device: "cpu" })), 60_000);
  it("xla", () => check(run(quiet, { device: "xla" })), 60_000);
});
