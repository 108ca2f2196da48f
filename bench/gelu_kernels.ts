// Eager erf, GELU and tanh kernel calls on nanoGPT's MLP activation shape [8, 32, 256] float32 (bench case
// nanogpt_tiny_adamw_b8; the erf and tanh lanes of wasm/math_f32.ts): CPU and wall microseconds a call, median of
// rounds. Run it in two trees, alternated, to compare kernels; XLATORCH_NUM_THREADS=1 keeps them on this thread.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/gelu_kernels.ts [--rounds 7] [--calls 200]
import * as torch from "xlatorch";
import { cliArg } from "./lib/program_case.js";

const rounds = Number(cliArg("rounds", "7"));
const calls = Number(cliArg("calls", "200"));
torch.manual_seed(0);
const x = torch.randn(8, 32, 256),
  g = torch.randn(8, 32, 256),
  xg = torch.randn(8, 32, 256, { requires_grad: true });
const F = torch.nn.functional;
const cases: [string, () => unknown][] = [
  ["erf", () => x.erf()],
  ["erf(x / sqrt 2)", () => x.mul(Math.SQRT1_2).erf()],
  ["gelu", () => F.gelu(x)],
  ["gelu forward + backward", () => torch.autograd.grad(F.gelu(xg), xg, g)],
  ["tanh", () => x.tanh()],
  // (an RNN cell's pre-activations at a small init scale: most vectors below tanh's first-branch bound)
  ["tanh(x / 4)", () => x.mul(0.25).tanh()],
];
const cpu = cases.map(() => [] as number[]),
  wall = cases.map(() => [] as number[]);
for (let r = 0; r < rounds + 1; r++)
  cases.forEach(([, f], c) => {
    const c0 = process.cpuUsage(),
      t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    const d = process.cpuUsage(c0);
    if (r === 0) return;
    cpu[c]!.push((d.user + d.system) / calls);
    wall[c]!.push(((performance.now() - t0) / calls) * 1000);
  });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
cases.forEach(([name], c) =>
  console.log(`${median(cpu[c]!).toFixed(1).padStart(8)} us CPU ${median(wall[c]!).toFixed(1).padStart(8)} us wall  ${name}`),
);
