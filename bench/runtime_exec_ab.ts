// The CPU runtime of two checkouts on one bench case's xla step, in one process:
// each checkout captures the step's largest executable (its StableHLO module
// and one call's arguments), then the new checkout compiles its module with
// its own runtime and the old one's with the old checkout's runtime, and runs
// execute() alternately (the parameters it replaces donated, as the lazy device
// does), so a loaded machine slows both alike. Prints whether the outputs are
// bit-identical, median wall and process-CPU ms per execute and the per-round
// new/old ratios (--kinds 1: ms per step kind too, which adds a timer per step).
// The old checkout's cpu package runs with this checkout's core and stablehlo:
// only for changes elsewhere (runtime, codegen, lowerings).
//   in each checkout: XLATORCH_CACHE_DIR=off npx tsx --tsconfig tsconfig.json bench/runtime_exec_ab.ts --capture /tmp/cap/old (or new) [--case nanogpt_tiny_adamw_b8]
//   then in the new:  npx tsx --tsconfig tsconfig.json bench/runtime_exec_ab.ts --old /path/to/old/checkout --caps /tmp/cap [--rounds 30] [--k 10]
import fs from "node:fs";
import path from "node:path";
import { dtypeOf } from "@xlatorch/core";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule, printModule, type Func, type Module } from "@xlatorch/stablehlo";
import { abSummary, alternateRounds } from "./lib/ab_rounds.js";
import { cliArg, programCase } from "./lib/program_case.js";

type Arg = { dtype: string; shape: number[]; data: string };
type Exe = { steps: ((env: unknown) => void)[]; plan: { steps: { op: number; loop?: { wasm?: unknown } }[] } };
type RT = {
  compile(m: Module): Exe;
  execute(e: Exe, a: unknown[], donate?: boolean[]): unknown[];
  toDevice(d: unknown, t: string, s: number[]): unknown;
  toHost(b: unknown): ArrayBufferView;
};
// a view of v's own bytes (Buffer.from of a Uint8Array would copy them, and the arguments written
// through it would stay zero)
const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

const capture = cliArg("capture", "");
if (capture) {
  const proto = CpuRuntime.prototype as unknown as RT;
  const modules = new Map<unknown, Module>();
  const compile = proto.compile;
  proto.compile = function (this: RT, m: Module) {
    const exe = compile.call(this, m);
    modules.set(exe, m);
    return exe;
  };
  // (a holder: the type checker does not see the wrapper below assign it)
  const found: { best: { exe: Exe; args: Arg[] } | null } = { best: null };
  const execute = proto.execute;
  proto.execute = function (this: RT, exe: Exe, args: unknown[], donate?: boolean[]) {
    if (!found.best || exe.steps.length >= found.best.exe.steps.length) {
      const a = (args as { dtype: string; shape: number[] }[]).map((b) => ({
        dtype: b.dtype,
        shape: [...b.shape],
        data: bytes(this.toHost(b)).toString("base64"),
      }));
      found.best = { exe, args: a };
    }
    return execute.call(this, exe, args, donate);
  };
  const { impl } = await programCase(cliArg("case", "nanogpt_tiny_adamw_b8"), "xla");
  for (let i = 0; i < 4; i++) await impl.run();
  const best = found.best;
  const m = best && modules.get(best.exe);
  if (!best || !m) throw new Error("no executable compiled in this process (a stored plan was loaded?): set XLATORCH_CACHE_DIR=off");
  fs.writeFileSync(`${capture}.mlir`, printModule(m));
  fs.writeFileSync(`${capture}.args.json`, JSON.stringify(best.args));
  console.log(`captured ${best.exe.steps.length} steps, ${best.args.length} arguments: ${capture}.mlir, .args.json`);
  process.exit(0);
}

const oldDir = path.resolve(cliArg("old", ""));
const caps = cliArg("caps", "/tmp/cap");
const rounds = Number(cliArg("rounds", "30")),
  K = Number(cliArg("k", "10")),
  kinds = cliArg("kinds", "0") === "1";
const OldRuntime = ((await import(path.join(oldDir, "packages/cpu/src/index.ts"))) as { CpuRuntime: new () => unknown }).CpuRuntime;
let timing = false;
const side = (name: "old" | "new", rt: RT) => {
  const m = parseModule(fs.readFileSync(`${caps}/${name}.mlir`, "utf8"));
  const args = JSON.parse(fs.readFileSync(`${caps}/${name}.args.json`, "utf8")) as Arg[];
  const main = m.funcs.find((f) => f.name === "main") as Func;
  const exe = rt.compile(m);
  const acc = new Map<string, number>();
  if (kinds)
    exe.steps = exe.steps.map((st, i) => {
      const ps = exe.plan.steps[i]!;
      const op = main.body[ps.op]!;
      const f64 = [...op.results, ...op.operands].some((v) => v.type.element === "f64") ? " f64" : "";
      const key = (ps.loop ? (ps.loop.wasm === undefined ? "loop js" : "loop wasm") : op.name.replace("stablehlo.", "")) + f64;
      return (env: unknown) => {
        if (!timing) return st(env);
        const t0 = performance.now();
        st(env);
        acc.set(key, (acc.get(key) ?? 0) + performance.now() - t0);
      };
    });
  const bufs = args.map((a) => {
    const host = dtypeOf(a.dtype as never).alloc(a.shape.reduce((p, q) => p * q, 1)) as unknown as ArrayBufferView;
    bytes(host).set(Buffer.from(a.data, "base64"));
    return rt.toDevice(host, a.dtype, a.shape);
  });
  const donate = args.map((_, i) => main.aliasingOutput?.[i] !== null && main.aliasingOutput?.[i] !== undefined);
  return { name, rt, acc, steps: exe.steps.length, run: () => rt.execute(exe, bufs, donate) };
};
const sides = [side("old", new OldRuntime() as RT), side("new", new CpuRuntime() as unknown as RT)] as const;
// the first call of each (same arguments, before any donation wrote them) decides the bits
const outs = sides.map((s) => s.run().map((b) => bytes(s.rt.toHost(b)).toString("base64")));
const same = outs[0].length === outs[1].length && outs[0].every((o, i) => o === outs[1][i]);
console.log(`steps old ${sides[0].steps}, new ${sides[1].steps}; ${outs[0].length} outputs, bit-identical: ${same}`);
for (let i = 0; i < 100; i++) for (const s of sides) s.run();
timing = kinds;
const rows = alternateRounds(sides, rounds, K);
console.log(`execute(), ${rounds} rounds of ${K}: ${abSummary(rows)}`);
if (kinds) {
  const [o, n] = [sides[0].acc, sides[1].acc];
  for (const k of [...new Set([...o.keys(), ...n.keys()])].sort((a, b) => (o.get(b) ?? 0) - (o.get(a) ?? 0)))
    console.log(`${((o.get(k) ?? 0) / rounds / K).toFixed(3).padStart(8)} ${((n.get(k) ?? 0) / rounds / K).toFixed(3).padStart(8)}  ${k}`);
}
