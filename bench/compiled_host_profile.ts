// Where a compiled training step's host time beyond the executable goes: the
// MLP 784-256-10 / CrossEntropyLoss / Adam / b128 step of
// bench/compile_step_overhead.ts, torch.compile'd on DEVICE (xla: on the
// in-process CPU runtime; cpu: the cpu device, run on the same runtime),
// CALLS calls under V8's sampling profiler. Samples inside the runtime's
// execute() are the executable's run; every other sample is host time beyond
// it, listed by function (self) and by the functions that contain it
// (inclusive), in microseconds per call. Writes the .cpuprofile to OUT.
// V8 files garbage-collection samples under "(garbage collector)" at the root
// wherever the collection was triggered (mostly by the runtime's allocations
// inside execute), so they are listed outside; and "dispatch" under
// node:inspector is the profiler's own stop.
//   DEVICE=xla CALLS=3000 XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/compiled_host_profile.ts
import fs from "node:fs";
import os from "node:os";
import * as torch from "xlatorch";
import { frameKey, profileWhile, timeByFrame, type ProfileNode } from "./lib/cpu_profile.js";
import { mlpAdamStep } from "./lib/mlp_adam_step.js";

const DEVICE = process.env.DEVICE ?? "xla";
const CALLS = Number(process.env.CALLS ?? 3000);
const TOP = Number(process.env.TOP ?? 30);
const OUT = process.env.OUT ?? `/tmp/compiled_host_${DEVICE}.cpuprofile`;

const step = mlpAdamStep(true, DEVICE);
for (let i = 0; i < 200; i++) step();
torch.xla.sync();

const e0 = torch.xla.metrics().executeMs;
const t0 = performance.now();
const profile = await profileWhile(50, () => {
  for (let i = 0; i < CALLS; i++) step();
  torch.xla.sync();
});
const wall = (performance.now() - t0) / CALLS;
const exec = (torch.xla.metrics().executeMs - e0) / CALLS;
fs.writeFileSync(OUT, JSON.stringify(profile));

const isExecute = (n: ProfileNode) => n.callFrame.functionName === "execute" && n.callFrame.url.includes("cpu/src/runtime/runtime.ts");
// samples inside execute() are the executable's run; the rest is host time beyond it
const {
  self,
  incl,
  kept: outside,
  dropped: inside,
} = timeByFrame(
  profile,
  (n) => frameKey(n, false),
  (stack) => !stack.some(isExecute),
);
console.log(
  `${DEVICE} compiled, ${CALLS} calls (load ${os.loadavg()[0]!.toFixed(2)}): wall ${wall.toFixed(3)} ms/call, execute ${exec.toFixed(3)}, beyond execute ${(wall - exec).toFixed(3)}; sampled inside execute ${(inside / 1000 / CALLS).toFixed(3)}, outside ${(outside / 1000 / CALLS).toFixed(3)} ms/call; ${OUT}`,
);
const show = (title: string, m: Map<string, number>) => {
  console.log(`--- outside execute, ${title} (us per call)`);
  for (const [k, us] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    console.log(`${(us / CALLS).toFixed(1).padStart(7)}  ${k}`);
};
show("self", self);
show("inclusive", incl);
