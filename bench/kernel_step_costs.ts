// Per-call cost of the CPU runtime's kernel steps (every step that is not a
// fused loop: views, pads, dots, reductions, gathers, constants, ...) of a
// captured xla step (runtime_exec_ab.ts --capture writes it): the runtime
// compiles the module, executes it a few times, keeps each kernel step's
// inputs from one execution, then re-runs every kernel step alone `--reps`
// times per round and prints the median process-CPU ns per call by op name,
// and the kernel steps' CPU ms per execution. Issue 11's LSTM/GRU steps pay
// these hundreds of times per execution.
// Compare two checkouts by running it in each, alternately, in separate
// processes: one process holding two copies of the cpu package (as
// runtime_exec_ab.ts does) makes the shared core functions' call sites see
// both copies' objects, which slowed both sides by half or more here.
//   npx tsx --tsconfig tsconfig.json bench/kernel_step_costs.ts --caps /tmp/cap [--rounds 7] [--reps 300] [--json out.json] [--only reduce,pad]
import fs from "node:fs";
import { dtypeOf } from "@xlatorch/core";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule, type Func, type Module } from "@xlatorch/stablehlo";
import { cliArg } from "./lib/program_case.js";
import { median } from "./lib/timing.js";

// the runtime's values during an execution: a Map by value id, or an array by slot (either is copied whole)
type Env = Map<number, unknown> | unknown[];
const copyEnv = (env: Env): Env => (env instanceof Map ? new Map(env) : [...env]);
type Step = (env: Env) => void;
type Exe = { steps: Step[]; plan: { steps: { op: number; loop?: unknown }[] } };
type RT = {
  compile(m: Module): Exe;
  execute(e: Exe, a: unknown[], donate?: boolean[]): unknown[];
  toDevice(d: unknown, t: string, s: number[]): unknown;
};

const caps = cliArg("caps", "/tmp/cap");
const rounds = Number(cliArg("rounds", "7")),
  reps = Number(cliArg("reps", "300")),
  json = cliArg("json", ""),
  only = cliArg("only", "");
const m = parseModule(fs.readFileSync(`${caps}/old.mlir`, "utf8"));
const args = JSON.parse(fs.readFileSync(`${caps}/old.args.json`, "utf8")) as { dtype: string; shape: number[]; data: string }[];
const main = m.funcs.find((f) => f.name === "main") as Func;

/** Each kernel step of one execution with a copy of the values it saw, grouped by op name. */
function recordSteps(rt: RT): Map<string, [Step, Env][]> {
  const exe = rt.compile(m);
  const byKind = new Map<string, [Step, Env][]>();
  let record = false;
  exe.steps = exe.steps.map((s, i) => {
    const p = exe.plan.steps[i]!;
    if (p.loop) return s;
    const kind = main.body[p.op]!.name.replace("stablehlo.", "");
    return (env: Env) => {
      if (record) (byKind.get(kind) ?? byKind.set(kind, []).get(kind)!).push([s, copyEnv(env)]);
      s(env);
    };
  });
  const bufs = args.map((a) => {
    const host = dtypeOf(a.dtype as never).alloc(a.shape.reduce((p, q) => p * q, 1)) as unknown as ArrayBufferView;
    new Uint8Array(host.buffer, host.byteOffset, host.byteLength).set(Buffer.from(a.data, "base64"));
    return rt.toDevice(host, a.dtype, a.shape);
  });
  const donate = args.map((_, i) => main.aliasingOutput?.[i] !== null && main.aliasingOutput?.[i] !== undefined);
  for (let i = 0; i < 5; i++) {
    record = i === 4;
    rt.execute(exe, bufs, donate);
  }
  // a reduction computed from its loop's slot (fused_reduce.ts) has no operand to re-run on: left out
  for (const [k, list] of byKind) {
    const ok = list.filter(([s, env]) => {
      try {
        s(env);
        return true;
      } catch {
        return false;
      }
    });
    if (ok.length) byKind.set(k, ok);
    else byKind.delete(k);
  }
  return byKind;
}

const steps = recordSteps(new CpuRuntime() as unknown as RT);
const kinds = [...steps.keys()].filter((k) => !only || only.split(",").includes(k));
const ns = new Map<string, number[]>();
const totals: number[] = [];
for (let r = 0; r < rounds; r++) {
  let total = 0;
  for (const k of kinds) {
    const list = steps.get(k)!;
    // process CPU time: a loaded machine's preemptions do not count (the steps run on this thread)
    const c0 = process.cpuUsage();
    for (let q = 0; q < reps; q++) for (const [s, env] of list) s(env);
    const c = process.cpuUsage(c0);
    const ms = (c.user + c.system) / 1000;
    total += ms / reps;
    // round 0 warms up
    if (r > 0) (ns.get(k) ?? ns.set(k, []).get(k)!).push((ms * 1e6) / reps / list.length);
  }
  if (r > 0) totals.push(total);
}
const rows = kinds
  .map((k) => ({ op: k, calls: steps.get(k)!.length, ns: median(ns.get(k)!) }))
  .sort((a, b) => b.ns * b.calls - a.ns * a.calls);
console.log(
  `kernel steps of one execution, ${rounds - 1} counted rounds x ${reps} reps: CPU ms per execution ${median(totals).toFixed(3)}`,
);
console.log("   calls   CPU ns/call  op");
for (const r of rows) console.log(`${String(r.calls).padStart(8)} ${r.ns.toFixed(0).padStart(12)}  ${r.op}`);
if (json) fs.writeFileSync(json, JSON.stringify({ total: median(totals), rows }));
process.exit(0);
