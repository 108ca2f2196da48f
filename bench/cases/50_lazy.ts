// Lazy `xla` device (on the CPU runtime) vs eager cpu. These cases need
// torch.xla: until it exists, run.ts drops them (see Case.needs) and says so.
// The subject is xlatorch-xla; the xlatorch column is the eager baseline.
//
// API used: `t.to("xla")`, `torch.xla.sync(...tensors)`; peer.ts records
// `torch.xla.metrics()` over each case's timed calls (reset_metrics() first).
import type { Case, HostInputs, Impl, PeerCtx } from "../lib/types.js";
import { jaxOp, readOne, tfjsOp, xlatorchInputs, xlatorchOp } from "../lib/impl.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/**
 * Tracing overhead: record 2·ITERS small ops (no execution on xla; eager cpu
 * runs them), µs per op. Each scalar operand also records a broadcast, so the
 * lazy graph has about 4·ITERS nodes (1000 here).
 */
const ITERS = 250;
const traceOverhead: Case = {
  id: "lazy_trace_overhead",
  title: `record ${2 * ITERS} ops (x = x*1.0001+0.5 ×${ITERS}, 64 floats), per op`,
  unit: "us/op",
  opsPerRun: 2 * ITERS,
  subject: "xlatorch-xla",
  group: "lazy-cpu",
  needs: ["xlatorch-xla"],
  inputs: [{ name: "x", shape: [64] }],
  impls: {
    xlatorch: xlatorchOp((_t, x) => {
      let y = x;
      for (let i = 0; i < ITERS; i++) y = y.mul(1.0001).add(0.5);
      return y;
    }),
    "xlatorch-xla": (ctx: PeerCtx, inputs: HostInputs): Impl => {
      const [x] = xlatorchInputs(ctx, inputs);
      const build = () => {
        let y = x;
        for (let i = 0; i < ITERS; i++) y = y.mul(1.0001).add(0.5);
        return y;
      };
      return {
        // Only the recording is timed: the graph is dropped unsynced. (The
        // cache-hit case below times record + sync + read back.)
        run: () => build(),
        output: () => Float32Array.from(build().to("cpu")._host()),
      };
    },
  },
  torch: { setup: "def f(y):\n    for _ in range(250):\n        y = y * 1.0001 + 0.5\n    return y", expr: "f(x)" },
  tol: 1e-3,
};

/**
 * A ~1000-node graph (250 × (x*0.999 + 0.001), scalars as broadcasts) run
 * repeatedly: after the first compile every step should hit the cache.
 */
const cacheHit: Case = {
  id: "lazy_cache_hit_1000_nodes",
  title: "~1000-node graph (500 ops on 256 floats): record + sync + read back",
  unit: "ms",
  subject: "xlatorch-xla",
  group: "lazy-cpu",
  needs: ["xlatorch-xla"],
  inputs: [{ name: "x", shape: [256] }],
  impls: {
    xlatorch: xlatorchOp((_t, x) => {
      let y = x;
      for (let i = 0; i < ITERS; i++) y = y.mul(0.999).add(0.001);
      return y;
    }),
    "xlatorch-xla": (ctx: PeerCtx, inputs: HostInputs): Impl => {
      const [x] = xlatorchInputs(ctx, inputs);
      const build = () => {
        let y = x;
        for (let i = 0; i < ITERS; i++) y = y.mul(0.999).add(0.001);
        return y;
      };
      return {
        run: () => readOne(ctx, build()),
        output: () => Float32Array.from(build().to("cpu")._host()),
      };
    },
  },
  torch: { setup: "def f(y):\n    for _ in range(250):\n        y = y * 0.999 + 0.001\n    return y", expr: "f(x)" },
  tol: 1e-3,
};

/** One SGD step of a 2-layer MLP (512→256→10, batch 64, MSE), forward + backward + update. */
function mlpStep(ctx: PeerCtx, inputs: HostInputs): Impl {
  const torch = ctx.lib;
  const [x, y, w1, w2] = xlatorchInputs(ctx, inputs);
  w1.requires_grad_(true);
  w2.requires_grad_(true);
  const lr = 0.01;
  const step = (): Any => {
    const h = torch.relu(torch.matmul(x, w1));
    const loss = torch.matmul(h, w2).sub(y).pow(2).mean();
    loss.backward();
    torch.no_grad(() => {
      w1.sub_(w1.grad.mul(lr));
      w2.sub_(w2.grad.mul(lr));
    });
    w1.grad = null;
    w2.grad = null;
    return loss.detach();
  };
  return {
    run: () => readOne(ctx, step()),
    output: () => Float32Array.from(step().to("cpu")._host()),
  };
}
const mlp: Case = {
  id: "lazy_mlp_train_step",
  title: "MLP train step (64×512 → 256 → 10, SGD)",
  unit: "ms",
  subject: "xlatorch-xla",
  group: "lazy-cpu",
  needs: ["xlatorch-xla"],
  inputs: [
    { name: "x", shape: [64, 512] },
    { name: "y", shape: [64, 10] },
    { name: "w1", shape: [512, 256], range: [-0.05, 0.05] },
    { name: "w2", shape: [256, 10], range: [-0.05, 0.05] },
  ],
  impls: { xlatorch: mlpStep, "xlatorch-xla": mlpStep },
  torch: {
    setup: [
      "w1.requires_grad_(True); w2.requires_grad_(True)",
      "def step():",
      "    with torch.enable_grad():",
      "        loss = (torch.relu(x @ w1) @ w2 - y).pow(2).mean()",
      "        loss.backward()",
      "    w1.sub_(w1.grad * 0.01); w2.sub_(w2.grad * 0.01)",
      "    w1.grad = None; w2.grad = None",
      "    return loss.detach()",
    ].join("\n"),
    expr: "step()",
  },
  tol: 1e-3,
};

/** A longer elementwise chain that a lazy device can fuse into one kernel. */
const chain = (t: Any, x: Any) => t.tanh(x.mul(2).add(1)).mul(0.5).add(t.sigmoid(x)).sub(x.mul(x));
const fused: Case = {
  id: "lazy_fused_chain_4M",
  title: "tanh(2x+1)*0.5 + sigmoid(x) - x*x, 4M f32",
  unit: "ms",
  subject: "xlatorch-xla",
  group: "lazy-cpu",
  needs: ["xlatorch-xla"],
  inputs: [{ name: "x", shape: [4 * 1024 * 1024] }],
  impls: {
    xlatorch: xlatorchOp(chain),
    "xlatorch-xla": xlatorchOp(chain),
    tfjs: tfjsOp((tf, x) => tf.sub(tf.add(tf.mul(tf.tanh(tf.add(tf.mul(x, 2), 1)), 0.5), tf.sigmoid(x)), tf.mul(x, x))),
    "jax-js": jaxOp((np, jax, x) => np.tanh(x.ref.mul(2).add(1)).mul(0.5).add(jax.nn.sigmoid(x.ref)).sub(x.ref.mul(x))),
  },
  torch: { expr: "torch.tanh(x * 2 + 1) * 0.5 + torch.sigmoid(x) - x * x" },
  skip: { "tfjs-cpu": "slow and adds nothing to a lazy-vs-eager comparison" },
  tol: 1e-4,
};

export default [traceOverhead, cacheHit, mlp, fused];
