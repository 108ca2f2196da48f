// @xlatorch/core: dtypes, Tensor, primitives, op surface, autograd.
import "./methods.js";
import "./vjps.js";
import "./vjps_linalg.js";
import "./vjps_special.js";
import "./vjps_fft.js";
import "./vjps_window.js";
import "./vjps_control.js";
import "./vjps_dynamic.js";
import "./vjps_gather.js";
import "./vjps_bits.js";
import "./vjps_select.js";
import "./vjps_norm.js";
import "./vjps_gelu.js";
import "./vjps_softmax.js";
import { signTensorMethods } from "./signature.js";
import { Tensor as TensorClass } from "./tensor.js";
import { setEngineOps } from "./autograd.js";
import { add } from "./ops/elementwise.js";
import { reducePrim } from "./ops/reduce.js";
import type { Tensor } from "./tensor.js";

setEngineOps({
  add: (a: Tensor, b: Tensor) => add(a, b),
  sumAll: (a: Tensor) =>
    reducePrim(
      a,
      "sum",
      a.shape.map((_, d) => d),
      false,
    ),
});
signTensorMethods(TensorClass.prototype as unknown as Record<string, unknown>);

export * from "./dtype.js";
export { inheritStorage, markStorage, storageKey } from "./storage_key.js";
export * from "./half.js";
export * from "./errors.js";
export * from "./shape.js";
export { Tensor, type VersionCounter } from "./tensor.js";
export { internals, type TensorInternals } from "./internal.js";
export type {} from "./methods_types.js";
export * from "./device.js";
export * from "./primitive.js";
export * from "./prims.js";
export { bind, bind1, fromHost } from "./dispatch.js";
export {
  liveScalar,
  hostEffect,
  hostGuard,
  gradOf,
  setCaptureHooks,
  captureHooks,
  noteModuleCall,
  backendOf,
  onHost,
  setPayloadResolver,
  resolvePayload,
  type CaptureHooks,
  type GradEventKind,
} from "./capture_hooks.js";
export * from "./grad_mode.js";
export { Node, AccumulateGrad, runBackward, recordCustom, surface, currentOp, type BackwardOptions } from "./autograd.js";
export { formatTensor } from "./format.js";
export { memory_format, contiguous_format, preserve_format, channels_last, channels_last_3d } from "./memory_format.js";
export { METHOD_FUNCTIONS } from "./methods.js";
export * as ops from "./ops/index.js";
export * as linalg from "./ops/linalg_namespace.js";
export * as special from "./ops/special_namespace.js";
export * as masked from "./ops/masked.js";
export { SPECIAL_UNARY, SPECIAL_BINARY } from "./prims_special.js";
export * as erfcCoefficients from "./erfc_coefficients.js";
export type { ConvAttrs, WindowAttrs, WindowReduceOp } from "./prims_window.js";
export type { CaseAttrs, Eqn, SubGraph, WhileAttrs } from "./prims_control.js";
export { clampStart } from "./prims_dynamic.js";
export { viewBoxOf, writeViewBox } from "./view_box.js";
export { writeThroughReinterpret } from "./view_reinterpret.js";
export type { GatherSlicesAttrs, ScatterSlicesAttrs } from "./prims_gather.js";
export type { LayerNormAttrs, LayerNormBackwardAttrs } from "./prims_norm.js";
export { GELU_BACKWARD_EXPR, GELU_EXPR, type GeluExpr } from "./prims_gelu.js";
export type { SoftmaxAttrs } from "./prims_softmax.js";
export {
  adamUpdateExprs,
  sgdUpdateExprs,
  type AdamUpdateAttrs,
  type SgdUpdateAttrs,
  type UpdateExpr,
  type UpdateForm,
} from "./prims_optim.js";
export * as fft from "./ops/fft_namespace.js";
export * from "./ops/index.js";
export * from "./threads.js";
export * as autograd from "./autograd_api.js";
export * as testing from "./testing.js";
export {
  signed,
  signedIn,
  signedClass,
  forwardArgs,
  signaturesOf,
  canonicalArgs,
  acceptsPositional,
  type Overload,
  type Param,
  type SignatureGroup,
} from "./signature.js";
export { set_printoptions, get_printoptions, type PrintOptions } from "./format.js";
