// V8 CPU profile of the steady state of one bench/cases/80_programs.ts case on
// the eager cpu device (or --device xla): warm-up first (module loading and JIT stay out of the
// profile), then N steps under node:inspector's profiler. Prints self time and
// inclusive time by function, and writes the .cpuprofile for a closer look.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/gpt_cpu_profile.ts [--case nanogpt_tiny_adamw_b8] [--device cpu|xla] [--steps 200] [--top 40] [--out FILE]
// XLATORCH_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 keeps the main thread's work alone in the figures.
import fs from "node:fs";
import { frameKey, profileWhile, timeByFrame } from "./lib/cpu_profile.js";
import { cliArg, programCase } from "./lib/program_case.js";

const arg = cliArg;
const id = arg("case", "nanogpt_tiny_adamw_b8");
const steps = Number(arg("steps", "200"));
const top = Number(arg("top", "40"));
const out = arg("out", `/tmp/${id}.cpuprofile`);

const { impl } = await programCase(id, arg("device", "cpu"));
for (let i = 0; i < 30; i++) await impl.run();

const c0 = process.cpuUsage();
const t0 = performance.now();
const profile = await profileWhile(100, async () => {
  for (let i = 0; i < steps; i++) await impl.run();
});
const wall = (performance.now() - t0) / steps;
const cu = process.cpuUsage(c0);
fs.writeFileSync(out, JSON.stringify(profile));
const { self, incl, kept: total } = timeByFrame(profile, (n) => frameKey(n));
const cpu = (cu.user + cu.system) / 1000 / steps;
console.log(`${id}: ${steps} steps, wall ${wall.toFixed(2)} ms/step, process CPU ${cpu.toFixed(2)} ms/step; profile ${out}`);
const show = (title: string, m: Map<string, number>) => {
  console.log(`--- ${title} (ms per step, % of sampled)`);
  for (const [k, us] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${(us / 1000 / steps).toFixed(3).padStart(8)} ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show("self", self);
show("inclusive", incl);
