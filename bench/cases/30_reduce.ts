// Reductions: sum over the last dim of 2048×2048, and a full sum of 4M f32.
import type { Case } from "../lib/types.js";
import { jaxOp, tfjsOp, xlatorchOp } from "../lib/impl.js";

const sumLast: Case = {
  id: "sum_lastdim_2048x2048",
  title: "sum(x, -1), 2048×2048 f32",
  unit: "ms",
  inputs: [{ name: "x", shape: [2048, 2048] }],
  impls: {
    xlatorch: xlatorchOp((_torch, x) => x.sum(-1)),
    "xlatorch-xla": xlatorchOp((_torch, x) => x.sum(-1)),
    tfjs: tfjsOp((tf, x) => tf.sum(x, -1)),
    "jax-js": jaxOp((_np, _jax, x) => x.sum(-1)),
  },
  torch: { expr: "x.sum(-1)" },
  tol: 1e-3,
};

const sumAll: Case = {
  id: "sum_all_4M",
  title: "sum(x), 4M f32",
  unit: "ms",
  inputs: [{ name: "x", shape: [4 * 1024 * 1024] }],
  impls: {
    xlatorch: xlatorchOp((_torch, x) => x.sum()),
    "xlatorch-xla": xlatorchOp((_torch, x) => x.sum()),
    tfjs: tfjsOp((tf, x) => tf.sum(x)),
    "jax-js": jaxOp((_np, _jax, x) => x.sum()),
  },
  torch: { expr: "x.sum()" },
  // A 4M-term f32 sum legitimately differs between summation orders.
  tol: 1e-2,
};

export default [sumLast, sumAll];
