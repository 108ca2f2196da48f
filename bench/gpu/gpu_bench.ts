// GPU benchmark of the xla device through a PJRT plugin (run by
// scripts/accelerator/run_on_gpu.sh with PJRT_DEVICE=CUDA): float32 and
// bfloat16 matmul at 4096 and 8192, and an MLP training step. Prints JSON.
// Each repetition reads one element back, which waits for the device.
import * as torch from "xlatorch";

const reps = Number(process.env.BENCH_REPS ?? 10);
function time(fn: () => void): { median_ms: number; runs: number } {
  for (let i = 0; i < 2; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return { median_ms: ts[Math.floor(ts.length / 2)]!, runs: ts.length };
}

const results: Record<string, unknown> = { runtime: torch.xla.runtime().platform, devices: torch.xla.runtime().devices };
const sizes = (process.env.BENCH_SIZES ?? "4096,8192").split(",").map(Number);
for (const n of sizes) {
  for (const dtype of [torch.float32, torch.bfloat16]) {
    torch.manual_seed(0);
    const a = torch.rand(n, n).to(dtype).to("xla"),
      b = torch.rand(n, n).to(dtype).to("xla");
    torch.xla.sync(a, b);
    const r = time(() => {
      a.matmul(b).getitem(0, 0).item();
    });
    results[`matmul_${dtype.name}_${n}`] = { ...r, tflops: (2 * n ** 3) / (r.median_ms * 1e9) };
  }
}
// MLP training step: 1024 -> 4096 -> 4096 -> 10, batch 512, SGD, float32
{
  torch.manual_seed(0);
  const dims = process.env.BENCH_SIZES ? [64, 128, 128, 10] : [1024, 4096, 4096, 10];
  const ws = dims.slice(1).map((d, i) => torch.randn(dims[i]!, d).mul(0.02).to("xla").requires_grad_());
  const x = torch.randn(512, dims[0]!).to("xla"),
    y = torch.randint(0, 10, [512]).to("xla");
  torch.xla.sync(x, y, ...ws);
  const step = () => {
    let h = x;
    ws.forEach((w, i) => {
      h = h.matmul(w);
      if (i < ws.length - 1) h = h.relu();
    });
    const loss = h.log_softmax(1).gather(1, y.unsqueeze(1)).mean().neg();
    loss.backward();
    torch.no_grad(() => {
      for (const w of ws) {
        w.sub_(w.grad!.mul(0.01));
        w.grad = null;
      }
    });
    torch.xla.sync(loss);
    loss.item();
  };
  results.mlp_train_step_f32 = time(step);
}
results.metrics = torch.xla.metrics();
console.log(JSON.stringify(results, null, 1));
