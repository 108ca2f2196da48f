// Devices: `cpu` runs primitives now, `xla` records them. Core only knows this
// interface; packages/cpu and packages/lazy register the implementations.
import type { DType, HostArray } from "./dtype.js";
import type { AVal, Primitive } from "./primitive.js";
import type { Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";
import { TorchError } from "./errors.js";

/** A device's per-tensor payload (strided storage on cpu, an IR value on xla). */
export type Payload = unknown;

/**
 * The box of its base a view's elements form (core/src/view_box.ts): per base dim (of the base, or of
 * its flattening when `flat`) the first coordinate, the step, the count and the view dim it comes from (-1: none).
 */
export interface ViewBox {
  start: number[];
  step: number[];
  count: number[];
  viewDim: number[];
  flat: boolean;
}

export interface DeviceBackend {
  readonly type: string;
  /** Run (or record) a primitive. View primitives may alias their input. */
  run(prim: Primitive, inputs: readonly Tensor[], attrs: unknown, outs: readonly AVal[]): Payload[];
  /** Host data (row-major, contiguous) to a payload of this device. */
  fromHost(data: HostArray, shape: Shape, dtype: DType): Payload;
  /** Contiguous row-major host copy of a tensor's values (a sync point on xla). */
  toHost(t: Tensor): HostArray;
  /** In-place write of `value` (same shape and dtype) into `target`, through views. */
  write(target: Tensor, value: Tensor): void;
  /** The strides of the payload when the device has strided storage. */
  strides?(t: Tensor): number[];
  storageOffset?(t: Tensor): number;
  /** The box of its base a view's elements form, where the device knows the view's layout exactly (view_box.ts); else null. */
  viewBox?(target: Tensor): ViewBox | null;
  /** Host values if they are at hand without running or transferring anything, else null. */
  peekHost?(t: Tensor): HostArray | null;
  /** Materialise pending work for these tensors (xla); no-op elsewhere. */
  sync?(tensors: readonly Tensor[]): void;
  /**
   * An in-place op is about to compute a new value for `target` (called once
   * per in-place op, before it reads anything): the xla device's fused mode
   * cuts its trace here when the target's pending value was written and then
   * read since, which is where one training step ends and the next begins.
   */
  willWrite?(target: Tensor): void;
  /**
   * That in-place op is done (after its write and the autograd history it
   * recorded): what the op itself read of the new value (a write through a
   * view records the base's scatter again as its history) is part of the
   * write, not a read of it that willWrite should cut at.
   */
  didWrite?(target: Tensor): void;
  /**
   * Hints from autograd, for devices that decide what a computation returns:
   * `retain`: the caller holds this tensor (a backward root: the loss), so it
   * will likely be read later; `discard`: nothing will ever read this tensor
   * (a gradient computed for an input that needs none).
   */
  retain?(t: Tensor): void;
  discard?(t: Tensor): void;
  /** acc += g in place, no new array (same dtype, shape, device; add(acc, g)'s kernel and bits), or false: autograd adds out of place (accumulate.ts on cpu). */
  accumulate?(acc: Tensor, g: Tensor): boolean;
  /** A fused optimizer update (adam_update, sgd_update) written into targets[k] (output k: the operand it replaces), no new arrays, or false: nothing written, the caller binds and copies (optim_in_place.ts on cpu). */
  updateInPlace?(prim: Primitive, ins: readonly Tensor[], attrs: unknown, targets: readonly Tensor[]): boolean;
}

const backends = new Map<string, DeviceBackend>();
// The backends of the two device types (cpu, xla), looked up by identity first: every op asks.
let type0: string | null = null,
  backend0: DeviceBackend | null = null,
  type1: string | null = null,
  backend1: DeviceBackend | null = null;
export function registerDevice(b: DeviceBackend): void {
  backends.set(b.type, b);
  type0 = type1 = null;
}
export function getBackend(type: string): DeviceBackend {
  if (type === type0) return backend0!;
  if (type === type1) return backend1!;
  const b = backends.get(type);
  if (b) {
    type1 = type0;
    backend1 = backend0;
    type0 = type;
    backend0 = b;
  }
  if (!b)
    throw new TorchError(
      `device type '${type}' is not available; import "xlatorch" (or @xlatorch/${type === "xla" ? "lazy" : type}) to register it`,
    );
  return b;
}

export class Device {
  constructor(
    readonly type: string,
    readonly index: number | null = null,
  ) {}
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  equals(o: Device): boolean {
    return o.type === this.type && (o.index ?? 0) === (this.index ?? 0);
  }
}

export type DeviceLike = Device | string;
const KNOWN = new Set(["cpu", "xla"]);
export function device(spec: DeviceLike, index?: number): Device {
  if (spec instanceof Device) return spec;
  const m = /^([a-z]+)(?::(\d+))?$/.exec(spec);
  if (!m || !KNOWN.has(m[1]!)) throw new TorchError(`Expected one of cpu, xla device type at start of device string: ${spec}`);
  return interned(m[1]!, m[2] !== undefined ? Number(m[2]) : (index ?? null));
}

/**
 * One Device per (type, index) from device(): ops compare devices by identity first (bind, prepare, where,
 * scalarOperand) and call equals() only when that fails. With a new object per parse, model.to("xla") and
 * data.to("xla") gave every op mixing parameters and data two objects, so equals() on each input (the
 * cpu device never met this: its tensors share the default device). A Device is immutable.
 */
const internedDevices = new Map<string, Device>();
function interned(type: string, index: number | null): Device {
  const key = index === null ? type : `${type}:${index}`;
  let d = internedDevices.get(key);
  if (d === undefined) internedDevices.set(key, (d = new Device(type, index)));
  return d;
}

let defaultDevice = interned("cpu", null);
export function set_default_device(d: DeviceLike | null): void {
  defaultDevice = d === null ? interned("cpu", null) : device(d);
}
export function get_default_device(): Device {
  return defaultDevice;
}

/**
 * Optimizers announce each step so that devices can report per-step figures
 * (the xla device's executions per step); nothing else depends on it.
 */
const stepListeners = new Set<() => void>();
export function onOptimizerStep(listener: () => void): () => void {
  stepListeners.add(listener);
  return () => stepListeners.delete(listener);
}
export function notifyOptimizerStep(): void {
  for (const f of stepListeners) f();
}
