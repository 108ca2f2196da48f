// torch.autograd.grad and torch.autograd.backward: the two entry points to the
// engine (autograd.ts runBackward). grad returns the gradients of `inputs`;
// backward accumulates into .grad (of every leaf, or of `inputs` only).
import { runBackward } from "./autograd.js";
import { TorchError, TorchTypeError } from "./errors.js";
import { no_grad } from "./grad_mode.js";
import { Tensor } from "./tensor.js";
import { ones_like } from "./ops/creation.js";
import { parseArgs } from "./ops/args.js";

const asList = (x: Tensor | readonly (Tensor | null)[] | null | undefined): (Tensor | null)[] =>
  x === null || x === undefined ? [] : x instanceof Tensor ? [x] : [...x];

/** PyTorch's _make_grads: a given gradient must match its output's shape; none means ones for a one-element output. */
function makeGrads(outputs: Tensor[], grads: (Tensor | null)[], op: string): (Tensor | null)[] {
  return outputs.map((out, i) => {
    const g = grads[i] ?? null;
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new TorchTypeError(`${op}: gradients can be either Tensors or None, but got ${typeof g}`);
      if (g.shape.length !== out.shape.length || g.shape.some((s, d) => s !== out.shape[d]))
        throw new TorchError(
          `Mismatch in shape: grad_output[${i}] has a shape of torch.Size([${g.shape.join(", ")}]) and output[${i}] has a shape of torch.Size([${out.shape.join(", ")}]).`,
        );
      return g;
    }
    if (!out.requires_grad) return null;
    if (out.numel() !== 1) throw new TorchError("grad can be implicitly created only for scalar outputs");
    return ones_like(out);
  });
}

export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], ...args: unknown[]): (Tensor | null)[] {
  const o = parseArgs("grad", args, ["grad_outputs", "retain_graph", "create_graph", "only_inputs", "allow_unused"], {});
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const gos =
    o.grad_outputs === undefined || o.grad_outputs === null
      ? outs.map(() => null)
      : Array.isArray(o.grad_outputs)
        ? o.grad_outputs
        : [o.grad_outputs];
  const grads = outs.map((t, i) => {
    const g = gos[i];
    if (g) return g as Tensor;
    if (t.numel() !== 1) throw new TorchError("grad can be implicitly created only for scalar outputs");
    return ones_like(t);
  });
  for (const t of outs)
    if (!t.requires_grad) throw new TorchError("element 0 of tensors does not require grad and does not have a grad_fn");
  return runBackward(outs, grads, {
    retain_graph: o.retain_graph ?? o.create_graph,
    create_graph: o.create_graph,
    inputs: ins,
    allow_unused: o.allow_unused,
  });
}

/**
 * torch.autograd.backward(tensors, grad_tensors=None, retain_graph=None,
 * create_graph=False, grad_variables=None, inputs=None): the sum of each
 * tensor's backward with its gradient, accumulated into .grad of the graph's
 * leaves, or of `inputs` only when given.
 */
export function backward(tensors: Tensor | readonly Tensor[], ...args: unknown[]): void;
export function backward(kwargs: { tensors: Tensor | readonly Tensor[]; [option: string]: unknown }): void;
export function backward(...args: unknown[]): void {
  const o = parseArgs("backward", args, ["tensors", "grad_tensors", "retain_graph", "create_graph", "grad_variables", "inputs"], {
    grad_tensors: null,
    retain_graph: null,
    create_graph: false,
    grad_variables: null,
    inputs: null,
  });
  if (o.grad_variables !== null) {
    if (o.grad_tensors !== null)
      throw new TorchError(
        "'grad_tensors' and 'grad_variables' (deprecated) arguments both passed to backward(). Please only use 'grad_tensors'.",
      );
    o.grad_tensors = o.grad_variables;
  }
  if (o.tensors === undefined) throw new TorchTypeError("backward() missing 1 required positional argument: 'tensors'");
  const outs = asList(o.tensors as Tensor | Tensor[]) as Tensor[];
  const inputs = o.inputs === null ? null : (asList(o.inputs) as Tensor[]);
  if (inputs !== null && inputs.length === 0) throw new TorchError("'inputs' argument to backward() cannot be empty.");
  const given = asList(o.grad_tensors);
  const grads = makeGrads(outs, given.length ? given : outs.map(() => null), "backward");
  // outputs without a gradient (not requiring grad) take no part, as in the engine
  const roots: Tensor[] = [],
    rootGrads: Tensor[] = [];
  outs.forEach((t, i) => {
    if (grads[i]) {
      roots.push(t);
      rootGrads.push(grads[i]!);
    }
  });
  if (roots.length === 0) throw new TorchError("element 0 of tensors does not require grad and does not have a grad_fn");
  const create_graph = !!o.create_graph;
  const retain_graph = o.retain_graph ?? create_graph;
  if (inputs === null) {
    runBackward(roots, rootGrads, { retain_graph, create_graph });
    return;
  }
  const got = runBackward(roots, rootGrads, { retain_graph, create_graph, inputs, allow_unused: true });
  // accumulate into each input's .grad (a graph only with create_graph)
  inputs.forEach((t, i) => {
    const g = got[i];
    if (!g) return;
    if (create_graph) t.grad = t.grad ? t.grad.add(g) : g;
    else t.grad = no_grad(() => (t.grad ? t.grad.add(g) : g.detach()));
  });
}
