// Per-call CPU time of small ops on the eager cpu device, for A/B runs of two
// checkouts in alternating processes (the machine is shared: process CPU time,
// best of 7 slices, moves less with other people's load than wall time).
//   npx tsx --tsconfig tsconfig.json bench/small_op_cpu.ts [add|torch_add|mul_sum_backward|layer_norm] [calls]
// add:              x.add(y), 8x8 float32 (bench case small_add_8x8)
// torch_add:        torch.add(x, y), the same through the torch namespace
// mul_sum_backward: (w * x).sum().backward(), 8x8 float32 (small_mul_sum_backward_8x8)
// layer_norm:       F.layer_norm over the last dim of [8, 32, 64] float32 with weight and bias,
//                   forward and backward (nanoGPT tiny's shape)
// Prints: case, best µs of CPU time per call, best µs of wall time per call.
import * as torch from "xlatorch";

const mode = process.argv[2] ?? "add";
const defaults: Record<string, number> = { add: 300000, torch_add: 300000, mul_sum_backward: 30000, layer_norm: 350 };
if (!(mode in defaults)) throw new Error(`unknown case ${mode} (${Object.keys(defaults).join(", ")})`);
const N = Number(process.argv[3] ?? defaults[mode]);

function body(): (n: number) => unknown {
  if (mode === "layer_norm") {
    const F = torch.nn.functional;
    const x = torch.randn(8, 32, 64).requires_grad_();
    const w = torch.randn(64).requires_grad_(),
      b = torch.randn(64).requires_grad_();
    const g = torch.randn(8, 32, 64);
    return (n) => {
      for (let i = 0; i < n; i++) {
        x.grad = null;
        F.layer_norm(x, [64], w, b).backward(g);
      }
    };
  }
  const x = torch.rand(8, 8),
    y = torch.rand(8, 8);
  if (mode === "mul_sum_backward") {
    const w = x.detach().requires_grad_();
    return (n) => {
      for (let i = 0; i < n; i++) {
        w.grad = null;
        w.mul(y).sum().backward();
      }
    };
  }
  if (mode === "torch_add")
    return (n) => {
      let r = x;
      for (let i = 0; i < n; i++) r = torch.add(x, y);
      return r;
    };
  return (n) => {
    let r = x;
    for (let i = 0; i < n; i++) r = x.add(y);
    return r;
  };
}

const run = body();
run(Math.ceil(N / 10));
const slices = 7,
  per = Math.ceil(N / slices);
let cpu = Number.POSITIVE_INFINITY,
  wall = Number.POSITIVE_INFINITY;
for (let k = 0; k < slices; k++) {
  const c0 = process.cpuUsage(),
    t0 = performance.now();
  run(per);
  const c = process.cpuUsage(c0);
  cpu = Math.min(cpu, (c.user + c.system) / per);
  wall = Math.min(wall, ((performance.now() - t0) * 1000) / per);
}
console.log(mode, cpu.toFixed(3), wall.toFixed(3));
