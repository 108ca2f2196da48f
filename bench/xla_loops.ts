// Training loops ported unchanged from PyTorch on the xla device, with and
// without torch.xla.sync(): steady ms/step, compiles, executions per step and
// heap growth. Programs: a 2-layer MLP with Adam (loss.item() every 10 steps),
// nanoGPT at a tiny size with AdamW, the CIFAR-10 tutorial CNN with SGD.
//   npx tsx --tsconfig tsconfig.json bench/xla_loops.ts [--steps N] [--mode fused|lazy|strict|debug] [--json FILE]
import { writeFileSync } from "node:fs";
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import * as torch from "xlatorch";
import { Net } from "./programs/cifar_cnn.js";
import { GPT, TINY } from "./programs/tiny_gpt.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const STEPS = Number(arg("steps") ?? 60);
const MODE = (arg("mode") ?? "fused") as "fused";
const { nn, optim } = torch;
const xla = torch.xla;

interface Program {
  name: string;
  step: (i: number) => torch.Tensor;
  every: number;
}

function mlp(): Program {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)).to("xla");
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const xs = torch.randn(64, 784),
    ys = torch.randint(0, 10, [64]);
  return {
    name: "MLP 784-256-10, Adam, batch 64",
    every: 10,
    step: () => {
      const loss = lossFn(model(xs.to("xla")), ys.to("xla"));
      opt.zero_grad();
      loss.backward();
      opt.step();
      return loss;
    },
  };
}
function gpt(): Program {
  torch.manual_seed(0);
  const model = new GPT(TINY).to("xla");
  const opt = new optim.AdamW(model.parameters(), { lr: 1e-3 });
  const data = torch.randint(0, TINY.vocab_size, [4096]);
  return {
    name: "nanoGPT tiny (2x4x64, block 32), AdamW, batch 8",
    every: 10,
    step: (i) => {
      const ix = torch
        .arange(8)
        .mul(97)
        .add(i * 13)
        .remainder(4096 - TINY.block_size - 1);
      const starts = ix.tolist() as number[];
      const x = torch.stack(starts.map((j) => data.getitem(`${j}:${j + TINY.block_size}`)));
      const y = torch.stack(starts.map((j) => data.getitem(`${j + 1}:${j + 1 + TINY.block_size}`)));
      const [, loss] = model(x.to("xla"), y.to("xla"));
      opt.zero_grad();
      loss!.backward();
      opt.step();
      return loss!;
    },
  };
}
function cnn(): Program {
  torch.manual_seed(0);
  const net = new Net().to("xla");
  const opt = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  const xs = torch.randn(16, 3, 32, 32),
    ys = torch.randint(0, 10, [16]);
  return {
    name: "CIFAR-10 tutorial CNN, SGD momentum, batch 16",
    every: 10,
    step: () => {
      const loss = lossFn(net(xs.to("xla")), ys.to("xla"));
      opt.zero_grad();
      loss.backward();
      opt.step();
      return loss;
    },
  };
}

const heap = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1]!;
};
const rows: Record<string, unknown>[] = [];
xla.set_execution_mode(MODE);
for (const make of [mlp, gpt, cnn]) {
  for (const sync of [false, true]) {
    xla.sync();
    xla.clear_compilation_cache();
    xla.reset_metrics();
    const p = make();
    const warm = 10;
    const times: number[] = [];
    let h0 = 0,
      m0 = xla.metrics();
    const losses: number[] = [];
    for (let i = 0; i < warm + STEPS; i++) {
      if (i === warm) {
        h0 = heap();
        m0 = xla.metrics();
      }
      const t0 = performance.now();
      const loss = p.step(i);
      if (sync) xla.sync();
      if (i % p.every === 0) losses.push(loss.item() as number);
      if (i >= warm) times.push(performance.now() - t0);
    }
    const m = xla.metrics();
    rows.push({
      program: p.name,
      sync,
      ms_per_step: median(times),
      compiles_warmup: m0.uncachedCompiles,
      compiles_after: m.uncachedCompiles - m0.uncachedCompiles,
      executions_per_step: (m.executions - m0.executions) / STEPS,
      heap_growth_mib: heap() - h0,
      recomputes: m.recomputes,
      first_loss: losses[0],
      last_loss: losses[losses.length - 1],
    });
  }
}
const f = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v));
console.log(
  `xla loops on ${xla.runtime().platform}, mode ${MODE}, ${STEPS} steps after 10 warm-up, node ${process.version}, ${os.cpus()[0]?.model} x${os.cpus().length}`,
);
const cols = [
  "program",
  "sync",
  "ms_per_step",
  "compiles_warmup",
  "compiles_after",
  "executions_per_step",
  "heap_growth_mib",
  "recomputes",
  "first_loss",
  "last_loss",
];
console.log(`| ${cols.join(" | ")} |`);
console.log(`| ${cols.map(() => "---").join(" | ")} |`);
for (const r of rows) console.log(`| ${cols.map((c) => f(r[c])).join(" | ")} |`);
const out = arg("json");
if (out)
  writeFileSync(
    out,
    JSON.stringify({ mode: MODE, steps: STEPS, node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, rows }, null, 2) +
      "\n",
  );
