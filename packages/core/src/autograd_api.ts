// torch.autograd: grad(), backward(), Function (custom forward/backward),
// gradcheck, gradgradcheck, and the functional namespace (jacobian, hessian,
// vjp, jvp, hvp, vhp).
import { recordCustom } from "./autograd.js";
import { grad } from "./autograd_grad.js";
import { TorchError } from "./errors.js";
import { enable_grad, no_grad } from "./grad_mode.js";
import { Tensor } from "./tensor.js";
import { zeros_like } from "./ops/creation.js";
import { randn_like } from "./ops/random.js";
import { cat } from "./ops/shape.js";

export { grad, backward } from "./autograd_grad.js";
export * as functional from "./autograd_functional.js";
import { parseArgs } from "./ops/args.js";

/** ctx of a custom Function: save_for_backward / saved_tensors, plus free-form fields. */
export class FunctionCtx {
  private saved: Tensor[] = [];
  needs_input_grad: boolean[] = [];
  [key: string]: unknown;
  save_for_backward(...ts: Tensor[]): void {
    this.saved = ts;
  }
  get saved_tensors(): Tensor[] {
    return this.saved;
  }
  mark_non_differentiable(..._ts: Tensor[]): void {
    /* outputs stay differentiable-free by construction */
  }
}

/**
 * torch.autograd.Function: subclass with static forward(ctx, ...args) and
 * static backward(ctx, ...grads); call Sub.apply(...args).
 */
export class Function {
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor | Tensor[] {
    throw new TorchError("You must implement the forward function for custom autograd.Function.");
  }
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): Tensor | null | (Tensor | null)[] {
    throw new TorchError("You must implement the backward function for custom autograd.Function.");
  }
  /** Runs the subclass's forward on `args` (its parameters after ctx) and returns what it returns. */
  static apply<F extends typeof Function>(this: F, ...args: ForwardArgs<F>): ReturnType<F["forward"]> {
    return applyFunction(this, args) as ReturnType<F["forward"]>;
  }
}

/** The arguments of a custom Function's forward after ctx. */
export type ForwardArgs<F extends typeof Function> = Parameters<F["forward"]> extends [FunctionCtx, ...infer A] ? A : never;

function applyFunction(cls: typeof Function, args: readonly unknown[]): Tensor | Tensor[] {
  const ctx = new FunctionCtx();
  const tensorArgs = args.filter((a): a is Tensor => a instanceof Tensor);
  ctx.needs_input_grad = args.map((a) => a instanceof Tensor && a.requires_grad);
  const raw = no_grad(() => cls.forward(ctx, ...args));
  const outs = (Array.isArray(raw) ? raw : [raw]).map((t) => t.detach());
  recordCustom(`${cls.name}Backward`, tensorArgs, outs, (cts) => {
    const gradsIn = cts.map((g, i) => g ?? zeros_like(outs[i]!));
    const r = cls.backward(ctx, ...gradsIn);
    const list = Array.isArray(r) ? r : [r];
    // backward returns one gradient per forward argument; keep those of tensors
    const perTensor: (Tensor | null)[] = [];
    args.forEach((a, i) => {
      if (a instanceof Tensor) perTensor.push(list[i] ?? null);
    });
    return perTensor;
  });
  return Array.isArray(raw) ? outs : outs[0];
}

/**
 * Numerical gradient check (float64 inputs): compares the analytical
 * Jacobian (one backward per output element) with central differences.
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[] | Tensor, ...args: unknown[]): boolean {
  const o = parseArgs("gradcheck", args, ["eps", "atol", "rtol", "raise_exception"], {
    eps: 1e-6,
    atol: 1e-5,
    rtol: 1e-3,
    raise_exception: true,
  });
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const out = fn(...ins);
  const nOut = out.numel();
  for (let k = 0; k < ins.length; k++) {
    const x = ins[k]!;
    if (!x.requires_grad) continue;
    const base = x.tolist() as unknown as number[] | number;
    const flat = Array.isArray(base) ? ((base as unknown[]).flat(Infinity as 1) as number[]) : [base as number];
    // analytical: row j of the Jacobian via backward of out.flatten()[j]
    const analytical: number[][] = [];
    for (let j = 0; j < nOut; j++) {
      const y = fn(...ins);
      const g = zeros_like(y).reshape(-1);
      g.getitem(j).fill_(1);
      const grads = grad([y], [x], { grad_outputs: [g.reshape(y.shape.slice())], allow_unused: true });
      analytical.push(grads[0] ? (grads[0].reshape(-1).tolist() as number[]) : flat.map(() => 0));
    }
    for (let i = 0; i < flat.length; i++) {
      const perturb = (d: number) =>
        no_grad(() => {
          const xs = ins.map((t, m) => (m === k ? Tensor_withDelta(t, i, d) : t.detach()));
          return fn(...xs)
            .reshape(-1)
            .tolist() as number[];
        });
      const plus = perturb(o.eps),
        minus = perturb(-o.eps);
      for (let j = 0; j < nOut; j++) {
        const num = (plus[j]! - minus[j]!) / (2 * o.eps);
        const ana = analytical[j]![i]!;
        if (Math.abs(num - ana) > o.atol + o.rtol * Math.abs(num)) {
          if (o.raise_exception)
            throw new TorchError(
              `Jacobian mismatch for output 0 with respect to input ${k}, numerical:${num} analytical:${ana} (element ${i}, output ${j})`,
            );
          return false;
        }
      }
    }
  }
  return true;
}

function Tensor_withDelta(t: Tensor, i: number, d: number): Tensor {
  const c = t.detach().clone();
  const flat = c.reshape(-1);
  flat.getitem(i).add_(d);
  return c;
}

/**
 * Second-order gradient check (PyTorch 1.13's gradgradcheck): gradcheck of the
 * function (inputs, grad_outputs) -> the gradients of func's outputs with
 * respect to its inputs needing grad, computed with create_graph. Without
 * grad_outputs, random ones are drawn as PyTorch draws them (randn_like of each
 * output, requiring grad).
 */
export function gradgradcheck(func: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[] | Tensor, ...args: unknown[]): boolean {
  const o = parseArgs(
    "gradgradcheck",
    args,
    [
      "grad_outputs",
      "eps",
      "atol",
      "rtol",
      "gen_non_contig_grad_outputs",
      "raise_exception",
      "nondet_tol",
      "check_undefined_grad",
      "check_grad_dtypes",
      "check_batched_grad",
      "check_fwd_over_rev",
      "check_rev_over_rev",
      "fast_mode",
    ],
    { grad_outputs: null, eps: 1e-6, atol: 1e-5, rtol: 1e-3, raise_exception: true },
  );
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const asArray = (x: Tensor | Tensor[]): Tensor[] => (Array.isArray(x) ? x : [x]);
  const gos: Tensor[] =
    o.grad_outputs === null
      ? asArray(func(...ins)).map((y) => randn_like(y.is_floating_point() ? y : y.double()).requires_grad_())
      : asArray(o.grad_outputs);
  const n = gos.length;
  // the gradients, flattened into one tensor (this gradcheck compares one output)
  // gradcheck evaluates the function at perturbed, detached copies under no_grad: the inputs that need
  // grad are made to need it again, and the first-order gradients are taken with grad mode on
  const newFunc = (...xs: Tensor[]): Tensor =>
    enable_grad(() => {
      const inputArgs = xs
        .slice(0, xs.length - n)
        .map((x, i) => (ins[i]!.requires_grad && !x.requires_grad ? x.detach().requires_grad_(true) : x));
      const gradOuts = xs.slice(xs.length - n);
      const outs = asArray(func(...inputArgs)).filter((y) => y.requires_grad);
      const diffIns = inputArgs.filter((x) => x.requires_grad);
      const gs = grad(outs, diffIns, { grad_outputs: gradOuts, create_graph: true, allow_unused: true });
      return cat(
        gs.filter((g): g is Tensor => g !== null).map((g) => g.reshape(-1)),
        0,
      );
    });
  return gradcheck(newFunc, [...ins, ...gos], { eps: o.eps, atol: o.atol, rtol: o.rtol, raise_exception: o.raise_exception });
}
