// The storage pools' memory over a long loop (packages/cpu/src/wasm/storage_pool.ts): one case, one
// collection-bound policy, one process (a WebAssembly memory never shrinks, so the RSS a policy reaches
// stays with the process: compare policies in separate processes). Every --every steps it prints the
// median and mean ms per step since the last sample, CPU ms per step, the process RSS, the bytes the
// pools have taken from their memories (held) and hold in blocks not yet given back (live), and the
// pools' full collections per step. Cases: tanh_chain_4M (the eager tanh(x*2+1) on 4M values) and the
// program cases of bench/cases (bench/lib/program_case.ts).
//   --bound scaled (the default policy) | scaled:N (the scale capped at N, collectionLimits.maxScale) |
//           fixed (XLATORCH_PJRT_GC_BYTES=256 MiB, the bound before the scale)
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/pool_rss.ts --case tanh_chain_4M [--steps 2000] [--every 250] [--bound scaled] [--device cpu]
import os from "node:os";
import { fusedPoolStats, storagePoolStats } from "@xlatorch/cpu";
import { collectionLimits } from "../packages/cpu/src/wasm/storage_pool.js";
import { cliArg, poolStepOf } from "./lib/program_case.js";
import { median } from "./lib/timing.js";

const id = cliArg("case", "tanh_chain_4M");
const steps = Number(cliArg("steps", "2000"));
const every = Number(cliArg("every", "250"));
const bound = cliArg("bound", "scaled");
const device = cliArg("device", "cpu");
if (bound === "fixed") process.env.XLATORCH_PJRT_GC_BYTES = String(256 * 2 ** 20);
else if (bound.startsWith("scaled:")) collectionLimits.maxScale = Number(bound.slice(7));
else if (bound !== "scaled") throw new Error(`--bound must be scaled, scaled:N or fixed, got ${bound}`);

const MiB = (b: number) => (b / 2 ** 20).toFixed(0);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const pools = () => [storagePoolStats(), fusedPoolStats()].filter((s) => s !== undefined);
const sum = (k: "held" | "live" | "collections") => pools().reduce((a, s) => a + s[k], 0);

const step = await poolStepOf(id, device);
console.log(`pool memory, ${id} on ${device}, bound ${bound}, ${steps} steps, load ${load()}, ${new Date().toISOString()}`);
console.log("| step | median ms/step | mean ms/step | CPU ms/step | RSS MiB | pools held MiB | pools live MiB | collections/step |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
let times: number[] = [],
  c0 = process.cpuUsage(),
  g0 = sum("collections");
for (let s = 1; s <= steps; s++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
  if (s % every === 0 || s === 10) {
    const c = process.cpuUsage(c0),
      n = times.length;
    const mean = times.reduce((a, b) => a + b, 0) / n;
    console.log(
      `| ${s} | ${median(times).toFixed(2)} | ${mean.toFixed(2)} | ${((c.user + c.system) / 1000 / n).toFixed(2)} | ${MiB(process.memoryUsage().rss)} | ${MiB(sum("held"))} | ${MiB(sum("live"))} | ${((sum("collections") - g0) / n).toFixed(3)} |`,
    );
    times = [];
    c0 = process.cpuUsage();
    g0 = sum("collections");
  }
}
console.log(`load at the end ${load()}, ${new Date().toISOString()}`);
