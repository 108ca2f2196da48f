// torch.histogramdd(input, bins, range=None, weight=None, density=False): the
// D-dimensional histogram of the points input[..., :D], composed of ops as
// torch.histogram is (statistics.ts): per dimension the edges (linspace over
// the range, the data's min/max read on the host as ATen reads them, an empty
// range widened by 0.5 each way; or given tensors), each point's bin by
// searchsorted over the edges (the last bin closed on the right, points
// outside dropped), the flat bin index summed with scatter_add.
import { surface } from "../autograd.js";
import { int64 } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { linspace, zeros } from "./creation.js";
import { add, div, ge, le, logical_and, mul, sub, where } from "./elementwise.js";
import { amax, amin, sum } from "./reduce.js";
import { scatter_add } from "./scatter.js";
import { reshape, sliceDim } from "./shape.js";
import { searchsorted } from "./sort.js";

const shapeOf = (s: readonly number[]) => `[${s.join(", ")}]`;

export function histogramdd(input: Tensor, ...args: unknown[]): Tensor[] & { hist: Tensor; bin_edges: Tensor[] } {
  const o = parseArgs("histogramdd", args, ["bins", "range", "weight", "density"], { bins: 10, range: null, weight: null, density: false });
  const op = "torch.histogramdd";
  checkTensor("histogramdd", "input", input);
  if (!input.dtype.is_floating_point) throw new TorchError(`"histogramdd" not implemented for '${input.dtype.scalarName}'`);
  if (input.ndim < 2) throw new TorchError(`${op}: input tensor should have at least 2 dimensions`);
  const D = input.shape[input.ndim - 1]!;
  const x = reshape(input.detach(), [-1, D]);
  const weight = o.weight as Tensor | null;
  if (weight !== null) {
    checkTensor("histogramdd", "weight", weight);
    const want = input.shape.slice(0, -1);
    if (weight.ndim !== want.length || weight.shape.some((v, i) => v !== want[i]))
      throw new TorchError(
        `${op}: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape ${shapeOf(input.shape)} and weight with shape ${shapeOf(weight.shape)}`,
      );
    if (weight.dtype !== input.dtype)
      throw new TorchError(
        `${op}: if weight tensor is provided, it should have the same dtype as the input tensor, but got input ${input.dtype.scalarName} and weight ${weight.dtype.scalarName}`,
      );
  }
  const bins = o.bins as number | readonly number[] | readonly Tensor[];
  let edges: Tensor[];
  if (Array.isArray(bins) && bins.length && bins[0] instanceof Tensor) {
    if (bins.length !== D)
      throw new TorchError(`${op}: expected ${D} sequences of bin edges for a ${D}-dimensional histogram but got ${bins.length}`);
    edges = (bins as Tensor[]).map((b, d) => {
      if (b.ndim !== 1)
        throw new TorchError(
          `${op}: bins tensor should have one dimension, but got ${b.ndim} dimensions in the bins tensor for dimension ${d}`,
        );
      if (b.numel() === 0) throw new TorchError(`${op}: bins tensor should have at least 1 element, but got 0 elements for dimension ${d}`);
      return b;
    });
  } else {
    const counts = typeof bins === "number" ? Array<number>(D).fill(bins) : (bins as number[]);
    if (counts.length !== D)
      throw new TorchError(`${op}: expected ${D} sequences of bin edges for a ${D}-dimensional histogram but got ${counts.length}`);
    const range = o.range as number[] | null;
    if (range !== null && range.length !== 2 * D)
      throw new TorchError(`${op}: for a ${D}-dimensional histogram range should have ${2 * D} elements, but got ${range.length}`);
    edges = counts.map((n, d) => {
      if (!(n > 0)) throw new TorchError(`torch.histogram(): bins must be > 0, but got ${n} for dimension ${d}`);
      let lo = 0,
        hi = 0;
      if (range !== null) [lo, hi] = [Number(range[2 * d]), Number(range[2 * d + 1])];
      else if (x.shape[0]! > 0) {
        const col = sliceDim(x, 1, d, d + 1);
        [lo, hi] = [Number(amin(col).item()), Number(amax(col).item())];
      }
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new TorchError(`${op}: dimension ${d}'s range [${lo}, ${hi}] is not finite`);
      if (lo > hi) throw new TorchError(`${op}: min should not exceed max, but got min ${lo} max ${hi} for dimension ${d}`);
      if (lo === hi) {
        lo -= 0.5;
        hi += 0.5;
      }
      return linspace(lo, hi, n + 1, { dtype: input.dtype, device: input.device });
    });
  }
  const nbs = edges.map((e) => e.shape[0]! - 1);
  const total = nbs.reduce((a, b) => a * b, 1);
  const hist = surface("histogramdd", () => {
    // flat bin index of each point; `total` for points outside (dropped below)
    let flat: Tensor | null = null;
    let inside: Tensor | null = null;
    edges.forEach((edge, d) => {
      const e = edge.detach();
      const nb = nbs[d]!;
      const col = reshape(sliceDim(x, 1, d, d + 1), [-1]);
      const ok = logical_and(ge(col, sliceDim(e, 0, 0, 1)), le(col, sliceDim(e, 0, nb, nb + 1)));
      let pos = sub(searchsorted(e, col, { right: true }), 1);
      pos = where(ge(pos, nb), nb - 1, pos);
      pos = where(ok, pos, 0);
      flat = flat === null ? pos : add(mul(flat, nb), pos);
      inside = inside === null ? ok : logical_and(inside, ok);
    });
    const idx = where(inside!, flat!, total);
    const src = weight === null ? add(mul(idx, 0), 1).to(input.dtype) : reshape(weight.detach(), [-1]);
    const acc = zeros([total + 1], { dtype: input.dtype, device: input.device });
    let h = reshape(sliceDim(scatter_add(acc, 0, idx.to(int64), src), 0, 0, total), nbs);
    if (o.density) {
      h = div(h, sum(h));
      edges.forEach((edge, d) => {
        const nb = nbs[d]!;
        const width = sub(sliceDim(edge.detach(), 0, 1, nb + 1), sliceDim(edge.detach(), 0, 0, nb));
        const shape = nbs.map((_, i) => (i === d ? nb : 1));
        h = div(h, reshape(width, shape));
      });
    }
    return h;
  });
  return Object.assign([hist, edges] as unknown as Tensor[], { hist, bin_edges: edges });
}
