// Tensor's implementation fields, for the device packages (cpu, lazy), nn and
// serialization. They are marked @internal on Tensor, so the published
// declarations (built with stripInternal) do not show them to users; code in
// other packages reaches them through `internals(t)`, which names them here.
import type { AccumulateGrad, Node } from "./autograd.js";
import type { Payload } from "./device.js";
import type { HostArray } from "./dtype.js";
import type { Tensor, VersionCounter } from "./tensor.js";

export interface TensorInternals {
  _payload: Payload;
  _vc: VersionCounter;
  _base: Tensor | null;
  _viewFn: ((base: Tensor) => Tensor) | null;
  _outIndex: number;
  _disposed: boolean;
  readonly _hooks: ((g: Tensor) => Tensor | void)[];
  _setGradFn(node: Node, index: number): void;
  _accumulator(): AccumulateGrad;
  _detachedAlias(): Tensor;
  _host(): HostArray;
}

/** The same object, typed with its implementation fields. */
export const internals = (t: Tensor): TensorInternals => t as unknown as TensorInternals;
