// nn.LazyConv1d/2d/3d and nn.LazyConvTranspose1d/2d/3d (PyTorch 1.13's
// _LazyConvXdMixin): in_channels is inferred from the input at the first call
// (its dim 1, or dim 0 for an unbatched input), when the module becomes the
// Conv/ConvTranspose it stands for, initialized as that class is (same RNG order).
import { no_grad, type Tensor, TorchError } from "@xlatorch/core";
import { parseArgs } from "../args.js";
import type { IntOrTuple } from "../functional/conv.js";
import { type Constructor, hasUninitialized, type LazyMethods, makeLazy } from "./lazy.js";
import { UninitializedParameter } from "./lazy_parameter.js";
import { factory, type Factory } from "./linear.js";
import {
  CONV_DEFAULTS,
  CONV_NAMES,
  CONVT_DEFAULTS,
  CONVT_NAMES,
  Conv1d,
  Conv2d,
  Conv3d,
  ConvTranspose1d,
  ConvTranspose2d,
  ConvTranspose3d,
  type _ConvNd,
  type ConvArgs,
  type ConvKw,
  type ConvTArgs,
  type ConvTKw,
} from "./conv.js";

/** The keywords for the underlying class's constructor (built with 0 channels and no bias, as PyTorch's) and the lazy bias flag. */
function lazyOptions<KW extends ConvKw | ConvTKw>(name: string, args: unknown[], transposed: boolean): { kw: KW; bias: boolean } {
  const o = transposed ? parseArgs(name, args, CONVT_NAMES, CONVT_DEFAULTS) : parseArgs(name, args, CONV_NAMES, CONV_DEFAULTS);
  const kw: Record<string, unknown> = { ...factory(o as Factory) };
  for (const k of transposed ? CONVT_NAMES : CONV_NAMES) if (k !== "device" && k !== "dtype") kw[k] = o[k];
  kw.bias = false;
  return { kw: kw as KW, bias: o.bias as boolean };
}

/** The lazy parameters replacing the 0-channel ones: weight, and bias unless bias=False. */
function makeLazyParameters(m: _ConvNd, out_channels: number, bias: boolean, kw: Factory): void {
  const f = factory(kw);
  m.weight = new UninitializedParameter(f);
  m.out_channels = out_channels;
  if (bias) m.bias = new UninitializedParameter(f);
}

/** _LazyConvXdMixin._get_in_channels */
function inChannels(m: _ConvNd, input: Tensor): number {
  const nd = m.kernel_size.length,
    noBatch = nd + 1,
    batch = nd + 2;
  if (input.ndim !== noBatch && input.ndim !== batch)
    throw new TorchError(
      `Expected ${noBatch}D (unbatched) or ${batch}D (batched) input to ${m._get_name()}, but got input of size: torch.Size([${input.shape.join(", ")}])`,
    );
  return input.ndim === batch ? input.shape[1]! : input.shape[0]!;
}

/** _LazyConvXdMixin.initialize_parameters */
function initialize(m: _ConvNd & { has_uninitialized_params(): boolean }, input: Tensor): void {
  if (!m.has_uninitialized_params()) return;
  no_grad(() => {
    m.in_channels = inChannels(m, input);
    if (m.in_channels % m.groups !== 0) throw new TorchError("in_channels must be divisible by groups");
    const k = m.kernel_size;
    (m.weight as UninitializedParameter).materialize(
      m.transposed ? [m.in_channels, m.out_channels / m.groups, ...k] : [m.out_channels, m.in_channels / m.groups, ...k],
    );
    if (m.bias) (m.bias as UninitializedParameter).materialize([m.out_channels]);
    m.reset_parameters();
  });
}

/**
 * _LazyConvXdMixin: `Base` (Conv1d ... ConvTranspose3d) with the lazy methods. Typed by its declared result
 * (as Lit's mixins are) rather than the class expression's, which a declaration file cannot spell: Module has
 * private members.
 */
function lazyConv<B extends Constructor<_ConvNd>>(Base: B): B & Constructor<LazyMethods<B>> {
  return class extends Base {
    get cls_to_become(): B {
      return Base;
    }
    has_uninitialized_params(): boolean {
      return hasUninitialized(this);
    }
    /** The conv's initialization, once the parameters have their shapes (the call from the conv's constructor does nothing). */
    override reset_parameters(): void {
      if (!this.has_uninitialized_params() && this.in_channels !== 0) super.reset_parameters();
    }
    initialize_parameters(input: Tensor): void {
      initialize(this, input);
    }
  };
}

export class LazyConv1d extends lazyConv(Conv1d) {
  /** LazyConv1d(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None) */
  constructor(out_channels: number, kernel_size: IntOrTuple, ...args: ConvArgs) {
    const { kw, bias } = lazyOptions<ConvKw>("LazyConv1d", args, false);
    super(0, 0, kernel_size, kw);
    makeLazyParameters(this, out_channels, bias, kw);
    makeLazy(this, Conv1d);
  }
}

export class LazyConv2d extends lazyConv(Conv2d) {
  /** LazyConv2d(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None) */
  constructor(out_channels: number, kernel_size: IntOrTuple, ...args: ConvArgs) {
    const { kw, bias } = lazyOptions<ConvKw>("LazyConv2d", args, false);
    super(0, 0, kernel_size, kw);
    makeLazyParameters(this, out_channels, bias, kw);
    makeLazy(this, Conv2d);
  }
}

export class LazyConv3d extends lazyConv(Conv3d) {
  /** LazyConv3d(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None) */
  constructor(out_channels: number, kernel_size: IntOrTuple, ...args: ConvArgs) {
    const { kw, bias } = lazyOptions<ConvKw>("LazyConv3d", args, false);
    super(0, 0, kernel_size, kw);
    makeLazyParameters(this, out_channels, bias, kw);
    makeLazy(this, Conv3d);
  }
}

export class LazyConvTranspose1d extends lazyConv(ConvTranspose1d) {
  /** LazyConvTranspose1d(out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None) */
  constructor(out_channels: number, kernel_size: IntOrTuple, ...args: ConvTArgs) {
    const { kw, bias } = lazyOptions<ConvTKw>("LazyConvTranspose1d", args, true);
    super(0, 0, kernel_size, kw);
    makeLazyParameters(this, out_channels, bias, kw);
    makeLazy(this, ConvTranspose1d);
  }
}

export class LazyConvTranspose2d extends lazyConv(ConvTranspose2d) {
  /** LazyConvTranspose2d(out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None) */
  constructor(out_channels: number, kernel_size: IntOrTuple, ...args: ConvTArgs) {
    const { kw, bias } = lazyOptions<ConvTKw>("LazyConvTranspose2d", args, true);
    super(0, 0, kernel_size, kw);
    makeLazyParameters(this, out_channels, bias, kw);
    makeLazy(this, ConvTranspose2d);
  }
}

export class LazyConvTranspose3d extends lazyConv(ConvTranspose3d) {
  /** LazyConvTranspose3d(out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None) */
  constructor(out_channels: number, kernel_size: IntOrTuple, ...args: ConvTArgs) {
    const { kw, bias } = lazyOptions<ConvTKw>("LazyConvTranspose3d", args, true);
    super(0, 0, kernel_size, kw);
    makeLazyParameters(this, out_channels, bias, kw);
    makeLazy(this, ConvTranspose3d);
  }
}
