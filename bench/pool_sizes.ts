// The storage pool's memory when a loop's results change size (packages/cpu/src/wasm/storage_pool.ts,
// free_extents.ts): the eager tanh(x*2+1) chain for --calls calls on 4M values, then 3M, 5M and 4M again.
// Prints after each loop the bytes the pool has taken from its memory (held: a WebAssembly memory never
// shrinks, so this is what the process keeps), the bytes in blocks not yet given back, the collections
// so far and the RSS.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/pool_sizes.ts [--calls 150]
import os from "node:os";
import { storagePoolStats } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { cliArg } from "./lib/program_case.js";

const calls = Number(cliArg("calls", "150"));
const MiB = (b: number) => (b / 2 ** 20).toFixed(0);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.log(`pool memory by result size, ${calls} calls a loop, load ${load()}, ${new Date().toISOString()}`);
console.log("| loop | pool held MiB | pool live MiB | collections so far | RSS MiB |");
console.log("| --- | ---: | ---: | ---: | ---: |");
torch.manual_seed(0);
for (const m of [4, 3, 5, 4]) {
  const x = torch.randn([m * 1024 * 1024]);
  for (let i = 0; i < calls; i++) torch.tanh(x.mul(2).add(1)).reshape([-1]).select(0, 0).item();
  const s = storagePoolStats()!;
  console.log(`| ${m}M values | ${MiB(s.held)} | ${MiB(s.live)} | ${s.collections} | ${MiB(process.memoryUsage().rss)} |`);
}
console.log(`load at the end ${load()}, ${new Date().toISOString()}`);
