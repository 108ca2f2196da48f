// What the xla device's own layer (recording, signatures, graph keys, cut
// bookkeeping: packages/lazy) costs per op in whole ported programs, without
// any kernel time: each program runs on xla over a null runtime (compiles and
// executes nothing, bench/lib/null_runtime.ts) and on a stub device backend
// registered as "xla" (records nothing: the op surface, bind and autograd
// alone). The sides run in alternating child processes (a tensor a program
// caches, such as a scalar operand, must not pass from one backend to the
// other), several rounds; the difference per recorded op is the lazy layer's
// cost. Reads return ones on both.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/lazy_layer_cost.ts [--rounds 6] [--runs 2] [--only char_lstm,nanogpt]
import { spawnSync } from "node:child_process";
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
const rounds = Number(cliArg("rounds", "6"));
const runs = Number(cliArg("runs", "2"));
const only = cliArg("only", "");
const names = Object.keys(PROGRAMS).filter((n) => !only || only.split(",").includes(n));
const side = cliArg("side", "");

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
/** A child: one program on one side, three warm-up runs, then `runs` timed: CPU ms per run and ops recorded per run, as JSON. */
function child(name: string, lazy: boolean): void {
  torch.xla.set_execution_mode("fused");
  if (lazy) setRuntime(new NullRuntime());
  else core.registerDevice(stub);
  const p = PROGRAMS[name]!;
  for (let i = 0; i < 3; i++) p();
  const ops0 = torch.xla.metrics().opsRecorded;
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) p();
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ cpu: (c.user + c.system) / 1000 / runs, ops: (torch.xla.metrics().opsRecorded - ops0) / runs }));
}

function spawn(name: string, lazy: boolean): { cpu: number; ops: number } {
  const args = [...process.execArgv, process.argv[1]!, "--side", lazy ? "xla" : "stub", "--only", name, "--runs", String(runs)];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, XLATORCH_QUIET: "1" } });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`${name} (${lazy ? "xla" : "stub"}) failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as { cpu: number; ops: number };
}

if (side) child(names[0]!, side === "xla");
else {
  console.log(
    `# lazy layer cost: xla over a null runtime vs a stub device, CPU ms per run, ${rounds} rounds of ${runs} runs (after three warm-up runs) per side in alternating processes; node ${process.version}, ${os.cpus().length} cpus, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log("| program | ops/run | stub ms | xla-null ms | lazy us/op (median of rounds) |");
  console.log("|---|---|---|---|---|");
  for (const name of names) {
    const stubs: number[] = [],
      nulls: number[] = [],
      perOp: number[] = [];
    let ops = 0;
    for (let r = 0; r < rounds; r++) {
      // the order swaps every round
      const order = r % 2 ? [true, false] : [false, true];
      const got: Record<string, number> = {};
      for (const lazy of order) {
        const b = spawn(name, lazy);
        got[lazy ? "lazy" : "stub"] = b.cpu;
        if (lazy) ops = b.ops;
      }
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
}
