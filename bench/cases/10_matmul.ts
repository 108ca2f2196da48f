// f32 matmul, square: C = A @ B. Figure: GFLOP/s (2·n³ flops).
import type { Case } from "../lib/types.js";
import { jaxOp, tfjsOp, xlatorchOp } from "../lib/impl.js";

const matmul = (n: number): Case => ({
  id: `matmul_${n}`,
  title: `f32 matmul ${n}×${n} @ ${n}×${n}`,
  unit: "GFLOP/s",
  flops: 2 * n * n * n,
  inputs: [
    { name: "a", shape: [n, n] },
    { name: "b", shape: [n, n] },
  ],
  impls: {
    xlatorch: xlatorchOp((torch, a, b) => torch.matmul(a, b)),
    "xlatorch-xla": xlatorchOp((torch, a, b) => torch.matmul(a, b)),
    tfjs: tfjsOp((tf, a, b) => tf.matMul(a, b)),
    "jax-js": jaxOp((np, _jax, a, b) => np.matmul(a, b)),
  },
  torch: { expr: "torch.matmul(a, b)" },
  blas: true,
  tol: 1e-3,
});

export default [matmul(256), matmul(1024)];
