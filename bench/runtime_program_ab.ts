// The CPU runtime of two checkouts under whole ported programs (tests/programs/,
// their test sizes, xla device, fused mode) in one process: the xla device gets
// a runtime that compiles every module on both checkouts' runtimes and runs
// each execute() on the side chosen for the current run, and the sides
// alternate run by run (which goes first swaps every round; round 0 warms up
// and compiles and is not counted), so a loaded machine slows both alike.
// Whole-program runs (recording, dispatch, the lazy layer) around the runtime,
// as bench/ported_programs.ts times them, but without the process-to-process
// noise of comparing two such runs. Prints median wall and process-CPU ms per
// program run and the per-round new/old ratios.
// The old checkout's cpu package runs with this checkout's core and stablehlo.
//   XLATORCH_CACHE_DIR=off npx tsx --tsconfig tsconfig.json bench/runtime_program_ab.ts --old /path/to/old/checkout [--rounds 8] [--only char_lstm,vae]
import path from "node:path";
import { CpuRuntime } from "@xlatorch/cpu";
import { setRuntimeFactory } from "@xlatorch/lazy";
import type { Executable, Module, Runtime } from "@xlatorch/stablehlo";
import * as torch from "xlatorch";
import { PORTED_PROGRAMS } from "./lib/ported.js";
import { cliArg } from "./lib/program_case.js";
import { median } from "./lib/timing.js";

const PROGRAMS = PORTED_PROGRAMS;
if (process.env.XLATORCH_CACHE_DIR !== "off")
  throw new Error("set XLATORCH_CACHE_DIR=off (a stored plan would be loaded on one side only)");
const rounds = Number(cliArg("rounds", "8"));
const only = cliArg("only", "");
const names = Object.keys(PROGRAMS).filter((n) => !only || only.split(",").includes(n));
const oldDir = path.resolve(cliArg("old", ""));
const OldRuntime = ((await import(path.join(oldDir, "packages/cpu/src/index.ts"))) as { CpuRuntime: new () => Runtime }).CpuRuntime;

const rts = { old: new OldRuntime(), new: new CpuRuntime() as unknown as Runtime };
let side: "old" | "new" = "new";
type Both = Executable & { old: Executable; new: Executable };
const own: Partial<Runtime> = {
  compile: (m: Module): Both => {
    const n = rts.new.compile(m);
    return { numOutputs: n.numOutputs, old: rts.old.compile(m), new: n };
  },
  execute: (e, args, donate, dest) => rts[side].execute((e as Both)[side], args, donate, dest),
};
const both = new Proxy(rts.new, {
  get(t, k) {
    if (k in own) return own[k as keyof Runtime];
    const v = (t as unknown as Record<string | symbol, unknown>)[k];
    return typeof v === "function" ? v.bind(t) : v;
  },
});
setRuntimeFactory(() => both);
torch.xla.set_execution_mode("fused");

console.log(`# CPU runtime, ${oldDir} (old) vs this checkout (new), whole programs on xla, ${rounds} counted rounds`);
console.log("| program | old ms/run (CPU ms) | new ms/run (CPU ms) | new/old per round, wall (CPU) |");
console.log("| --- | ---: | ---: | ---: |");
for (const name of names) {
  const run = PROGRAMS[name]!;
  const rows = { old: [] as [number, number][], new: [] as [number, number][] };
  for (let r = 0; r <= rounds; r++) {
    for (const s of r % 2 ? (["new", "old"] as const) : (["old", "new"] as const)) {
      side = s;
      const c0 = process.cpuUsage(),
        t0 = performance.now();
      run("xla");
      const u = process.cpuUsage(c0);
      if (r > 0) rows[s].push([performance.now() - t0, (u.user + u.system) / 1000]);
    }
  }
  const med = (s: "old" | "new", k: 0 | 1) => median(rows[s].map((x) => x[k])).toFixed(1);
  const ratio = (k: 0 | 1) => median(rows.new.map((x, i) => x[k] / rows.old[i]![k])).toFixed(3);
  console.log(`| ${name} | ${med("old", 0)} (${med("old", 1)}) | ${med("new", 0)} (${med("new", 1)}) | ${ratio(0)} (${ratio(1)}) |`);
}
