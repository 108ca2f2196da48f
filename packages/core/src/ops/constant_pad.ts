// torch.constant_pad_nd(input, pad, value=0): F.pad's constant mode as
// PyTorch 1.13's aten op computes it (aten/src/ATen/native/PadNd.cpp):
// negative pads first narrow the input (the left one, then the right one,
// dim by dim, so a crop past the size fails in narrow with narrow's message),
// then the positive ones are one `pad` primitive (one stablehlo.pad on xla),
// differentiable through pad's VJP. The value is cast to the input's dtype
// (a Python complex pads a complex input's two parts).
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { TorchError } from "../errors.js";
import { P } from "../prims.js";
import type { Tensor } from "../tensor.js";
import { checkTensor, isComplexScalar, parseArgs } from "./args.js";
import { scalarTensor } from "./base.js";
import { narrow } from "./shape.js";

export function constant_pad_nd(input: Tensor, pad: readonly number[], ...args: unknown[]): Tensor {
  const { value } = parseArgs("constant_pad_nd", args, ["value"], { value: 0 });
  checkTensor("constant_pad_nd", "input", input);
  if (pad.length % 2 !== 0) throw new TorchError(`Length of pad must be even but instead it equals ${pad.length}`);
  const nd = input.ndim;
  if (pad.length / 2 > nd)
    // PyTorch 1.13's message, its missing spaces included
    throw new TorchError(
      `Length of pad should be no more than twice the number of dimensions of the input. Pad length is ${pad.length}while the input has ${nd}dimensions.`,
    );
  return surface("constant_pad_nd", () => {
    const k = pad.length / 2;
    let x = input;
    const low = Array<number>(nd).fill(0),
      high = Array<number>(nd).fill(0);
    for (let i = nd - k; i < nd; i++) {
      const j = 2 * (nd - i - 1);
      const l = pad[j]!,
        r = pad[j + 1]!;
      if (l < 0) x = narrow(x, i, -l, x.shape[i]! + l);
      if (r < 0) x = narrow(x, i, 0, x.shape[i]! + r);
      low[i] = Math.max(0, l);
      high[i] = Math.max(0, r);
    }
    if (low.every((v) => v === 0) && high.every((v) => v === 0)) return x.clone(); // a new tensor, never a view of the input (as PyTorch's)
    const at = (t: Tensor, fill: number) => bind1(P.pad, [t], { low, high, interior: Array<number>(nd).fill(0), value: fill });
    if (isComplexScalar(value)) {
      // a complex value: a real input takes it only with a zero imaginary part (c10's checked conversion); a
      // complex input pads its real and imaginary parts with the value's (the pad primitive's value is real)
      if (!input.dtype.is_complex) {
        scalarTensor(value, input.dtype, input.device); // throws PyTorch's "value cannot be converted" for im != 0
        return constant_pad_nd(input, pad, value.re);
      }
      if (value.im === 0) return at(x, value.re);
      return bind1(P.complex, [at(bind1(P.real, [x]), value.re), at(bind1(P.imag, [x]), value.im)]);
    }
    const v = Number(value);
    const fill = input.dtype.is_floating_point || input.dtype.is_complex ? v : input.dtype.name === "bool" ? (v ? 1 : 0) : Math.trunc(v);
    return at(x, fill);
  });
}
