// torch.fft.hfft2/hfftn/ihfft2/ihfftn, composed as PyTorch defines them (aten's
// fft_hfftn / fft_ihfftn): hfftn(x) = irfftn(conj(x)) and ihfftn(x) =
// conj(rfftn(x)) over the same s and dim (the last dim listed is the Hermitian,
// halved one), with the norm mirrored ("backward" <-> "forward") because the
// Hermitian transforms run in the opposite direction. The plain transforms
// supply cpu, xla and autograd.
import { surface } from "../autograd.js";
import { TorchError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { checkTensor, parseArgs } from "./args.js";
import { conj } from "./complex.js";
import { irfftn, rfftn } from "./fft.js";

const mirror = (norm: unknown): string => {
  if (norm === null || norm === undefined || norm === "backward") return "forward";
  if (norm === "forward") return "backward";
  if (norm === "ortho") return norm;
  throw new TorchError(`Invalid normalization mode: "${String(norm)}"`);
};
const isEmptyList = (v: unknown) => Array.isArray(v) && v.length === 0;

function prepare(op: string, input: Tensor, a: unknown[], dim: number[] | null) {
  const o = parseArgs(`fft_${op}`, a, ["s", "dim", "norm"], { s: null, dim, norm: null });
  checkTensor(`fft_${op}`, "input", input);
  const dims = o.dim ?? o.s;
  if (isEmptyList(dims) || (dims === null && input.ndim === 0)) throw new TorchError(`${op} must transform at least one axis`);
  return { s: o.s, dim: o.dim, norm: mirror(o.norm) };
}

function hermitian(op: string, input: Tensor, a: unknown[], dim: number[] | null): Tensor {
  const o = prepare(op, input, a, dim);
  return surface(`fft_${op}`, () => irfftn(conj(input), { s: o.s, dim: o.dim, norm: o.norm }));
}
function inverseHermitian(op: string, input: Tensor, a: unknown[], dim: number[] | null): Tensor {
  const o = prepare(op, input, a, dim);
  if (input.dtype.is_complex)
    throw new TorchError(
      `${op}: Expected self.is_floating_point() to be true, but got false. (${op} takes a real input tensor, got ${input.dtype.scalarName})`,
    );
  return surface(`fft_${op}`, () => conj(rfftn(input, { s: o.s, dim: o.dim, norm: o.norm })));
}

/** hfft2(input, s=None, dim=(-2, -1), norm=None): the real n-D spectrum of a signal Hermitian in its last transformed dim. */
export const hfft2 = (input: Tensor, ...a: unknown[]): Tensor => hermitian("hfft2", input, a, [-2, -1]);
/** hfftn(input, s=None, dim=None, norm=None): hfft2 over any dims (all by default). */
export const hfftn = (input: Tensor, ...a: unknown[]): Tensor => hermitian("hfftn", input, a, null);
/** ihfft2(input, s=None, dim=(-2, -1), norm=None): the one-sided inverse of hfft2 of a real input. */
export const ihfft2 = (input: Tensor, ...a: unknown[]): Tensor => inverseHermitian("ihfft2", input, a, [-2, -1]);
/** ihfftn(input, s=None, dim=None, norm=None): ihfft2 over any dims (all by default). */
export const ihfftn = (input: Tensor, ...a: unknown[]): Tensor => inverseHermitian("ihfftn", input, a, null);
