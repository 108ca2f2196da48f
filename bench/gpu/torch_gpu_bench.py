"""PyTorch CUDA side of bench/gpu: the same cases as gpu_bench.ts, JSON out."""
import json, time, torch
reps = 10
dev = "cuda"
torch.backends.cuda.matmul.allow_tf32 = False  # PyTorch's default for float32 matmul
def timeit(fn):
    for _ in range(2): fn()
    ts = []
    for _ in range(reps):
        torch.cuda.synchronize(); t = time.perf_counter(); fn(); torch.cuda.synchronize(); ts.append((time.perf_counter() - t) * 1e3)
    ts.sort(); return {"median_ms": ts[len(ts) // 2], "runs": len(ts)}
out = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0)}
for n in (4096, 8192):
    for dt in (torch.float32, torch.bfloat16):
        torch.manual_seed(0)
        a = torch.rand(n, n, device=dev).to(dt); b = torch.rand(n, n, device=dev).to(dt)
        r = timeit(lambda: (a @ b)[0, 0].item())
        r["tflops"] = 2 * n ** 3 / (r["median_ms"] * 1e9)
        out[f"matmul_{str(dt).split('.')[1]}_{n}"] = r
torch.manual_seed(0)
dims = [1024, 4096, 4096, 10]
ws = [(torch.randn(dims[i], d, device=dev) * 0.02).requires_grad_() for i, d in enumerate(dims[1:])]
x = torch.randn(512, 1024, device=dev); y = torch.randint(0, 10, (512,), device=dev)
def step():
    h = x
    for i, w in enumerate(ws):
        h = h @ w
        if i < len(ws) - 1: h = h.relu()
    loss = -h.log_softmax(1).gather(1, y.unsqueeze(1)).mean()
    loss.backward()
    with torch.no_grad():
        for w in ws: w -= 0.01 * w.grad; w.grad = None
    loss.item()
out["mlp_train_step_f32"] = timeit(step)
print(json.dumps(out, indent=1))
