// PixelShuffle, PixelUnshuffle, Upsample, UpsamplingNearest2d, UpsamplingBilinear2d.
import type { Tensor } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import * as F from "../functional/index.js";
import type { InterpolateMode } from "../functional/vision.js";
import { Module } from "../module.js";
import { pyFloat } from "../repr.js";

export class PixelShuffle extends Module {
  upscale_factor: number;
  constructor(...args: Args<[upscale_factor: number], { upscale_factor?: number }>) {
    super();
    this.upscale_factor = (parseArgs("PixelShuffle", args, ["upscale_factor"], {}) as { upscale_factor: number }).upscale_factor;
  }
  override forward(input: Tensor): Tensor {
    return F.pixel_shuffle(input, this.upscale_factor);
  }
  override extra_repr(): string {
    return `upscale_factor=${this.upscale_factor}`;
  }
}

export class PixelUnshuffle extends Module {
  downscale_factor: number;
  constructor(...args: Args<[downscale_factor: number], { downscale_factor?: number }>) {
    super();
    this.downscale_factor = (parseArgs("PixelUnshuffle", args, ["downscale_factor"], {}) as { downscale_factor: number }).downscale_factor;
  }
  override forward(input: Tensor): Tensor {
    return F.pixel_unshuffle(input, this.downscale_factor);
  }
  override extra_repr(): string {
    return `downscale_factor=${this.downscale_factor}`;
  }
}

type Size = number | readonly number[] | null;
type UpsampleKw = {
  size?: Size;
  scale_factor?: Size;
  mode?: InterpolateMode;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
};

export class Upsample extends Module {
  size: Size;
  scale_factor: Size;
  mode: InterpolateMode;
  align_corners: boolean | null;
  recompute_scale_factor: boolean | null;
  constructor(
    ...args: Args<
      [size: Size, scale_factor: Size, mode: InterpolateMode, align_corners: boolean | null, recompute_scale_factor: boolean | null],
      UpsampleKw
    >
  ) {
    super();
    const o = parseArgs(new.target.name, args, ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"], {
      size: null,
      scale_factor: null,
      mode: "nearest",
      align_corners: null,
      recompute_scale_factor: null,
    });
    this.size = o.size;
    this.scale_factor = o.scale_factor || null;
    this.mode = o.mode;
    this.align_corners = o.align_corners;
    this.recompute_scale_factor = o.recompute_scale_factor;
  }
  override forward(input: Tensor): Tensor {
    return F.interpolate(input, this.size, this.scale_factor, this.mode, this.align_corners, {
      recompute_scale_factor: this.recompute_scale_factor,
    });
  }
  override extra_repr(): string {
    // PyTorch stores scale_factor as float(s) and prints the mode unquoted
    const sf = this.scale_factor;
    const info =
      sf !== null
        ? `scale_factor=${typeof sf === "number" ? pyFloat(sf) : `(${sf.map(pyFloat).join(", ")}${sf.length === 1 ? "," : ""})`}`
        : `size=${typeof this.size === "number" ? this.size : `[${(this.size ?? []).join(", ")}]`}`;
    return `${info}, mode=${this.mode}`;
  }
}

type Upsampling2dArgs = Args<[size: Size, scale_factor: Size], { size?: Size; scale_factor?: Size }>;
export class UpsamplingNearest2d extends Upsample {
  constructor(...args: Upsampling2dArgs) {
    const o = parseArgs("UpsamplingNearest2d", args, ["size", "scale_factor"], { size: null, scale_factor: null });
    super(o.size, o.scale_factor, "nearest");
  }
}

export class UpsamplingBilinear2d extends Upsample {
  constructor(...args: Upsampling2dArgs) {
    const o = parseArgs("UpsamplingBilinear2d", args, ["size", "scale_factor"], { size: null, scale_factor: null });
    super(o.size, o.scale_factor, "bilinear", true);
  }
}
