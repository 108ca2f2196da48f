// bind: apply a primitive to tensors on their device and record it for autograd.
import { currentOp, record } from "./autograd.js";
import { Device, getBackend } from "./device.js";
import type { DType, HostArray } from "./dtype.js";
import { TorchError } from "./errors.js";
import type { AVal, Primitive } from "./primitive.js";
import type { Shape } from "./shape.js";
import { Tensor } from "./tensor.js";

export function bind(prim: Primitive, inputs: readonly Tensor[], attrs: unknown = {}, dev?: Device): Tensor[] {
  const device = inputs[0]?.device ?? dev;
  if (!device) throw new Error(`${prim.name}: no device`);
  for (const t of inputs) {
    if (!t.device.equals(device)) {
      throw new TorchError(`Expected all tensors to be on the same device, but found at least two devices, ${device} and ${t.device}! (when checking arguments for ${currentOp() ?? prim.name})`);
    }
    if (t._disposed) throw new TorchError(`${prim.name}: tensor was disposed`);
  }
  const avals: AVal[] = inputs.map((t) => ({ shape: t.shape, dtype: t.dtype }));
  const outs = prim.abstract(avals, attrs);
  const payloads = getBackend(device.type).run(prim, inputs, attrs, outs);
  const results = payloads.map((p, i) => new Tensor(p, outs[i]!.shape, outs[i]!.dtype, device));
  if (prim.isView) {
    const src = inputs[0]!;
    const view = results[0]!;
    view._vc = src._vc;
    view._base = src._base ?? src;
    const parentFn = src._viewFn;
    view._viewFn = (base) => bind(prim, [parentFn ? parentFn(base) : base], attrs)[0]!;
  }
  record(prim, inputs, results, attrs);
  return results;
}

export const bind1 = (prim: Primitive, inputs: readonly Tensor[], attrs: unknown = {}, dev?: Device): Tensor =>
  bind(prim, inputs, attrs, dev)[0]!;

/** A tensor on `device` holding host data (row-major). */
export function fromHost(data: HostArray, shape: Shape, dtype: DType, device: Device): Tensor {
  return new Tensor(getBackend(device.type).fromHost(data, shape, dtype), shape, dtype, device);
}
