// examples/unet/unet.ts gives PyTorch's per-step losses (tests/fixtures/gen_unet.py
// ran the Python original with the same seed: weights, shapes and noise are drawn
// alike), on cpu and on xla: Conv2d, GroupNorm, max pooling, ConvTranspose2d,
// bilinear interpolate, cat and CrossEntropyLoss over pixels, trained with Adam.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../examples/unet/unet";

const ref = JSON.parse(readFileSync(new URL("./fixtures/unet.json", import.meta.url), "utf8")) as {
  losses: number[];
  accuracy: number;
};
const quiet = () => {};

// float32 training: convolutions and reductions sum in another order than
// PyTorch's, so the losses agree to rounding accumulated over the steps, not bit for bit.
function check(got: { losses: number[]; accuracy: number }) {
  expect(got.losses.length).toBe(ref.losses.length);
  got.losses.forEach((l, i) => expect(Math.abs(l - ref.losses[i]!), `step ${i}: ${l} vs PyTorch ${ref.losses[i]}`).toBeLessThan(2e-4));
  // 8 images of 32x32 pixels: a few pixels near a decision boundary may flip
  expect(Math.abs(got.accuracy - ref.accuracy)).toBeLessThanOrEqual(4 / (8 * 32 * 32));
  expect(got.losses[got.losses.length - 1]!).toBeLessThan(got.losses[0]! - 0.4);
}

describe("U-Net segmentation example matches PyTorch step for step", () => {
  it("cpu", () => check(run(quiet, { device: "cpu" })), 60_000);
  it("xla", () => check(run(quiet, { device: "xla" })), 60_000);
});
