// Statistics of samples: quantile/nanquantile, cov/corrcoef, histc,
// histogram, bincount and mode, composed as ATen composes them (Sorting.cpp's
// quantile_compute, Correlation.cpp, HistogramKernel.cpp) from sort, gather,
// scatter_add, matmul and elementwise ops. Ranges and output lengths that
// depend on the data are read on the host, where PyTorch reads them too.
import { surface } from "../autograd.js";
import { bind } from "../dispatch.js";
import { P } from "../prims.js";
import { float32, float64, int64, type DType } from "../dtype_all.js";
import { TorchError, TorchIndexError, TorchTypeError } from "../errors.js";
import { normDim, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkInt, checkTensor, describe, indexValues, isScalar, parseArgs } from "./args.js";
import { constant, convert, dtypeMax, iota, namedPair, scalarTensor, type ValuesIndices } from "./base.js";
import { conjIfComplex } from "./complex.js";
import { zeros } from "./creation.js";
import {
  add,
  ceil,
  div,
  eq,
  floor,
  ge,
  isnan,
  le,
  lerp,
  logical_and,
  logical_not,
  lt,
  mul,
  round,
  sqrt,
  sub,
  where,
} from "./elementwise.js";
import { gather } from "./indexing.js";
import { amax, amin, any, max, sum } from "./reduce.js";
import { scatter_add } from "./scatter.js";
import { searchsorted, sort } from "./sort.js";
import { clamp } from "./elementwise.js";
import { diag } from "./matrix.js";
import { mm } from "./linalg.js";
import { movedim, reshape, sliceDim, squeeze, unsqueeze } from "./shape.js";

const INTERPOLATIONS = ["linear", "lower", "higher", "midpoint", "nearest"];

function quantileImpl(op: "quantile" | "nanquantile", x: Tensor, q: unknown, args: unknown[]): Tensor {
  const o = parseArgs(op, args, ["dim", "keepdim", "interpolation"], { dim: null, keepdim: false, interpolation: "linear" });
  checkTensor(op, "input", x);
  if (!(q instanceof Tensor) && !isScalar(q)) throw new TorchTypeError(`${op}(): argument 'q' must be Tensor, not ${describe(q)}`);
  if (x.numel() === 0) throw new TorchError(`${op}() input tensor must be non-empty`);
  if (x.dtype !== float32 && x.dtype !== float64) throw new TorchError(`${op}() input tensor must be either float or double dtype`);
  if (!INTERPOLATIONS.includes(o.interpolation))
    throw new TorchError(`${op}() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${o.interpolation}`);
  let qt: Tensor;
  if (q instanceof Tensor) {
    if (q.ndim > 1) throw new TorchError(`${op}() q must be a scalar or 1D tensor`);
    if (q.dtype !== x.dtype) throw new TorchError(`${op}() q tensor must be same dtype as the input tensor`);
    const h = indexValues(q); // checked where the values are at hand (PyTorch checks on cpu only)
    if (h && Array.from(h).some((v) => !(Number(v) >= 0 && Number(v) <= 1)))
      throw new TorchError(`${op}() q values must be in the range [0, 1]`);
    qt = q.device.equals(x.device) ? q : q.to(x.device);
  } else {
    const v = Number(q);
    if (!(v >= 0 && v <= 1)) throw new TorchError(`${op}() q must be in the range [0, 1] but got ${v}`);
    qt = scalarTensor(v, x.dtype, x.device);
  }
  const dim = o.dim === null ? null : normDim(checkInt(op, "dim", o.dim), x.ndim, op);
  return surface(op, () => {
    // sorted values along the last dim (NaN last, as sort puts them)
    const rows = dim === null ? reshape(x, [-1]) : x.ndim === 0 ? reshape(x, [1]) : movedim(x, dim, -1);
    const sorted = sort(rows, -1).values;
    const n = sorted.shape[sorted.ndim - 1]!;
    const q1 = reshape(qt, [-1]); // [Q]
    let ranks: Tensor;
    if (op === "nanquantile") {
      const valid = sum(logical_not(isnan(sorted)), -1, true);
      ranks = mul(q1, sub(valid, 1));
      ranks = where(lt(ranks, 0), 0, ranks);
    } else {
      ranks = where(any(isnan(sorted), -1, true), n - 1, mul(q1, n - 1));
    }
    ranks = convert(ranks, x.dtype);
    if (o.interpolation === "lower") ranks = floor(ranks);
    else if (o.interpolation === "higher") ranks = ceil(ranks);
    else if (o.interpolation === "nearest") ranks = round(ranks);
    const below = convert(ranks, int64);
    let v = gather(sorted, -1, below);
    if (o.interpolation === "linear" || o.interpolation === "midpoint") {
      const w = o.interpolation === "midpoint" ? constant(0.5, x.dtype, ranks, ranks.shape) : sub(ranks, convert(below, x.dtype));
      v = lerp(v, gather(sorted, -1, convert(ceil(ranks), int64)), w);
    }
    // [..., Q] -> [Q, ...], or [...] for a 0-dim q
    v = qt.ndim === 0 ? squeeze(v, -1) : movedim(v, -1, 0);
    if (o.keepdim) {
      const lead = qt.ndim === 0 ? 0 : 1;
      if (dim === null) v = reshape(v, [...v.shape.slice(0, lead), ...x.shape.map(() => 1)]);
      else if (x.ndim > 0) v = unsqueeze(v, lead + dim);
    }
    return v;
  });
}

/** quantile(input, q, dim=None, keepdim=False, *, interpolation='linear'). */
export const quantile = (input: Tensor, q: Tensor | number, ...args: unknown[]): Tensor => quantileImpl("quantile", input, q, args);
/** nanquantile(input, q, dim=None, keepdim=False, *, interpolation='linear'): quantile ignoring NaN. */
export const nanquantile = (input: Tensor, q: Tensor | number, ...args: unknown[]): Tensor => quantileImpl("nanquantile", input, q, args);

/** All values of a small tensor that is at hand (weights checks), else null. */
const minOf = (t: Tensor): number | null => {
  const h = indexValues(t);
  return h ? Math.min(...Array.from(h, Number)) : null;
};

/** cov(input, *, correction=1, fweights=None, aweights=None): the covariance of the rows' variables. */
export function cov(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("cov", args, ["correction", "fweights", "aweights"], { correction: 1, fweights: null, aweights: null });
  checkTensor("cov", "input", input);
  if (input.ndim > 2)
    throw new TorchError(`cov(): expected input to have two or fewer dimensions but got an input with ${input.ndim} dimensions`);
  if (input.dtype.name === "bool") throw new TorchError("cov(): bool dtype is not supported for input");
  const x = input.ndim < 2 ? reshape(input, [1, -1]) : input;
  const nobs = x.shape[1]!;
  let w: Tensor | null = null;
  const fw = o.fweights as Tensor | null,
    aw = o.aweights as Tensor | null;
  if (fw !== null) {
    checkTensor("cov", "fweights", fw);
    if (fw.ndim > 1)
      throw new TorchError(`cov(): expected fweights to have one or fewer dimensions but got fweights with ${fw.ndim} dimensions`);
    if (fw.dtype.is_floating_point || fw.dtype.name === "bool")
      throw new TorchError(`cov(): expected fweights to have integral dtype but got fweights with ${fw.dtype.scalarName} dtype`);
    if (fw.numel() !== nobs)
      throw new TorchError(
        `cov(): expected fweights to have the same numel as there are observations in the input but got ${fw.numel()} != ${nobs}`,
      );
    const m = nobs === 0 ? null : minOf(fw);
    if (m !== null && m < 0) throw new TorchError("cov(): fweights cannot be negative");
    w = fw;
  }
  if (aw !== null) {
    checkTensor("cov", "aweights", aw);
    if (aw.ndim > 1)
      throw new TorchError(`cov(): expected aweights to have one or fewer dimensions but got aweights with ${aw.ndim} dimensions`);
    if (!aw.dtype.is_floating_point)
      throw new TorchError(`cov(): expected aweights to have floating point dtype but got aweights with ${aw.dtype.scalarName} dtype`);
    if (aw.numel() !== nobs)
      throw new TorchError(
        `cov(): expected aweights to have the same numel as there are observations in the input but got ${aw.numel()} != ${nobs}`,
      );
    const m = nobs === 0 ? null : minOf(aw);
    if (m !== null && m < 0) throw new TorchError("cov(): aweights cannot be negative");
    w = w === null ? aw : mul(w, aw);
  }
  const correction = o.correction as number;
  return surface("cov", () => {
    const wSum = w === null ? scalarTensor(nobs, int64, x.device) : sum(w);
    const xw = (t: Tensor) => (w === null ? t : mul(t, w));
    const avg = div(sum(xw(x), 1), wSum);
    let norm =
      w !== null && aw !== null && correction !== 0 ? sub(wSum, div(mul(sum(mul(w, aw)), correction), wSum)) : sub(wSum, correction);
    // degrees of freedom <= 0: PyTorch warns and divides by zero
    norm = where(le(norm, 0), 0, norm);
    const c = sub(x, unsqueeze(avg, 1));
    // PyTorch's mm(input, (input * w).t().conj()): a complex covariance conjugates its second factor
    return squeeze(div(mm(c, conjIfComplex(xw(c).t())), norm));
  });
}

/** corrcoef(input): Pearson's correlation coefficients of the rows' variables, clipped to [-1, 1]. */
export function corrcoef(input: Tensor): Tensor {
  checkTensor("corrcoef", "input", input);
  if (input.ndim > 2)
    throw new TorchError(`corrcoef(): expected input to have two or fewer dimensions but got an input with ${input.ndim} dimensions`);
  return surface("corrcoef", () => {
    let c = cov(input);
    if (c.ndim === 0) return div(c, c);
    const s = sqrt(diag(c));
    c = div(div(c, reshape(s, [-1, 1])), reshape(s, [1, -1]));
    return clamp(c, -1, 1);
  });
}

/** Counts (or summed weights) per bin: `pos` int64 in [0, bins], bin `bins` being "outside", dropped. */
function countBins(pos: Tensor, bins: number, dtype: DType, weight: Tensor | null): Tensor {
  const acc = zeros([bins + 1], { dtype, device: pos.device });
  const src = weight === null ? constant(1, dtype, pos, pos.shape) : convert(reshape(weight, [-1]), dtype);
  return sliceDim(scatter_add(acc, 0, pos, src), 0, 0, bins);
}

/** The data's [min, max] as numbers (host reads, as ATen's aminmax(...).item()). */
function dataRange(x: Tensor): [number, number] {
  return [Number(amin(x).item()), Number(amax(x).item())];
}

function checkFloatInput(op: string, kernel: string, x: Tensor): void {
  if (!x.dtype.is_floating_point) throw new TorchError(`"${kernel}" not implemented for '${x.dtype.scalarName}'`);
  void op;
}

/** histc(input, bins=100, min=0, max=0): counts over equal bins of [min, max] (the data's range when min == max). */
export function histc(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("histc", args, ["bins", "min", "max"], { bins: 100, min: 0, max: 0 });
  checkTensor("histc", "input", input);
  const bins = checkInt("histc", "bins", o.bins);
  checkFloatInput("histc", "histogram_cpu", input);
  if (bins <= 0) throw new TorchError(`torch.histogramdd(): bins must be > 0, but got ${bins} for dimension 0`);
  let lo = Number(o.min),
    hi = Number(o.max);
  if (lo === hi && input.numel() > 0) [lo, hi] = dataRange(input);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new TorchError(`torch.histc: range of [${lo}, ${hi}] is not finite`);
  if (!(lo < hi)) throw new TorchError("torch.histc: max must be larger than min");
  return surface("histc", () => {
    const x = reshape(input.detach(), [-1]);
    // the edges as the input dtype holds them; ATen's LINEAR_INTERPOLATION: (x - lo) * bins / (hi - lo), truncated
    const l = scalarTensor(lo, x.dtype, x.device),
      h = scalarTensor(hi, x.dtype, x.device);
    const inside = logical_and(ge(x, l), le(x, h));
    let pos = convert(div(mul(sub(x, l), bins), sub(h, l)), int64);
    pos = where(eq(pos, bins), bins - 1, pos);
    pos = where(inside, pos, bins);
    return countBins(pos, bins, x.dtype, null);
  });
}

/**
 * histogram(input, bins, *, range=None, weight=None, density=False) -> (hist, bin_edges):
 * bins an int (equal bins over range or the data's range) or a tensor of edges.
 * A value falls in the bin whose left edge is the last one <= it; the last bin
 * also holds the right edge.
 */
export function histogram(input: Tensor, bins: Tensor | number = 100, ...args: unknown[]): Tensor[] & { hist: Tensor; bin_edges: Tensor } {
  const o = parseArgs("histogram", args, ["range", "weight", "density"], { range: null, weight: null, density: false });
  checkTensor("histogram", "input", input);
  checkFloatInput("histogram", "histogram_cpu", input);
  const weight = o.weight as Tensor | null;
  if (weight !== null) {
    checkTensor("histogram", "weight", weight);
    if (weight.dtype !== input.dtype)
      throw new TorchError(
        `torch.histogramdd: if weight tensor is provided, it should have the same dtype as the input tensor, but got input ${input.dtype.scalarName} and weight ${weight.dtype.scalarName}`,
      );
    if (shapeStr(weight.shape) !== shapeStr(input.shape))
      throw new TorchError(
        `torch.histogramdd: if weight tensor is provided it should have the same shape as the input tensor excluding its innermost dimension, but got input with shape ${shapeStr([...input.shape, 1])} and weight with shape ${shapeStr(weight.shape)}`,
      );
  }
  let edges: Tensor;
  if (bins instanceof Tensor) {
    if (bins.ndim !== 1)
      throw new TorchError(
        `torch.histogramdd: bins tensor should have one dimension, but got ${bins.ndim} dimensions in the bins tensor for dimension 0`,
      );
    if (bins.dtype !== input.dtype)
      throw new TorchError(
        `torch.histogramdd: input tensor and bins tensors should have the same dtype, but got input ${input.dtype.scalarName} and bins ${bins.dtype.scalarName}`,
      );
    if (bins.numel() === 0)
      throw new TorchError("torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements for dimension 0");
    edges = bins;
  } else {
    const n = checkInt("histogram", "bins", bins);
    if (n <= 0) throw new TorchError(`torch.histogramdd(): bins must be > 0, but got ${n} for dimension 0`);
    let lo = 0,
      hi = 0;
    if (o.range !== null) {
      const r = o.range as number[];
      if (!Array.isArray(r) || r.length !== 2)
        throw new TorchTypeError(`histogram(): argument 'range' must be tuple of floats, not ${describe(r)}`);
      [lo, hi] = [Number(r[0]), Number(r[1])];
    } else if (input.numel() > 0) [lo, hi] = dataRange(input);
    if (!Number.isFinite(lo) || !Number.isFinite(hi))
      throw new TorchError(`torch.histogramdd: dimension 0's range [${lo}, ${hi}] is not finite`);
    if (lo > hi) throw new TorchError(`torch.histogramdd: min should not exceed max, but got min ${lo} max ${hi} for dimension 0`);
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    edges = linspaceOn(lo, hi, n + 1, input);
  }
  const nb = edges.shape[0]! - 1;
  const hist = surface("histogram", () => {
    const x = reshape(input.detach(), [-1]);
    const e = edges.detach();
    const first = sliceDim(e, 0, 0, 1),
      last = sliceDim(e, 0, nb, nb + 1);
    const inside = logical_and(ge(x, first), le(x, last));
    let pos = sub(searchsorted(e, x, { right: true }), 1);
    pos = where(ge(pos, nb), nb - 1, pos);
    pos = where(inside, pos, nb);
    let hh = countBins(pos, Math.max(nb, 0), x.dtype, weight === null ? null : weight.detach());
    if (o.density) hh = div(div(hh, sum(hh)), sub(sliceDim(e, 0, 1, nb + 1), sliceDim(e, 0, 0, nb)));
    return hh;
  });
  const out = [hist, edges] as Tensor[] & { hist: Tensor; bin_edges: Tensor };
  out.hist = hist;
  out.bin_edges = edges;
  return out;
}

/** linspace(lo, hi, steps) in x's dtype on x's device, as ATen's linspace kernel (two halves, from each end). */
function linspaceOn(lo: number, hi: number, steps: number, x: Tensor): Tensor {
  const i = convert(iota([steps], 0, x), x.dtype);
  if (steps === 1) return constant(lo, x.dtype, x, [1]).clone();
  const step = (hi - lo) / (steps - 1);
  const half = Math.floor(steps / 2);
  return where(lt(iota([steps], 0, x), half), add(mul(i, step), lo), sub(hi, mul(sub(steps - 1, i), step)));
}

/** bincount(input, weights=None, minlength=0): occurrences (or summed weights) of each value 0..max(input). */
export function bincount(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("bincount", args, ["weights", "minlength"], { weights: null, minlength: 0 });
  checkTensor("bincount", "input", input);
  const minlength = checkInt("bincount", "minlength", o.minlength);
  if (minlength < 0) throw new TorchError("minlength should be >= 0");
  if (input.ndim !== 1 || input.dtype.is_floating_point || input.dtype.name === "bool")
    throw new TorchError("bincount only supports 1-d non-negative integral inputs.");
  const w = o.weights as Tensor | null;
  if (w !== null && (w.ndim !== 1 || w.shape[0] !== input.shape[0]))
    throw new TorchError("weights should be 1-d and have the same length as input");
  let n = minlength;
  if (input.numel() > 0) {
    const [lo, hi] = dataRange(input);
    if (lo < 0) throw new TorchError("bincount only supports 1-d non-negative integral inputs.");
    n = Math.max(n, hi + 1);
  }
  const dtype = w === null ? int64 : w.dtype === float32 ? float32 : float64;
  return surface("bincount", () => {
    const acc = zeros([n], { dtype, device: input.device });
    if (input.numel() === 0) return acc;
    const src = w === null ? constant(1, dtype, input, input.shape) : convert(w.detach(), dtype);
    return scatter_add(acc, 0, convert(input, int64), src);
  });
}

/**
 * mode(input, dim=-1, keepdim=False) -> (values, indices): the most frequent
 * value along dim (the smallest of equally frequent ones) and the index of its
 * last occurrence, as PyTorch's CPU kernel gives them. Counted by comparing
 * every pair along dim.
 */
export function mode(input: Tensor, ...args: unknown[]): ValuesIndices {
  const o = parseArgs("mode", args, ["dim", "keepdim"], { dim: -1, keepdim: false });
  checkTensor("mode", "input", input);
  const dim = normDim(checkInt("mode", "dim", o.dim), Math.max(input.ndim, 1), "mode");
  if (input.ndim > 0 && input.shape[dim] === 0) throw new TorchIndexError(`mode(): Expected reduction dim ${dim} to have non-zero size.`);
  return surface("mode", () => {
    // PyTorch's CPU algorithm (prims_select.ts): the smallest most frequent value, the index its run ends with
    // after libstdc++'s std::sort of the (value, index) pairs
    const x = input.ndim === 0 ? reshape(input, [1]) : movedim(input, dim, -1);
    const [values, index] = bind(P.mode!, [x], {}) as [Tensor, Tensor];
    if (input.ndim === 0 || !o.keepdim) return namedPair(values, index);
    return namedPair(unsqueeze(values, dim), unsqueeze(index, dim));
  });
}
