// nn.LazyBatchNorm1d/2d/3d and nn.LazyInstanceNorm1d/2d/3d (PyTorch 1.13's
// _LazyNormBase): num_features is inferred from the input's dim 1 at the first
// call (for an unbatched InstanceNorm input too, as PyTorch does), when the
// weight/bias (UninitializedParameter) and running_mean/running_var
// (UninitializedBuffer) get that shape, are reset as the norm class resets
// them, and the module becomes that class.
import { int64, no_grad, type Tensor, tensor, TorchIndexError } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { BatchNorm1d, type _NormBase } from "./batchnorm.js";
import { BatchNorm2d, BatchNorm3d } from "./batchnorm2d.js";
import { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from "./instancenorm.js";
import { type Constructor, hasUninitialized, type LazyMethods, makeLazy } from "./lazy.js";
import { UninitializedBuffer, UninitializedParameter } from "./lazy_parameter.js";
import { factory, type Factory } from "./linear.js";

type LazyNormKw = { eps?: number; momentum?: number | null; affine?: boolean; track_running_stats?: boolean } & Factory;
type LazyNormArgs = Args<[eps: number, momentum: number | null, affine: boolean, track_running_stats: boolean], LazyNormKw>;

/**
 * _LazyNormBase.__init__'s arguments: the keywords for the norm class's constructor (0 features, affine and
 * track_running_stats False, so that no tensor is made only to be replaced) and the lazy flags.
 */
function lazyOptions(name: string, args: unknown[]): { kw: LazyNormKw; affine: boolean; track: boolean; f: Factory } {
  const o = parseArgs(name, args, ["eps", "momentum", "affine", "track_running_stats", "device", "dtype"], {
    eps: 1e-5,
    momentum: 0.1,
    affine: true,
    track_running_stats: true,
  }) as LazyNormKw;
  const f = factory(o);
  return {
    kw: { eps: o.eps, momentum: o.momentum, affine: false, track_running_stats: false, ...f },
    affine: !!o.affine,
    track: !!o.track_running_stats,
    f,
  };
}

/** The rest of _LazyNormBase.__init__: uninitialized weight/bias and running stats, a real num_batches_tracked. */
function makeLazyState(m: _NormBase, affine: boolean, track: boolean, f: Factory): void {
  m.affine = affine;
  m.track_running_stats = track;
  if (affine) {
    m.weight = new UninitializedParameter(f);
    m.bias = new UninitializedParameter(f);
  }
  if (track) {
    m.running_mean = new UninitializedBuffer(f);
    m.running_var = new UninitializedBuffer(f);
    m.num_batches_tracked = tensor(0, { dtype: int64, ...(f.device ? { device: f.device } : {}) });
  }
}

/** _LazyNormBase.initialize_parameters */
function initialize(m: _NormBase & { has_uninitialized_params(): boolean }, input: Tensor): void {
  if (!m.has_uninitialized_params()) return;
  if (input.ndim < 2) throw new TorchIndexError("tuple index out of range");
  no_grad(() => {
    m.num_features = input.shape[1]!;
    if (m.affine) {
      (m.weight as unknown as UninitializedParameter).materialize([m.num_features]);
      (m.bias as unknown as UninitializedParameter).materialize([m.num_features]);
    }
    if (m.track_running_stats) {
      (m.running_mean as UninitializedBuffer).materialize([m.num_features]);
      (m.running_var as UninitializedBuffer).materialize([m.num_features]);
    }
    m.reset_parameters();
  });
}

/** _LazyNormBase on `Base` (BatchNorm1d ... InstanceNorm3d), typed by its declared result as lazy_conv.ts's lazyConv. */
function lazyNorm<B extends Constructor<_NormBase>>(Base: B): B & Constructor<LazyMethods<B>> {
  return class extends Base {
    get cls_to_become(): B {
      return Base;
    }
    has_uninitialized_params(): boolean {
      return hasUninitialized(this);
    }
    /** The norm's reset once the state has its shapes (the call from _NormBase's constructor does nothing). */
    override reset_parameters(): void {
      if (!this.has_uninitialized_params() && this.num_features !== 0) super.reset_parameters();
    }
    initialize_parameters(input: Tensor): void {
      initialize(this, input);
    }
  };
}

export class LazyBatchNorm1d extends lazyNorm(BatchNorm1d) {
  /** LazyBatchNorm1d(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None) */
  constructor(...args: LazyNormArgs) {
    const { kw, affine, track, f } = lazyOptions("LazyBatchNorm1d", args);
    super(0, kw);
    makeLazyState(this, affine, track, f);
    makeLazy(this, BatchNorm1d);
  }
}

export class LazyBatchNorm2d extends lazyNorm(BatchNorm2d) {
  /** LazyBatchNorm2d(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None) */
  constructor(...args: LazyNormArgs) {
    const { kw, affine, track, f } = lazyOptions("LazyBatchNorm2d", args);
    super(0, kw);
    makeLazyState(this, affine, track, f);
    makeLazy(this, BatchNorm2d);
  }
}

export class LazyBatchNorm3d extends lazyNorm(BatchNorm3d) {
  /** LazyBatchNorm3d(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None) */
  constructor(...args: LazyNormArgs) {
    const { kw, affine, track, f } = lazyOptions("LazyBatchNorm3d", args);
    super(0, kw);
    makeLazyState(this, affine, track, f);
    makeLazy(this, BatchNorm3d);
  }
}

export class LazyInstanceNorm1d extends lazyNorm(InstanceNorm1d) {
  /** LazyInstanceNorm1d(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None) */
  constructor(...args: LazyNormArgs) {
    const { kw, affine, track, f } = lazyOptions("LazyInstanceNorm1d", args);
    super(0, kw as { momentum?: number });
    makeLazyState(this, affine, track, f);
    makeLazy(this, InstanceNorm1d);
  }
}

export class LazyInstanceNorm2d extends lazyNorm(InstanceNorm2d) {
  /** LazyInstanceNorm2d(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None) */
  constructor(...args: LazyNormArgs) {
    const { kw, affine, track, f } = lazyOptions("LazyInstanceNorm2d", args);
    super(0, kw as { momentum?: number });
    makeLazyState(this, affine, track, f);
    makeLazy(this, InstanceNorm2d);
  }
}

export class LazyInstanceNorm3d extends lazyNorm(InstanceNorm3d) {
  /** LazyInstanceNorm3d(eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None) */
  constructor(...args: LazyNormArgs) {
    const { kw, affine, track, f } = lazyOptions("LazyInstanceNorm3d", args);
    super(0, kw as { momentum?: number });
    makeLazyState(this, affine, track, f);
    makeLazy(this, InstanceNorm3d);
  }
}
