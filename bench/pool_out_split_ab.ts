// THREAD_MIN.pooledOut (packages/cpu/src/wasm/simd_f32.ts): an elementwise call whose result lives in the
// kernels' memory (storage_pool.ts) but whose operands are plain arrays, split across the threads (the calling
// thread copies operands in while a worker computes) or not, alternated call by call in one process, on 4M
// float32 values: x*2 and x+z with x, z plain arrays, and the bench's eager tanh(x*2+1) chain (read back).
// Reports each side's median and fastest ms, the median per-round ratio, the median CPU ms, and whether
// both sides' results have the same bits.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/pool_out_split_ab.ts [--rounds 40]
import os from "node:os";
import * as torch from "xlatorch";
import { THREAD_MIN } from "@xlatorch/cpu";
import { cliArg } from "./lib/program_case.js";

const rounds = Number(cliArg("rounds", "40"));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const split = THREAD_MIN.pooledOut;
const set = (on: boolean) => {
  THREAD_MIN.pooledOut = on ? split : 2 ** 31;
};
torch.manual_seed(0);
const N = 4 * 1024 * 1024;
const x = torch.randn([N]),
  z = torch.randn([N]);
const bits = (t: torch.Tensor) => new Uint32Array(Float32Array.from(t.reshape([-1]).tolist() as number[]).buffer);
const cases: [string, () => torch.Tensor][] = [
  ["x * 2", () => x.mul(2)],
  ["x + z", () => x.add(z)],
  ["tanh(x * 2 + 1)", () => torch.tanh(x.mul(2).add(1))],
];
console.log(`pooled-result split A/B, ${torch.get_num_threads()} threads, ${rounds} rounds, load ${load()}, ${new Date().toISOString()}`);
console.log(
  "| case | unsplit ms (median, fastest) | split ms (median, fastest) | unsplit / split (median of rounds) | CPU ms unsplit / split | same bits |",
);
console.log("| --- | ---: | ---: | ---: | ---: | --- |");
for (const [name, f] of cases) {
  set(false);
  const ref = bits(f());
  set(true);
  const got = bits(f());
  const same = ref.length === got.length && ref.every((v, i) => v === got[i]);
  const t = { off: [] as number[], on: [] as number[] },
    cpu = { off: [] as number[], on: [] as number[] },
    ratios: number[] = [];
  for (let r = 0; r < rounds + 3; r++) {
    const got: Record<string, number> = {};
    for (const on of r % 2 ? [true, false] : [false, true]) {
      set(on);
      const c0 = process.cpuUsage(),
        t0 = performance.now();
      // forced: a value read back, as the bench's repetitions do
      void f().reshape([-1]).select(0, 0).item();
      const ms = performance.now() - t0,
        c = process.cpuUsage(c0);
      if (r < 3) continue;
      const k = on ? "on" : "off";
      t[k].push(ms);
      cpu[k].push((c.user + c.system) / 1000);
      got[k] = ms;
    }
    if (r >= 3) ratios.push(got.off! / got.on!);
  }
  set(true);
  console.log(
    `| ${name} | ${median(t.off).toFixed(2)}, ${Math.min(...t.off).toFixed(2)} | ${median(t.on).toFixed(2)}, ${Math.min(...t.on).toFixed(2)} | ${median(ratios).toFixed(2)}x | ${median(cpu.off).toFixed(2)} / ${median(cpu.on).toFixed(2)} | ${same} |`,
  );
}
console.log(`load at the end ${load()}, ${new Date().toISOString()}`);
