// nn.UninitializedParameter and nn.UninitializedBuffer (PyTorch's
// torch.nn.parameter): a parameter or buffer whose shape is not known yet, what
// the Lazy* modules hold until their first call. It has a dtype, a device and requires_grad but no shape or
// values: reading its shape throws (so does every op, which reads it first)
// rather than computing on a placeholder. materialize() gives it a shape in
// place and makes it a plain Parameter (a buffer: a plain Tensor), so an optimizer
// built before the first call holds the very objects that get the values.
import { empty, internals, Tensor, type DeviceLike, type DType, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { Parameter } from "../parameter.js";

const SHAPE_ERROR =
  "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes.";

type FactoryKw = { device?: DeviceLike | null; dtype?: DType | null };
const factoryOf = (o: FactoryKw) => ({ ...(o.device ? { device: o.device } : {}), ...(o.dtype ? { dtype: o.dtype } : {}) });

/** Replaces the tensor's own `shape` by an accessor that throws (the value assigned is kept aside, unused). */
function hideShape(t: Tensor): void {
  delete (t as { shape?: unknown }).shape;
  let kept: unknown;
  Object.defineProperty(t, "shape", {
    get() {
      throw new TorchError(SHAPE_ERROR);
    },
    set(v: unknown) {
      kept = v;
      void kept;
    },
    configurable: true,
    enumerable: true,
  });
}

export class UninitializedParameter extends Parameter {
  /** UninitializedParameter(requires_grad=True, device=None, dtype=None) */
  constructor(
    ...args: Args<[requires_grad: boolean, device: DeviceLike | null, dtype: DType | null], { requires_grad?: boolean } & FactoryKw>
  ) {
    const o = parseArgs("UninitializedParameter", args, ["requires_grad", "device", "dtype"], { requires_grad: true });
    super(empty(0, factoryOf(o)), o.requires_grad);
    hideShape(this);
  }

  /** PyTorch's cls_to_become: what materialize() turns it into. */
  get cls_to_become(): typeof Parameter {
    return Parameter;
  }

  /** Gives the parameter a shape (uninitialised values, as torch.empty) on its own or the given device/dtype; it is a Parameter from then on. */
  materialize(shape: number | readonly number[], ...args: Args<[device: DeviceLike | null, dtype: DType | null], FactoryKw>): void {
    materialize(this, this.cls_to_become, shape, args);
  }

  /**
   * Module.to()/float()/double() on a module still lazy: the conversion applied to an empty tensor of this
   * dtype and device says which dtype and device the parameter takes (PyTorch applies them to the
   * uninitialized parameter, whose to/float/double are allowed).
   */
  _retarget(fn: (t: Tensor) => Tensor): this {
    return retarget(this, fn);
  }

  override toString(): string {
    return "<UninitializedParameter>";
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** UninitializedTensorMixin.materialize: the tensor takes a shape and becomes `cls` (Parameter or Tensor). */
function materialize(t: Tensor, cls: { prototype: Tensor }, shape: number | readonly number[], args: unknown[]): void {
  const o = parseArgs("materialize", args, ["device", "dtype"], {}) as FactoryKw;
  const value = empty(typeof shape === "number" ? [shape] : [...shape], { device: o.device ?? t.device, dtype: o.dtype ?? t.dtype });
  delete (t as { shape?: unknown }).shape;
  Object.setPrototypeOf(t, cls.prototype);
  t.data = value;
}

function retarget<T extends Tensor>(t: T, fn: (t: Tensor) => Tensor): T {
  const probe = fn(empty(0, { device: t.device, dtype: t.dtype }));
  t.data = empty(0, { device: probe.device, dtype: probe.dtype });
  return t;
}

export class UninitializedBuffer extends Tensor {
  /** UninitializedBuffer(requires_grad=False, device=None, dtype=None) */
  constructor(
    ...args: Args<[requires_grad: boolean, device: DeviceLike | null, dtype: DType | null], { requires_grad?: boolean } & FactoryKw>
  ) {
    const o = parseArgs("UninitializedBuffer", args, ["requires_grad", "device", "dtype"], { requires_grad: false });
    const d = empty(0, factoryOf(o));
    super(internals(d)._payload, d.shape, d.dtype, d.device);
    this.requires_grad_(o.requires_grad);
    hideShape(this);
  }

  /** PyTorch's cls_to_become: what materialize() turns it into. */
  get cls_to_become(): typeof Tensor {
    return Tensor;
  }

  /** Gives the buffer a shape (uninitialised values, as torch.empty) on its own or the given device/dtype; it is a Tensor from then on. */
  materialize(shape: number | readonly number[], ...args: Args<[device: DeviceLike | null, dtype: DType | null], FactoryKw>): void {
    materialize(this, this.cls_to_become, shape, args);
  }

  /** As UninitializedParameter._retarget. */
  _retarget(fn: (t: Tensor) => Tensor): this {
    return retarget(this, fn);
  }

  override toString(): string {
    return "<UninitializedBuffer>";
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * What UninitializedParameter and UninitializedBuffer share. is_lazy narrows to it rather than to the union of
 * the two classes: TypeScript then compared each class with Tensor member by member ("excessive complexity").
 */
export interface LazyTensor {
  materialize(shape: number | readonly number[]): void;
  _retarget(fn: (t: Tensor) => Tensor): Tensor;
}

/** PyTorch's torch.nn.parameter.is_lazy. */
export const is_lazy = (t: unknown): t is Tensor & LazyTensor => t instanceof UninitializedParameter || t instanceof UninitializedBuffer;
