// ns per value of the host samplers (packages/core/src/random) in this tree against another
// tree's (an old commit's worktree), alternated in one process: bernoulli_(p) into float32
// (dropout(p)'s mask is bernoulli_(1 - p)), normal_ and uniform_ into float32. Each round times both trees on the same
// seed, old and new in swapped order every round, and checks that they give the same bytes.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/random_bulk_ab.ts --old /tmp/wt_old [--rounds 7] [--sizes 16384,65536,262144,1048576] [--cases bernoulli,normal]
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as New from "../packages/core/src/random/index.js";
import { cliArg } from "./lib/program_case.js";
import { median } from "./lib/timing.js";

type R = typeof New;
const oldRoot = cliArg("old", "");
if (!oldRoot) throw new Error("--old <path of a worktree of the old commit>");
const Old = (await import(pathToFileURL(path.join(oldRoot, "packages/core/src/random/index.ts")).href)) as R;
const rounds = Number(cliArg("rounds", "7"));
const sizes = cliArg("sizes", "16384,65536,262144,1048576").split(",").map(Number);
const only = cliArg("cases", ""); // comma-separated prefixes of case names

const CASES: Record<string, (r: R, g: New.Generator, n: number) => ArrayLike<number>> = {
  "bernoulli_(0.1) float32": (r, g, n) => r.bernoulli(g, 0.1, n, "float32"),
  "bernoulli_(0.9) float32 (dropout(0.1)'s mask)": (r, g, n) => r.bernoulli(g, 0.9, n, "float32"),
  "normal_ float32": (r, g, n) => r.normal(g, n, "float32"),
  "uniform_ float32": (r, g, n) => r.uniform(g, n, "float32"),
};

/** Process CPU ms of one call (the machine is shared: wall time waits for other processes), and its bytes' checksum. */
function once(r: R, name: string, n: number, seed: number): { ms: number; sum: number } {
  const g = new r.Generator(seed);
  const t = process.cpuUsage();
  const out = CASES[name](r, g as New.Generator, n) as Float32Array;
  const dt = process.cpuUsage(t);
  const ms = (dt.user + dt.system) / 1000;
  const u = new Uint32Array(out.buffer, out.byteOffset, out.length);
  let sum = g.random();
  for (let i = 0; i < u.length; i++) sum = (Math.imul(sum, 31) + u[i]) | 0;
  return { ms, sum };
}

console.log(
  `# host samplers, old (${oldRoot}) vs new (this tree), ${rounds} rounds alternated; node ${process.version}, ${os.cpus().length} cpus, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, ${new Date().toISOString()}`,
);
console.log("| case | n | old CPU ns/value | new CPU ns/value | new/old (median of rounds) |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const name of Object.keys(CASES).filter((c) => !only || only.split(",").some((o) => c.startsWith(o)))) {
  for (const n of sizes) {
    const reps = Math.max(1, Math.round(2_000_000 / n)); // ~2M values a timing
    const old: number[] = [],
      neu: number[] = [],
      ratio: number[] = [];
    for (let r = -1; r < rounds; r++) {
      const times = { old: 0, new: 0 };
      for (const which of r % 2 ? (["new", "old"] as const) : (["old", "new"] as const)) {
        for (let k = 0; k < reps; k++) {
          const a = once(which === "old" ? Old : New, name, n, 1000 + k);
          times[which] += a.ms;
        }
      }
      const a = once(Old, name, n, 77 + r);
      const b = once(New, name, n, 77 + r);
      if (a.sum !== b.sum) throw new Error(`${name} n=${n}: old and new differ`);
      if (r < 0) continue; // warm-up
      old.push((times.old * 1e6) / (reps * n));
      neu.push((times.new * 1e6) / (reps * n));
      ratio.push(times.new / times.old);
    }
    console.log(`| ${name} | ${n} | ${median(old).toFixed(2)} | ${median(neu).toFixed(2)} | ${median(ratio).toFixed(3)} |`);
  }
}
