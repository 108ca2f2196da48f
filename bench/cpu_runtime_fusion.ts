// The CPU runtime's fused WebAssembly loops (packages/cpu/src/wasm/fused_module.ts)
// against its fused JavaScript loops and eager cpu, interleaved in one process:
// tanh(x*2+1) on 4M float32, and the training programs of bench/xla_loops.ts
// (ms/step with torch.xla.sync() after each step on xla). The chain also runs
// with the fused loop on one thread (the other rows use torch.get_num_threads()).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/cpu_runtime_fusion.ts [--rounds N] [--steps N] [--only chain|programs]
import os from "node:os";
import { execFileSync } from "node:child_process";
import { fusedWasmConfig, fusedWasmStats } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { Net } from "./programs/cifar_cnn.js";
import { GPT, TINY } from "./programs/tiny_gpt.js";

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const ROUNDS = Number(arg("rounds") ?? 5);
const STEPS = Number(arg("steps") ?? 10);
const ONLY = arg("only");
const { nn, optim } = torch;
const xla = torch.xla;
xla.set_execution_mode("fused");

const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
const best = (a: number[]) => Math.min(...a);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

type Config = "eager cpu" | "xla, JS loops" | "xla, wasm loops" | "xla, wasm loops, 1 thread";
const CONFIGS: Config[] = ["eager cpu", "xla, JS loops", "xla, wasm loops"];
/** The chain also with the fused loop on one thread (the others use torch.get_num_threads(), the core count by default). */
const CHAIN_CONFIGS: Config[] = [...CONFIGS, "xla, wasm loops, 1 thread"];
const THREADS = torch.get_num_threads();
const setConfig = (c: Config) => {
  fusedWasmConfig.enabled = c.startsWith("xla, wasm loops");
  torch.set_num_threads(c === "xla, wasm loops, 1 thread" ? 1 : THREADS);
  return c === "eager cpu" ? "cpu" : "xla";
};

// ---- tanh(x*2+1) on 4M f32: as bench/cases/20_elementwise.ts times it (sync, then read one element)
function chain(): void {
  const N = 4 * 1024 * 1024;
  const host = torch.rand(N).mul(2).sub(1);
  const inputs = { cpu: host, xla: host.to("xla") };
  const times: Record<Config, number[]> = { "eager cpu": [], "xla, JS loops": [], "xla, wasm loops": [], "xla, wasm loops, 1 thread": [] };
  let torchMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of CHAIN_CONFIGS) {
      const dev = setConfig(c);
      const x = inputs[dev];
      const reps: number[] = [];
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        const y = torch.tanh(x.mul(2).add(1));
        if (dev === "xla") xla.sync(y);
        y.reshape(-1).getitem(0).item();
        reps.push(performance.now() - t0);
      }
      times[c].push(median(reps.slice(1)));
    }
    // PyTorch in its own process between the rounds (threads = cores, its default)
    const py = `import torch,time
x=torch.rand(${N})*2-1
ts=[]
for k in range(5):
  t0=time.perf_counter(); y=torch.tanh(x*2+1); float(y[0]); ts.append((time.perf_counter()-t0)*1e3)
ts=sorted(ts[1:]); print(ts[len(ts)//2])`;
    try {
      torchMs.push(Number(execFileSync(process.env.TORCH_PYTHON ?? "/usr/bin/python3", ["-c", py], { encoding: "utf8" }).trim()));
    } catch {
      torchMs = [];
    }
  }
  console.log(`\n## tanh(x*2+1), 4M float32 (median of ${ROUNDS} interleaved rounds, each the median of 4 runs), load ${load()}\n`);
  console.log("| config | median ms | best ms | per round |\n| --- | ---: | ---: | --- |");
  for (const c of CHAIN_CONFIGS)
    console.log(
      `| ${c} | ${median(times[c]).toFixed(2)} | ${best(times[c]).toFixed(2)} | ${times[c].map((t) => t.toFixed(1)).join(", ")} |`,
    );
  if (torchMs.length)
    console.log(
      `| PyTorch (separate process, between rounds) | ${median(torchMs).toFixed(2)} | ${best(torchMs).toFixed(2)} | ${torchMs.map((t) => t.toFixed(1)).join(", ")} |`,
    );
}

// ---- training programs
interface Program {
  name: string;
  step: (dev: "cpu" | "xla") => torch.Tensor;
}
function mlp(dev: "cpu" | "xla"): Program {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)).to(dev);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const xs = torch.randn(64, 784),
    ys = torch.randint(0, 10, [64]);
  return {
    name: "MLP 784-256-10, Adam, batch 64",
    step: (d) => {
      const loss = lossFn(model(xs.to(d)), ys.to(d));
      opt.zero_grad();
      loss.backward();
      opt.step();
      return loss;
    },
  };
}
function gpt(dev: "cpu" | "xla"): Program {
  torch.manual_seed(0);
  const model = new GPT(TINY).to(dev);
  const opt = new optim.AdamW(model.parameters(), { lr: 1e-3 });
  const data = torch.randint(0, TINY.vocab_size, [4096]);
  let i = 0;
  return {
    name: "nanoGPT tiny (2x4x64, block 32), AdamW, batch 8",
    step: (d) => {
      i++;
      const starts = Array.from({ length: 8 }, (_, j) => (j * 97 + i * 13) % (4096 - TINY.block_size - 1));
      const x = torch.stack(starts.map((j) => data.getitem(`${j}:${j + TINY.block_size}`)));
      const y = torch.stack(starts.map((j) => data.getitem(`${j + 1}:${j + 1 + TINY.block_size}`)));
      const [, loss] = model(x.to(d), y.to(d));
      opt.zero_grad();
      loss!.backward();
      opt.step();
      return loss!;
    },
  };
}
function cnn(dev: "cpu" | "xla"): Program {
  torch.manual_seed(0);
  const net = new Net().to(dev);
  const opt = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  const xs = torch.randn(16, 3, 32, 32),
    ys = torch.randint(0, 10, [16]);
  return {
    name: "CIFAR-10 tutorial CNN, SGD momentum, batch 16",
    step: (d) => {
      const loss = lossFn(net(xs.to(d)), ys.to(d));
      opt.zero_grad();
      loss.backward();
      opt.step();
      return loss;
    },
  };
}

function programs(): void {
  console.log(
    `\n## Training programs, ms/step (median of ${ROUNDS} interleaved rounds of ${STEPS} steps after warm-up; xla: torch.xla.sync() each step)\n`,
  );
  console.log("Each cell: median of the rounds' medians / best round's median.\n");
  console.log(
    `| program | ${CONFIGS.join(" | ")} | wasm groups+reductions/step |\n| --- | ${CONFIGS.map(() => "---:").join(" | ")} | ---: |`,
  );
  for (const make of [mlp, gpt, cnn]) {
    const progs = new Map<Config, Program>();
    const times: Record<Config, number[]> = {
      "eager cpu": [],
      "xla, JS loops": [],
      "xla, wasm loops": [],
      "xla, wasm loops, 1 thread": [],
    };
    let groups = 0;
    for (const c of CONFIGS) {
      const dev = setConfig(c);
      const p = make(dev);
      progs.set(c, p);
      for (let k = 0; k < 5; k++) {
        p.step(dev);
        if (dev === "xla") xla.sync();
      }
    }
    for (let r = 0; r < ROUNDS; r++)
      for (const c of CONFIGS) {
        const dev = setConfig(c);
        const p = progs.get(c)!;
        const g0 = fusedWasmStats.groups + fusedWasmStats.reductions;
        const ts: number[] = [];
        for (let k = 0; k < STEPS; k++) {
          const t0 = performance.now();
          const loss = p.step(dev);
          if (dev === "xla") xla.sync();
          if (k === STEPS - 1) loss.item();
          ts.push(performance.now() - t0);
        }
        if (c === "xla, wasm loops") groups = (fusedWasmStats.groups + fusedWasmStats.reductions - g0) / STEPS;
        times[c].push(median(ts));
      }
    console.log(
      `| ${progs.get("eager cpu")!.name} | ${CONFIGS.map((c) => `${median(times[c]).toFixed(1)} / ${best(times[c]).toFixed(1)}`).join(" | ")} | ${groups.toFixed(1)} |`,
    );
  }
}

console.log(
  `xla on ${xla.runtime().platform}; node ${process.version}, ${os.cpus()[0]?.model} x${os.cpus().length}, ${new Date().toISOString()}, load at start ${load()}`,
);
if (ONLY !== "programs") chain();
if (ONLY !== "chain") programs();
console.log(`\nload at end ${load()}; threads ${THREADS} (torch.get_num_threads())`);
fusedWasmConfig.enabled = true;
torch.set_num_threads(THREADS);
