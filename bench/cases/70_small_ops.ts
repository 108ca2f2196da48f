// Per-call overhead on small tensors (issue "CPU speed…": small-op dispatch
// within 2.5x of PyTorch's per-call time). Each repetition makes CALLS calls
// and reads one value back, so the reported ms per repetition is µs per call.
import type { Case } from "../lib/types.js";
import { tfjsOp, xlatorchOp } from "../lib/impl.js";

const CALLS = 1000;

const add: Case = {
  id: "small_add_8x8",
  title: `8x8 f32 add, µs per call (${CALLS} calls per repetition)`,
  unit: "ms",
  inputs: [
    { name: "x", shape: [8, 8] },
    { name: "y", shape: [8, 8] },
  ],
  impls: {
    xlatorch: xlatorchOp((_torch, x, y) => {
      let r = x.add(y);
      for (let i = 1; i < CALLS; i++) r = x.add(y);
      return r;
    }),
    tfjs: tfjsOp((tf, x, y) => {
      let r = tf.add(x, y);
      for (let i = 1; i < CALLS; i++) {
        r.dispose();
        r = tf.add(x, y);
      }
      return r;
    }),
  },
  torch: { setup: `def f(x, y):\n    for _ in range(${CALLS}):\n        r = x + y\n    return r`, expr: "f(x, y)" },
  tol: 1e-6,
};

const mulSumBackward: Case = {
  id: "small_mul_sum_backward_8x8",
  title: `8x8 f32 (w * x).sum().backward(), µs per call (${CALLS} calls per repetition)`,
  unit: "ms",
  inputs: [
    { name: "x", shape: [8, 8] },
    { name: "w", shape: [8, 8] },
  ],
  impls: {
    xlatorch: xlatorchOp((torch, x, w0) => {
      const w = w0.detach().requires_grad_();
      for (let i = 0; i < CALLS; i++) {
        w.grad = null;
        w.mul(x).sum().backward();
      }
      return w.grad.detach();
    }),
  },
  torch: {
    setup: [
      "def f(x, w0):",
      "    w = w0.detach().requires_grad_()",
      "    with torch.enable_grad():",
      `        for _ in range(${CALLS}):`,
      "            w.grad = None",
      "            (w * x).sum().backward()",
      "    return w.grad",
    ].join("\n"),
    expr: "f(x, w)",
  },
  tol: 1e-6,
};

export default [add, mulSumBackward];
