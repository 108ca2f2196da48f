// Elementwise chain tanh(x*2+1) over 4M floats (three ops eager; one fused kernel under jit).
import type { Case } from "../lib/types.js";
import { jaxOp, tfjsOp, xlatorchOp } from "../lib/impl.js";

const N = 4 * 1024 * 1024;

const c: Case = {
  id: "tanh_chain_4M",
  title: "tanh(x*2+1), 4M f32",
  unit: "ms",
  inputs: [{ name: "x", shape: [N] }],
  impls: {
    xlatorch: xlatorchOp((torch, x) => torch.tanh(x.mul(2).add(1))),
    "xlatorch-xla": xlatorchOp((torch, x) => torch.tanh(x.mul(2).add(1))),
    tfjs: tfjsOp((tf, x) => tf.tanh(tf.add(tf.mul(x, 2), 1))),
    "jax-js": jaxOp((np, _jax, x) => np.tanh(x.mul(2).add(1))),
  },
  torch: { expr: "torch.tanh(x * 2 + 1)" },
  tol: 1e-4,
};

export default c;
