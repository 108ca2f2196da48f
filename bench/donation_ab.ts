// Buffer donation, interleaved A/B in one process (the machine is shared and
// loaded, so configurations alternate every few calls and ratios are taken per
// round): the compiled MLP training step (784-256-10, CrossEntropyLoss, Adam,
// batch 128) with donation on and off, on the cpu device (CPU runtime, fused)
// and on the xla device (CPU runtime; host time beyond the executable's run),
// next to the eager cpu step (the compiled-vs-eager ratio).
//   XLATORCH_QUIET=1 ROUNDS=30 npx tsx --tsconfig tsconfig.json bench/donation_ab.ts
import * as torch from "xlatorch";
import { donationConfig } from "../packages/lazy/src/donation.js";

const { nn, optim } = torch;
const ROUNDS = Number(process.env.ROUNDS ?? 30);
const CALLS = Number(process.env.CALLS ?? 5);

function makeStep(compiled: boolean, device: string): () => unknown {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10)).to(device);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const x = torch.randn(128, 784).to(device);
  const y = torch.randint(0, 10, [128]).to(device);
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

interface Config {
  name: string;
  step: () => unknown;
  donate: boolean;
  xla: boolean;
  ms: number[];
  hostMs: number[];
}
const configs: Config[] = [
  { name: "cpu eager", step: makeStep(false, "cpu"), donate: false, xla: false, ms: [], hostMs: [] },
  { name: "cpu compiled, donation on", step: makeStep(true, "cpu"), donate: true, xla: false, ms: [], hostMs: [] },
  { name: "cpu compiled, donation off", step: makeStep(true, "cpu"), donate: false, xla: false, ms: [], hostMs: [] },
  { name: "xla compiled (CPU runtime), donation on", step: makeStep(true, "xla"), donate: true, xla: true, ms: [], hostMs: [] },
  { name: "xla compiled (CPU runtime), donation off", step: makeStep(true, "xla"), donate: false, xla: true, ms: [], hostMs: [] },
];
const run = (c: Config, n: number): void => {
  donationConfig.enabled = c.donate;
  const e0 = torch.xla.metrics().executeMs;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) c.step();
  if (c.xla) {
    torch.xla.sync();
    torch.xla.synchronize();
  }
  const ms = (performance.now() - t0) / n;
  c.ms.push(ms);
  c.hostMs.push(ms - (torch.xla.metrics().executeMs - e0) / n);
};
for (const c of configs) run(c, 5); // warm-up: first calls trace and compile
for (const c of configs) {
  c.ms.length = 0;
  c.hostMs.length = 0;
}
const d0 = torch.xla.metrics();
// the order alternates between rounds, so no configuration always follows the same one (garbage, caches)
for (let r = 0; r < ROUNDS; r++) for (const c of r % 2 ? [...configs].reverse() : configs) run(c, CALLS);
const d1 = torch.xla.metrics();
const median = (a: readonly number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const ratio = (a: Config, b: Config) => median(a.ms.map((v, i) => v / b.ms[i]!));
console.log(
  `rounds ${ROUNDS} x ${CALLS} calls per configuration, load average ${(await import("node:os"))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log("| configuration | median ms/call | median execute ms/call | median host ms/call beyond execute |");
console.log("| --- | --- | --- | --- |");
for (const c of configs)
  console.log(
    `| ${c.name} | ${median(c.ms).toFixed(3)} | ${median(c.ms.map((v, i) => v - c.hostMs[i]!)).toFixed(3)} | ${median(c.hostMs).toFixed(3)} |`,
  );
const [eager, cpuOn, cpuOff, xlaOn, xlaOff] = configs as [Config, Config, Config, Config, Config];
console.log(
  `\ncpu compiled vs eager (median of per-round ratios): donation on ${ratio(eager, cpuOn).toFixed(2)}x, off ${ratio(eager, cpuOff).toFixed(2)}x`,
);
const hostRatio = (a: Config, b: Config) => median(a.hostMs.map((v, i) => v / b.hostMs[i]!));
console.log(
  `cpu compiled, off / on per round: ${ratio(cpuOff, cpuOn).toFixed(3)}; xla compiled, off / on: ${ratio(xlaOff, xlaOn).toFixed(3)}`,
);
console.log(
  `host time beyond execute, off / on per round: cpu ${hostRatio(cpuOff, cpuOn).toFixed(3)}, xla ${hostRatio(xlaOff, xlaOn).toFixed(3)}`,
);
console.log(
  `donated arguments ${d1.donatedBuffers - d0.donatedBuffers}, cpu results computed in place ${d1.donatedInPlace - d0.donatedInPlace}`,
);
