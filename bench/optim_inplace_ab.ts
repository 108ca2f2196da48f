// In-process A/B of the eager cpu fused optimizer update written in place
// (cpu/src/optim_in_place.ts) against the same update out of place (bind's new
// arrays, then copy_ into the parameter and each state buffer:
// fusedUpdateConfig.inPlace = false). The two give the same bits, so they are
// alternated within one process: round by round, the first side swapping each
// round. Two parts:
//   - optimizer.step() alone (the gradients fixed) on the parameter shapes of the VAE at its original size
//     (784-400-20, Adam), nanoGPT tiny (AdamW) and the MLP 784-256-10 (SGD with momentum): `--steps` steps per side
//     and round, median ms per step, and process CPU ms per step;
//   - whole runs of the ported programs at their originals' sizes (bench/lib/ported.ts PORTED_PROGRAMS_BENCH,
//     eager cpu): median ms (and CPU ms) between consecutive steps of one run per side and round, and the
//     median ms of a step spent in optimizer.step();
//   - training steps of bench cases (bench/cases, `--cases`, eager cpu): mean ms (CPU ms) per step over `--steps` steps.
// Each line gives the median over rounds per side and the median of the per-round ratios in-place / out-of-place.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/optim_inplace_ab.ts [--rounds 7] [--steps 100] [--only step,vae,encoder,nanogpt] [--cases id,id]
import os from "node:os";
import * as torch from "xlatorch";
import { fusedUpdateConfig } from "../packages/nn/src/optim/_fused_update.js";
import { PORTED_PROGRAMS_BENCH } from "./lib/ported.js";
import { cliArg, programCase } from "./lib/program_case.js";
import { median } from "./lib/timing.js";

const rounds = Number(cliArg("rounds", "7"));
const steps = Number(cliArg("steps", "100"));
const only = cliArg("only", "step,vae,encoder,nanogpt").split(",");
const caseIds = cliArg("cases", "mlp_784_256_10_sgd_b128,nanogpt_tiny_adamw_b8").split(",").filter(Boolean);

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
type Side = "inPlace" | "copied";
interface Row {
  wall: Record<Side, number[]>;
  cpu: Record<Side, number[]>;
  step: Record<Side, number[]>;
}
const newRow = (): Row => ({ wall: { inPlace: [], copied: [] }, cpu: { inPlace: [], copied: [] }, step: { inPlace: [], copied: [] } });

const E = 64;
const gpt: number[][] = [
  [65, E],
  [32, E],
];
for (let l = 0; l < 2; l++) gpt.push([E], [E], [3 * E, E], [3 * E], [E, E], [E], [E], [E], [4 * E, E], [4 * E], [E, 4 * E], [E]);
gpt.push([E], [E], [65, E]);
const vae = [[400, 784], [400], [20, 400], [20], [20, 400], [20], [400, 20], [400], [784, 400], [784]];
const mlp = [[256, 784], [256], [10, 256], [10]];
const OPTIMIZERS: [string, number[][], (ps: torch.Tensor[]) => torch.optim.Optimizer][] = [
  ["step: Adam, VAE 784-400-20", vae, (ps) => new torch.optim.Adam(ps, { lr: 1e-3 })],
  ["step: AdamW, nanoGPT tiny", gpt, (ps) => new torch.optim.AdamW(ps, { lr: 1e-3, weight_decay: 0.01 })],
  ["step: SGD momentum, MLP 784-256-10", mlp, (ps) => new torch.optim.SGD(ps, { lr: 0.01, momentum: 0.9 })],
];

/** ms and CPU ms per step of `steps` optimizer steps (after 3 unmeasured). */
function stepTimes(shapes: number[][], make: (ps: torch.Tensor[]) => torch.optim.Optimizer): { wall: number; cpu: number } {
  torch.manual_seed(0);
  const ps = shapes.map((s) => torch.randn(s).requires_grad_(true));
  for (const p of ps) p.grad = torch.randn(p.shape).mul(0.01);
  const opt = make(ps);
  for (let i = 0; i < 3; i++) opt.step();
  const c0 = process.cpuUsage(),
    t0 = performance.now();
  for (let i = 0; i < steps; i++) opt.step();
  return { wall: (performance.now() - t0) / steps, cpu: cpuMs(process.cpuUsage(c0)) / steps };
}

/** Wall ms inside optimizer.step() since the last read (every optimizer's step, timed by wrapping it). */
let inStep = 0;
const Opt = torch.optim.Optimizer.prototype as unknown as { step(...a: unknown[]): unknown };
const step0 = Opt.step;
Opt.step = function (this: unknown, ...a: unknown[]) {
  const t0 = performance.now();
  try {
    return step0.apply(this, a);
  } finally {
    inStep += performance.now() - t0;
  }
};

/**
 * Median ms and CPU ms between consecutive steps of one whole run (the first interval, the model's construction,
 * left out), and the median ms of those spent in optimizer.step().
 */
function runTimes(name: string): { wall: number; cpu: number; step: number } {
  const walls: number[] = [],
    cpus: number[] = [],
    opt: number[] = [];
  let t = performance.now(),
    c = process.cpuUsage();
  inStep = 0;
  PORTED_PROGRAMS_BENCH[name]!("cpu", () => {
    const t1 = performance.now(),
      c1 = process.cpuUsage();
    walls.push(t1 - t);
    cpus.push(cpuMs(process.cpuUsage(c)));
    opt.push(inStep);
    inStep = 0;
    t = t1;
    c = c1;
  });
  return { wall: median(walls.slice(1)), cpu: median(cpus.slice(1)), step: median(opt.slice(1)) };
}

/** Mean ms and CPU ms per training step of a bench case (bench/cases), `steps` steps in a row. */
async function caseTimes(run: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage(),
    t0 = performance.now();
  for (let i = 0; i < steps; i++) await run();
  return { wall: (performance.now() - t0) / steps, cpu: cpuMs(process.cpuUsage(c0)) / steps };
}

type Times = { wall: number; cpu: number; step?: number };
const jobs: [string, () => Times | Promise<Times>][] = [];
if (only.includes("step")) for (const [name, shapes, make] of OPTIMIZERS) jobs.push([name, () => stepTimes(shapes, make)]);
for (const n of ["vae", "encoder", "nanogpt"]) if (only.includes(n)) jobs.push([`program: ${n} (bench size)`, () => runTimes(n)]);
for (const id of caseIds) {
  const { impl } = await programCase(id, "cpu");
  jobs.push([`case: ${id}, ${steps} steps`, () => caseTimes(() => impl.run())]);
}

console.log(
  `# fused optimizer update in place vs out of place (eager cpu), ${rounds} rounds (+1 warm-up), ${steps} optimizer steps per side and round; node ${process.version}, ${os.cpus().length} cpus, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, ${new Date().toISOString()}`,
);
console.log("| what | out of place ms (CPU ms) | in place ms (CPU ms) | in/out per round, wall (CPU) | optimizer.step() ms out / in |");
console.log("| --- | ---: | ---: | ---: | ---: |");
const f = (x: number) => x.toFixed(3);
for (const [name, job] of jobs) {
  const row = newRow();
  for (let r = 0; r <= rounds; r++) {
    const order: Side[] = r % 2 ? ["inPlace", "copied"] : ["copied", "inPlace"];
    for (const side of order) {
      fusedUpdateConfig.inPlace = side === "inPlace";
      const m = await job();
      if (r === 0) continue;
      row.wall[side].push(m.wall);
      row.cpu[side].push(m.cpu);
      if (m.step !== undefined) row.step[side].push(m.step);
    }
  }
  fusedUpdateConfig.inPlace = true;
  const ratio = (k: "wall" | "cpu") => median(row[k].inPlace.map((x, i) => x / row[k].copied[i]!));
  const inStepMs = row.step.copied.length ? `${f(median(row.step.copied))} / ${f(median(row.step.inPlace))}` : "-";
  console.log(
    `| ${name} | ${f(median(row.wall.copied))} (${f(median(row.cpu.copied))}) | ${f(median(row.wall.inPlace))} (${f(median(row.cpu.inPlace))}) | ${ratio("wall").toFixed(3)} (${ratio("cpu").toFixed(3)}) | ${inStepMs} |`,
  );
}
console.log(
  `load average after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, ${new Date().toISOString()}`,
);
