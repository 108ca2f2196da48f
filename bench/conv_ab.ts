// In-process A/B of the convolution and max-pooling kernels (conv.ts,
// window.ts) of two checkouts: the calls one training step of a
// bench/cases/80_programs.ts case makes (recorded from this checkout's
// kernels), replayed with the old checkout's kernels (--a) and this one's,
// alternated call by call on the same inputs. Outputs are compared bit for
// bit; min and median CPU ms per call (the process's CPU time, all threads:
// time waiting for a core under load does not count). On a shared machine this is the figure to
// trust over whole-step A/B (both sides see the same load).
//   npx tsx --tsconfig tsconfig.json bench/conv_ab.ts --a /path/to/old/checkout [--case cifar_cnn_sgd_b64] [--reps 40] [--wall]
import path from "node:path";
import * as torch from "xlatorch";
import { KERNELS } from "@xlatorch/cpu";
import { cliArg, programCase } from "./lib/program_case.js";

const argv = process.argv.slice(2);
const arg = cliArg;
const a = path.resolve(arg("a", "."));
const id = arg("case", "cifar_cnn_sgd_b64");
const reps = Number(arg("reps", "40"));
/** --wall: wall-clock ms instead of CPU ms (what threads change) */
const wall = argv.includes("--wall");
const PRIMS = ["convolution", "reduce_window", "select_and_scatter"];
type K = (ins: unknown, avals: { shape: number[]; dtype: { name: string } }[], attrs: unknown, outs: unknown) => unknown;
// the two kernel files alone (the old checkout's kernels/index.ts would register against this checkout's primitive table)
const oldKernels = {
  ...(await import(path.join(a, "packages/cpu/src/kernels/conv.ts"))).convKernels,
  ...(await import(path.join(a, "packages/cpu/src/kernels/window.ts"))).windowKernels,
} as Record<string, K>;
const newKernels = KERNELS as unknown as Record<string, K>;

const { impl } = await programCase(id);
await impl.run();
const calls: { name: string; args: Parameters<K> }[] = [];
const saved = PRIMS.map((n) => newKernels[n]!);
PRIMS.forEach((n, i) => {
  newKernels[n] = (...args: Parameters<K>) => {
    calls.push({ name: n, args });
    return saved[i]!(...args);
  };
});
await impl.run();
PRIMS.forEach((n, i) => {
  newKernels[n] = saved[i]!;
});

const bits = (r: unknown): Uint8Array => {
  const s = (r as { data: ArrayBufferView }[])[0]!.data;
  return new Uint8Array(s.buffer, s.byteOffset, s.byteLength);
};
const same = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!;
console.log(`${id}: ${calls.length} calls; A = ${a}, B = this checkout; ${wall ? "wall" : "CPU"} ms per call`);
console.log("| call | A min | B min | A median | B median | B/A median | bits |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
let totA = 0,
  totB = 0;
for (const { name, args } of calls) {
  const fa = () => oldKernels[name]!(...args),
    fb = () => newKernels[name]!(...args);
  const ok = same(bits(fa()), bits(fb()));
  const ta: number[] = [],
    tb: number[] = [];
  for (let i = 0; i < reps; i++)
    for (const [f, t] of i % 2
      ? ([
          [fb, tb],
          [fa, ta],
        ] as const)
      : ([
          [fa, ta],
          [fb, tb],
        ] as const)) {
      const t0 = process.cpuUsage(),
        w0 = performance.now();
      f();
      const d = process.cpuUsage(t0);
      t.push(wall ? performance.now() - w0 : (d.user + d.system) / 1000);
    }
  totA += med(ta);
  totB += med(tb);
  const shapes = args[1].map((v) => `[${v.shape.join(",")}]`).join(" ");
  console.log(
    `| ${name} ${shapes} | ${Math.min(...ta).toFixed(3)} | ${Math.min(...tb).toFixed(3)} | ${med(ta).toFixed(3)} | ${med(tb).toFixed(3)} | ${(med(tb) / med(ta)).toFixed(2)} | ${ok ? "same" : "DIFFER"} |`,
  );
}
console.log(`| sum of medians | | | ${totA.toFixed(3)} | ${totB.toFixed(3)} | ${(totB / totA).toFixed(2)} | |`);
