// Time per CPU-runtime step of a bench case's xla training step (the xla
// counterpart of prim_times.ts): each step of every executable the runtime
// builds (a fused loop, a multi-output group, a kernel or the reference
// evaluator's op), keyed by op name and shapes, summed over `--steps` steps
// after `--warmup` steps; with the whole step's wall time and execute()'s, so
// the host side (recording, the cut, bookkeeping) is what remains.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/xla_step_times.ts --case cifar_cnn_sgd_b16 [--steps 50] [--warmup 100] [--top 30]
// XLATORCH_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 keeps every kernel on this thread.
import type { Value } from "@xlatorch/stablehlo";
import { cliArg, programCase } from "./lib/program_case.js";
import { timeRuntimeSteps } from "./lib/runtime_step_timer.js";

const id = cliArg("case", "mlp_784_256_10_sgd_b128");
const steps = Number(cliArg("steps", "50"));
const warmup = Number(cliArg("warmup", "100"));
const top = Number(cliArg("top", "30"));

const acc = new Map<string, { ms: number; calls: number }>();
let on = false;
let executeMs = 0;
// a loop without a WebAssembly tree runs as generated JavaScript ("loop js"); shapes carry their element type
const shape = (v: Value) => `${JSON.stringify(v.type.shape)}${v.type.element}`;
timeRuntimeSteps({
  key: ({ op, loop }) =>
    `${loop ? (loop.wasm === undefined ? "loop js" : "loop") : op.name} ${op.results[0] ? shape(op.results[0]) : "[]"} <- ${op.operands.map(shape).join(",")}`,
  on: () => on,
  step: (key, ms) => {
    const e = acc.get(key) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    acc.set(key, e);
  },
  execute: (ms) => {
    executeMs += ms;
  },
});

const { impl } = await programCase(id, "xla");
await impl.output();
for (let i = 0; i < warmup; i++) await impl.run();
on = true;
const t0 = performance.now();
for (let i = 0; i < steps; i++) await impl.run();
const wall = (performance.now() - t0) / steps;
on = false;
const rows = [...acc].sort((a, b) => b[1].ms - a[1].ms);
const inSteps = rows.reduce((a, r) => a + r[1].ms, 0) / steps;
console.log(
  `${id} on xla after ${warmup} steps, ${steps} steps: ${wall.toFixed(3)} ms a step, execute ${(executeMs / steps).toFixed(3)}, its steps ${inSteps.toFixed(3)} (ms per training step; a group's earlier members count as empty steps)`,
);
for (const [k, v] of rows.slice(0, top))
  console.log(`${(v.ms / steps).toFixed(3).padStart(8)} ms ${String(v.calls / steps).padStart(5)}x  ${k}`);
