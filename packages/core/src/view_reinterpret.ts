// Writes through views that reinterpret their storage. view(dtype),
// view_as_real, view_as_complex and real/imag of a complex tensor are one
// bitcast_convert (a view primitive: on cpu a typed array over the same bytes)
// plus ordinary views; a write through such a view cannot be found as the
// positions of an iota of the base viewed the same way (an iota has no bits to
// reinterpret), so the new base is computed step by step backwards: scatter
// the value into the tensor the ordinary views were taken of (an iota of *its*
// shape gives the positions), bitcast that back (bitcast is a bijection on the
// bytes: the inverse of view_as_real is view_as_complex, of real a complex of
// the new real parts and the old imaginary ones), and so on up to the base.
// Used by the xla device's write (the new base value), by the in-place ops'
// autograd rebase (the same computation, differentiable through the scatters
// and the differentiable bitcasts) and by torch.compile's traced writes.
import { bind1, type ViewFn, type ViewStep } from "./dispatch.js";
import { int64 } from "./dtype_all.js";
import { P } from "./prims.js";
import type { Tensor } from "./tensor.js";
import { reshape } from "./ops/shape.js";

/** The steps from the first reinterpreting one to the target's, and the plain view chain before them (null: the base itself). */
function chainOf(target: Tensor): { prefix: ViewFn | null; steps: ViewStep[] } | null {
  let f = target._viewFn as ViewFn | null;
  if (!f?.step) return null;
  const steps: ViewStep[] = [];
  while (f?.step) {
    steps.push(f.step);
    f = f.step.parent;
  }
  return { prefix: f, steps: steps.reverse() };
}

/** Whether a write to `target` goes through a reinterpreting view (then writeThroughReinterpret computes the base). */
export const reinterpretsStorage = (target: Tensor): boolean => (target._viewFn as ViewFn | null)?.step !== undefined;

/**
 * Whether `target` is a view through view(dtype), which PyTorch does not differentiate (its result is no
 * autograd view of its input: a write through it changes the values but not the input's history).
 */
export function nonDifferentiableView(target: Tensor): boolean {
  for (let f = target._viewFn as ViewFn | null; f?.step; f = f.step.parent)
    if (f.step.prim.name === "bitcast_convert" && !(f.step.attrs as { grad?: boolean }).grad) return true;
  return false;
}

const applyStep = (s: ViewStep, t: Tensor): Tensor => (s.apply ? s.apply(t) : bind1(s.prim, [t], s.attrs));

/** `x` with the elements that `steps` (plain view primitives) select replaced by `value`: a scatter at an iota's viewed positions. */
function scatterInto(x: Tensor, steps: readonly ViewStep[], value: Tensor): Tensor {
  if (steps.length === 0) return value;
  let pos = iotaOf(x);
  for (const s of steps) pos = applyStep(s, pos);
  return scatterAt(x, pos, value);
}
const iotaOf = (x: Tensor) => reshape(bind1(P.iota, [], { shape: [x.numel()], dim: 0, dtype: int64 }, x.device), x.shape.slice());
/** x with the elements at flat positions `pos` replaced by `value` (pos's shape). */
const scatterAt = (x: Tensor, pos: Tensor, value: Tensor) =>
  reshape(bind1(P.scatter, [reshape(x, [-1]), reshape(pos, [-1, 1]), reshape(value, [-1])], { reduce: "none" }), x.shape.slice());

/**
 * The new value of `target`'s base after writing `value` (target's shape and dtype) through it, when
 * the view chain reinterprets storage; null for plain view chains (the callers' own scatter or box).
 * Differentiable where autograd is on (the bitcasts of view_as_real/complex and real/imag are).
 */
export function writeThroughReinterpret(base: Tensor, target: Tensor, value: Tensor): Tensor | null {
  const chain = chainOf(target);
  if (!chain) return null;
  const { prefix, steps } = chain;
  // the intermediate tensors: xs[0] is the plain view of the base the first bitcast reads
  const xs: Tensor[] = [prefix ? prefix(base) : base];
  for (const s of steps) xs.push(applyStep(s, xs[xs.length - 1]!));
  let cur = value;
  let end = steps.length;
  for (let i = steps.length - 1; i >= -1; i--) {
    if (i >= 0 && steps[i]!.prim.name !== "bitcast_convert") continue;
    // steps i+1 .. end-1 are plain views of xs[i+1]: scatter the value there
    cur = scatterInto(xs[i + 1]!, steps.slice(i + 1, end), cur);
    if (i < 0) break;
    // back through the bitcast (a dense operand: the cpu kernel reinterprets contiguous bytes)
    const s = steps[i]!;
    cur = bind1(s.prim, [bind1(P.copy, [cur])], { ...(s.attrs as object), dtype: xs[i]!.dtype });
    end = i;
  }
  if (!prefix) return cur;
  // a plain view chain from the base to xs[0]: one scatter at its positions in the base
  return scatterAt(base, prefix(iotaOf(base)), cur);
}
