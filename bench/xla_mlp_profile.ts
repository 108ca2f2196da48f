// The bench case mlp_784_256_10_sgd_b128's exact step (bench/cases/60_mlp.ts),
// run STEPS times after warm-up on one device, for profiles and per-step
// metrics: where the xla device's (fused, CPU runtime) step spends the time
// that eager cpu does not.
//   XLATORCH_QUIET=1 DEV=xla npx tsx --tsconfig tsconfig.json bench/xla_mlp_profile.ts
//   XLATORCH_QUIET=1 DEV=xla node --cpu-prof --cpu-prof-dir=/tmp/p --import tsx bench/xla_mlp_profile.ts
// DEV=cpu|xla (default xla), STEPS (300), WARMUP (30), THREADS. Prints wall and CPU time
// per step (median of windows of 20 steps) and, on xla, torch.xla.metrics()
// per step. PROF=out.cpuprofile writes a profile of the timed steps
// (summarise with python3 bench/profile_summary.py out.cpuprofile).
import fs from "node:fs";
import inspector from "node:inspector";
import * as torch from "xlatorch";
import mlpCases from "./cases/60_mlp.js";
import { makeData, numel } from "./lib/data.js";
import type { HostInputs, PeerCtx } from "./lib/types.js";

const DEV = process.env.DEV ?? "xla";
const STEPS = Number(process.env.STEPS ?? 300),
  WARMUP = Number(process.env.WARMUP ?? 30),
  WINDOW = 20;
// THREADS=n: torch.set_num_threads(n) (1 keeps OpenBLAS's thread scheduling out of a loaded machine's figures)
if (process.env.THREADS) torch.set_num_threads(Number(process.env.THREADS));
const c = mlpCases[0]!;
const inputs: HostInputs = {};
for (const inp of c.inputs) {
  const [lo, hi] = inp.range ?? [-1, 1];
  inputs[inp.name] = { data: makeData(`${c.id}.${inp.name}`, numel(inp.shape), lo, hi), shape: inp.shape };
}
const ctx = { peer: DEV === "xla" ? "xlatorch-xla" : "xlatorch", lib: torch, extra: { device: DEV } } as unknown as PeerCtx;
const impl = await c.impls[DEV === "xla" ? "xlatorch-xla" : "xlatorch"]!(ctx, inputs);
for (let i = 0; i < WARMUP; i++) impl.run();
const xla = torch.xla;
if (DEV === "xla") xla.reset_metrics();
// PROF=file.cpuprofile: V8's sampling profile of the timed steps only (no start-up, no warm-up)
const session = process.env.PROF ? new inspector.Session() : undefined;
const post = (m: string, p?: object) => new Promise<unknown>((res, rej) => session!.post(m, p ?? {}, (e, r) => (e ? rej(e) : res(r))));
if (session) {
  session.connect();
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
}
const ms: number[] = [],
  cpu: number[] = [];
let first = 0;
for (let w = 0; w < STEPS / WINDOW; w++) {
  const t0 = performance.now(),
    c0 = process.cpuUsage();
  for (let i = 0; i < WINDOW; i++) first = impl.run() as number;
  ms.push((performance.now() - t0) / WINDOW);
  const u = process.cpuUsage(c0);
  cpu.push((u.user + u.system) / 1000 / WINDOW);
}
if (session) {
  const { profile } = (await post("Profiler.stop")) as { profile: unknown };
  fs.writeFileSync(process.env.PROF!, JSON.stringify(profile));
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
console.log(
  `${DEV}: ms/step median ${med(ms).toFixed(3)} min ${Math.min(...ms).toFixed(3)}; cpu ms/step median ${med(cpu).toFixed(3)}; last loss ${first}`,
);
if (DEV === "xla") {
  const m = xla.metrics();
  const n = STEPS;
  const per: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === "number" || typeof v === "bigint") per[k] = (Number(v) / n).toFixed(3);
  console.log("per step:", JSON.stringify(per));
}
