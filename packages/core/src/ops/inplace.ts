// In-place ops. Each computes its result out of place, validates it against the
// target (dtype castability, shape), and only then writes: a failed in-place op
// leaves its tensor unchanged. Autograd is rebased onto the new value; writes
// through a view rebase the view's base.
import { nodesRecorded, recordCustom, resaveOverwritten, surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { backendOf } from "../capture_hooks.js";
import { can_cast, int64 } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { is_grad_enabled, set_grad_enabled } from "../grad_mode.js";
import { P } from "../prims.js";
import { broadcastShapes, sameShape, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { isScalar, type TensorOrScalar } from "./args.js";
import { convert, expandTo, scalarOperand, scalarTensor } from "./base.js";
import { checkCopyView } from "./copy_views.js";
import { checkMultiViewWrite } from "../multi_view_errors.js";
import { reshape } from "./shape.js";
import { writeViewBox } from "../view_box.js";
import { nonDifferentiableView, reinterpretsStorage, writeThroughReinterpret } from "../view_reinterpret.js";

function checkLeaf(op: string, target: Tensor): void {
  if (is_grad_enabled() && target.requires_grad && target.is_leaf) {
    throw new TorchError(`${op}: a leaf Variable that requires grad is being used in an in-place operation.`);
  }
  if (target._base && is_grad_enabled() && target._base.requires_grad && target._base.is_leaf && !nonDifferentiableView(target)) {
    throw new TorchError(`${op}: a view of a leaf Variable that requires grad is being used in an in-place operation.`);
  }
}

/**
 * PyTorch refuses elementwise writes into a tensor some of whose elements share
 * one memory location (a view made by expand: a stride of 0 over a dimension of
 * size > 1), since which of the aliased results lands is undefined. Only a view
 * can alias itself. fill_ and zero_ (one value everywhere) are allowed, as in PyTorch.
 */
export function checkNoInternalOverlap(op: string, target: Tensor): void {
  if (!target._base) return;
  const st = target.stride(),
    sh = target.shape;
  for (let d = 0; d < sh.length; d++) {
    if (st[d] === 0 && sh[d]! > 1) {
      throw new TorchError(
        `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.`,
      );
    }
  }
}

/** Write `value` into `target` (same shape after broadcasting), converting dtype. */
export function assign(op: string, target: Tensor, value: Tensor, opts?: { allowCast?: boolean }): Tensor {
  checkCopyView(op, target);
  if (!(opts !== undefined && opts.allowCast) && value.dtype !== target.dtype && !can_cast(value.dtype, target.dtype)) {
    throw new TorchError(
      `${op}: result type ${value.dtype.scalarName} can't be cast to the desired output type ${target.dtype.scalarName}`,
    );
  }
  if (!sameShape(value.shape, target.shape)) {
    const shape = broadcastShapes(op, target.shape, value.shape);
    if (!sameShape(shape, target.shape))
      throw new TorchError(`${op}: output with shape ${shapeStr(target.shape)} doesn't match the broadcast shape ${shapeStr(shape)}`);
  }
  checkLeaf(op, target);
  checkMultiViewWrite(target, value);
  if (target.device !== value.device && !target.device.equals(value.device)) value = value.to(target.device);
  const v = expandTo(convert(value, target.dtype), target.shape);
  backendOf(target.device).write(target, v);
  target._vc.v++;
  rebaseHistory(op, target, v);
  return target;
}

/** After an in-place write, the target's gradient history is the value's. */
function rebaseHistory(op: string, target: Tensor, v: Tensor): void {
  if (!is_grad_enabled() || (!v.requires_grad && !target.requires_grad && !target._base?.requires_grad)) return;
  if (!target.dtype.is_floating_point && !target.dtype.is_complex) return;
  // a view through view(dtype) is no autograd view of its input (PyTorch's): the write is the target's own
  const base = nonDifferentiableView(target) ? null : target._base;
  if (!base) {
    const name = `${camel(op)}Backward0`;
    if (v.requires_grad) {
      if (v.grad_fn) target._setGradFn(v.grad_fn, v._outIndex);
      else recordCustom(name, [v], [target], (cts) => [cts[0] ?? null]);
    } else if (target.grad_fn) {
      // Overwritten by a constant: the old history receives no gradient.
      const old = target._detachedAlias();
      old._setGradFn(target.grad_fn, target._outIndex);
      recordCustom(name, [old], [target], () => [null]);
    }
    return;
  }
  // Write through a view: the base's new value is the old base with the view's
  // positions replaced (a scatter of v), so gradients reach both. Where the device
  // knows the view is a box of the base (the xla device: view_box.ts), one windowed
  // scatter, whose VJP is a windowed gather and scatter; else a scatter of every
  // element's position.
  // a view that reinterprets storage (view_as_real, real/imag, view_as_complex): scatter and bitcast back, step by step
  const reint = reinterpretsStorage(target);
  const box = !reint && sameShape(v.shape, target.shape) ? (backendOf(base.device).viewBox?.(target) ?? null) : null;
  const positions =
    box || reint
      ? null
      : target._viewFn!(reshape(bind1(P.iota!, [], { shape: [base.numel()], dim: 0, dtype: int64 }, base.device), base.shape.slice()));
  surface(op, () => {
    const src = base.requires_grad ? base : base.detach();
    const nb = reint
      ? writeThroughReinterpret(src, target, v)!
      : box
        ? writeViewBox(src, v, box)
        : reshape(bind1(P.scatter!, [reshape(src, [-1]), reshape(positions!, [-1, 1]), reshape(v, [-1])], { reduce: "none" }), [
            ...base.shape,
          ]);
    base._setGradFn(nb.grad_fn!, nb._outIndex);
    const nv = target._viewFn!(nb);
    target._setGradFn(nv.grad_fn!, nv._outIndex);
  });
}

const camel = (s: string) =>
  s
    .replace(/_$/, "")
    .split("_")
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

let writeDepth = 0;
/**
 * Runs one in-place op on `target`: the device hears of the write before the
 * op reads anything (see DeviceBackend.willWrite). Nested writes (setitem's
 * copy_, an in-place op built from another) are part of the outer one.
 */
export function writing<T>(target: Tensor, body: () => T): T {
  if (writeDepth === 0) backendOf(target.device).willWrite?.(target);
  writeDepth++;
  try {
    return body();
  } finally {
    if (--writeDepth === 0) backendOf(target.device).didWrite?.(target);
  }
}

// a method signature, so functions with narrower parameters (the ops) are assignable
type Fn = { method(...a: unknown[]): unknown }["method"];
/**
 * inplace(op, target, () => f(target, ...args)) without closures (the in-place
 * methods): `n` arguments, the first two in a0/a1, all of them in `rest` when more.
 */
export function inplaceCall(op: string, target: Tensor, f: Fn, n: number, a0: unknown, a1: unknown, rest: unknown[] | null): Tensor {
  checkNoInternalOverlap(op, target);
  if (writeDepth === 0) backendOf(target.device).willWrite?.(target);
  writeDepth++;
  try {
    checkLeaf(op, target);
    const since = nodesRecorded();
    const v = (n === 0 ? f(target) : n === 1 ? f(target, a0) : n === 2 ? f(target, a0, a1) : f(target, ...rest!)) as Tensor;
    // (nothing recorded, as under no_grad: no argument to look at)
    if (v.grad_fn && v.grad_fn.seq > since && !(n > 2 ? rest!.some((a) => aliases(a, target)) : aliases(a0, target) || aliases(a1, target)))
      saveOldValue(target, v, since);
    assign(op, target, v);
    saveResult(target, v, since);
    return target;
  } finally {
    if (--writeDepth === 0) backendOf(target.device).didWrite?.(target);
  }
}

/**
 * Nodes that computing `v` recorded and that saved `target` get a copy of its
 * value before the write (PyTorch's original_self): `y.mul_(w)` saves y's old
 * value for w's gradient, and the write must not invalidate it.
 */
function saveOldValue(target: Tensor, v: Tensor, since: number): void {
  const fn = v.grad_fn;
  if (!fn || fn.seq <= since || !is_grad_enabled()) return;
  resaveOverwritten(fn, since, target, () => {
    set_grad_enabled(false);
    let c: Tensor;
    try {
      c = bind1(P.copy!, [target]);
    } finally {
      set_grad_enabled(true);
    }
    // the copy stands for the old value in the graph (double backward differentiates through it)
    if (target.grad_fn) c._setGradFn(target.grad_fn, target._outIndex);
    return c;
  });
}

/**
 * When the write made `v`'s node the target's grad_fn (no view, no dtype
 * conversion) and that node saved `v` (sigmoid_'s result), it saved the
 * target as written: a later write to it then fails at backward, as PyTorch's.
 */
function saveResult(target: Tensor, v: Tensor, since: number): void {
  const fn = v.grad_fn;
  if (fn && fn.seq > since && target.grad_fn === fn && target._outIndex === v._outIndex) fn._resaveOutput(v, target);
}

/**
 * Whether an argument (or a keyword's value) is `target` or a view of its
 * storage: PyTorch saves such an operand as it is (only self is copied), so
 * `y.mul_(y)` fails at backward as there.
 */
function aliases(a: unknown, target: Tensor): boolean {
  if (a instanceof Tensor) return a._vc === target._vc;
  if (a !== null && typeof a === "object" && !Array.isArray(a))
    for (const k in a)
      if ((a as Record<string, unknown>)[k] instanceof Tensor && (a as Record<string, Tensor>)[k]!._vc === target._vc) return true;
  return false;
}

/** Runs `compute` out of place and writes the result into `target`. */
export function inplace(op: string, target: Tensor, compute: () => Tensor): Tensor {
  checkNoInternalOverlap(op, target);
  return writing(target, () => {
    checkLeaf(op, target);
    const since = nodesRecorded();
    const v = compute();
    saveOldValue(target, v, since);
    assign(op, target, v);
    saveResult(target, v, since);
    return target;
  });
}

export function copy_(target: Tensor, src: TensorOrScalar): Tensor {
  const s = src instanceof Tensor ? src : isScalar(src) ? scalarTensor(src, target.dtype, target.device) : null;
  if (!s) throw new TorchError(`copy_(): argument 'src' must be Tensor`);
  checkNoInternalOverlap("copy_", target);
  return writing(target, () => assign("copy_", target, s, { allowCast: true }));
}

export function fill_(target: Tensor, value: TensorOrScalar): Tensor {
  if (value instanceof Tensor && value.ndim !== 0)
    throw new TorchError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
  // assign copies the scalar's value in, never the tensor itself: the shared operand is safe here
  const s = value instanceof Tensor ? value : scalarOperand(value, target.dtype, target.device);
  return writing(target, () => assign("fill_", target, s, { allowCast: true }));
}
export const zero_ = (t: Tensor) => fill_(t, 0);
