// The CPU runtime of two checkouts on every execute() call of a whole ported
// program (tests/programs/, its test size, xla device, fused mode), in one
// process: one run of the program records each call (its executable's
// StableHLO module, its arguments' values, donation flags and outputs), then the old
// checkout's runtime and this one's each compile every module and replay the
// calls in order, alternately, so a loaded machine slows both alike. Where
// bench/runtime_exec_ab.ts times the largest executable of a bench case, this
// times the program's whole sequence of executions: small steps, whose cost
// is the runtime's per-execution and per-step bookkeeping, count as often as
// the program runs them. Prints how many calls' outputs are not bit-identical
// (first replay, before donation rewrote arguments) between the sides and
// against the program's own run, median wall and
// process-CPU ms per replay and the per-round new/old ratios.
// The old checkout's cpu package runs with this checkout's core and stablehlo.
// `--new DIR` takes the new side from another checkout too: this checkout's own
// runtime, the module instance that also recorded the program, replays some
// programs slower (an A/A of one commit on cifar_cnn: CPU new/old 1.11-1.19;
// with --new, 1.01-1.08; bench/results/issue11_view_leaves_s24.md).
//   npx tsx --tsconfig tsconfig.json bench/runtime_trace_ab.ts --old /path/to/old/checkout [--new /path/to/new/checkout] --program char_lstm [--rounds 20] [--k 3]
import path from "node:path";
import type { HostArray } from "@xlatorch/core";
import { CpuRuntime } from "@xlatorch/cpu";
import { printModule, type Module } from "@xlatorch/stablehlo";
import * as torch from "xlatorch";
import { PORTED_PROGRAMS } from "./lib/ported.js";
import { abSummary, alternateRounds } from "./lib/ab_rounds.js";
import { cliArg } from "./lib/program_case.js";

const PROGRAMS = PORTED_PROGRAMS;
type Buf = { dtype: string; shape: number[] };
type RT = {
  compile(m: Module): unknown;
  execute(e: unknown, a: unknown[], donate?: boolean[], dest?: unknown[]): unknown[];
  toDevice(d: unknown, t: string, s: number[]): unknown;
  toHost(b: unknown): HostArray;
};
const bytes = (v: ArrayBufferView) => Buffer.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));

const program = cliArg("program", "char_lstm");
const rounds = Number(cliArg("rounds", "20")),
  K = Number(cliArg("k", "3"));
const oldDir = path.resolve(cliArg("old", ""));

// record: module text per executable, and each call's arguments (host copies) and donation flags
const proto = CpuRuntime.prototype as unknown as RT;
const texts = new Map<unknown, string>();
const modules = new Map<string, Module>();
const calls: { text: string; args: { dtype: string; shape: number[]; data: HostArray }[]; donate?: boolean[] }[] = [];
const compile = proto.compile;
proto.compile = function (this: RT, m: Module) {
  const exe = compile.call(this, m);
  const text = printModule(m);
  texts.set(exe, text);
  modules.set(text, m);
  return exe;
};
const execute = proto.execute;
// each recorded call's outputs in the program run itself
const real: string[][] = [];
proto.execute = function (this: RT, exe: unknown, args: unknown[], donate?: boolean[], dest?: unknown[]) {
  const text = texts.get(exe);
  if (text !== undefined)
    calls.push({
      text,
      args: (args as Buf[]).map((b) => ({ dtype: b.dtype, shape: [...b.shape], data: this.toHost(b).slice() as HostArray })),
      donate: donate ? [...donate] : undefined,
    });
  const outs = execute.call(this, exe, args, donate, dest);
  if (text !== undefined) real.push(outs.map((b) => bytes(this.toHost(b) as ArrayBufferView).toString("base64")));
  return outs;
};
torch.xla.set_execution_mode("fused");
process.env.XLATORCH_CACHE_DIR = "off";
PROGRAMS[program]!("xla");
proto.compile = compile;
proto.execute = execute;
if (calls.length === 0) throw new Error("no execute() call recorded (a stored plan was loaded?): set XLATORCH_CACHE_DIR=off");

const OldRuntime = ((await import(path.join(oldDir, "packages/cpu/src/index.ts"))) as { CpuRuntime: new () => unknown }).CpuRuntime;
const side = (name: "old" | "new", rt: RT) => {
  const exes = new Map<string, unknown>();
  for (const c of calls) if (!exes.has(c.text)) exes.set(c.text, rt.compile(modules.get(c.text)!));
  const fresh = () =>
    calls.map((c) => ({
      exe: exes.get(c.text)!,
      donate: c.donate,
      bufs: c.args.map((a) => {
        // (a copy: donation writes into it)
        return rt.toDevice(a.data.slice() as HostArray, a.dtype, a.shape);
      }),
    }));
  const first = fresh();
  const bits = first.map((c) => rt.execute(c.exe, c.bufs, c.donate).map((b) => bytes(rt.toHost(b) as ArrayBufferView).toString("base64")));
  const replay = fresh();
  return {
    name,
    bits,
    executables: exes.size,
    run: () => {
      for (const c of replay) rt.execute(c.exe, c.bufs, c.donate);
    },
  };
};
const newDir = cliArg("new", "");
const NewRuntime = newDir
  ? ((await import(path.join(path.resolve(newDir), "packages/cpu/src/index.ts"))) as { CpuRuntime: new () => unknown }).CpuRuntime
  : CpuRuntime;
const sides = [side("old", new OldRuntime() as RT), side("new", new NewRuntime() as unknown as RT)] as const;
const differ = (a: string[][], b: string[][]) => a.filter((o, i) => o.length !== b[i]!.length || o.some((x, j) => x !== b[i]![j])).length;
console.log(
  `${program}: ${calls.length} calls of ${sides[1].executables} executables; calls whose outputs are not bit-identical: old vs new ${differ(sides[0].bits, sides[1].bits)}, program run vs new ${differ(real, sides[1].bits)}`,
);
for (let i = 0; i < 5; i++) for (const s of sides) s.run();
const rows = alternateRounds(sides, rounds, K);
console.log(`replay of ${calls.length} calls, ${rounds} rounds of ${K}: ${abSummary(rows)}`);
