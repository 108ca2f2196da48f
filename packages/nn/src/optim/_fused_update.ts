// The fused update of one parameter (core's adam_update and sgd_update primitives): one
// kernel computes the new parameter and state buffers, then each is written
// back in place, where the composed Adam update makes ~13 kernel calls and 7
// writes (SGD: 2-6 and 1-2); a device that can (the eager cpu device) has the
// kernel store them into the tensors themselves, with no new arrays and no
// copies. Same bits as the composed update (prims_optim.ts), so the
// optimizers take it whenever its operands allow and keep the composed path
// for the rest (half precision, complex, mixed dtypes or shapes from a loaded
// state, a gradient or buffer sharing memory with another operand).
import {
  adamUpdateExprs,
  type AdamUpdateAttrs,
  backendOf,
  bind,
  is_grad_enabled,
  sgdUpdateExprs,
  type Device,
  type DType,
  P,
  type Primitive,
  scalarTensor,
  type SgdUpdateAttrs,
  type Tensor,
} from "@xlatorch/core";

/** A hyperparameter: a number (eager), or a live 0-d tensor (torch.compile's capture, core's liveScalar). */
export type Hyper = number | Tensor;

/**
 * The 0-d operands of one optimizer step, shared by its parameters: every
 * parameter of a group multiplies by the same few values. A new table per
 * step, so no tensor outlives the step (a device's buffers may change
 * between steps); the tensors are only ever operands of the update.
 */
export class StepScalars {
  // scanned by identity (a step has a handful of values; a string key per lookup cost more than the scan)
  private readonly made: { v: number; dtype: DType; device: Device; t: Tensor }[] = [];
  get(v: Hyper, dtype: DType, device: Device): Tensor {
    if (typeof v !== "number") return v;
    for (const e of this.made) if (Object.is(e.v, v) && e.dtype === dtype && (e.device === device || e.device.equals(device))) return e.t;
    const t = scalarTensor(v, dtype, device);
    this.made.push({ v, dtype, device, t });
    return t;
  }
}

/**
 * enabled = false sends every update down the composed path; inPlace = false keeps the fused update
 * out of place (bind, then copy_) where the device could write it in place (tests compare them; bench A/B).
 */
export const fusedUpdateConfig = { enabled: true, inPlace: true };

/**
 * Whether the fused update takes `p` with these operands (its gradient first, then its buffers; a
 * buffer it lacks is passed as p or as another operand again): float32 or float64 tensors of one
 * dtype and shape on one device, no two of them sharing memory (a version counter: a view or a
 * detach() alias). PyTorch's update is op by op, each in place, so where a gradient or buffer is
 * the parameter's or another buffer's memory a later op reads what an earlier one wrote (AdamW's
 * decayed parameter as the gradient, a momentum buffer that is the gradient): the composed path
 * does the same, the fused one would read every operand as it was before the step.
 */
export function fusable(p: Tensor, ...others: (Tensor | undefined)[]): boolean {
  const d = p.dtype.name;
  if (!fusedUpdateConfig.enabled || (d !== "float32" && d !== "float64")) return false;
  // (the gradient is never a stand-in: the parameter or a buffer that is it shares its memory)
  if (others[0] === p || others.indexOf(others[0], 1) > 0) return false;
  for (let i = 0; i < others.length; i++) {
    const t = others[i];
    if (!t || t.dtype !== p.dtype || !t.device.equals(p.device) || t.ndim !== p.ndim) return false;
    for (let k = 0; k < p.ndim; k++) if (t.shape[k] !== p.shape[k]) return false;
    if (t !== p && t._vc === p._vc) return false;
    for (let j = 0; j < i; j++) if (others[j] !== t && others[j]!._vc === t._vc) return false;
  }
  return true;
}

/**
 * One fused update of `p` (core's prims_optim.ts: adam_update, sgd_update):
 * the new parameter is written into `p` and the next outputs into `bufs`, in
 * place; outputs beyond `bufs` (SGD's first momentum buffer) are returned.
 * `hypers` gives each hyperparameter by name; only those the update reads
 * are asked for (a live scalar made for nothing would be a dead graph input).
 */
export function fusedUpdate_(
  prim: "adam_update" | "sgd_update",
  p: Tensor,
  grad: Tensor,
  bufs: Tensor[],
  attrs: AdamUpdateAttrs | SgdUpdateAttrs,
  hypers: Record<string, () => Hyper>,
  made: StepScalars,
): Tensor[] {
  const form = prim === "adam_update" ? adamUpdateExprs(attrs as AdamUpdateAttrs) : sgdUpdateExprs(attrs as SgdUpdateAttrs);
  const s = form.scalars.map((n) => made.get(hypers[n]!(), p.dtype, p.device));
  const ins = [p, grad, ...bufs, ...s];
  if (fusedUpdateConfig.inPlace && writesInPlace(P[prim]!, ins, attrs, p, bufs)) return [];
  const outs = bind(P[prim], ins, attrs);
  p.copy_(outs[0]!);
  for (let k = 0; k < bufs.length; k++) bufs[k]!.copy_(outs[k + 1]!);
  return outs.slice(bufs.length + 1);
}

/**
 * The update written by the device straight into p and bufs (DeviceBackend.updateInPlace: the eager
 * cpu device), with what p.copy_(...) and bufs[k].copy_(...) do besides the write: each version counter
 * moves (a tensor saved for backward before the step is then refused, as after copy_). Taken only
 * where copy_ would do nothing else: grad mode off (an optimizer's step: no leaf check, no history to
 * rebase) and no target a view (no view checks, no write through to a base); and only where every
 * output has its tensor (SGD's first momentum step returns a new buffer: out of place). A capture
 * (torch.compile) records through its own backend, which has no such hook.
 */
function writesInPlace(prim: Primitive, ins: Tensor[], attrs: unknown, p: Tensor, bufs: Tensor[]): boolean {
  if (is_grad_enabled() || p._base !== null) return false;
  for (const b of bufs) if (b._base !== null) return false;
  const backend = backendOf(p.device);
  if (backend.updateInPlace === undefined) return false;
  const targets = [p, ...bufs];
  if (!backend.updateInPlace(prim, ins, attrs, targets)) return false;
  for (const t of targets) t._vc.v++;
  return true;
}
