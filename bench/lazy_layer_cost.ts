// What the xla device's own layer (recording, signatures, graph keys, cut
// bookkeeping: packages/lazy) costs per op in whole ported programs, without
// any kernel time: each program runs on xla over a null runtime (compiles and
// executes nothing, bench/lib/null_runtime.ts) and on a stub device backend
// registered as "xla" (records nothing: the op surface, bind and autograd
// alone). The two alternate in one process, several rounds; the difference per
// recorded op is the lazy layer's cost. Reads return ones on both.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/lazy_layer_cost.ts [--rounds 10] [--runs 2] [--only char_lstm,nanogpt]
import os from "node:os";
import * as torch from "xlatorch";
import * as core from "@xlatorch/core";
import { setRuntime, xlaBackend } from "@xlatorch/lazy";
import { charRnnPositional } from "../tests/programs/char_rnn.js";
import { cifarPositional } from "../tests/programs/cifar_cnn.js";
import { encoderPositional } from "../tests/programs/encoder.js";
import { nanogptPositional } from "../tests/programs/nanogpt.js";
import { vaePositional } from "../tests/programs/vae.js";
import { NullRuntime } from "./lib/null_runtime.js";
import { cliArg } from "./lib/program_case.js";
import { median } from "./lib/timing.js";

const PROGRAMS: Record<string, () => unknown> = {
  nanogpt: () => nanogptPositional("xla", () => {}, 40),
  cifar_cnn: () => cifarPositional("xla", () => {}),
  char_lstm: () => charRnnPositional("lstm")("xla", () => {}, 4),
  char_gru: () => charRnnPositional("gru")("xla", () => {}, 4),
  vae: () => vaePositional("xla", () => {}),
  encoder: () => encoderPositional("step")("xla", () => {}),
};
const rounds = Number(cliArg("rounds", "10"));
const runs = Number(cliArg("runs", "2"));
const only = cliArg("only", "");
const names = Object.keys(PROGRAMS).filter((n) => !only || only.split(",").includes(n));

/** Computes nothing: payloads are null, reads are ones. */
const stub: core.DeviceBackend = {
  type: "xla",
  run: (_prim, _inputs, _attrs, outs) => outs.map(() => null),
  fromHost: () => null,
  toHost: (t) => {
    const h = t.dtype.alloc(t.numel());
    if (h instanceof BigInt64Array) h.fill(1n);
    else h.fill(1);
    return h;
  },
  write: () => {},
};
torch.xla.set_execution_mode("fused");
setRuntime(new NullRuntime());

/** CPU ms per run of `runs` runs of program `p`, and the ops the xla device recorded per run. */
function block(p: () => unknown): { cpu: number; ops: number } {
  const ops0 = torch.xla.metrics().opsRecorded;
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) p();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000 / runs, ops: (torch.xla.metrics().opsRecorded - ops0) / runs };
}

console.log(
  `# lazy layer cost: xla over a null runtime vs a stub device, CPU ms per run, ${rounds} rounds x ${runs} runs; node ${process.version}, ${os.cpus().length} cpus, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log("| program | ops/run | stub ms | xla-null ms | lazy us/op (median of rounds) |");
console.log("|---|---|---|---|---|");
for (const name of names) {
  const p = PROGRAMS[name]!;
  const stubs: number[] = [],
    nulls: number[] = [],
    perOp: number[] = [];
  let ops = 0;
  for (let r = -1; r < rounds; r++) {
    // round -1 warms both up; the order swaps every round
    const order = r % 2 ? [true, false] : [false, true];
    const got: Record<string, number> = {};
    for (const lazy of order) {
      core.registerDevice(lazy ? xlaBackend : stub);
      const b = block(p);
      got[lazy ? "lazy" : "stub"] = b.cpu;
      if (lazy) ops = b.ops;
    }
    core.registerDevice(xlaBackend);
    if (r < 0) continue;
    stubs.push(got.stub!);
    nulls.push(got.lazy!);
    perOp.push(((got.lazy! - got.stub!) * 1000) / ops);
  }
  console.log(`| ${name} | ${ops} | ${median(stubs).toFixed(1)} | ${median(nulls).toFixed(1)} | ${median(perOp).toFixed(3)} |`);
}
console.log(
  `load after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
