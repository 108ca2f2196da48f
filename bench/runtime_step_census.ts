// How many steps one run of a ported program (tests/programs/, its test size)
// makes the CPU runtime execute on the xla device, of which kind (a fused
// loop as WebAssembly or JavaScript, a multi-output group, a kernel by op
// name, a step that does nothing), and how many kernel calls the eager cpu
// device makes for the same run: the runtime's per-step cost is paid that many
// times, so fewer, cheaper steps than eager's calls is the point of the runtime.
//   XLATORCH_QUIET=1 XLATORCH_CACHE_DIR=off npx tsx --tsconfig tsconfig.json bench/runtime_step_census.ts --program char_lstm
import { CpuRuntime, cpuBackend } from "@xlatorch/cpu";
import type { Func, Module } from "@xlatorch/stablehlo";
import * as torch from "xlatorch";
import { cliArg } from "./lib/program_case.js";
import { PORTED_PROGRAMS } from "./lib/ported.js";

type Plan = { steps: { op: number; loop?: { wasm?: unknown } }[] };
type Exe = { steps: ((v: unknown) => void)[] };
const program = cliArg("program", "char_lstm");
process.env.XLATORCH_CACHE_DIR = "off";

// eager: the cpu backend's kernel calls by primitive
const eager = new Map<string, number>();
const run = cpuBackend.run;
cpuBackend.run = function (prim, ...rest) {
  eager.set(prim.name, (eager.get(prim.name) ?? 0) + 1);
  return run.call(this, prim, ...rest);
};
PORTED_PROGRAMS[program]!("cpu");
cpuBackend.run = run;

// xla: each executable's steps by kind, counted per execution
const kinds = new Map<Exe, string[]>();
const proto = CpuRuntime.prototype as unknown as {
  build(main: Func, plan: Plan, module: Module): Exe;
  execute(e: Exe, ...a: unknown[]): unknown;
};
const build = proto.build;
proto.build = function (this: unknown, main, plan, module) {
  const exe = build.call(this, main, plan, module);
  kinds.set(
    exe,
    plan.steps.map((s, i) => {
      const op = main.body[s.op]!;
      const st = exe.steps[i]!;
      if (st.length === 0 && st.toString().replace(/\s/g, "") === "()=>{}")
        return op.name === "stablehlo.constant" ? "constant (nothing)" : "grouped member (nothing)";
      return s.loop ? (s.loop.wasm === undefined ? "loop js" : "loop wasm") : op.name.replace("stablehlo.", "");
    }),
  );
  return exe;
};
const counts = new Map<string, number>();
let executions = 0;
const execute = proto.execute;
proto.execute = function (this: unknown, e, ...a) {
  executions++;
  for (const k of kinds.get(e) ?? ["?"]) counts.set(k, (counts.get(k) ?? 0) + 1);
  return execute.call(this, e, ...a);
};
torch.xla.set_execution_mode("fused");
PORTED_PROGRAMS[program]!("xla");

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
console.log(`${program}: eager cpu kernel calls ${total(eager)}; xla runtime steps ${total(counts)} in ${executions} executions`);
console.log("runtime steps by kind:");
for (const [k, n] of sorted(counts)) console.log(`${String(n).padStart(8)}  ${k}`);
console.log("eager kernel calls by primitive:");
for (const [k, n] of sorted(eager).slice(0, Number(cliArg("top", "25")))) console.log(`${String(n).padStart(8)}  ${k}`);
