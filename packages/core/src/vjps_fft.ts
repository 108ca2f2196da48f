// The `fft` primitive's VJP (PyTorch's fft_c2c/r2c/c2r backward formulas),
// written with ops so it runs and traces on any device. With the primitive's
// scaling (unnormalised forward, 1/n inverse) and the conjugate Wirtinger
// convention (grad = A^H g for a complex-linear map A):
// - FFT:   g -> n * IFFT(g)         (A^H = conj(F) = n * F^-1)
// - IFFT:  g -> FFT(g) / n
// - RFFT:  g -> Re(n * IFFT(g zero-padded to the full last dim))
// - IRFFT: g -> RFFT(g) / n, the entries mirrored into the other half (1 ..
//   n - m) doubled (fft_c2r_backward)
import { bind1 } from "./dispatch.js";
import { defineVjp } from "./primitive.js";
import { P, type FftType } from "./prims.js";
import type { Tensor } from "./tensor.js";
import { convert } from "./ops/base.js";
import { tensor } from "./ops/creation.js";
import * as E from "./ops/elementwise.js";

const prod = (a: readonly number[]) => a.reduce((p, v) => p * v, 1);
const fftOf = (x: Tensor, fft_type: FftType, fft_length: number[]) => bind1(P.fft, [x], { fft_type, fft_length });

defineVjp<{ fft_type: FftType; fft_length: number[] }>(
  "fft",
  { inputs: false, outputs: false },
  ([g], [x], _o, { fft_type, fft_length }) => {
    const n = prod(fft_length);
    switch (fft_type) {
      case "FFT":
        return [E.mul(fftOf(g!, "IFFT", fft_length), n)];
      case "IFFT":
        return [E.div(fftOf(g!, "FFT", fft_length), n)];
      case "RFFT": {
        const last = g!.ndim - 1;
        const full = fft_length.at(-1)!;
        const padded = bind1(P.pad, [g!], {
          low: g!.shape.map(() => 0),
          high: g!.shape.map((s, d) => (d === last ? full - s : 0)),
          interior: g!.shape.map(() => 0),
          value: 0,
        });
        return [convert(bind1(P.real, [E.mul(fftOf(padded, "IFFT", fft_length), n)]), x!.dtype)];
      }
      case "IRFFT": {
        const m = x!.shape.at(-1)!;
        const full = fft_length.at(-1)!;
        const half = E.div(fftOf(g!, "RFFT", fft_length), n);
        // the stored values 1 .. n-m also stand for their mirrored conjugates: their gradient counts twice
        const doubled = Math.max(0, full - m);
        if (doubled === 0) return [half];
        const w = Array.from({ length: m }, (_, k) => (k >= 1 && k <= doubled ? 2 : 1));
        return [E.mul(half, tensor(w, { dtype: g!.dtype, device: g!.device }))];
      }
    }
  },
);
