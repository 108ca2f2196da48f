// Runs one whole-program case of bench/cases/80_programs.ts in this process for
// N steps and prints the median ms per step (JSON), for profiling and for the
// interleaved A/B of bench/ab_programs.ts (two checkouts, alternated).
//   npx tsx bench/program_steps.ts --case cifar_cnn_sgd_b16 [--steps 30] [--warmup 5] [--device cpu|xla]
//   node --cpu-prof --import tsx bench/program_steps.ts --case nanogpt_tiny_adamw_b8
import * as torch from "xlatorch";
import { median } from "./lib/timing.js";
import { cliArg, programCase } from "./lib/program_case.js";

const arg = cliArg;
const id = arg("case", "cifar_cnn_sgd_b16");
const steps = Number(arg("steps", "30"));
const warmup = Number(arg("warmup", "5"));
const device = arg("device", "cpu");

// the MLP step (cases/60_mlp.ts) runs here too
const { impl } = await programCase(id, device);
const first = await impl.output();
// FNV-1a of the first step's checked output (loss and one gradient) as bytes: equal across two
// checkouts only when the step computes bit-identical values.
let hash = 2166136261;
for (const b of new Uint8Array(first.buffer, first.byteOffset, first.byteLength)) hash = Math.imul(hash ^ b, 16777619) >>> 0;
for (let i = 0; i < warmup; i++) await impl.run();
// Wall time per step, and this process's CPU time per step (user + system, all its threads): on a
// shared machine the CPU time moves much less with other people's load than the wall time does.
const times: number[] = [],
  cpu: number[] = [];
for (let i = 0; i < steps; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await impl.run();
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
console.log(
  JSON.stringify({
    case: id,
    device,
    steps,
    median_ms: median(times),
    min_ms: Math.min(...times),
    cpu_ms: median(cpu),
    first_loss: first[0],
    output_hash: hash.toString(16),
  }),
);
