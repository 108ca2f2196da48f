// In-process A/B of the CPU runtime's WebAssembly form of layer_norm's float64
// fma (fuse.ts fmaF64: the "fma_f64" node, wasm/fma_f64_lanes.ts) vs the
// JavaScript loop that ran those chains before, on a bench case's xla step
// (default nanogpt_tiny_adamw_b8). Every module the runtime compiles is
// planned both ways; execute() runs the plan of the side in use, so both sides
// run the same program, graphs and state in one process under the same load.
// First checks that both give the same output bits after 4 steps (fresh
// instances from the same inputs).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/layer_norm_fma_ab.ts [--case id] [--rounds 12] [--steps 20]
import { CpuRuntime } from "@xlatorch/cpu";
import type { Executable, Module } from "@xlatorch/stablehlo";
import { fuseConfig } from "../packages/cpu/src/runtime/fuse.js";
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
// the executable handed out (planned with the WebAssembly fma) -> the same module planned with the JavaScript loop
const jsPlan = new WeakMap<Executable, Executable>();
let useJs = false;
proto.compile = function (this: unknown, m: Module, entry?: string) {
  fuseConfig.fmaF64 = false;
  const js = compile.call(this, m, entry);
  fuseConfig.fmaF64 = true;
  const exe = compile.call(this, m, entry);
  jsPlan.set(exe, js);
  return exe;
};
proto.execute = function (this: unknown, exe: Executable, ...rest: unknown[]) {
  return execute.call(this, (useJs && jsPlan.get(exe)) || exe, ...rest);
};
const js: Side = { label: "JS loop", use: () => (useJs = true) };
const wasm: Side = { label: "wasm fma_f64", use: () => (useJs = false) };

const outputs: Float32Array[] = [];
for (const side of [js, wasm]) {
  side.use();
  const { impl } = await programCase(id, "xla");
  for (let i = 0; i < 3; i++) await impl.run();
  outputs.push(await impl.output());
}
const [x, y] = outputs as [Float32Array, Float32Array];
const same = x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
console.log(`${id} on xla, output after 4 steps, JS loop vs wasm fma_f64: ${same ? "bit-identical" : "DIFFERENT"} (${x.length} values)`);

const { impl } = await programCase(id, "xla");
await impl.output();
for (let i = 0; i < 100; i++) await impl.run();
await alternateSteps(
  `${id} on xla`,
  async () => {
    await impl.run();
  },
  js,
  wasm,
  rounds,
  steps,
);
