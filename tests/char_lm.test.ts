// The character-level language model example (examples/char_lm/train.ts), cut
// to a few steps of a small model: the loss goes down on the lazy xla device,
// and graphs compile only while warming up (the first training steps, then the
// prompt and the single-step graphs of sampling); every later step is a cache hit.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { loadGenesis, run } from "../examples/char_lm/train";
import { pinFused } from "./harness/modes";

// compile counts and pending graphs are the fused mode's (the suite may run under XLATORCH_EXECUTION_MODE)
pinFused();

describe("char-level LSTM language model on xla", () => {
  it("the data: Genesis, KJV, 60 distinct characters", () => {
    const { text, chars, data } = loadGenesis();
    expect(text.startsWith("In the beginning God created the heaven and the earth.\n")).toBe(true);
    expect(chars.length).toBe(60);
    expect(data.numel()).toBe([...text].length);
  });

  it("loss decreases; compiles only during warm-up", () => {
    torch.xla.clear_compilation_cache();
    torch.xla.reset_metrics();
    const steps = 10;
    const r = run(() => {}, { steps, seq_len: 16, batch_size: 16, embed_dim: 16, hidden_size: 32, sample_len: 20 });
    expect(r.losses.length).toBe(steps);
    expect(r.losses[0]).toBeGreaterThan(3.9); // about ln(60) = 4.09 at initialization
    expect(r.losses[steps - 1]!).toBeLessThan(r.losses[0]! - 0.5);
    const warm = r.compiles[2]!;
    expect(warm).toBeLessThanOrEqual(4);
    expect(r.compiles.slice(3).every((c) => c === warm)).toBe(true);
    // Sampling adds two graphs (prompt, one step), each compiled once.
    expect(r.metrics.uncachedCompiles).toBe(warm + 2);
    expect(r.metrics.cachedCompiles).toBeGreaterThanOrEqual(steps - warm + 20 - 2);
    expect(r.sample.startsWith("And God said")).toBe(true);
    expect(r.sample.length).toBe("And God said".length + 20);
  });
});
