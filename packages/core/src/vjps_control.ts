// VJPs of the control-flow primitives (prims_control.ts).
// - case: the gradient of a conditional is a conditional over the branches'
//   gradients (JAX's rule): each branch's VJP is traced into a sub-graph (the
//   branch re-evaluated with autograd on, then autograd.grad against the
//   cotangents), and one `case` on the same index picks the taken one. So on
//   the xla device the backward is one stablehlo.case too, and the captured
//   tensors (weights a branch closes over) get their gradients like operands.
// - while: PyTorch's while_loop has no autograd; torch.while_loop refuses inputs
//   that require grad, and the VJP says the same should one be reached anyway.
import { grad } from "./autograd_grad.js";
import { bind } from "./dispatch.js";
import { TorchError } from "./errors.js";
import { enable_grad } from "./grad_mode.js";
import { defineVjp } from "./primitive.js";
import { P } from "./prims.js";
import type { CaseAttrs, WhileAttrs } from "./prims_control.js";
import { evalSubGraph, traceSubGraph, unifyInputs } from "./subgraph.js";
import type { Tensor } from "./tensor.js";
import { zeros, zeros_like } from "./ops/creation.js";

const differentiable = (t: Tensor) => t.dtype.is_floating_point || t.dtype.is_complex;

defineVjp<CaseAttrs>("case", { inputs: true }, (cts, inputs, outputs, a, needs) => {
  const [index, ...ops] = inputs;
  const want = ops.map((t, i) => needs[i + 1]! && differentiable(t));
  const wanted = want.flatMap((w, i) => (w ? [i] : []));
  if (wanted.length === 0) return inputs.map(() => null);
  const dev = index!.device;
  const ctsFull = outputs.map((o, k) => cts[k] ?? zeros(o.shape.slice(), { dtype: o.dtype, device: dev }));
  const avals = [...ops, ...ctsFull].map((t) => ({ shape: t.shape.slice(), dtype: t.dtype }));
  const traced = a.branches.map((g) =>
    traceSubGraph(
      "cond",
      dev,
      avals,
      (args) => {
        const xs = args.slice(0, ops.length).map((x, i) => (want[i] ? x.detach().requires_grad_() : x));
        const cs = args.slice(ops.length);
        const outs = enable_grad(() => evalSubGraph(g, xs));
        const live = outs.flatMap((o, k) => (o.requires_grad ? [k] : []));
        const gs = live.length
          ? grad(
              live.map((k) => outs[k]!),
              wanted.map((i) => xs[i]!),
              { grad_outputs: live.map((k) => cs[k]!), allow_unused: true },
            )
          : wanted.map(() => null);
        return gs.map((gi, k) => gi ?? zeros_like(xs[wanted[k]!]!));
      },
      true,
    ),
  );
  const { graphs, consts } = unifyInputs(traced, avals.length);
  const gs = bind(P.case, [index!, ...ops, ...ctsFull, ...consts], { branches: graphs });
  const out: (Tensor | null)[] = inputs.map(() => null);
  wanted.forEach((i, k) => {
    out[i + 1] = gs[k]!;
  });
  return out;
});

defineVjp<WhileAttrs>("while", {}, () => {
  throw new TorchError("while_loop: Autograd not implemented for while_loop");
});
