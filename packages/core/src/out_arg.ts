// PyTorch's `out=` keyword, for every function whose PyTorch signature takes
// one (signatures.json marks those overloads `out: "Tensor"` or `out:
// "tuple"`): torch.add(a, b, {out: c}), torch.max(x, 1, {out: [v, i]}),
// torch.linalg.inv(A, {out: B}). One rule for all of them, applied by the
// argument parser (signature.ts) around the function itself: the result is
// computed as without out=, then written into the given tensors as an in-place
// op writes (ops/inplace.ts's assign: dtype castability, internal overlap and
// device checked, version counter bumped), after resizing an out tensor whose
// shape differs (PyTorch's resize_output, with its deprecation warning when
// the tensor had elements). The given tensors are returned (a tuple of them,
// named as the function's result is). Nothing is written when a check fails.
import { can_cast } from "./dtype_all.js";
import { TorchError, TorchTypeError } from "./errors.js";
import { is_grad_enabled, no_grad } from "./grad_mode.js";
import { describe } from "./ops/args.js";
import { assign, checkNoInternalOverlap } from "./ops/inplace.js";
import { sameShape, shapeStr } from "./shape.js";
import { Tensor } from "./tensor.js";

/** What an overload's `out=` takes: one tensor, or one per result. */
export type OutKind = "Tensor" | "tuple";

/** The tensors of `out`, checked against the kind the overload declares (PyTorch's parser's TypeError otherwise). */
export function outTensors(op: string, kind: OutKind, out: unknown): Tensor[] {
  if (kind === "Tensor") {
    if (!(out instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'out' must be Tensor, not ${describe(out)}`);
    return [out];
  }
  if (!Array.isArray(out) || !out.every((t) => t instanceof Tensor))
    throw new TorchTypeError(`${op}(): argument 'out' must be tuple of Tensors, not ${describe(out)}`);
  return out as Tensor[];
}

/** out= variants have no derivative in PyTorch: refused while grad mode is on and any argument (out included) requires grad. */
export function checkOutAutograd(op: string, args: readonly unknown[], outs: readonly Tensor[]): void {
  if (!is_grad_enabled()) return;
  const requires = (v: unknown): boolean =>
    v instanceof Tensor
      ? v.requires_grad
      : Array.isArray(v)
        ? v.some(requires)
        : v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype && Object.values(v).some(requires);
  if (outs.some((t) => t.requires_grad) || args.some(requires))
    throw new TorchError(
      `${op}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`,
    );
}

const warnedResize = new Set<string>();

/**
 * Writes `result` (a tensor, or a tuple of them) into `outs` and returns what PyTorch returns: the out tensor(s).
 * `factory`: a factory resizes its out silently (PyTorch's zeros_out resizes without resize_output's warning).
 */
export function writeOut(op: string, result: unknown, outs: readonly Tensor[], factory = false): unknown {
  const results = result instanceof Tensor ? [result] : Array.isArray(result) ? (result as unknown[]) : null;
  if (!results || results.length !== outs.length || !results.every((r) => r instanceof Tensor))
    throw new TorchError(
      `${op}(): expected out= to hold ${results ? results.length : 1} tensor(s), one per result, but got ${outs.length}`,
    );
  const rs = results as Tensor[];
  // every check before any write, so a failing out= leaves every given tensor as it was
  for (let i = 0; i < rs.length; i++) {
    const o = outs[i]!,
      r = rs[i]!;
    if (!o.device.equals(r.device))
      throw new TorchError(`${op}(): Expected out tensor to have device ${r.device}, but got ${o.device} instead`);
    checkNoInternalOverlap(op, o);
    if (o.dtype !== r.dtype && !can_cast(r.dtype, o.dtype))
      throw new TorchError(`${op}: result type ${r.dtype.scalarName} can't be cast to the desired output type ${o.dtype.scalarName}`);
  }
  no_grad(() => {
    for (let i = 0; i < rs.length; i++) {
      const o = outs[i]!,
        r = rs[i]!;
      if (!sameShape(o.shape, r.shape)) {
        if (o.numel() > 0 && !factory && !warnedResize.has(op)) {
          warnedResize.add(op);
          console.warn(
            `UserWarning: An output with one or more elements was resized since it had shape ${shapeStr(o.shape)}, which does not match the required output shape ${shapeStr(r.shape)}. This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).`,
          );
        }
        o.resize_(r.shape as number[]);
      }
      assign(op, o, r);
    }
  });
  if (result instanceof Tensor) return outs[0];
  // a tuple result keeps its names (values/indices, eigenvalues/eigenvectors), now naming the out tensors
  const named = [...outs] as Tensor[] & Record<string, Tensor>;
  for (const [k, v] of Object.entries(result as object)) {
    const i = rs.indexOf(v as Tensor);
    if (i >= 0 && !/^\d+$/.test(k)) named[k] = outs[i]!;
  }
  return named;
}
