// Host time of a torch.compile'd training step on the xla device (issue
// "torch.compile and a persistent compile cache": <= 0.1 ms per call beyond the
// executable's own run time), next to the same step run eagerly (fused mode).
// Workload: MLP 784-256-10, CrossEntropyLoss, Adam, batch 128, inputs already
// on the device, no reads.
//   1. on a runtime that executes nothing (bench/lib/null_runtime.ts): every
//      microsecond is xlatorch's host work;
//   2. on the in-process CPU runtime: wall time per call minus the time inside
//      the runtime's execute (metrics().executeMs), i.e. the host time beyond
//      the executable's run.
// Reports the fastest and the median of WINDOWS windows.
//   npx tsx --tsconfig tsconfig.json bench/compile_step_overhead.ts
import * as torch from "xlatorch";
import { getRuntime, setRuntime } from "@xlatorch/lazy";
import type { Runtime } from "@xlatorch/stablehlo";
import { NullRuntime } from "./lib/null_runtime.js";

const { nn, optim } = torch;

function makeStep(compiled: boolean, device = "xla"): () => unknown {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)).to(device);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const x = torch.randn(128, 784).to(device),
    y = torch.randint(0, 10, [128]).to(device);
  const step = (xb: torch.Tensor, yb: torch.Tensor) => {
    opt.zero_grad();
    const loss = lossFn(model(xb), yb);
    loss.backward();
    opt.step();
    return loss;
  };
  const f = compiled ? torch.compile(step) : step;
  return () => f(x, y);
}

interface Row {
  runtime: string;
  variant: string;
  bestMs: number;
  medianMs: number;
  execMs: number;
  hostBeyondExecMs: number;
  opsPerCall: number;
}

function measure(rt: Runtime, variant: "eager (fused)" | "compiled", windows: number, calls: number): Row {
  setRuntime(rt);
  torch._dynamo.reset();
  const step = makeStep(variant === "compiled");
  for (let i = 0; i < 20; i++) step();
  torch.xla.sync();
  torch.xla.synchronize();
  const ms: number[] = [];
  const exec: number[] = [];
  const m0 = torch.xla.metrics();
  for (let w = 0; w < windows; w++) {
    const e0 = torch.xla.metrics().executeMs;
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) step();
    torch.xla.sync();
    torch.xla.synchronize();
    ms.push((performance.now() - t0) / calls);
    exec.push((torch.xla.metrics().executeMs - e0) / calls);
  }
  const ops = (torch.xla.metrics().opsRecorded - m0.opsRecorded) / (windows * calls);
  const order = ms.map((_, i) => i).sort((a, b) => ms[a]! - ms[b]!);
  const best = order[0]!,
    med = order[windows >> 1]!;
  return {
    runtime: rt.platform,
    variant,
    bestMs: ms[best]!,
    medianMs: ms[med]!,
    execMs: exec[med]!,
    hostBeyondExecMs: Math.min(...ms.map((v, i) => v - exec[i]!)),
    opsPerCall: ops,
  };
}

const WINDOWS = Number(process.env.WINDOWS ?? 10);
const cpuRt = getRuntime();
const rows: Row[] = [
  measure(new NullRuntime(), "eager (fused)", WINDOWS, 200),
  measure(new NullRuntime(), "compiled", WINDOWS, 200),
  measure(cpuRt, "eager (fused)", WINDOWS, 20),
  measure(cpuRt, "compiled", WINDOWS, 20),
];
setRuntime(cpuRt);

/** The same step on the cpu device: eager, and compiled (traced, run on the CPU runtime). Median ms per call. */
function cpuStep(compiled: boolean): number {
  torch._dynamo.reset();
  const step = makeStep(compiled, "cpu");
  for (let i = 0; i < 5; i++) step();
  const ms: number[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) step();
    ms.push((performance.now() - t0) / 10);
  }
  ms.sort((a, b) => a - b);
  return ms[WINDOWS >> 1]!;
}
const eagerCpu = cpuStep(false),
  compiledCpu = cpuStep(true);
console.log(
  "| runtime | step | ms/call best | ms/call median | execute ms/call | host beyond execute, ms/call (best window) | ops recorded/call |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows)
  console.log(
    `| ${r.runtime} | ${r.variant} | ${r.bestMs.toFixed(3)} | ${r.medianMs.toFixed(3)} | ${r.execMs.toFixed(3)} | ${r.hostBeyondExecMs.toFixed(3)} | ${r.opsPerCall.toFixed(1)} |`,
  );
console.log(
  `\ncpu device, median ms per step: eager ${eagerCpu.toFixed(3)}, compiled ${compiledCpu.toFixed(3)} (${(eagerCpu / compiledCpu).toFixed(2)}x)`,
);
