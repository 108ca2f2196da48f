// The Tensor: shape, dtype, device, a device payload, and autograd state.
// Op methods (x.add, x.sum, ...) are installed by methods.ts from the op surface.
import { AccumulateGrad, type Node } from "./autograd.js";
import { backendOf } from "./capture_hooks.js";
import { Device, type Payload } from "./device.js";
import type { DType, HostArray } from "./dtype.js";
import { TorchError } from "./errors.js";
import { contiguousStrides, numelOf, Size, type Shape } from "./shape.js";

/** Version counter shared by a tensor and its views (in-place detection). */
export interface VersionCounter {
  v: number;
  /**
   * Whether another tensor object ever shared it (a view, a detach() alias, a Parameter of a tensor): the
   * xla device re-derives views from their base object, so changing a shared tensor's own shape in place
   * (t_(), squeeze_()) is refused there (ops/inplace_views.ts). Never reset: conservative.
   */
  shared: boolean;
}

let liveCount = 0;
export class Tensor {
  readonly shape: readonly number[];
  /** @internal */
  _payload: Payload;
  /** @internal Shared with the tensor's views (given to the constructor by bind for a view). */
  _vc: VersionCounter;
  /** @internal For views: the tensor whose storage this one aliases, and how to re-derive it from that base. */
  _base: Tensor | null = null;
  /** @internal */
  _viewFn: ((base: Tensor) => Tensor) | null = null;
  grad: Tensor | null = null;
  grad_fn: Node | null = null;
  /** @internal */
  _outIndex = 0;
  /**
   * @internal The version counter's value when grad_fn was last set: a view whose counter moved on since
   * (a write through its base or a sibling view) has its grad_fn re-derived from its base before use (dispatch.ts).
   */
  _gradSeen = 0;
  /** @internal */
  private _hookList: ((g: Tensor) => Tensor | void)[] | null = null;
  /** @internal */
  private _requiresGrad = false;
  /** @internal */
  private _acc: AccumulateGrad | null = null;
  /** @internal */
  _disposed = false;
  /**
   * @internal Whether this tensor is a piece of a function returning several views (split, unbind), or a
   * view of such a piece, made with grad enabled (ops/multi_views.ts).
   */
  _multiView = false;

  constructor(
    payload: Payload,
    shape: Shape,
    readonly dtype: DType,
    readonly device: Device,
    vc?: VersionCounter,
  ) {
    this._payload = payload;
    if (vc) vc.shared = true;
    this._vc = vc ?? { v: 0, shared: false };
    this.shape = Size.of_(shape);
    liveCount++;
  }

  /** @internal Hooks registered on a leaf (allocated on first use). */
  get _hooks(): ((g: Tensor) => Tensor | void)[] {
    return (this._hookList ??= []);
  }

  // ---- reading metadata -------------------------------------------------
  get ndim(): number {
    return this.shape.length;
  }
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return numelOf(this.shape);
  }
  nelement(): number {
    return this.numel();
  }
  size(): number[];
  size(d: number): number;
  size(kwargs: { dim: number }): number;
  size(dim?: number | { dim: number }): number[] | number {
    // the keyword form normally arrives bound by the one parser; a direct call may still pass the options
    const d = typeof dim === "object" && dim !== null ? dim.dim : dim;
    if (d === undefined) return Size.of_(this.shape) as unknown as number[];
    const n = this.ndim;
    if (d < -Math.max(n, 1) || d >= Math.max(n, 1))
      throw new TorchError(
        `size: Dimension out of range (expected to be in range of [${-Math.max(n, 1)}, ${Math.max(n, 1) - 1}], but got ${d})`,
      );
    return this.shape[d < 0 ? d + n : d]!;
  }
  stride(): number[];
  stride(d: number): number;
  stride(d?: number): number[] | number {
    const b = backendOf(this.device);
    const st = b.strides ? b.strides(this) : contiguousStrides(this.shape);
    return d === undefined ? st : st[d < 0 ? d + this.ndim : d]!;
  }
  storage_offset(): number {
    const b = backendOf(this.device);
    return b.storageOffset ? b.storageOffset(this) : 0;
  }
  element_size(): number {
    return this.dtype.itemsize;
  }
  get is_cuda(): boolean {
    return false;
  }
  /** PyTorch's version counter (bumped by every in-place write to this tensor or its views). */
  get _version(): number {
    return this._vc.v;
  }
  get is_leaf(): boolean {
    return !this._requiresGrad || this.grad_fn === null;
  }
  get data(): Tensor {
    return this.detach();
  }
  /** PyTorch's `x.data = v` (set_data): x keeps its identity and autograd state, takes v's contents. */
  set data(v: Tensor) {
    const self = this as { -readonly [K in keyof Tensor]: Tensor[K] };
    self._payload = v._payload;
    self.shape = v.shape;
    self.dtype = v.dtype;
    self.device = v.device;
    this._base = v._base;
    this._viewFn = v._viewFn;
  }
  get T(): Tensor {
    return this.permute([...Array(this.ndim).keys()].reverse());
  }
  get mT(): Tensor {
    return this.transpose(-2, -1);
  }

  // ---- autograd state ---------------------------------------------------
  get requires_grad(): boolean {
    return this._requiresGrad;
  }
  set requires_grad(v: boolean) {
    this.requires_grad_(v);
  }
  requires_grad_(v = true): this {
    if (!this.is_leaf && !v)
      throw new TorchError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    if (v && !this.dtype.is_floating_point && !this.dtype.is_complex)
      throw new TorchError(`only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    this._requiresGrad = v;
    return this;
  }
  /** @internal */
  _setGradFn(node: Node, index: number): void {
    this._gradSeen = this._vc.v;
    this.grad_fn = node;
    this._outIndex = index;
    this._requiresGrad = true;
  }
  /** @internal */
  _accumulator(): AccumulateGrad {
    return (this._acc ??= new AccumulateGrad(this));
  }
  /** @internal Same payload, no autograd history; shares the version counter. */
  _detachedAlias(): Tensor {
    const t = new Tensor(this._payload, this.shape, this.dtype, this.device, this._vc);
    t._base = this._base;
    t._viewFn = this._viewFn;
    return t;
  }
  detach(): Tensor {
    return this._detachedAlias();
  }
  detach_(): this {
    this.grad_fn = null;
    this._requiresGrad = false;
    return this;
  }
  register_hook(hook: (grad: Tensor) => Tensor | void): { remove(): void } {
    if (!this._requiresGrad) throw new TorchError("cannot register a hook on a tensor that doesn't require gradient");
    const list = this.grad_fn ? (this.grad_fn.tensorHooks.get(this._outIndex) ?? []) : this._hooks;
    if (this.grad_fn) this.grad_fn.tensorHooks.set(this._outIndex, list);
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }
  retain_grad(): void {
    if (this.grad_fn) this.grad_fn.retainGrad.set(this._outIndex, this);
  }

  // ---- host access ------------------------------------------------------
  /** @internal Contiguous host copy of the values (sync point on xla). */
  _host(): HostArray {
    return backendOf(this.device).toHost(this);
  }
  /** Async read in the TypeScript style (PyTorch has no name for it). */
  async data_async(): Promise<HostArray> {
    return this._host();
  }
  /** Frees device memory now; the FinalizationRegistry frees it otherwise. */
  dispose(): void {
    this._disposed = true;
    this._payload = null;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  static get liveCount(): number {
    return liveCount;
  }
}
