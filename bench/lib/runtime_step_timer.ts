// Times the in-process CPU runtime's steps (each fused loop, multi-output
// group, kernel or reference-evaluator op of every executable it builds) and
// its execute() calls, by wrapping the runtime's private build() and
// execute(): for the measuring scripts (xla_step_times.ts, xla_cpu_kinds.ts),
// nothing else reaches them.
import { CpuRuntime } from "@xlatorch/cpu";
import type { Func, Module, Op } from "@xlatorch/stablehlo";

type Env = Map<number, unknown>;
/** One step as the plan gives it: its op, and its loop where the step is a fused loop (wasm: a WebAssembly tree). */
export interface RuntimeStep {
  op: Op;
  loop?: { wasm?: unknown };
}
interface Plan {
  steps: { op: number; loop?: { wasm?: unknown } }[];
}

/**
 * From now on, while `on()` is true, every step's time goes to `step(key(step), ms)` and every execute()'s to
 * `execute(ms)` (executables built before the call are not timed).
 */
export function timeRuntimeSteps(o: {
  key: (s: RuntimeStep) => string;
  on: () => boolean;
  step: (key: string, ms: number) => void;
  execute: (ms: number) => void;
}): void {
  const proto = CpuRuntime.prototype as unknown as {
    build(main: Func, plan: Plan, module: Module): { steps: ((env: Env) => void)[] };
    execute(...a: unknown[]): unknown;
  };
  const build = proto.build;
  proto.build = function (this: unknown, main, plan, module) {
    const exe = build.call(this, main, plan, module);
    exe.steps = exe.steps.map((s, i) => {
      const p = plan.steps[i]!;
      const key = o.key(p.loop ? { op: main.body[p.op]!, loop: p.loop } : { op: main.body[p.op]! });
      return (env: Env) => {
        if (!o.on()) return s(env);
        const t0 = performance.now();
        s(env);
        o.step(key, performance.now() - t0);
      };
    });
    return exe;
  };
  const execute = proto.execute;
  proto.execute = function (this: unknown, ...a: unknown[]) {
    const t0 = performance.now();
    try {
      return execute.apply(this, a);
    } finally {
      if (o.on()) o.execute(performance.now() - t0);
    }
  };
}
