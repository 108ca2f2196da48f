// torch.fft: every transform is the one `fft` primitive (stablehlo.fft: FFT,
// IFFT, RFFT, IRFFT over trailing dims) after moving the transformed dims last
// and cropping or zero-padding them to the requested sizes, then scaled for
// `norm`. The primitive is unnormalised forward and 1/n inverse (XLA's), so
// "backward" needs no scaling, "ortho" 1/sqrt(n) forward and sqrt(n) inverse,
// "forward" 1/n forward and n inverse. hfft/ihfft are irfft/rfft of the
// conjugate with the norm mirrored, as PyTorch defines them.
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { get_default_dtype, toComplexType, type DType } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { P, type FftType } from "../prims.js";
import { normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { convert } from "./base.js";
import { conj } from "./complex.js";
import { arange } from "./creation.js";
import * as E from "./elementwise.js";
import { permute, roll } from "./shape.js";

type Norm = "backward" | "ortho" | "forward";
function normOf(v: unknown): Norm {
  if (v === null || v === undefined) return "backward";
  if (v === "backward" || v === "ortho" || v === "forward") return v;
  throw new TorchError(`Invalid normalization mode: "${String(v)}"`);
}
/** The scale a transform of `n` points needs for `norm`, given that the primitive scales the inverse by 1/n. */
function scaleOf(norm: Norm, n: number, inverse: boolean): number {
  if (norm === "backward") return 1;
  if (norm === "ortho") return inverse ? Math.sqrt(n) : 1 / Math.sqrt(n);
  return inverse ? n : 1 / n;
}
const mirror = (n: Norm): Norm => (n === "backward" ? "forward" : n === "forward" ? "backward" : n);

/** Complex inputs stay; real ones become the complex type of their precision (integers: of the default float). */
const toComplex = (x: Tensor): Tensor =>
  x.dtype.is_complex ? x : convert(x, toComplexType(x.dtype.is_floating_point ? x.dtype : get_default_dtype()));
const toReal = (op: string, x: Tensor): Tensor => {
  if (x.dtype.is_complex) throw new TorchError(`${op} expects a real input tensor, but got ${x.dtype.scalarName}`);
  return x.dtype.is_floating_point ? x : convert(x, get_default_dtype());
};

/** Crops (from the start) or zero-pads (at the end) dim d to n. */
function resize(x: Tensor, d: number, n: number): Tensor {
  const cur = x.shape[d]!;
  if (cur === n) return x;
  if (cur > n)
    return bind1(P.slice, [x], {
      start: x.shape.map(() => 0),
      limit: x.shape.map((s, i) => (i === d ? n : s)),
      step: x.shape.map(() => 1),
    });
  return bind1(P.pad, [x], {
    low: x.shape.map(() => 0),
    high: x.shape.map((_, i) => (i === d ? n - cur : 0)),
    interior: x.shape.map(() => 0),
    value: 0,
  });
}

/** The dims and sizes a call transforms: PyTorch's checks of s and dim (the last dim listed is the halved one for r/irfft). */
function plan(x: Tensor, s: unknown, dim: unknown, defaultDims: number[] | null): { dims: number[]; sizes: (number | null)[] } {
  const nd = x.ndim;
  let dims: number[];
  const sList = s === null || s === undefined ? null : typeof s === "number" ? [s] : (s as number[]);
  if (dim !== null && dim !== undefined) {
    dims = (typeof dim === "number" ? [dim] : (dim as number[])).map((d) => normDim(d, nd));
    if (new Set(dims).size !== dims.length) throw new TorchError("FFT dims must be unique");
  } else if (sList) {
    if (sList.length > nd) throw new TorchError(`Got shape with ${sList.length} values but input tensor only has ${nd} dimensions.`);
    dims = sList.map((_, i) => nd - sList.length + i);
  } else dims = (defaultDims ?? [...Array(nd).keys()]).map((d) => normDim(d, nd));
  if (sList && sList.length !== dims.length) throw new TorchError(`When given, dim and shape arguments must have the same length`);
  const sizes = dims.map((_, i) => {
    const n = sList ? sList[i]! : null;
    if (n !== null && n !== -1 && n < 1) throw new TorchError(`Invalid number of data points (${n}) specified`);
    return n === -1 ? null : n;
  });
  return { dims, sizes };
}

/** Applies the primitive over `dims` (moved last, in order), returning the result with dims in place. */
function overDims(x: Tensor, dims: number[], fft_type: FftType, fft_length: number[]): Tensor {
  const nd = x.ndim;
  const rest = [...Array(nd).keys()].filter((d) => !dims.includes(d));
  const perm = [...rest, ...dims];
  const identity = perm.every((p, i) => p === i);
  const y = bind1(P.fft, [identity ? x : permute(x, perm)], { fft_type, fft_length });
  if (identity) return y;
  const inv = new Array<number>(nd);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return permute(y, inv);
}
const scaled = (t: Tensor, k: number): Tensor => (k === 1 ? t : E.mul(t, k));
const prod = (a: readonly number[]) => a.reduce((p, v) => p * v, 1);

function c2c(op: string, x: Tensor, s: unknown, dim: unknown, normArg: unknown, inverse: boolean, defaults: number[] | null): Tensor {
  checkTensor(op, "input", x);
  const norm = normOf(normArg);
  return surface(op, () => {
    const { dims, sizes } = plan(x, s, dim, defaults);
    let z = toComplex(x);
    const lens = dims.map((d, i) => sizes[i] ?? z.shape[d]!);
    dims.forEach((d, i) => {
      if (lens[i]! < 1) throw new TorchError(`Invalid number of data points (${lens[i]}) specified`);
      z = resize(z, d, lens[i]!);
    });
    if (dims.length === 0) return z;
    const y = overDims(z, dims, inverse ? "IFFT" : "FFT", lens);
    return scaled(y, scaleOf(norm, prod(lens), inverse));
  });
}

function r2c(op: string, x: Tensor, s: unknown, dim: unknown, normArg: unknown, defaults: number[] | null): Tensor {
  checkTensor(op, "input", x);
  const norm = normOf(normArg);
  return surface(op, () => {
    const { dims, sizes } = plan(x, s, dim, defaults);
    let r = toReal(op.replace(/^fft_/, ""), x);
    const lens = dims.map((d, i) => sizes[i] ?? r.shape[d]!);
    dims.forEach((d, i) => {
      if (lens[i]! < 1) throw new TorchError(`Invalid number of data points (${lens[i]}) specified`);
      r = resize(r, d, lens[i]!);
    });
    const y = overDims(r, dims, "RFFT", lens);
    return scaled(y, scaleOf(norm, prod(lens), false));
  });
}

function c2r(op: string, x: Tensor, s: unknown, dim: unknown, normArg: unknown, defaults: number[] | null): Tensor {
  checkTensor(op, "input", x);
  const norm = normOf(normArg);
  return surface(op, () => {
    const { dims, sizes } = plan(x, s, dim, defaults);
    let z = toComplex(x);
    const last = dims.length - 1;
    // the last dim's output length: given, else 2 * (m - 1) from the m stored (onesided) values
    const lens = dims.map((d, i) => sizes[i] ?? (i === last ? 2 * (z.shape[d]! - 1) : z.shape[d]!));
    if (lens[last]! < 1) throw new TorchError(`Invalid number of data points (${lens[last]}) specified`);
    dims.forEach((d, i) => {
      z = resize(z, d, i === last ? Math.floor(lens[i]! / 2) + 1 : lens[i]!);
    });
    const y = overDims(z, dims, "IRFFT", lens);
    return scaled(y, scaleOf(norm, prod(lens), true));
  });
}

const O1 = ["n", "dim", "norm"];
const ON = ["s", "dim", "norm"];
type A = unknown[];
const one = (op: string, a: A) => parseArgs(op, a, O1, { n: null, dim: -1, norm: null });
const many = (op: string, a: A, dim: number[] | null) => parseArgs(op, a, ON, { s: null, dim, norm: null });

export const fft = (input: Tensor, ...a: A): Tensor => {
  const o = one("fft_fft", a);
  return c2c("fft_fft", input, o.n, o.dim, o.norm, false, null);
};
export const ifft = (input: Tensor, ...a: A): Tensor => {
  const o = one("fft_ifft", a);
  return c2c("fft_ifft", input, o.n, o.dim, o.norm, true, null);
};
export const rfft = (input: Tensor, ...a: A): Tensor => {
  const o = one("fft_rfft", a);
  return r2c("fft_rfft", input, o.n, o.dim, o.norm, null);
};
export const irfft = (input: Tensor, ...a: A): Tensor => {
  const o = one("fft_irfft", a);
  return c2r("fft_irfft", input, o.n, o.dim, o.norm, null);
};
/** hfft(x, n) = irfft(conj(x), n) with the norm mirrored: the one-sided Hermitian signal's real spectrum. */
export const hfft = (input: Tensor, ...a: A): Tensor => {
  const o = one("fft_hfft", a);
  checkTensor("fft_hfft", "input", input);
  return surface("fft_hfft", () => c2r("fft_hfft", conj(toComplex(input)), o.n, o.dim, mirror(normOf(o.norm)), null));
};
/** ihfft(x, n) = conj(rfft(x, n)) with the norm mirrored. */
export const ihfft = (input: Tensor, ...a: A): Tensor => {
  const o = one("fft_ihfft", a);
  checkTensor("fft_ihfft", "input", input);
  if (input.dtype.is_complex) throw new TorchError(`ihfft expects a real input tensor, but got ${input.dtype.scalarName}`);
  return surface("fft_ihfft", () => conj(r2c("fft_ihfft", input, o.n, o.dim, mirror(normOf(o.norm)), null)));
};
export const fft2 = (input: Tensor, ...a: A): Tensor => {
  const o = many("fft_fft2", a, [-2, -1]);
  return c2c("fft_fft2", input, o.s, o.dim, o.norm, false, null);
};
export const ifft2 = (input: Tensor, ...a: A): Tensor => {
  const o = many("fft_ifft2", a, [-2, -1]);
  return c2c("fft_ifft2", input, o.s, o.dim, o.norm, true, null);
};
export const rfft2 = (input: Tensor, ...a: A): Tensor => {
  const o = many("fft_rfft2", a, [-2, -1]);
  return r2c("fft_rfft2", input, o.s, o.dim, o.norm, null);
};
export const irfft2 = (input: Tensor, ...a: A): Tensor => {
  const o = many("fft_irfft2", a, [-2, -1]);
  return c2r("fft_irfft2", input, o.s, o.dim, o.norm, null);
};
export const fftn = (input: Tensor, ...a: A): Tensor => {
  const o = many("fft_fftn", a, null);
  return c2c("fft_fftn", input, o.s, o.dim, o.norm, false, null);
};
export const ifftn = (input: Tensor, ...a: A): Tensor => {
  const o = many("fft_ifftn", a, null);
  return c2c("fft_ifftn", input, o.s, o.dim, o.norm, true, null);
};
export const rfftn = (input: Tensor, ...a: A): Tensor => {
  const o = many("fft_rfftn", a, null);
  return r2c("fft_rfftn", input, o.s, o.dim, o.norm, null);
};
export const irfftn = (input: Tensor, ...a: A): Tensor => {
  const o = many("fft_irfftn", a, null);
  return c2r("fft_irfftn", input, o.s, o.dim, o.norm, null);
};

/** fftshift: rolls each dim (all by default) by floor(n/2), putting frequency 0 in the middle. */
export function fftshift(input: Tensor, ...a: A): Tensor {
  const o = parseArgs("fft_fftshift", a, ["dim"], { dim: null });
  return shift("fft_fftshift", input, o.dim, 1);
}
/** ifftshift: the inverse roll, by -floor(n/2). */
export function ifftshift(input: Tensor, ...a: A): Tensor {
  const o = parseArgs("fft_ifftshift", a, ["dim"], { dim: null });
  return shift("fft_ifftshift", input, o.dim, -1);
}
function shift(op: string, x: Tensor, dim: unknown, sign: number): Tensor {
  checkTensor(op, "input", x);
  const dims =
    dim === null || dim === undefined
      ? [...Array(x.ndim).keys()]
      : (typeof dim === "number" ? [dim] : (dim as number[])).map((d) => normDim(d, x.ndim));
  if (dims.length === 0) return x;
  return surface(op, () =>
    roll(
      x,
      dims.map((d) => sign * Math.floor(x.shape[d]! / 2)),
      dims,
    ),
  );
}

const FREQ_OPTS = ["d", "dtype", "layout", "device", "pin_memory", "requires_grad"];
/** fftfreq(n, d): [0, 1, ..., ceil(n/2)-1, -floor(n/2), ..., -1] / (d n). */
export function fftfreq(n: number, ...a: A): Tensor {
  const o = parseArgs("fft_fftfreq", a, FREQ_OPTS, {
    d: 1.0,
    dtype: null,
    layout: null,
    device: null,
    pin_memory: null,
    requires_grad: false,
  });
  return freq("fft_fftfreq", n, o, false);
}
/** rfftfreq(n, d): [0, 1, ..., floor(n/2)] / (d n). */
export function rfftfreq(n: number, ...a: A): Tensor {
  const o = parseArgs("fft_rfftfreq", a, FREQ_OPTS, {
    d: 1.0,
    dtype: null,
    layout: null,
    device: null,
    pin_memory: null,
    requires_grad: false,
  });
  return freq("fft_rfftfreq", n, o, true);
}
function freq(op: string, n: number, o: Record<string, unknown>, onesided: boolean): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new TorchError(`${op}: n must be a non-negative integer, got ${n}`);
  const dtype = (o.dtype as DType | null) ?? get_default_dtype();
  if (dtype.is_complex || !dtype.is_floating_point) throw new TorchError(`${op}: expected a floating point dtype, got ${dtype}`);
  const d = Number(o.d);
  const k = onesided ? Math.floor(n / 2) + 1 : n;
  let idx = arange(k, { dtype, device: o.device ?? undefined });
  if (!onesided) idx = E.where(E.ge(idx, Math.ceil(n / 2)), E.sub(idx, n), idx);
  const out = E.div(idx, d * n);
  if (o.requires_grad) out.requires_grad_(true);
  return out;
}
