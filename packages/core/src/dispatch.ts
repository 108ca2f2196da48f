// bind: apply a primitive to tensors on their device and record it for autograd.
import { currentOp, record } from "./autograd.js";
import { backendOf } from "./capture_hooks.js";
import { Device } from "./device.js";
import type { DType, HostArray } from "./dtype.js";
import { TorchError } from "./errors.js";
import { multiViewWritten } from "./multi_view_errors.js";
import { is_grad_enabled } from "./grad_mode.js";
import type { Primitive } from "./primitive.js";
import { sameShape, Size, type Shape } from "./shape.js";
import { Tensor } from "./tensor.js";

/** The attributes of a primitive called without any (shared: attributes are never mutated). */
const NO_ATTRS = Object.freeze({});

export function bind(prim: Primitive, inputs: readonly Tensor[], attrs: unknown = NO_ATTRS, dev?: Device): Tensor[] {
  const n = inputs.length;
  const device = n > 0 ? inputs[0]!.device : dev;
  if (!device) throw new Error(`${prim.name}: no device`);
  let needsGrad = false;
  for (let i = 0; i < n; i++) {
    const t = inputs[i]!;
    if (t.device !== device && !t.device.equals(device)) {
      throw new TorchError(
        `Expected all tensors to be on the same device, but found at least two devices, ${device} and ${t.device}! (when checking arguments for ${currentOp() ?? prim.name})`,
      );
    }
    if (t._disposed) throw new TorchError(`${prim.name}: tensor was disposed`);
    if (t.requires_grad) needsGrad = true;
  }
  if (needsGrad) for (let i = 0; i < n; i++) refreshViewGrad(inputs[i]!);
  // A tensor is an AVal ({shape, dtype}); shape rules read only those two fields.
  const outs = prim.abstract(inputs, attrs);
  const payloads = backendOf(device).run(prim, inputs, attrs, outs);
  const m = payloads.length;
  const results = new Array<Tensor>(m);
  const isView = prim.isView === true;
  for (let i = 0; i < m; i++) {
    const o = outs[i]!;
    let shape = o.shape;
    // an output shaped like the first input shares its Size (no copy, no freeze)
    if (n > 0 && !(shape instanceof Size) && sameShape(shape, inputs[0]!.shape)) shape = inputs[0]!.shape;
    // a view shares its source's version counter
    results[i] = new Tensor(payloads[i], shape, o.dtype, device, isView && i === 0 ? inputs[0]!._vc : undefined);
  }
  if (isView) {
    const src = inputs[0]!;
    const view = results[0]!;
    view._base = src._base ?? src;
    view._viewFn = viewFn(prim, attrs, src._viewFn);
    // a view of a split's piece is refused in-place writes as the piece is (ops/multi_views.ts)
    if (src._multiView && is_grad_enabled()) view._multiView = true;
  }
  if (needsGrad) record(prim, inputs, results, attrs);
  return results;
}

/**
 * One step of a view chain, kept as data on the re-deriving function of views that reinterpret their
 * storage (bitcast_convert: view(dtype), view_as_real/view_as_complex, real/imag) and of views of those:
 * a write through such a view cannot be a scatter of an iota's positions (view_reinterpret.ts).
 */
export interface ViewStep {
  prim: Primitive;
  attrs: unknown;
  parent: ViewFn | null;
  /** The step applied to a tensor, where it takes more than its input (narrow with a tensor start). */
  apply?: (t: Tensor) => Tensor;
}
export type ViewFn = ((base: Tensor) => Tensor) & { step?: ViewStep };

/**
 * A view whose storage was written since its grad_fn was set (through its base or another view of it:
 * z.real.mul_(2) after z = view_as_complex(x)) takes its history from the base's new one, as PyTorch
 * regenerates a view's grad_fn when the version counter moved; else its gradient would skip the write.
 */
function refreshViewGrad(t: Tensor): void {
  if (t._base === null || t.grad_fn === null || t._gradSeen === t._vc.v || !is_grad_enabled()) return;
  // a piece of split/unbind shares its node with its siblings: PyTorch refuses it (ops/multi_views.ts)
  if (t._multiView) throw multiViewWritten(t);
  const fresh = t._viewFn!(t._base);
  if (fresh.grad_fn) t._setGradFn(fresh.grad_fn, fresh._outIndex);
  else t._gradSeen = t._vc.v;
}

/** Re-derives a view from its base: the parent's chain, then this view primitive. */
function viewFn(prim: Primitive, attrs: unknown, parentFn: ViewFn | null): ViewFn {
  const f: ViewFn = parentFn ? (base) => bind(prim, [parentFn(base)], attrs)[0]! : (base) => bind(prim, [base], attrs)[0]!;
  if (prim.name === "bitcast_convert" || parentFn?.step !== undefined) f.step = { prim, attrs, parent: parentFn };
  return f;
}

export const bind1 = (prim: Primitive, inputs: readonly Tensor[], attrs: unknown = NO_ATTRS, dev?: Device): Tensor =>
  bind(prim, inputs, attrs, dev)[0]!;

/** A tensor on `device` holding host data (row-major). */
export function fromHost(data: HostArray, shape: Shape, dtype: DType, device: Device): Tensor {
  return new Tensor(backendOf(device).fromHost(data, shape, dtype), shape, dtype, device);
}
