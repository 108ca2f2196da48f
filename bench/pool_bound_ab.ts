// The storage pool's collection bound (packages/cpu/src/wasm/storage_pool.ts): the fixed bound of
// sync_net.ts collectBound (XLATORCH_PJRT_GC_BYTES=256 MiB, read at each allocation) against the scaled one
// (collectionScale), alternated in blocks of calls in one process; a block's time per call includes the full
// collections its calls asked for, which is what the bound changes. Reports, per case, the median over rounds
// of each side's ms per call and CPU ms per call, the median per-round ratio fixed / scaled, and the pools'
// collections per call on each side.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/pool_bound_ab.ts [--rounds 8] [--calls 40] [--cases eager,xla]
import os from "node:os";
import * as torch from "xlatorch";
import { fusedPoolStats, storagePoolStats } from "@xlatorch/cpu";
import { cliArg } from "./lib/program_case.js";

const rounds = Number(cliArg("rounds", "8"));
const calls = Number(cliArg("calls", "40"));
const cases = cliArg("cases", "eager,xla").split(",");
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const collections = () => (storagePoolStats()?.collections ?? 0) + (fusedPoolStats()?.collections ?? 0);

/** The bench's tanh_chain_4M call on `device`: tanh(x*2+1) on 4M float32 values, forced by reading one value. */
function chain(device: string): () => void {
  torch.manual_seed(0);
  const x = torch.randn([4 * 1024 * 1024]).to(device);
  return () => void torch.tanh(x.mul(2).add(1)).reshape([-1]).select(0, 0).item();
}

const set = (scaled: boolean) => {
  if (scaled) delete process.env.XLATORCH_PJRT_GC_BYTES;
  else process.env.XLATORCH_PJRT_GC_BYTES = String(256 * 2 ** 20);
};

console.log(`pool bound A/B, ${rounds} rounds of ${calls} calls a side, load ${load()}, ${new Date().toISOString()}`);
console.log(
  "| case | fixed ms/call | scaled ms/call | fixed / scaled (median of rounds) | CPU ms/call fixed / scaled | collections/call fixed / scaled |",
);
console.log("| --- | ---: | ---: | ---: | ---: | --- |");
for (const id of cases) {
  const step = chain(id === "xla" ? "xla" : "cpu");
  const side = { fixed: [] as number[], scaled: [] as number[] },
    cpu = { fixed: [] as number[], scaled: [] as number[] },
    gcs = { fixed: 0, scaled: 0 },
    ratios: number[] = [];
  // warm-up: both sides, so V8 has tiered up and the scale has settled
  for (const s of [false, true]) {
    set(s);
    for (let i = 0; i < calls; i++) step();
  }
  for (let r = 0; r < rounds; r++) {
    const got: Record<string, number> = {};
    for (const scaled of r % 2 ? [true, false] : [false, true]) {
      set(scaled);
      const k = scaled ? "scaled" : "fixed";
      const g0 = collections(),
        c0 = process.cpuUsage(),
        t0 = performance.now();
      for (let i = 0; i < calls; i++) step();
      const ms = (performance.now() - t0) / calls,
        c = process.cpuUsage(c0);
      side[k].push(ms);
      cpu[k].push((c.user + c.system) / 1000 / calls);
      gcs[k] += collections() - g0;
      got[k] = ms;
    }
    ratios.push(got.fixed! / got.scaled!);
  }
  set(true);
  const per = (n: number) => (n / (rounds * calls)).toFixed(3);
  console.log(
    `| ${id} tanh(x*2+1) 4M | ${median(side.fixed).toFixed(2)} | ${median(side.scaled).toFixed(2)} | ${median(ratios).toFixed(2)}x | ${median(cpu.fixed).toFixed(2)} / ${median(cpu.scaled).toFixed(2)} | ${per(gcs.fixed)} / ${per(gcs.scaled)} |`,
  );
}
console.log(`load at the end ${load()}, ${new Date().toISOString()}`);
