// The convolution/pooling lowering before and after issue 13's window
// primitives, on a CIFAR-10-tutorial-CNN-shaped conv+pool stack (conv 3->6 k5,
// relu, max pool 2, conv 6->16 k5, relu, max pool 2; batch 32 of 3x32x32,
// float32), forward + backward of sum(y^2) w.r.t. the input and both weights:
//   old: the composition the nn ops used before: per-kernel-offset strided
//        slices stacked into one matmul (im2col in the graph), max pooling as
//        stacked window slices + argmax + one-hot select + sum;
//   new: one convolution / reduce_window primitive each (stablehlo.convolution,
//        stablehlo.reduce_window; gradients convolution and select_and_scatter).
// Each runs on the eager cpu device and on the xla device's in-process CPU
// runtime (fused mode: one graph per step), the two lowerings' steps
// interleaved; reports the median ms per step and, for the xla device, the
// StableHLO op count of the step's graph.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/conv_lowering.ts
import * as torch from "xlatorch";
import { padSpatial, windows } from "../packages/nn/src/nn/functional/conv.js";

const F = torch.nn.functional;
type T = torch.Tensor;

/** The pre-issue-13 conv2d: pad, slice every kernel offset's window, stack, one grouped matmul. */
function oldConv2d(x: T, w: T, b: T): T {
  const [N, C] = x.shape as [number, number];
  const O = w.shape[0]!,
    k = w.shape.slice(2);
  const out = x.shape.slice(2).map((L, d) => L - k[d]! + 1);
  const K = k[0]! * k[1]!,
    L = out[0]! * out[1]!;
  const cols = torch.stack(windows(padSpatial(x, [0, 0], [0, 0]).transpose(0, 1), k, [1, 1], [1, 1], out), 1).reshape(1, C * K, N * L);
  const y = w
    .reshape(1, O, C * K)
    .matmul(cols)
    .reshape([O, N, ...out]);
  return y
    .add(b.reshape([O, 1, 1, 1]))
    .transpose(0, 1)
    .contiguous();
}

/** The pre-issue-13 max_pool2d(k, stride k): stacked windows, first max by argmax and a one-hot select. */
function oldMaxPool2d(x: T, kk: number): T {
  const out = x.shape.slice(2).map((L) => Math.floor((L - kk) / kk) + 1);
  const st = torch.stack(windows(x, [kk, kk], [1, 1], [kk, kk], out), 2);
  const i = st.argmax(2, { keepdim: true });
  const n = st.shape[2]!;
  const iota = torch.arange(n, { dtype: torch.int64, device: x.device }).reshape(n, 1, 1);
  return torch.where(iota.eq(i), st, 0).sum(2);
}

interface Impl {
  conv: (x: T, w: T, b: T) => T;
  pool: (x: T) => T;
}
const IMPLS: Record<string, Impl> = {
  old: { conv: oldConv2d, pool: (x) => oldMaxPool2d(x, 2) },
  new: { conv: (x, w, b) => F.conv2d(x, w, b), pool: (x) => F.max_pool2d(x, 2) },
};

function setup(device: string) {
  torch.manual_seed(0);
  const p = (t: T) => t.to(device).detach().requires_grad_();
  return {
    x: p(torch.randn(32, 3, 32, 32)),
    w1: p(torch.randn(6, 3, 5, 5).mul(0.1)),
    b1: p(torch.randn(6).mul(0.1)),
    w2: p(torch.randn(16, 6, 5, 5).mul(0.1)),
    b2: p(torch.randn(16).mul(0.1)),
  };
}

function step(impl: Impl, s: ReturnType<typeof setup>): T[] {
  for (const t of [s.x, s.w1, s.b1, s.w2, s.b2]) t.grad = null;
  const h = impl.pool(impl.conv(s.x, s.w1, s.b1).relu());
  const y = impl.pool(impl.conv(h, s.w2, s.b2).relu());
  y.pow(2).sum().backward();
  return [y, s.x.grad!, s.w1.grad!, s.w2.grad!];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Both lowerings on one device, steps interleaved (old, new, old, ...) so that load on a shared machine hits both alike. */
function timeBoth(device: string, reps: number): Record<string, { ms: number; ops?: number; check: number }> {
  const names = Object.keys(IMPLS);
  const state = names.map(() => setup(device));
  const ms = names.map((): number[] => []);
  const last: T[][] = [];
  const ops: (number | undefined)[] = [];
  names.forEach((name, i) => {
    const outs = step(IMPLS[name]!, state[i]!);
    if (device === "xla") ops[i] = (torch.xla.get_stablehlo(...outs).match(/stablehlo\.[a-z_]+/g) ?? []).length;
    outs[0]!.sum().item(); // the warm-up step compiles
  });
  for (let r = 0; r < reps; r++)
    names.forEach((name, i) => {
      const t0 = performance.now();
      const outs = step(IMPLS[name]!, state[i]!);
      // read every result so the whole step has run
      for (const o of outs) o.sum().item();
      ms[i]!.push(performance.now() - t0);
      last[i] = outs;
    });
  return Object.fromEntries(names.map((name, i) => [name, { ms: median(ms[i]!), ops: ops[i], check: Number(last[i]![2]!.sum().item()) }]));
}

const reps = Number(process.env.REPS ?? 10);
const rows: string[] = [];
for (const device of ["cpu", "xla"]) {
  const res = timeBoth(device, reps);
  const where = device === "cpu" ? "eager cpu" : "xla, CPU runtime";
  for (const [name, r] of Object.entries(res))
    rows.push(`| ${where} | ${name} | ${r.ms.toFixed(1)} | ${r.ops ?? "-"} | ${r.check.toPrecision(8)} |`);
  rows.push(`| ${where} | old / new | ${(res.old!.ms / res.new!.ms).toFixed(2)}x | | |`);
}
console.log("| device | lowering | ms / step (median) | StableHLO ops in the step | sum of w1.grad |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
