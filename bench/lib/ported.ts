// The tests/programs/ ports (positional form, their test sizes) by name, as
// the bench scripts that run whole ported programs take them
// (ported_programs.ts, runtime_program_ab.ts, runtime_trace_ab.ts), and the
// same programs at the sizes their originals train at (PORTED_PROGRAMS_BENCH).
import { charRnnPositional } from "../../tests/programs/char_rnn.js";
import { cifarPositional } from "../../tests/programs/cifar_cnn.js";
import type { OnStep, ProgramRun } from "../../tests/programs/common.js";
import { encoderPositional } from "../../tests/programs/encoder.js";
import { nanogptPositional } from "../../tests/programs/nanogpt.js";
import { vaePositional } from "../../tests/programs/vae.js";

/** One whole run of a ported program on `device`; `onStep` is called after each step's loss is read. */
export type PortedRun = (device: string, onStep?: OnStep) => ProgramRun;

export const PORTED_PROGRAMS: Record<string, PortedRun> = {
  nanogpt: (d, s) => nanogptPositional(d, s, 40),
  cifar_cnn: cifarPositional,
  char_lstm: (d, s) => charRnnPositional("lstm")(d, s, 4),
  char_gru: (d, s) => charRnnPositional("gru")(d, s, 4),
  vae: vaePositional,
  encoder: encoderPositional("step"),
};

/**
 * The same ports at their originals' sizes (the tests' are 16-256 values a tensor, where per-op costs are
 * everything): the char-RNNs at pytorch/examples word_language_model's defaults (hidden 200, batch 20,
 * bptt 35; a 65-character vocabulary), the VAE at pytorch/examples vae's (28x28, 400, 20, batch 128), the
 * encoder classifier at a small Transformer's (d_model 128, 4 heads, feed-forward 512, 32 tokens, batch 32)
 * and nanoGPT at the bench case's (2 layers, 4 heads, 64 wide, block 32, batch 8). The CIFAR-10 CNN already
 * runs at the tutorial's size (batch 4 of 32x32 images).
 */
export const PORTED_PROGRAMS_BENCH: Record<string, PortedRun> = {
  nanogpt: (d, s) =>
    nanogptPositional(d, s, 20, {
      config: { block_size: 32, vocab_size: 65, n_layer: 2, n_head: 4, n_embd: 64, dropout: 0.1, bias: true },
      batch_size: 8,
    }),
  cifar_cnn: cifarPositional,
  char_lstm: (d, s) => charRnnPositional("lstm")(d, s, 1, CHAR_RNN_BENCH),
  char_gru: (d, s) => charRnnPositional("gru")(d, s, 1, CHAR_RNN_BENCH),
  vae: (d, s) => vaePositional(d, s, { side: 28, hidden: 400, latent: 20, batch: 128 }),
  encoder: (d, s) => encoderPositional("step")(d, s, { ntoken: 1000, n: 256, seq: 32, d_model: 128, nhead: 4, d_hid: 512, batch: 32 }),
};
const CHAR_RNN_BENCH = { vocab: 65, hidden: 200, bsz: 20, bptt: 35 };
