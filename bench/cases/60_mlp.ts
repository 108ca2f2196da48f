// One SGD training step of an MLP 784 → 256 → 10 (ReLU, biases, cross-entropy,
// torch.optim.SGD lr 0.01), batch 128: zero_grad, forward, backward, step.
// Matmul-bound, so it also runs with the system BLAS off (Case.blas). The
// figure is ms per step; the checked output is the first step's loss.
import type { Case, HostInputs, Impl, PeerCtx } from "../lib/types.js";
import { readOne, xlatorchInputs } from "../lib/impl.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const BATCH = 128,
  LR = 0.01;

function xlatorchStep(ctx: PeerCtx, inputs: HostInputs): Impl {
  const torch = ctx.lib,
    F = torch.nn.functional;
  const [x, w1, b1, w2, b2] = xlatorchInputs(ctx, inputs);
  const params = [w1, b1, w2, b2];
  for (const p of params) p.requires_grad_(true);
  const target = torch.arange(BATCH, { device: ctx.extra.device }).remainder(10);
  const opt = new torch.optim.SGD(params, { lr: LR });
  const step = (): Any => {
    opt.zero_grad(true);
    const loss = F.cross_entropy(F.linear(F.relu(F.linear(x, w1, b1)), w2, b2), target);
    loss.backward();
    opt.step();
    return loss.detach();
  };
  return {
    run: () => readOne(ctx, step()),
    output: () => Float32Array.from(step().to("cpu")._host()),
  };
}

/**
 * TF.js: tfjs-core alone registers no gradients (they come with the
 * @tensorflow/tfjs bundle, whose ES build Node cannot import), so the same step
 * is written out: forward, the backward of cross-entropy/linear/ReLU by hand,
 * and the SGD update through Variable.assign (no autograd overhead on its side).
 */
function tfjsStep(ctx: PeerCtx, inputs: HostInputs): Impl {
  const tf = ctx.lib;
  const [x, w1, b1, w2, b2] = Object.values(inputs).map(({ data, shape }, i) =>
    i === 0 ? tf.tensor(data, shape, "float32") : tf.variable(tf.tensor(data, shape, "float32")),
  );
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => i % 10),
      "int32",
    ),
    10,
  );
  const step = () =>
    tf.tidy(() => {
      const z1 = tf.add(tf.matMul(x, w1, false, true), b1);
      const h = tf.relu(z1);
      const logits = tf.add(tf.matMul(h, w2, false, true), b2);
      const logp = tf.logSoftmax(logits);
      const loss = tf.neg(tf.mean(tf.sum(tf.mul(labels, logp), 1)));
      const dlogits = tf.div(tf.sub(tf.exp(logp), labels), BATCH);
      const dw2 = tf.matMul(dlogits, h, true, false),
        db2 = tf.sum(dlogits, 0);
      const dz1 = tf.mul(tf.matMul(dlogits, w2), tf.step(z1));
      const dw1 = tf.matMul(dz1, x, true, false),
        db1 = tf.sum(dz1, 0);
      for (const [v, g] of [
        [w1, dw1],
        [b1, db1],
        [w2, dw2],
        [b2, db2],
      ])
        v.assign(tf.sub(v, tf.mul(g, LR)));
      return loss;
    });
  return {
    run: () => {
      const l = step();
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    },
    output: () => {
      const l = step();
      const d = Float32Array.from(l.dataSync());
      l.dispose();
      return d;
    },
    dispose: () => {
      [x, w1, b1, w2, b2, labels].forEach((t: Any) => t.dispose());
    },
  };
}

const mlp: Case = {
  id: "mlp_784_256_10_sgd_b128",
  title: "MLP 784-256-10 SGD step, batch 128",
  unit: "ms",
  inputs: [
    { name: "x", shape: [BATCH, 784] },
    { name: "w1", shape: [256, 784], range: [-0.0357, 0.0357] },
    { name: "b1", shape: [256], range: [-0.0357, 0.0357] },
    { name: "w2", shape: [10, 256], range: [-0.0625, 0.0625] },
    { name: "b2", shape: [10], range: [-0.0625, 0.0625] },
  ],
  impls: { xlatorch: xlatorchStep, "xlatorch-xla": xlatorchStep, tfjs: tfjsStep },
  torch: {
    setup: [
      "params = [w1, b1, w2, b2]",
      "for p in params: p.requires_grad_(True)",
      `target = torch.arange(${BATCH}) % 10`,
      `opt = torch.optim.SGD(params, lr=${LR})`,
      "F = torch.nn.functional",
      "def step():",
      "    opt.zero_grad(set_to_none=True)",
      "    with torch.enable_grad():",
      "        loss = F.cross_entropy(F.linear(torch.relu(F.linear(x, w1, b1)), w2, b2), target)",
      "        loss.backward()",
      "    opt.step()",
      "    return loss.detach()",
    ].join("\n"),
    expr: "step()",
  },
  skip: { "tfjs-cpu": "the wasm backend is TF.js's fast CPU path" },
  blas: true,
  tol: 1e-4,
};

export default [mlp];
