// Time of optimizer.step() alone on the parameter shapes of the issue-11
// programs (eager cpu): AdamW on nanoGPT tiny's 29 parameters (weight_decay
// 0.01 as the bench's program) and plain SGD on the MLP 784-256-10's four.
// The fused updates (nn/src/optim/_fused_update.ts) on and off are alternated
// round by round in this one process (an in-process A/B).
//   npx tsx --tsconfig tsconfig.json bench/optim_step.ts [--steps 200] [--rounds 3] [--device cpu|xla]
// With --case ID (a bench/cases/80_programs.ts or 60_mlp.ts case), whole
// training steps of that program instead, the fused path on and off
// alternating step by step (the two give the same bits), ms per step:
//   npx tsx --tsconfig tsconfig.json bench/optim_step.ts --case nanogpt_tiny_adamw_b8 --steps 100
import * as torch from "xlatorch";
import { programCase } from "./lib/program_case.js";
import { fusedUpdateConfig } from "../packages/nn/src/optim/_fused_update.js";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : dflt);
const steps = opt("steps", 200),
  rounds = opt("rounds", 3);
const device = argv.includes("--device") ? argv[argv.indexOf("--device") + 1]! : "cpu";
/** On xla each step is synced (its graph traced, compiled once, run). */
const sync = () => {
  if (device !== "cpu") torch.xla.sync();
};
const E = 64;
const gptShapes: number[][] = [
  [65, E],
  [32, E],
];
for (let l = 0; l < 2; l++) gptShapes.push([E], [E], [3 * E, E], [3 * E], [E, E], [E], [E], [E], [4 * E, E], [4 * E], [E, 4 * E], [E]);
gptShapes.push([E], [E], [65, E]);
const mlpShapes = [[256, 784], [256], [10, 256], [10]];

function params(shapes: number[][]) {
  torch.manual_seed(0);
  return shapes.map((s) => {
    const p = torch.randn(s).to(device).requires_grad_(true);
    p.grad = torch.randn(s).mul(0.01).to(device);
    return p;
  });
}

function time(name: string, opt: { step(): unknown }): void {
  for (let i = 0; i < 10; i++) {
    opt.step();
    sync();
  }
  const ts: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    opt.step();
    sync();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  console.log(`${name}: median ${ts[ts.length >> 1]!.toFixed(3)} ms, min ${ts[0]!.toFixed(3)} ms (${steps} steps)`);
}

const caseId = argv.includes("--case") ? argv[argv.indexOf("--case") + 1]! : null;
if (caseId !== null) {
  const { impl } = await programCase(caseId, device);
  for (let i = 0; i < 10; i++) await impl.run();
  const t: Record<string, number[]> = { composed: [], fused: [] };
  for (let i = 0; i < 2 * steps; i++) {
    const fused = i % 2 === 1;
    fusedUpdateConfig.enabled = fused;
    const t0 = performance.now();
    await impl.run();
    t[fused ? "fused" : "composed"]!.push(performance.now() - t0);
  }
  for (const [k, v] of Object.entries(t)) {
    v.sort((a, b) => a - b);
    console.log(`${caseId} ${device} ${k}: median ${v[v.length >> 1]!.toFixed(2)} ms, min ${v[0]!.toFixed(2)} ms (${v.length} steps)`);
  }
  process.exit(0);
}
const cases: [string, () => { step(): unknown }][] = [
  ["AdamW nanoGPT tiny (29 params)", () => new torch.optim.AdamW(params(gptShapes), { lr: 1e-3 })],
  ["Adam amsgrad nanoGPT tiny", () => new torch.optim.Adam(params(gptShapes), { lr: 1e-3, amsgrad: true })],
  ["SGD MLP 784-256-10", () => new torch.optim.SGD(params(mlpShapes), { lr: 0.01 })],
  ["SGD momentum MLP 784-256-10", () => new torch.optim.SGD(params(mlpShapes), { lr: 0.01, momentum: 0.9 })],
];
for (let r = 0; r < rounds; r++)
  for (const [name, make] of cases)
    for (const fused of [false, true]) {
      fusedUpdateConfig.enabled = fused;
      time(`round ${r} ${fused ? "fused   " : "composed"} ${name}`, make());
    }
