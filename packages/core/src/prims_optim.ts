// Fused optimizer updates (PyTorch's foreach/fused Adam and SGD): one primitive per
// update rule, taking a parameter, its gradient and its state buffers and
// returning their new values in one pass, where the composed update is about
// 13 kernels and 7 writes per parameter. Not differentiable (an optimizer
// step runs under no_grad, as PyTorch's). The math is the composed path's,
// op for op and rounded in the element type after each op, so results are
// bit-identical to it: the CPU kernel (cpu/src/kernels/optim_update.ts)
// evaluates the same expression tree, and the lowering
// (lazy/src/lower_optim.ts) emits the same StableHLO ops. Hyperparameters are
// 0-d operands (Primitive.scalarOperands), not attributes, so on the xla
// device and inside torch.compile a scheduler's lr or the step count is a
// runtime input and a new value compiles nothing.
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const OPTIM_PRIMS = ["adam_update", "sgd_update"] as const;

/**
 * adam_update's attributes. decay: "l2" adds weight_decay * param to the
 * gradient (Adam), "decoupled" multiplies the parameter by (1 - lr *
 * weight_decay) first (AdamW), "none" neither; maximize negates the gradient;
 * amsgrad takes a fifth tensor, max_exp_avg_sq, and returns its new value.
 */
export interface AdamUpdateAttrs {
  decay: "none" | "l2" | "decoupled";
  amsgrad: boolean;
  maximize: boolean;
}

/**
 * adam_update's hyperparameters, each of the parameter's dtype: decay is
 * weight_decay ("l2") or 1 - lr * weight_decay ("decoupled");
 * bias_correction2_sqrt = sqrt(1 - beta2^step); neg_step_size = -lr / (1 -
 * beta1^step). The primitive takes those its expressions read, in this
 * order, as 0-d operands after the tensors (UpdateForm.scalars): no unused
 * operand, so none is a dead graph input on xla.
 */
export const ADAM_SCALARS = [
  "decay",
  "beta1",
  "one_minus_beta1",
  "beta2",
  "one_minus_beta2",
  "bias_correction2_sqrt",
  "eps",
  "neg_step_size",
] as const;

/** The tensors adam_update takes (and returns): param, grad (taken only), exp_avg, exp_avg_sq[, max_exp_avg_sq]. */
export const adamTensorCount = (a: AdamUpdateAttrs): number => (a.amsgrad ? 5 : 4);

/**
 * An update's value as an expression over the operands: an operand's index,
 * or [primitive, ...operands] with an elementwise primitive (neg, add,
 * multiply, divide, sqrt, maximum). The CPU kernel and the lowering both
 * evaluate these, so the two cannot drift apart.
 */
export type UpdateExpr = number | [string, ...UpdateExpr[]];

/** An update primitive's outputs as expressions, and the names of the 0-d operands they read, in operand order. */
export interface UpdateForm {
  exprs: UpdateExpr[];
  scalars: string[];
}

/**
 * The form `build` describes over `nT` tensor operands and the hyperparameters
 * it names with S (those named, in `all`'s order, become the 0-d operands).
 */
function formOf(nT: number, all: readonly string[], build: (S: (name: string) => UpdateExpr) => UpdateExpr[]): UpdateForm {
  const used = new Set<string>();
  build((n) => {
    used.add(n);
    return 0;
  });
  const scalars = all.filter((n) => used.has(n));
  return { exprs: build((n) => nT + scalars.indexOf(n)), scalars };
}

/**
 * The outputs of adam_update as expressions (and the hyperparameters they read), written as the composed update
 * in nn/src/optim/adam.ts computes them op by op:
 *   grad = maximize ? -grad : grad;  (l2) grad = grad + param * weight_decay
 *   (decoupled) param = param * (1 - lr * weight_decay)
 *   exp_avg = exp_avg * beta1 + grad * (1 - beta1)
 *   exp_avg_sq = exp_avg_sq * beta2 + (grad * (1 - beta2)) * grad
 *   (amsgrad) max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq)
 *   denom = sqrt(amsgrad ? max_exp_avg_sq : exp_avg_sq) / bias_correction2_sqrt + eps
 *   param = param + (exp_avg * neg_step_size) / denom
 */
/** Forms by attributes (each built once: the shape rule and the kernel ask at every call). */
const forms = new Map<string, UpdateForm>();
const cached = (key: string, make: () => UpdateForm): UpdateForm => {
  let f = forms.get(key);
  if (!f) forms.set(key, (f = make()));
  return f;
};

export const adamUpdateExprs = (a: AdamUpdateAttrs): UpdateForm =>
  cached(`adam|${a.decay}|${a.amsgrad}|${a.maximize}`, () => formOf(adamTensorCount(a), ADAM_SCALARS, (S) => adamExprs(a, S)));

function adamExprs(a: AdamUpdateAttrs, S: (name: (typeof ADAM_SCALARS)[number]) => UpdateExpr): UpdateExpr[] {
  let g: UpdateExpr = a.maximize ? ["neg", 1] : 1;
  if (a.decay === "l2") g = ["add", g, ["multiply", 0, S("decay")]];
  const m: UpdateExpr = ["add", ["multiply", 2, S("beta1")], ["multiply", g, S("one_minus_beta1")]];
  const v: UpdateExpr = ["add", ["multiply", 3, S("beta2")], ["multiply", ["multiply", g, S("one_minus_beta2")], g]];
  const mx: UpdateExpr | null = a.amsgrad ? ["maximum", 4, v] : null;
  const denom: UpdateExpr = ["add", ["divide", ["sqrt", mx ?? v], S("bias_correction2_sqrt")], S("eps")];
  const p0: UpdateExpr = a.decay === "decoupled" ? ["multiply", 0, S("decay")] : 0;
  const p: UpdateExpr = ["add", p0, ["divide", ["multiply", m, S("neg_step_size")], denom]];
  return mx ? [p, m, v, mx] : [p, m, v];
}

/**
 * sgd_update's attributes: weight_decay adds weight_decay * param to the
 * gradient; momentum "none" (plain SGD), "first" (the buffer starts as the
 * gradient: the first step), or "buffer" (a third tensor, momentum_buffer,
 * decays and accumulates); nesterov steps by grad + momentum * buffer;
 * maximize negates the gradient.
 */
export interface SgdUpdateAttrs {
  weight_decay: boolean;
  momentum: "none" | "first" | "buffer";
  nesterov: boolean;
  maximize: boolean;
}

/** sgd_update's hyperparameters, each of the parameter's dtype; the 0-d operands are those its expressions read, in this order. */
export const SGD_SCALARS = ["weight_decay", "momentum", "one_minus_dampening", "neg_lr"] as const;

/** The tensors sgd_update takes: param, grad[, momentum_buffer]. */
export const sgdTensorCount = (a: SgdUpdateAttrs): number => (a.momentum === "buffer" ? 3 : 2);

/**
 * The outputs of sgd_update (param, and the momentum buffer unless momentum
 * is "none"), and the hyperparameters they read, as the composed update in nn/src/optim/sgd.ts computes them:
 *   d_p = maximize ? -grad : grad;  (weight_decay) d_p = d_p + param * weight_decay
 *   (first) buf = d_p;  (buffer) buf = buf * momentum + d_p * (1 - dampening)
 *   (momentum) d_p = nesterov ? d_p + buf * momentum : buf
 *   param = param + d_p * -lr
 */
export const sgdUpdateExprs = (a: SgdUpdateAttrs): UpdateForm =>
  cached(`sgd|${a.weight_decay}|${a.momentum}|${a.nesterov}|${a.maximize}`, () =>
    formOf(sgdTensorCount(a), SGD_SCALARS, (S) => sgdExprs(a, S)),
  );

function sgdExprs(a: SgdUpdateAttrs, S: (name: (typeof SGD_SCALARS)[number]) => UpdateExpr): UpdateExpr[] {
  let d: UpdateExpr = a.maximize ? ["neg", 1] : 1;
  if (a.weight_decay) d = ["add", d, ["multiply", 0, S("weight_decay")]];
  let buf: UpdateExpr | null = null;
  if (a.momentum === "first") buf = d;
  else if (a.momentum === "buffer") buf = ["add", ["multiply", 2, S("momentum")], ["multiply", d, S("one_minus_dampening")]];
  if (buf !== null) d = a.nesterov ? ["add", d, ["multiply", buf, S("momentum")]] : buf;
  const p: UpdateExpr = ["add", 0, ["multiply", d, S("neg_lr")]];
  return buf === null ? [p] : [p, buf];
}

/** Checks the operands of an update primitive: `nT` tensors of the parameter's shape, then `nS` 0-d ones, all of its dtype. */
function checkUpdateOperands(name: string, ins: readonly AVal[], nT: number, nS: number): void {
  const p = ins[0]!;
  if (ins.length !== nT + nS) throw new Error(`${name}: expected ${nT + nS} operands, got ${ins.length}`);
  for (let i = 0; i < ins.length; i++) {
    const x = ins[i]!;
    const shapeOk = i < nT ? x.shape.length === p.shape.length && x.shape.every((d, k) => d === p.shape[k]) : x.shape.length === 0;
    if (x.dtype !== p.dtype || !shapeOk || (p.dtype.name !== "float32" && p.dtype.name !== "float64"))
      throw new Error(`${name}: operand ${i} must be ${i < nT ? "the parameter's shape" : "0-d"} and float32 or float64 as the parameter`);
  }
}

export function defineOptimPrims(P: Record<string, Primitive>): void {
  /**
   * (param, grad, exp_avg, exp_avg_sq[, max_exp_avg_sq], ...hyperparameters) ->
   * (param, exp_avg, exp_avg_sq[, max_exp_avg_sq]) updated, PyTorch 1.13's
   * _single_tensor_adam(w): float32 or float64 tensors of one shape.
   */
  P.adam_update = definePrimitive<AdamUpdateAttrs>({
    name: "adam_update",
    abstract: (ins, a): AVal[] => {
      checkUpdateOperands("adam_update", ins, adamTensorCount(a), adamUpdateExprs(a).scalars.length);
      return Array.from({ length: adamTensorCount(a) - 1 }, () => ({ shape: ins[0]!.shape, dtype: ins[0]!.dtype }));
    },
    scalarOperands: true,
  });
  /**
   * (param, grad[, momentum_buffer], ...hyperparameters) -> (param[, momentum_buffer])
   * updated, PyTorch 1.13's _single_tensor_sgd: float32 or float64 tensors of one shape.
   */
  P.sgd_update = definePrimitive<SgdUpdateAttrs>({
    name: "sgd_update",
    abstract: (ins, a): AVal[] => {
      checkUpdateOperands("sgd_update", ins, sgdTensorCount(a), sgdUpdateExprs(a).scalars.length);
      const o = { shape: ins[0]!.shape, dtype: ins[0]!.dtype };
      return a.momentum === "none" ? [o] : [o, { ...o }];
    },
    scalarOperands: true,
  });
}
