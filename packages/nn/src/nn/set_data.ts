// `param.data = value` (PyTorch's Variable.set_data), used by Module.to()/_apply
// so that parameters keep their identity (optimizers hold them) while their
// values, dtype and device change.
import { internals, Tensor, type DType, type Device } from "@xlatorch/core";

interface Writable {
  _payload: unknown;
  shape: readonly number[];
  dtype: DType;
  device: Device;
}

export function setData(t: Tensor, value: Tensor): void {
  // Prefer core's own setter once it has one.
  const setter = Object.getOwnPropertyDescriptor(Tensor.prototype, "data")?.set;
  if (setter) {
    setter.call(t, value);
    return;
  }
  // Otherwise swap the fields directly: they are readonly only to TypeScript.
  // The tensor aliases value's payload (as set_data shares storage) and keeps
  // its own version counter and autograd state, as in PyTorch.
  const w = t as unknown as Writable;
  w._payload = internals(value)._payload;
  w.shape = value.shape;
  w.dtype = value.dtype;
  w.device = value.device;
}
