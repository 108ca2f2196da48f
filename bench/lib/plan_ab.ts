// In-process A/B of two CPU-runtime plans of the same modules, chosen by a
// planner setting (a fuse.ts or fused_sums.ts config flag), on a bench case's
// xla step: every module the runtime compiles is planned both ways, and
// execute() runs the plan of the side in use, so both sides run the same
// program, graphs and state in one process under the same load. First checks
// that both give the same output bits after 4 steps (fresh instances from the
// same inputs). Shared by layer_norm_fma_ab.ts and ln_sum_group_ab.ts.
import { CpuRuntime } from "@xlatorch/cpu";
import type { Executable, Module } from "@xlatorch/stablehlo";
import { cliArg, programCase } from "./program_case.js";
import { alternateSteps, type Side } from "./step_ab.js";

/** Runs the A/B: `plan(false)` / `plan(true)` set the planner for the `off` / `on` side, labelled `labels`. */
export async function planAB(plan: (on: boolean) => void, labels: readonly [off: string, on: string]): Promise<void> {
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
  // the executable handed out (the `on` plan) -> the same module planned the `off` way
  const offPlan = new WeakMap<Executable, Executable>();
  let useOff = false;
  proto.compile = function (this: unknown, m: Module, entry?: string) {
    plan(false);
    const off = compile.call(this, m, entry);
    plan(true);
    const exe = compile.call(this, m, entry);
    offPlan.set(exe, off);
    return exe;
  };
  proto.execute = function (this: unknown, exe: Executable, ...rest: unknown[]) {
    return execute.call(this, (useOff && offPlan.get(exe)) || exe, ...rest);
  };
  const off: Side = { label: labels[0], use: () => (useOff = true) };
  const on: Side = { label: labels[1], use: () => (useOff = false) };

  const outputs: Float32Array[] = [];
  for (const side of [off, on]) {
    side.use();
    const { impl } = await programCase(id, "xla");
    for (let i = 0; i < 3; i++) await impl.run();
    outputs.push(await impl.output());
  }
  const [x, y] = outputs as [Float32Array, Float32Array];
  const same = x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  console.log(
    `${id} on xla, output after 4 steps, ${labels[0]} vs ${labels[1]}: ${same ? "bit-identical" : "DIFFERENT"} (${x.length} values)`,
  );

  const { impl } = await programCase(id, "xla");
  await impl.output();
  for (let i = 0; i < 100; i++) await impl.run();
  await alternateSteps(
    `${id} on xla`,
    async () => {
      await impl.run();
    },
    off,
    on,
    rounds,
    steps,
  );
}
