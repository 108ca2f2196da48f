// The tests/programs/ ports (positional form, their test sizes) by name, as
// the bench scripts that run whole ported programs take them
// (ported_programs.ts, runtime_program_ab.ts, runtime_trace_ab.ts).
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
