// In-process A/B of the CPU runtime's float64 sums of one shape in one pass
// (runtime/fused_sums.ts: layer_norm_backward's four sums) vs a pass per sum,
// on a bench case's xla step (default nanogpt_tiny_adamw_b8). Every module the runtime compiles is
// planned both ways; execute() runs the plan of the side in use, so both sides
// run the same program, graphs and state in one process under the same load.
// First checks that both give the same output bits after 4 steps (fresh
// instances from the same inputs).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/ln_sum_group_ab.ts [--case id] [--rounds 12] [--steps 20]
import { CpuRuntime } from "@xlatorch/cpu";
import type { Executable, Module } from "@xlatorch/stablehlo";
import { sumGroupConfig } from "../packages/cpu/src/runtime/fused_sums.js";
import { cliArg, programCase } from "./lib/program_case.js";
import { alternateSteps, type Side } from "./lib/step_ab.js";

// the persistent compile cache would hand back stored plans without compile(): both sides must be planned here
process.env.XLATORCH_CACHE_DIR = "off";
const id = cliArg("case", "nanogpt_tiny_adamw_b8");
const rounds = Number(cliArg("rounds", "12"));
const steps = Number(cliArg("steps", "20"));

const proto = CpuRuntime.prototype as unknown as {
  compile(m: Module, entry?: string): Executable;
  execute(exe: Executable, ...rest: unknown[]): unknown;
};
const compile = proto.compile;
const execute = proto.execute;
// the executable handed out (sums grouped) -> the same module built with a pass per sum
const separatePlan = new WeakMap<Executable, Executable>();
let useSeparate = false;
proto.compile = function (this: unknown, m: Module, entry?: string) {
  sumGroupConfig.enabled = false;
  const sep = compile.call(this, m, entry);
  sumGroupConfig.enabled = true;
  const exe = compile.call(this, m, entry);
  separatePlan.set(exe, sep);
  return exe;
};
proto.execute = function (this: unknown, exe: Executable, ...rest: unknown[]) {
  return execute.call(this, (useSeparate && separatePlan.get(exe)) || exe, ...rest);
};
const separate: Side = { label: "pass per sum", use: () => (useSeparate = true) };
const grouped: Side = { label: "sums grouped", use: () => (useSeparate = false) };

const outputs: Float32Array[] = [];
for (const side of [separate, grouped]) {
  side.use();
  const { impl } = await programCase(id, "xla");
  for (let i = 0; i < 3; i++) await impl.run();
  outputs.push(await impl.output());
}
const [x, y] = outputs as [Float32Array, Float32Array];
const same = x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
console.log(
  `${id} on xla, output after 4 steps, pass per sum vs sums grouped: ${same ? "bit-identical" : "DIFFERENT"} (${x.length} values)`,
);

const { impl } = await programCase(id, "xla");
await impl.output();
for (let i = 0; i < 100; i++) await impl.run();
await alternateSteps(
  `${id} on xla`,
  async () => {
    await impl.run();
  },
  separate,
  grouped,
  rounds,
  steps,
);
