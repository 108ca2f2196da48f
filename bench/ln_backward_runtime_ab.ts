// The CPU runtime's layer_norm_backward work in the nanoGPT tiny xla step, in
// one process: the step's largest executable (captured by runtime_exec_ab.ts
// --capture) compiled twice, "old" with fuseConfig.f64Lanes off (the float64
// chains converted to float32, layer_norm_backward's dx, as JavaScript loops)
// and fused_sums.ts groupConfig.sideBySide off (the float64 sums' pass one row
// at a time), "new" with both on, executed alternately (the parameters it
// replaces donated, as the lazy device does), so a loaded machine slows both
// alike. Prints whether the outputs are bit-identical, median wall and
// process-CPU ms per execute, the per-round new/old ratios, and ms per execute
// of the steps either change touches (the float64 chains' loops and the sums'
// passes), timed one by one.
//   XLATORCH_CACHE_DIR=off npx tsx --tsconfig tsconfig.json bench/runtime_exec_ab.ts --capture /tmp/cap/new
// --only lanes (or sums) turns only that one off on the old side.
//   npx tsx --tsconfig tsconfig.json bench/ln_backward_runtime_ab.ts --cap /tmp/cap/new [--rounds 30] [--k 10] [--only lanes|sums]
import fs from "node:fs";
import { dtypeOf } from "@xlatorch/core";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule, type Func } from "@xlatorch/stablehlo";
import { fuseConfig } from "../packages/cpu/src/runtime/fuse.js";
import { groupConfig } from "../packages/cpu/src/runtime/fused_sums.js";
import { abSummary, alternateRounds } from "./lib/ab_rounds.js";
import { cliArg } from "./lib/program_case.js";

type Arg = { dtype: string; shape: number[]; data: string };
type Exe = { steps: ((env: unknown) => void)[]; plan: { steps: { op: number; loop?: { wasm?: unknown; body: string } }[] } };
const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

const cap = cliArg("cap", "/tmp/cap/new");
const rounds = Number(cliArg("rounds", "30")),
  K = Number(cliArg("k", "10"));
const m = parseModule(fs.readFileSync(`${cap}.mlir`, "utf8"));
const args = JSON.parse(fs.readFileSync(`${cap}.args.json`, "utf8")) as Arg[];
const main = m.funcs.find((f) => f.name === "main") as Func;
const only = cliArg("only", "");

/** Indices of the steps either change touches, found on the new side's plan (the same module: the same steps). */
let touchedSteps: Map<number, string> | null = null;
const side = (name: "old" | "new") => {
  const on = name === "new";
  fuseConfig.f64Lanes = on || only === "sums";
  const rt = new CpuRuntime();
  const exe = rt.compile(m) as unknown as Exe;
  fuseConfig.f64Lanes = true;
  let ms = 0,
    touched = 0;
  // the steps either change touches: loops whose root computes in float64 (the sums' passes run at their
  // loops' steps) and those with a float64 chain inside (an "f32_of" node on the new side)
  touchedSteps ??= new Map(
    exe.plan.steps.flatMap((ps, i): [number, string][] => {
      const op = main.body[ps.op]!;
      const f64 = [...op.results, ...op.operands].some((v) => v.type.element === "f64");
      if (!ps.loop) return [];
      if (JSON.stringify(ps.loop.wasm ?? null).includes("f32_of")) return [[i, "float64 chains to float32"]];
      return f64 ? [[i, "float64 loops (sums' passes among them)"]] : [];
    }),
  );
  const byKind = new Map<string, number>();
  exe.steps = exe.steps.map((st, i) => {
    const kind = touchedSteps!.get(i);
    if (kind === undefined) return st;
    touched++;
    return (env: unknown) => {
      const t0 = performance.now();
      st(env);
      const t = performance.now() - t0;
      ms += t;
      byKind.set(kind, (byKind.get(kind) ?? 0) + t);
    };
  });
  const bufs = args.map((a) => {
    const host = dtypeOf(a.dtype as never).alloc(a.shape.reduce((p, q) => p * q, 1)) as unknown as ArrayBufferView;
    bytes(host).set(Buffer.from(a.data, "base64"));
    return rt.toDevice(host as never, a.dtype as never, a.shape);
  });
  const donate = args.map((_, i) => main.aliasingOutput?.[i] !== null && main.aliasingOutput?.[i] !== undefined);
  const run = () => {
    groupConfig.sideBySide = on || only === "lanes";
    const out = rt.execute(exe as never, bufs as never, donate);
    groupConfig.sideBySide = true;
    return out;
  };
  return { name, rt, run, touched, byKind, ms: () => ms, reset: () => ((ms = 0), byKind.clear()) };
};
const newSide = side("new");
const sides = [side("old"), newSide] as const;
const outs = sides.map((s) => s.run().map((b) => bytes(s.rt.toHost(b) as ArrayBufferView).toString("base64")));
const same = outs[0].length === outs[1].length && outs[0].every((o, i) => o === outs[1][i]);
console.log(`${outs[0].length} outputs, bit-identical: ${same}; timed steps old ${sides[0].touched}, new ${sides[1].touched}`);
for (let i = 0; i < 100; i++) for (const s of sides) s.run();
for (const s of sides) s.reset();
const rows = alternateRounds(sides, rounds, K);
console.log(`execute(), ${rounds} rounds of ${K}: ${abSummary(rows)}`);
console.log(
  `float64 loops and sums' passes, ms per execute: old ${(sides[0].ms() / rounds / K).toFixed(3)} new ${(sides[1].ms() / rounds / K).toFixed(3)}`,
);
for (const k of newSide.byKind.keys())
  console.log(
    `  ${k}: old ${((sides[0].byKind.get(k) ?? 0) / rounds / K).toFixed(3)} new ${(newSide.byKind.get(k)! / rounds / K).toFixed(3)}`,
  );
