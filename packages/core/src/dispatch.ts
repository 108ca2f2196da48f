// bind: apply a primitive to tensors on their device and record it for autograd.
import { currentOp, record } from "./autograd.js";
import { backendOf } from "./capture_hooks.js";
import { Device } from "./device.js";
import type { DType, HostArray } from "./dtype.js";
import { TorchError } from "./errors.js";
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
  }
  if (needsGrad) record(prim, inputs, results, attrs);
  return results;
}

/** Re-derives a view from its base: the parent's chain, then this view primitive. */
function viewFn(prim: Primitive, attrs: unknown, parentFn: ((base: Tensor) => Tensor) | null): (base: Tensor) => Tensor {
  return parentFn ? (base) => bind(prim, [parentFn(base)], attrs)[0]! : (base) => bind(prim, [base], attrs)[0]!;
}

export const bind1 = (prim: Primitive, inputs: readonly Tensor[], attrs: unknown = NO_ATTRS, dev?: Device): Tensor =>
  bind(prim, inputs, attrs, dev)[0]!;

/** A tensor on `device` holding host data (row-major). */
export function fromHost(data: HostArray, shape: Shape, dtype: DType, device: Device): Tensor {
  return new Tensor(backendOf(device).fromHost(data, shape, dtype), shape, dtype, device);
}
