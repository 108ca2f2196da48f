// In-place view ops (x.t_(), x.transpose_(0, 1), x.squeeze_(), x.unsqueeze_(0),
// swapaxes_/swapdims_): PyTorch changes the tensor object's own shape and
// strides over the same storage. Here the tensor takes the layout of the
// out-of-place view (same payload, the view's shape) and keeps its identity and
// version counter; its gradient history becomes the view's (TBackward, ...), as
// in PyTorch. A leaf that requires grad refuses, with PyTorch's message.
//
// On the xla device views are re-derived from their base tensor object (the
// lazy device has no storage), so after `v = b[0]; b.t_()` the view would read
// b's new layout: there a base tensor whose data another tensor object shares
// (its version counter's `shared` flag: views of it, a detach() alias) refuses
// to change its own shape in place. A view may (views derive from the root
// base, which keeps its layout). On cpu (storage semantics, as PyTorch) every
// case works.
import { TorchError } from "../errors.js";
import { is_grad_enabled } from "../grad_mode.js";
import { Tensor } from "../tensor.js";
import { squeeze, swapaxes, t, transpose, unsqueeze } from "./shape.js";

function metadataInplace(op: string, self: Tensor, compute: (x: Tensor) => Tensor): Tensor {
  if (!(self instanceof Tensor)) throw new TorchError(`${op}(): self must be a Tensor`);
  if (is_grad_enabled() && self.requires_grad && self.is_leaf)
    throw new TorchError(`${op}: a leaf Variable that requires grad is being used in an in-place operation.`);
  // a view's own views and siblings derive from the root base, which keeps its layout: only a base is refused
  if (self.device.type !== "cpu" && self._base === null && self._vc.shared)
    throw new TorchError(
      `${op}(): on the ${self.device.type} device a tensor whose data other tensor objects share (views of it, a ` +
        `detach() alias) cannot change its own shape in place: views are re-derived from their base there, so they ` +
        `would read the new layout. Use the out-of-place form (x = x.${op.slice(0, -1)}(...)).`,
    );
  let v: Tensor;
  try {
    v = compute(self);
  } catch (e) {
    // the out-of-place op's errors name the method the user called (t() -> t_())
    const base = op.slice(0, -1);
    if (e instanceof Error && e.message.startsWith(`${base}(`)) e.message = `${op}${e.message.slice(base.length)}`;
    throw e;
  }
  const m = self as { -readonly [K in keyof Tensor]: Tensor[K] };
  m._payload = v._payload;
  m.shape = v.shape;
  // a view of another tensor stays a view of it (with the composed view function); a base stays a base
  if (v._base === self) {
    self._base = null;
    self._viewFn = null;
  } else {
    self._base = v._base;
    self._viewFn = v._viewFn;
  }
  if (v.grad_fn) self._setGradFn(v.grad_fn, v._outIndex);
  self._vc.v++;
  return self;
}

type Fn = { method(...a: unknown[]): unknown }["method"];
/** Tensor methods (methods.ts installs them with `this` first). */
export const INPLACE_VIEW_METHODS: Record<string, Fn> = {
  t_: (self: Tensor) => metadataInplace("t_", self, (x) => t(x)),
  transpose_: (self: Tensor, d0: number, d1: number) => metadataInplace("transpose_", self, (x) => transpose(x, d0, d1)),
  swapaxes_: (self: Tensor, a0: number, a1: number) => metadataInplace("swapaxes_", self, (x) => swapaxes(x, a0, a1)),
  swapdims_: (self: Tensor, d0: number, d1: number) => metadataInplace("swapdims_", self, (x) => swapaxes(x, d0, d1)),
  squeeze_: (self: Tensor, ...args: unknown[]) => metadataInplace("squeeze_", self, (x) => squeeze(x, ...args)),
  unsqueeze_: (self: Tensor, dim: number) => metadataInplace("unsqueeze_", self, (x) => unsqueeze(x, dim)),
};
