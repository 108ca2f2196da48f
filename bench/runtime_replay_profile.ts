// V8 CPU profile of the CPU runtime alone on a whole ported program's
// execute() calls: one run of the program on the xla device (fused mode)
// records every call (module, arguments, donation flags), then this
// checkout's runtime compiles each module and replays the calls in order,
// warm first, then `--reps` replays under the profiler. Prints process-CPU ms
// per replay and self / inclusive time by function, so the runtime's own
// per-step cost (execute()'s bookkeeping, the step closures, the pool) can be
// told from the kernels'. (runtime_trace_ab.ts times two checkouts on the same calls.)
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/runtime_replay_profile.ts --program char_lstm [--reps 40] [--top 40] [--out FILE.cpuprofile]
import fs from "node:fs";
import type { HostArray } from "@xlatorch/core";
import { CpuRuntime } from "@xlatorch/cpu";
import type { Module } from "@xlatorch/stablehlo";
import * as torch from "xlatorch";
import { frameKey, profileWhile, timeByFrame } from "./lib/cpu_profile.js";
import { cliArg } from "./lib/program_case.js";
import { PORTED_PROGRAMS } from "./lib/ported.js";

type Buf = { dtype: string; shape: number[] };
type RT = {
  compile(m: Module): unknown;
  execute(e: unknown, a: unknown[], donate?: boolean[]): unknown[];
  toDevice(d: unknown, t: string, s: number[]): unknown;
  toHost(b: unknown): HostArray;
};
const program = cliArg("program", "char_lstm");
const reps = Number(cliArg("reps", "40")),
  top = Number(cliArg("top", "40"));
process.env.XLATORCH_CACHE_DIR = "off";

const proto = CpuRuntime.prototype as unknown as RT;
const modules = new Map<unknown, Module>();
const calls: { m: Module; args: { dtype: string; shape: number[]; data: HostArray }[]; donate?: boolean[] }[] = [];
const compile = proto.compile;
proto.compile = function (this: RT, m: Module) {
  const exe = compile.call(this, m);
  modules.set(exe, m);
  return exe;
};
const execute = proto.execute;
proto.execute = function (this: RT, exe: unknown, args: unknown[], donate?: boolean[], ...rest: unknown[]) {
  const m = modules.get(exe);
  if (m)
    calls.push({
      m,
      args: (args as Buf[]).map((b) => ({ dtype: b.dtype, shape: [...b.shape], data: this.toHost(b).slice() as HostArray })),
      donate: donate ? [...donate] : undefined,
    });
  return (execute as (...a: unknown[]) => unknown[]).call(this, exe, args, donate, ...rest);
};
torch.xla.set_execution_mode("fused");
PORTED_PROGRAMS[program]!("xla");
proto.compile = compile;
proto.execute = execute;
if (calls.length === 0) throw new Error("no execute() call recorded (a stored plan was loaded?): set XLATORCH_CACHE_DIR=off");

const rt = new CpuRuntime() as unknown as RT;
const exes = new Map<Module, unknown>();
for (const c of calls) if (!exes.has(c.m)) exes.set(c.m, rt.compile(c.m));
const replay = calls.map((c) => ({
  exe: exes.get(c.m)!,
  donate: c.donate,
  bufs: c.args.map((a) => rt.toDevice(a.data.slice() as HostArray, a.dtype, a.shape)),
}));
const run = () => {
  for (const c of replay) rt.execute(c.exe, c.bufs, c.donate);
};
for (let i = 0; i < 10; i++) run();
const c0 = process.cpuUsage();
const profile = await profileWhile(100, () => {
  for (let i = 0; i < reps; i++) run();
});
const u = process.cpuUsage(c0);
const out = cliArg("out", "");
if (out) fs.writeFileSync(out, JSON.stringify(profile));
const { self, incl, kept } = timeByFrame(profile, (n) => frameKey(n));
console.log(
  `${program}: ${calls.length} calls, ${reps} replays, process CPU ${((u.user + u.system) / 1000 / reps).toFixed(2)} ms per replay (profiler on)`,
);
const show = (title: string, m: Map<string, number>) => {
  console.log(`--- ${title} (ms per replay, % of sampled)`);
  for (const [k, us] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${(us / 1000 / reps).toFixed(3).padStart(8)} ${((100 * us) / kept).toFixed(1).padStart(5)}%  ${k}`);
};
show("self", self);
show("inclusive", incl);
