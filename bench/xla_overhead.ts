// Host overhead of the xla device, measured on a runtime that executes
// nothing (so only xlatorch's own work is timed: recording, keying, cutting,
// argument and result bookkeeping), with the in-process CPU runtime beside it
// for context. Targets (issue "An eager-first xla device"): recording <= 1 us
// per op, the cache-hit path of a 1000-node graph <= 0.2 ms, a fused
// 300-op training step <= 0.3 ms of host time.
//   npx tsx --tsconfig tsconfig.json bench/xla_overhead.ts [--reps N] [--json FILE]
// Each figure is the median over REPS repetitions after 50 untimed ones.
import { writeFileSync } from "node:fs";
import os from "node:os";
import * as torch from "xlatorch";
import { getRuntime, setRuntime } from "@xlatorch/lazy";
import { NullRuntime } from "./lib/null_runtime.js";
import { mlpAdamStep } from "./programs/mlp_adam_step.js";

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const REPS = Number(arg("reps") ?? 500);
const xla = torch.xla;

const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1]!;
};
/** Median over REPS repetitions (after WARM untimed ones) of the time `timed` takes; `untimed` runs around it. */
function per(reps: number, timed: () => void, untimed: () => void = () => {}): number {
  const ts: number[] = [];
  for (let r = 0; r < reps + WARM; r++) {
    const t0 = performance.now();
    timed();
    const t = performance.now() - t0;
    untimed();
    if (r >= WARM) ts.push(t);
  }
  return median(ts);
}
const WARM = 50;

const x16 = () => torch.randn(16, 16).to("xla");
/** A chain of `n` recorded ops (n/2 mul-by-scalar + add pairs). */
const chain = (x: torch.Tensor, n: number) => {
  let y = x;
  for (let i = 0; i < n / 2; i++) y = y.mul(1.5).add(x);
  return y;
};

function recordUsPerOp(): number {
  const n = 1000,
    x = x16();
  let y = x;
  return (
    (per(
      REPS,
      () => {
        y = chain(x, n);
      },
      () => xla.sync(y),
    ) *
      1000) /
    n
  );
}

function cacheHitMs(): number {
  const n = 1000,
    x = x16();
  let y = x;
  return per(
    REPS,
    () => xla.sync(y),
    () => {
      y = chain(x, n);
    },
  );
}

function trainStep(): { opsPerStep: number; hostMs: number } {
  const step = mlpAdamStep();
  const before = xla.metrics();
  const ms = per(REPS, step);
  const after = xla.metrics();
  return { opsPerStep: Math.round((after.opsRecorded - before.opsRecorded) / (REPS + WARM)), hostMs: ms };
}

const cpuRuntime = getRuntime();
const results: Record<string, Record<string, number>> = {};
for (const [name, rt] of [
  ["null", new NullRuntime()],
  ["cpu-runtime", cpuRuntime],
] as const) {
  setRuntime(rt);
  xla.set_execution_mode("fused");
  xla.clear_compilation_cache();
  const rec = recordUsPerOp();
  const hit = cacheHitMs();
  const ts = trainStep();
  results[name] = { record_us_per_op: rec, cache_hit_1000_nodes_ms: hit, train_step_ops: ts.opsPerStep, train_step_ms: ts.hostMs };
}
setRuntime(cpuRuntime);

const fmt = (v: number, d = 3) => v.toFixed(d);
console.log(`xla host overhead, median of ${REPS} repetitions, node ${process.version}, ${os.cpus()[0]?.model} x${os.cpus().length}`);
console.log("| runtime | record (us/op) | cache-hit cut, 1000 nodes (ms) | fused training step (ops) | training step (ms) |");
console.log("| --- | --- | --- | --- | --- |");
for (const [k, r] of Object.entries(results)) {
  console.log(
    `| ${k} | ${fmt(r.record_us_per_op!)} | ${fmt(r.cache_hit_1000_nodes_ms!)} | ${r.train_step_ops} | ${fmt(r.train_step_ms!)} |`,
  );
}
const out = arg("json");
if (out)
  writeFileSync(
    out,
    JSON.stringify({ node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, reps: REPS, results }, null, 2) + "\n",
  );
