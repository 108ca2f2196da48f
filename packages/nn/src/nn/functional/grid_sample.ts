// affine_grid and grid_sample, composed of ops (linspace/bmm for the grid;
// gathers of the input's flattened spatial dims, weighted, for the sampling), so
// both run on cpu and xla and differentiate with respect to the input and the
// grid. The arithmetic follows ATen's CPU kernels (GridSamplerKernel.cpp /
// GridSampler.h): unnormalize as (g + 1) * (size - 1) / 2 (align_corners) or
// (g + 1) * size / 2 - 0.5, border/reflection padding on the source coordinate,
// non-finite coordinates sent to -100 (out of range), bilinear corner weights
// and round-half-even for nearest; bicubic with A = -0.75 and each of the 16
// taps padded on its own (out-of-range taps read 0 with zeros padding).
import { Tensor, TorchError, TorchTypeError, bmm, int64, linspace, ones, stack, tensor, where } from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";

type Mode = "bilinear" | "nearest" | "bicubic";
type Padding = "zeros" | "border" | "reflection";

/** ATen's linspace_from_neg_one: num points in [-1, 1], scaled by (num - 1) / num without align_corners. */
function baseLine(theta: Tensor, num: number, align: boolean): Tensor {
  if (num <= 1) return tensor([0], { dtype: theta.dtype, device: theta.device });
  const r = linspace(-1, 1, num, { dtype: theta.dtype, device: theta.device });
  return align ? r : r.mul((num - 1) / num);
}

/** affine_grid(theta, size, align_corners=None): the sampling grid (N, H, W, 2) or (N, D, H, W, 3) of theta's affine maps. */
export function affine_grid(
  theta: Tensor,
  size: readonly number[],
  ...args: Args<[align_corners: boolean | null], { align_corners?: boolean | null }>
): Tensor {
  const o = parseArgs("affine_grid", args, ["align_corners"], { align_corners: null });
  const align = !!o.align_corners;
  if (!(theta instanceof Tensor)) throw new TorchTypeError("affine_grid(): argument 'theta' must be Tensor");
  if (!theta.dtype.is_floating_point)
    throw new TorchError(`affine_grid: Expected theta to have floating point type, but got torch.${theta.dtype.name}`);
  const sz = `[${size.join(", ")}]`;
  const thetaShape = `torch.Size([${theta.shape.join(", ")}])`;
  let spatial: number[];
  if (size.length === 4) {
    if (theta.ndim !== 3 || theta.shape[1] !== 2 || theta.shape[2] !== 3)
      throw new TorchError(`affine_grid: Expected a batch of 2D affine matrices of shape Nx2x3 for size ${sz}. Got ${thetaShape}.`);
    spatial = size.slice(2);
  } else if (size.length === 5) {
    if (theta.ndim !== 3 || theta.shape[1] !== 3 || theta.shape[2] !== 4)
      throw new TorchError(`affine_grid: Expected a batch of 3D affine matrices of shape Nx3x4 for size ${sz}. Got ${thetaShape}.`);
    spatial = size.slice(2);
  } else throw new TorchError(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${sz}.`);
  if (!(align && Math.min(...spatial) === 1) && Math.min(...size) <= 0)
    throw new TorchError(`affine_grid: Expected non-zero, positive output size. Got ${sz}`);
  const N = size[0]!;
  if (theta.shape[0] !== N)
    throw new TorchError(
      `affine_grid: Expected size for first two dimensions of batch2 tensor to be: [${N}, ${spatial.length + 1}] but got: [${theta.shape[0]}, ${theta.shape[2]}].`,
    );
  // base grid [..spatial, nd + 1]: (x, y[, z], 1) with x along the last dim
  const nd = spatial.length;
  const lines = spatial.map((n) => baseLine(theta, n, align)); // D, H, W order
  const shapeOf = (d: number) => spatial.map((n, i) => (i === d ? n : 1));
  const comps: Tensor[] = [];
  for (let d = nd - 1; d >= 0; d--) comps.push(lines[d]!.reshape(shapeOf(d)).expand(spatial));
  comps.push(ones(spatial, { dtype: theta.dtype, device: theta.device }));
  const base = stack(comps, -1)
    .reshape([1, -1, nd + 1])
    .expand([N, -1, nd + 1]);
  return bmm(base, theta.transpose(1, 2)).reshape([N, ...spatial, nd]);
}

/** A source coordinate of grid values g along a dim of `size` (ATen's ComputeLocation), before rounding. */
function sourceIndex(g: Tensor, size: number, padding: Padding, align: boolean): Tensor {
  let x = align
    ? g.add(1).mul((size - 1) / 2)
    : g
        .add(1)
        .mul(size / 2)
        .sub(0.5);
  if (padding === "border") x = x.clamp(0, size - 1);
  else if (padding === "reflection") {
    x = align ? reflect(x, 0, 2 * (size - 1)) : reflect(x, -1, 2 * size - 1);
    x = x.clamp(0, size - 1);
  }
  return x;
}
/** ATen's reflect_coordinates(in, twice_low, twice_high). */
function reflect(x: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return x.mul(0);
  const min = twiceLow / 2,
    span = (twiceHigh - twiceLow) / 2;
  const a = x.sub(min).abs();
  const extra = a.fmod(span);
  const flips = a.div(span).floor();
  const even = flips.remainder(2).eq(0);
  return where(even, extra.add(min), extra.neg().add(span + min));
}
/** Non-finite or huge coordinates become -100 (ATen's safe_downgrade_to_int_range): out of range, never NaN. */
const safe = (x: Tensor): Tensor => where(x.isfinite().logical_and(x.abs().lt(2 ** 31)), x, -100);

/**
 * grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None): input (N, C, [D,] H, W)
 * sampled at grid (N, [Do,] Ho, Wo, nd) with x (W) first.
 */
export function grid_sample(
  input: Tensor,
  grid: Tensor,
  ...args: Args<
    [mode: Mode, padding_mode: Padding, align_corners: boolean | null],
    { mode?: Mode; padding_mode?: Padding; align_corners?: boolean | null }
  >
): Tensor {
  const o = parseArgs("grid_sample", args, ["mode", "padding_mode", "align_corners"], {
    mode: "bilinear",
    padding_mode: "zeros",
    align_corners: null,
  });
  const mode = o.mode as Mode,
    padding = o.padding_mode as Padding,
    align = !!o.align_corners;
  if (mode !== "bilinear" && mode !== "nearest" && mode !== "bicubic")
    throw new TorchError(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${mode}'`);
  if (padding !== "zeros" && padding !== "border" && padding !== "reflection")
    throw new TorchError(
      `nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${padding}'`,
    );
  if (!(input instanceof Tensor)) throw new TorchTypeError("grid_sample(): argument 'input' must be Tensor");
  if (!(grid instanceof Tensor)) throw new TorchTypeError("grid_sample(): argument 'grid' must be Tensor");
  const sizes = (t: Tensor) => `[${t.shape.join(", ")}]`;
  if (input.shape[0] !== grid.shape[0] || input.ndim < 1 || grid.ndim < 1)
    throw new TorchError(
      `grid_sampler(): expected grid and input to have same batch size, but got input with sizes ${sizes(input)} and grid with sizes ${sizes(grid)}`,
    );
  if (grid.shape[grid.ndim - 1] !== input.ndim - 2)
    throw new TorchError(
      `grid_sampler(): expected grid to have size ${input.ndim - 2} in last dimension, but got grid with sizes ${sizes(grid)}`,
    );
  if (input.ndim !== grid.ndim || (input.ndim !== 4 && input.ndim !== 5))
    throw new TorchError(
      `grid_sampler(): expected ${input.ndim === 5 ? 5 : 4}D input and grid with same number of dimensions, but got input with sizes ${sizes(input)} and grid with sizes ${sizes(grid)}`,
    );
  if (input.dtype !== grid.dtype)
    throw new TorchError(`grid_sampler: expected scalar type ${input.dtype.scalarName} but found ${grid.dtype.scalarName}`);
  if (!input.dtype.is_floating_point)
    throw new TorchError(`"grid_sampler_${input.ndim - 2}d_cpu" not implemented for '${input.dtype.scalarName}'`);
  if (mode === "bicubic" && input.ndim !== 4) throw new TorchError("grid_sampler(): bicubic interpolation only supports 4D input");
  const nd = input.ndim - 2;
  const [N, C] = input.shape as [number, number];
  const spatial = input.shape.slice(2); // [D,] H, W
  const outSpatial = grid.shape.slice(1, -1);
  const P = outSpatial.reduce((a, b) => a * b, 1);
  const flat = input.reshape([N, C, -1]);
  // source coordinates per spatial dim, in input dim order ([D,] H, W); grid's last dim is (x, y[, z])
  const coords = spatial.map((size, d) => {
    const g = grid.select(-1, nd - 1 - d).reshape([N, P]);
    return { size, x: sourceIndex(g, size, padding, align) };
  });
  /** The input at integer positions pos (per dim, [N, P] int64), 0 where out of range: [N, C, P]. */
  const at = (pos: Tensor[]): [Tensor, Tensor] => {
    let idx: Tensor | null = null;
    let ok: Tensor | null = null;
    pos.forEach((p, d) => {
      const size = spatial[d]!;
      const inside = p.ge(0).logical_and(p.lt(size));
      const clamped = p.clamp(0, size - 1);
      idx = idx === null ? clamped : idx.mul(size).add(clamped);
      ok = ok === null ? inside : ok.logical_and(inside);
    });
    const v = flat.gather(2, idx!.unsqueeze(1).expand([N, C, P]));
    return [v, ok!.unsqueeze(1)];
  };
  let out: Tensor;
  if (mode === "nearest") {
    const [v, ok] = at(coords.map((c) => safe(c.x.round()).to(int64)));
    // PyTorch's grid gradient is zero here (not None): a zero-valued term that depends on the grid
    out = where(ok, v, 0).add(where(grid.isfinite(), grid, 0).mul(0).sum());
  } else if (mode === "bilinear") {
    const lo = coords.map((c) => safe(c.x).floor());
    const frac = coords.map((c, d) => c.x.sub(lo[d]!));
    out = flat.new_zeros([N, C, P]);
    for (let corner = 0; corner < 1 << nd; corner++) {
      const pos: Tensor[] = [];
      let w: Tensor | null = null;
      for (let d = 0; d < nd; d++) {
        const hi = (corner >> (nd - 1 - d)) & 1;
        pos.push(lo[d]!.add(hi).to(int64));
        const wd = hi ? frac[d]! : frac[d]!.neg().add(1);
        w = w === null ? wd : w.mul(wd);
      }
      const [v, ok] = at(pos);
      out = out.add(where(ok, v.mul(w!.unsqueeze(1)), 0));
    }
  } else {
    // bicubic (2-D): the 4 x 4 taps around floor(x), each padded on its own
    const A = -0.75;
    const cubic = (t: Tensor): Tensor[] => {
      // ATen's get_cubic_upsampling_coefficients
      const c1 = (u: Tensor) =>
        u
          .mul(A + 2)
          .sub(A + 3)
          .mul(u)
          .mul(u)
          .add(1);
      const c2 = (u: Tensor) =>
        u
          .mul(A)
          .sub(5 * A)
          .mul(u)
          .add(8 * A)
          .mul(u)
          .sub(4 * A);
      return [c2(t.add(1)), c1(t), c1(t.neg().add(1)), c2(t.neg().add(2))];
    };
    const raw = spatial.map((size, d) => {
      const g = grid.select(-1, nd - 1 - d).reshape([N, P]);
      return align
        ? g.add(1).mul((size - 1) / 2)
        : g
            .add(1)
            .mul(size / 2)
            .sub(0.5);
    });
    const base = raw.map((x) => x.floor());
    const coef = raw.map((x, d) => cubic(x.sub(base[d]!)));
    const tapPos = (d: number, k: number): Tensor => {
      const size = spatial[d]!;
      let p = base[d]!.add(k - 1);
      if (padding === "border") p = p.clamp(0, size - 1);
      else if (padding === "reflection") {
        p = align ? reflect(p, 0, 2 * (size - 1)) : reflect(p, -1, 2 * size - 1);
        p = p.clamp(0, size - 1);
      }
      return safe(p).to(int64);
    };
    out = flat.new_zeros([N, C, P]);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        const [v, ok] = at([tapPos(0, i), tapPos(1, j)]);
        const w = coef[0]![i]!.mul(coef[1]![j]!).unsqueeze(1);
        out = out.add(where(ok, v, 0).mul(w));
      }
  }
  return out.reshape([N, C, ...outSpatial]);
}
