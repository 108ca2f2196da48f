// Host cost of the xla device's MLP step (bench/cases/60_mlp.ts's xlatorch-xla
// impl, including the bench's sync + one-element read), with the runtime
// replaced by bench/lib/null_runtime.ts (NULL=1, the default) so only
// xlatorch's own work is timed, or on the real runtime (NULL=0).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/xla_mlp_host.ts
//   XLATORCH_QUIET=1 node --cpu-prof --cpu-prof-dir=/tmp/p --import tsx bench/xla_mlp_host.ts
// STEPS per window (200), WINDOWS (20), WARMUP (300). Prints wall and CPU ms per step (median and best window).
import * as torch from "xlatorch";
import { setRuntime } from "@xlatorch/lazy";
import mlpCases from "./cases/60_mlp.js";
import { makeData, numel } from "./lib/data.js";
import { NullRuntime } from "./lib/null_runtime.js";
import type { HostInputs, PeerCtx } from "./lib/types.js";

// the null runtime's buffers carry StableHLO element names (f32, i64): read back by itemsize
class NullRt extends NullRuntime {
  override toHost(b: { dtype: string; shape: readonly number[] }) {
    const n = b.shape.reduce((a, c) => a * c, 1);
    return b.dtype === "i64" ? new BigInt64Array(n) : new Float32Array(n);
  }
}
if ((process.env.NULL ?? "1") !== "0") setRuntime(new NullRt());
if (process.env.THREADS) torch.set_num_threads(Number(process.env.THREADS));
const STEPS = Number(process.env.STEPS ?? 200),
  WINDOWS = Number(process.env.WINDOWS ?? 20),
  WARMUP = Number(process.env.WARMUP ?? 300);
const c = mlpCases[0]!;
const inputs: HostInputs = {};
for (const inp of c.inputs) {
  const [lo, hi] = inp.range ?? [-1, 1];
  inputs[inp.name] = { data: makeData(`${c.id}.${inp.name}`, numel(inp.shape), lo, hi), shape: inp.shape };
}
const ctx = { peer: "xlatorch-xla", lib: torch, extra: { device: "xla" } } as unknown as PeerCtx;
const impl = await c.impls["xlatorch-xla"]!(ctx, inputs);
for (let i = 0; i < WARMUP; i++) impl.run();
const ms: number[] = [],
  cpu: number[] = [];
for (let w = 0; w < WINDOWS; w++) {
  const t0 = performance.now(),
    c0 = process.cpuUsage();
  for (let i = 0; i < STEPS; i++) impl.run();
  ms.push((performance.now() - t0) / STEPS);
  const u = process.cpuUsage(c0);
  cpu.push((u.user + u.system) / 1000 / STEPS);
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
console.log(
  `host step (${process.env.NULL === "0" ? "cpu runtime" : "null runtime"}): wall ms/step median ${med(ms).toFixed(4)} best ${Math.min(...ms).toFixed(4)}; cpu ms/step median ${med(cpu).toFixed(4)} best ${Math.min(...cpu).toFixed(4)}`,
);
