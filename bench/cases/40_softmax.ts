// softmax over the last dim of 1024×1024 f32.
import type { Case } from "../lib/types.js";
import { jaxOp, tfjsOp, xlatorchOp } from "../lib/impl.js";

const c: Case = {
  id: "softmax_1024x1024",
  title: "softmax(x, -1), 1024×1024 f32",
  unit: "ms",
  inputs: [{ name: "x", shape: [1024, 1024], range: [-4, 4] }],
  impls: {
    xlatorch: xlatorchOp((torch, x) => torch.softmax(x, -1)),
    "xlatorch-xla": xlatorchOp((torch, x) => torch.softmax(x, -1)),
    tfjs: tfjsOp((tf, x) => tf.softmax(x, -1)),
    "jax-js": jaxOp((_np, jax, x) => jax.nn.softmax(x, -1)),
  },
  torch: { expr: "torch.softmax(x, -1)" },
  tol: 1e-4,
};

export default c;
