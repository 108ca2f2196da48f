// The storage pool (packages/cpu/src/wasm/storage_pool.ts) on and off, alternated step by step in one
// process (XLATORCH_POOL is read at each allocation): the eager tanh(x*2+1) chain on 4M values and the
// program cases of bench/cases (CNN, nanoGPT, MLP) on the cpu device, or on the xla device (its CPU
// runtime's fused loops) with --device xla. Reports
// each side's median ms per step, the median per-round ratio off / on, CPU time per step, and the pool's
// counters (allocations, blocks reused, full collections it asked for).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/storage_pool_ab.ts [--cases tanh_chain_4M,cifar_cnn_sgd_b64] [--rounds 40] [--device cpu]
import os from "node:os";
import { fusedPoolStats, storagePoolStats } from "@xlatorch/cpu";
import { cliArg, poolStepOf } from "./lib/program_case.js";
import { median } from "./lib/timing.js";

const cases = cliArg("cases", "tanh_chain_4M,cifar_cnn_sgd_b16,cifar_cnn_sgd_b64,nanogpt_tiny_adamw_b8,mlp_784_256_10_sgd_b128").split(",");
const rounds = Number(cliArg("rounds", "40"));
const device = cliArg("device", "cpu");

const set = (on: boolean) => {
  if (on) delete process.env.XLATORCH_POOL;
  else process.env.XLATORCH_POOL = "off";
};

console.log(
  `storage pool A/B, device ${device}, ${rounds} rounds, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, ${new Date().toISOString()}`,
);
console.log("| case | pool off ms | pool on ms | off / on (median of rounds) | CPU ms off / on | allocations, reused, collections |");
console.log("| --- | ---: | ---: | ---: | ---: | --- |");
for (const id of cases) {
  const step = await poolStepOf(id, device);
  for (let i = 0; i < 3; i++) for (const on of [false, true]) set(on), step();
  const t = { on: [] as number[], off: [] as number[] },
    cpu = { on: 0, off: 0 },
    ratios: number[] = [];
  const s0 = { ...(storagePoolStats() ?? {}) },
    f0 = { ...(fusedPoolStats() ?? {}) };
  for (let r = 0; r < rounds; r++) {
    const got: Record<string, number> = {};
    for (const on of r % 2 ? [true, false] : [false, true]) {
      set(on);
      const c0 = process.cpuUsage(),
        t0 = performance.now();
      step();
      const ms = performance.now() - t0,
        c = process.cpuUsage(c0);
      const k = on ? "on" : "off";
      t[k].push(ms);
      cpu[k] += (c.user + c.system) / 1000;
      got[k] = ms;
    }
    ratios.push(got.off! / got.on!);
  }
  set(true);
  const s = storagePoolStats() ?? {},
    f = fusedPoolStats() ?? {};
  const d = (a: Record<string, number>, b: Record<string, number>, k: string) => (a[k] ?? 0) - (b[k] ?? 0);
  // the eager kernels' pool and the fused loops' (the CPU runtime's) together
  const both = (k: string) => d(s, s0, k) + d(f, f0, k);
  const counts = `${both("allocations")}, ${both("reused")}, ${both("collections")}`;
  console.log(
    `| ${id} | ${median(t.off).toFixed(2)} | ${median(t.on).toFixed(2)} | ${median(ratios).toFixed(2)}x | ${(cpu.off / rounds).toFixed(2)} / ${(cpu.on / rounds).toFixed(2)} | ${counts} |`,
  );
}
console.log(
  `load at the end ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
