// torch.stft / torch.istft (PyTorch 1.13's torch/functional.py and ATen's
// SpectralOps.cpp), composed of index_select (framing, reflect padding), the
// fft primitive (through fft.ts) and index_add (overlap-add), so they run and
// differentiate on every device.
import { surface } from "../autograd.js";
import { get_default_dtype, int64 } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { real, view_as_complex, view_as_real } from "./complex.js";
import { ones, tensor, zeros } from "./creation.js";
import * as E from "./elementwise.js";
import { fft as fft1, ifft as ifft1, irfft as irfft1, rfft as rfft1 } from "./fft.js";
import { index_select } from "./indexing.js";
import { index_add } from "./scatter.js";
import { reshape, sliceDim, transpose } from "./shape.js";

const STFT = ["n_fft", "hop_length", "win_length", "window", "center", "pad_mode", "normalized", "onesided", "return_complex"];
const ISTFT = ["n_fft", "hop_length", "win_length", "window", "center", "normalized", "onesided", "length", "return_complex"];

/** An int64 index tensor on `like`'s device. */
const indexOf = (v: number[], like: Tensor) => tensor(v, { dtype: int64, device: like.device });

/** The window padded (centred) to n_fft, or ones. */
function fullWindow(op: string, window: Tensor | null, win: number, nFft: number, like: Tensor): Tensor {
  if (win <= 0 || win > nFft) throw new TorchError(`${op}: expected 0 < win_length <= n_fft, but got win_length=${win}`);
  const dtype = like.dtype.is_complex || like.dtype.is_floating_point ? like.dtype : get_default_dtype();
  let w = window ?? ones([win], { dtype: dtype.is_complex ? get_default_dtype() : dtype, device: like.device });
  if (w.ndim !== 1 || w.shape[0] !== win)
    throw new TorchError(
      `${op}: expected a 1D window tensor of size equal to win_length=${win}, but got window with size [${w.shape.join(", ")}]`,
    );
  if (win < nFft) {
    const left = Math.floor((nFft - win) / 2);
    const idx = Array.from({ length: nFft }, (_, k) => k - left);
    const inside = tensor(
      idx.map((i) => i >= 0 && i < win),
      { device: like.device },
    );
    w = E.where(
      inside,
      index_select(
        w,
        0,
        indexOf(
          idx.map((i) => Math.min(Math.max(i, 0), win - 1)),
          like,
        ),
      ),
      0,
    );
  }
  return w;
}

/** Reflect (or replicate/constant) padding of the last dim by p on both sides, as F.pad's modes. */
function padEnds(op: string, x: Tensor, p: number, mode: string): Tensor {
  const n = x.shape.at(-1)!;
  if (mode === "constant") {
    const idx = Array.from({ length: n + 2 * p }, (_, i) => i - p);
    const inside = tensor(
      idx.map((i) => i >= 0 && i < n),
      { device: x.device },
    );
    return E.where(
      inside,
      index_select(
        x,
        -1,
        indexOf(
          idx.map((i) => Math.min(Math.max(i, 0), n - 1)),
          x,
        ),
      ),
      0,
    );
  }
  if (mode === "reflect" && p >= n)
    throw new TorchError(
      `${op}: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${p}, ${p}) at dimension ${x.ndim - 1} of input [${x.shape.join(", ")}]`,
    );
  const at = (i: number): number => {
    if (mode === "reflect") {
      if (i < 0) return -i;
      if (i >= n) return 2 * (n - 1) - i;
      return i;
    }
    if (mode === "replicate") return Math.min(Math.max(i, 0), n - 1);
    if (mode === "circular") return ((i % n) + n) % n;
    throw new TorchError(`${op}: unsupported pad_mode '${mode}' (expected constant, reflect, replicate or circular)`);
  };
  return index_select(
    x,
    -1,
    indexOf(
      Array.from({ length: n + 2 * p }, (_, i) => at(i - p)),
      x,
    ),
  );
}

export function stft(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("stft", args, STFT, {
    hop_length: null,
    win_length: null,
    window: null,
    center: true,
    pad_mode: "reflect",
    normalized: false,
    onesided: null,
    return_complex: null,
  });
  checkTensor("stft", "input", input);
  const nFft = o.n_fft as number;
  if (input.ndim !== 1 && input.ndim !== 2) throw new TorchError(`stft: expected a 1D or 2D tensor, but got ${input.ndim}D`);
  const hop = (o.hop_length as number | null) ?? Math.floor(nFft / 4);
  const win = (o.win_length as number | null) ?? nFft;
  if (hop <= 0) throw new TorchError(`stft: expected hop_length > 0, but got hop_length=${hop}`);
  return surface("stft", () => {
    let x = input.ndim === 1 ? reshape(input, [1, input.shape[0]!]) : input;
    if (o.center) x = padEnds("stft", x, Math.floor(nFft / 2), o.pad_mode as string);
    const len = x.shape[1]!;
    if (nFft <= 0 || nFft > len) throw new TorchError(`stft: expected 0 < n_fft < ${len}, but got n_fft=${nFft}`);
    const frames = 1 + Math.floor((len - nFft) / hop);
    const idx = Array.from({ length: frames * nFft }, (_, i) => Math.floor(i / nFft) * hop + (i % nFft));
    let fr = reshape(index_select(x, 1, indexOf(idx, x)), [x.shape[0]!, frames, nFft]);
    const window = o.window as Tensor | null;
    fr = E.mul(fr, fullWindow("stft", window, win, nFft, fr));
    const complexIn = fr.dtype.is_complex;
    const onesided = (o.onesided as boolean | null) ?? !complexIn;
    if (onesided && complexIn) throw new TorchError("stft: Cannot have onesided output if window or input is complex");
    const norm = o.normalized ? "ortho" : "backward";
    const spec = onesided ? rfft1(fr, { norm }) : fft1(fr, { norm });
    let out = transpose(spec, 1, 2);
    if (input.ndim === 1) out = reshape(out, out.shape.slice(1));
    // return_complex=None: complex when the input or the window is (ATen's value_or), else the real view
    const complexOut = (o.return_complex as boolean | null) ?? (input.dtype.is_complex || (window?.dtype.is_complex ?? false));
    return complexOut ? out : view_as_real(out);
  });
}

export function istft(input: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("istft", args, ISTFT, {
    hop_length: null,
    win_length: null,
    window: null,
    center: true,
    normalized: false,
    onesided: null,
    length: null,
    return_complex: false,
  });
  checkTensor("istft", "input", input);
  if (!input.dtype.is_complex) {
    // PyTorch 1.13 still takes the old real form, (..., 2) holding real and imaginary parts (with a
    // deprecation warning), as its view_as_complex; OpInfo's samples are of that form
    if (!input.dtype.is_floating_point) throw new TorchError("istft requires a complex-valued input tensor");
    if (input.shape[input.ndim - 1] !== 2)
      throw new TorchError(
        `istft: expected a complex-valued input tensor, or a real one whose last dimension is 2 (corresponding to real and imaginary parts), but got last dimension ${input.shape[input.ndim - 1]}`,
      );
    input = view_as_complex(input.contiguous());
  }
  if (input.ndim !== 2 && input.ndim !== 3)
    throw new TorchError(`istft: expected a tensor with 2 or 3 dimensions of complex dtype, but got ${input.ndim}`);
  const nFft = o.n_fft as number;
  const hop = (o.hop_length as number | null) ?? Math.floor(nFft / 4);
  const win = (o.win_length as number | null) ?? nFft;
  return surface("istft", () => {
    const spec = input.ndim === 2 ? reshape(input, [1, ...input.shape]) : input;
    const [batch, freq, frames] = spec.shape as [number, number, number];
    const onesided = (o.onesided as boolean | null) ?? freq !== nFft;
    if (onesided ? freq !== Math.floor(nFft / 2) + 1 : freq !== nFft)
      throw new TorchError(
        `istft: expected the frequency dimension (${freq}) to be ${onesided ? "n_fft / 2 + 1" : "n_fft"} (n_fft=${nFft})`,
      );
    const norm = o.normalized ? "ortho" : "backward";
    const byFrame = transpose(spec, 1, 2);
    // as ATen's istft: a real result is irfft of the first n_fft / 2 + 1 bins even of a two-sided
    // input (its other half taken as their conjugates, not as given); ifft only for return_complex
    let fr = o.return_complex
      ? ifft1(byFrame, { n: nFft, norm })
      : irfft1(onesided ? byFrame : sliceDim(byFrame, 2, 0, Math.floor(nFft / 2) + 1), { n: nFft, norm });
    const w = fullWindow("istft", o.window as Tensor | null, win, nFft, fr.dtype.is_complex ? real(fr) : fr);
    fr = E.mul(fr, w);
    const total = nFft + hop * (frames - 1);
    const idx = indexOf(
      Array.from({ length: frames * nFft }, (_, i) => Math.floor(i / nFft) * hop + (i % nFft)),
      fr,
    );
    const y = index_add(zeros([batch, total], { dtype: fr.dtype, device: fr.device }), 1, idx, reshape(fr, [batch, frames * nFft]));
    // the window's overlap-added square: the normalisation PyTorch divides by
    const env = index_add(
      zeros([total], { dtype: w.dtype, device: w.device }),
      0,
      idx,
      reshape(E.mul(w, w).expand(frames, nFft), [frames * nFft]),
    );
    const start = o.center ? Math.floor(nFft / 2) : 0;
    const end = o.length !== null ? start + (o.length as number) : o.center ? total - Math.floor(nFft / 2) : total;
    const keep = Array.from({ length: Math.max(0, Math.min(end, total) - start) }, (_, i) => start + i);
    const keepIdx = indexOf(keep, y);
    const envKept = index_select(env, 0, keepIdx);
    if ((E.lt(E.abs(envKept), 1e-11).any().item() as boolean) === true)
      throw new TorchError("istft: window overlap add min: 0 (the window's squared sum must be nonzero everywhere)");
    let out = E.div(index_select(y, 1, keepIdx), envKept);
    if (o.length !== null && (o.length as number) > keep.length) {
      out = index_add(
        zeros([batch, o.length as number], { dtype: out.dtype, device: out.device }),
        1,
        indexOf(
          keep.map((_, i) => i),
          out,
        ),
        out,
      );
    }
    return input.ndim === 2 ? reshape(out, [out.shape[1]!]) : out;
  });
}
