// The storage pool's collection bound (packages/cpu/src/wasm/storage_pool.ts): the fixed bound of
// sync_net.ts collectBound (XLATORCH_PJRT_GC_BYTES=256 MiB, read at each allocation) against the scaled one
// (collectionScale), alternated in blocks of calls in one process; a block's time per call includes the full
// collections its calls asked for, which is what the bound changes. Reports, per case, the median over rounds
// of each side's ms per call and CPU ms per call, the median per-round ratio fixed / scaled, and the pools'
// collections per call on each side. --sides fixed,2,4 alternates the fixed bound with the scaled one
// capped at 2x and at 4x (collectionLimits.maxScale), each against the first side.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/pool_bound_ab.ts [--rounds 8] [--calls 40] [--cases eager,xla] [--sides fixed,scaled]
import os from "node:os";
import * as torch from "xlatorch";
import { fusedPoolStats, storagePoolStats } from "@xlatorch/cpu";
import { collectionLimits } from "../packages/cpu/src/wasm/storage_pool.js";
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

const sides = cliArg("sides", "fixed,scaled").split(",");
/** One side: the fixed bound, or the scaled one capped at `side`x (scaled: the default cap). */
const set = (side: string) => {
  collectionLimits.maxScale = side === "fixed" || side === "scaled" ? defaultMaxScale : Number(side);
  if (side !== "fixed") delete process.env.XLATORCH_PJRT_GC_BYTES;
  else process.env.XLATORCH_PJRT_GC_BYTES = String(256 * 2 ** 20);
};
const defaultMaxScale = collectionLimits.maxScale;
const name = (side: string) => (side === "fixed" || side === "scaled" ? side : `scaled, at most ${side}x`);

console.log(`pool bound A/B, ${rounds} rounds of ${calls} calls a side, load ${load()}, ${new Date().toISOString()}`);
console.log(`| case | side | ms/call (median of rounds) | ${sides[0]} / side (median of rounds) | CPU ms/call | collections/call |`);
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
for (const id of cases) {
  const step = chain(id === "xla" ? "xla" : "cpu");
  const ms = sides.map(() => [] as number[]),
    cpu = sides.map(() => [] as number[]),
    gcs = sides.map(() => 0),
    ratios = sides.map(() => [] as number[]);
  // warm-up: every side, so V8 has tiered up and the scale has settled
  for (const s of sides) {
    set(s);
    for (let i = 0; i < calls; i++) step();
  }
  for (let r = 0; r < rounds; r++) {
    const got: number[] = [];
    // alternate the order: forward on even rounds, backward on odd ones
    const order = sides.map((_, k) => (r % 2 ? sides.length - 1 - k : k));
    for (const k of order) {
      set(sides[k]!);
      const g0 = collections(),
        c0 = process.cpuUsage(),
        t0 = performance.now();
      for (let i = 0; i < calls; i++) step();
      const t = (performance.now() - t0) / calls,
        c = process.cpuUsage(c0);
      ms[k]!.push(t);
      cpu[k]!.push((c.user + c.system) / 1000 / calls);
      gcs[k]! += collections() - g0;
      got[k] = t;
    }
    for (let k = 0; k < sides.length; k++) ratios[k]!.push(got[0]! / got[k]!);
  }
  set("scaled");
  sides.forEach((s, k) =>
    console.log(
      `| ${id} tanh(x*2+1) 4M | ${name(s)} | ${median(ms[k]!).toFixed(2)} | ${median(ratios[k]!).toFixed(2)}x | ${median(cpu[k]!).toFixed(2)} | ${(gcs[k]! / (rounds * calls)).toFixed(3)} |`,
    ),
  );
}
console.log(`load at the end ${load()}, ${new Date().toISOString()}`);
