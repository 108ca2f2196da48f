// Host time of one fused training step on the xla device, on a runtime that
// executes nothing (only xlatorch's own work is timed): bench/programs/mlp_adam_step.ts,
// no sync. Target (issue "An eager-first xla device"): <= 0.3 ms for a 300-op step,
// i.e. <= 1 µs per recorded op end to end. Reports the fastest and the median of
// 20 windows of 500 steps (the fastest is the least disturbed by other load),
// in wall time and in the process's CPU time.
// HIDDEN=5 (the default) records exactly 300 ops a step. tsx runs the sources
// with a name-keeping wrapper around every closure it creates; the published
// package has none, so for its figure run the bundled build:
//   npx tsx bench/bundled.ts bench/train_step_overhead.ts
// A longer run, for profiles:
//   node --cpu-prof --cpu-prof-dir=/tmp/p --import tsx bench/train_step_overhead.ts
import * as torch from "xlatorch";
import { setRuntime } from "@xlatorch/lazy";
import { NullRuntime } from "./lib/null_runtime.js";
import { mlpAdamStep } from "./programs/mlp_adam_step.js";

setRuntime(new NullRuntime());
const step = mlpAdamStep(Number(process.env.HIDDEN ?? 5));
for (let i = 0; i < 300; i++) step();
const WINDOWS = Number(process.env.WINDOWS ?? 20),
  STEPS = 500;
const before = torch.xla.metrics().opsRecorded;
const ms: number[] = [];
const cpu: number[] = [];
for (let w = 0; w < WINDOWS; w++) {
  const t0 = performance.now(),
    c0 = process.cpuUsage();
  for (let i = 0; i < STEPS; i++) step();
  ms.push((performance.now() - t0) / STEPS);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000 / STEPS);
}
const ops = (torch.xla.metrics().opsRecorded - before) / (WINDOWS * STEPS);
ms.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const best = ms[0]!,
  median = ms[WINDOWS >> 1]!;
// CPU time of the process (user + system, so a garbage collector's helper threads count too): less disturbed by other load than wall time
console.log(
  `ms/step best ${best.toFixed(3)} median ${median.toFixed(3)} (cpu time: best ${cpu[0]!.toFixed(3)} median ${cpu[WINDOWS >> 1]!.toFixed(3)}), ops/step ${ops.toFixed(1)}, µs/op best ${((1000 * best) / ops).toFixed(2)}`,
);
