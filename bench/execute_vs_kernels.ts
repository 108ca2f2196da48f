// Issue 11's per-layer comparison on a whole ported program (tests/programs/,
// its test size): the time the xla device spends in the CPU runtime's
// execute() against the time the eager cpu device spends in its kernels
// (cpuBackend.run), for the same program run, in one process, the devices
// alternating each round (after --warm runs of each). Each call is
// timed with performance.now(); the timer's own cost per call (measured here
// on an empty function, inside its timed span) is taken off each side's total, since eager makes ~500x
// more calls than xla does. Prints the medians over rounds and the median
// per-round ratio execute / kernels.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/execute_vs_kernels.ts [--program char_lstm] [--rounds 9] [--warm 3] [--only cpu|xla]
import { CpuRuntime, cpuBackend } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { cliArg } from "./lib/program_case.js";
import { PORTED_PROGRAMS } from "./lib/ported.js";
import { median } from "./lib/timing.js";

const program = cliArg("program", "char_lstm");
const rounds = Number(cliArg("rounds", "9"));
const warm = Number(cliArg("warm", "3"));
// --only cpu|xla: that device alone in this process (the other's kernel calls and garbage do not reach its figures)
const devices = (cliArg("only", "") ? [cliArg("only", "")] : ["cpu", "xla"]) as ("cpu" | "xla")[];
torch.xla.set_execution_mode("fused");

let ms = 0,
  calls = 0;
const timed = <F extends (...a: never[]) => unknown>(f: F): F =>
  function (this: unknown, ...a: Parameters<F>) {
    const t0 = performance.now();
    try {
      return f.apply(this, a);
    } finally {
      ms += performance.now() - t0;
      calls++;
    }
  } as F;
// the timer's cost inside each timed span: what an empty function's span measures
const empty = timed(() => 0);
for (let i = 0; i < 200000; i++) empty();
ms = 0;
for (let i = 0; i < 200000; i++) empty();
const perCall = ms / 200000;
cpuBackend.run = timed(cpuBackend.run);
const proto = CpuRuntime.prototype as unknown as { execute: (...a: never[]) => unknown };
proto.execute = timed(proto.execute);

const side = (device: "cpu" | "xla") => {
  ms = 0;
  calls = 0;
  PORTED_PROGRAMS[program]!(device);
  // (the timer's own part of each timed span off)
  return { ms: ms - calls * perCall, calls };
};
const rows: { cpu: number; xla: number; cpuCalls: number; xlaCalls: number }[] = [];
for (let r = 0; r < warm; r++) for (const d of devices) side(d);
for (let r = 1; r <= rounds; r++) {
  const order = r % 2 ? [...devices].reverse() : devices;
  const got: Record<string, { ms: number; calls: number }> = { cpu: { ms: Number.NaN, calls: 0 }, xla: { ms: Number.NaN, calls: 0 } };
  for (const d of order) got[d] = side(d);
  rows.push({ cpu: got.cpu!.ms, xla: got.xla!.ms, cpuCalls: got.cpu!.calls, xlaCalls: got.xla!.calls });
}
const m = (f: (r: (typeof rows)[number]) => number) => median(rows.map(f));
console.log(
  `${program}: eager kernels ${m((r) => r.cpu).toFixed(2)} ms per run (${rows[0]!.cpuCalls} calls), xla execute() ${m((r) => r.xla).toFixed(2)} ms per run (${rows[0]!.xlaCalls} calls); per-round execute/kernels ${m((r) => r.xla / r.cpu).toFixed(3)}; timer ${(perCall * 1000).toFixed(3)} us per call taken off`,
);
