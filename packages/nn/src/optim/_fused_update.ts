// The fused update of one parameter (core's adam_update and sgd_update primitives): one
// kernel computes the new parameter and state buffers, then each is written
// back in place, where the composed Adam update makes ~13 kernel calls and 7
// writes (SGD: 2-6 and 1-2). Same bits as the composed update (prims_optim.ts), so the
// optimizers take it whenever its operands allow and keep the composed path
// for the rest (half precision, complex, mixed dtypes or shapes from a loaded
// state).
import {
  adamUpdateExprs,
  type AdamUpdateAttrs,
  bind,
  sgdUpdateExprs,
  type Device,
  type DType,
  P,
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

/** enabled = false sends every update down the composed path (tests compare the two; bench A/B). */
export const fusedUpdateConfig = { enabled: true };

/** Whether the fused update takes `p` with these buffers: float32 or float64 tensors of one dtype and shape on one device. */
export function fusable(p: Tensor, ...others: (Tensor | undefined)[]): boolean {
  const d = p.dtype.name;
  if (!fusedUpdateConfig.enabled || (d !== "float32" && d !== "float64")) return false;
  for (const t of others) {
    if (!t || t.dtype !== p.dtype || !t.device.equals(p.device) || t.ndim !== p.ndim) return false;
    for (let k = 0; k < p.ndim; k++) if (t.shape[k] !== p.shape[k]) return false;
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
  const outs = bind(P[prim], [p, grad, ...bufs, ...s], attrs);
  p.copy_(outs[0]!);
  for (let k = 0; k < bufs.length; k++) bufs[k]!.copy_(outs[k + 1]!);
  return outs.slice(bufs.length + 1);
}
