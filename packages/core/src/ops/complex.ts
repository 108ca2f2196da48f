// Complex numbers: torch.complex, polar, view_as_real/view_as_complex,
// real/imag, angle, conj (and its physical/resolve forms), sgn of complex.
// Composed of the complex/real/imag primitives and ordinary ops, so they run on
// every device and differentiate with PyTorch's convention (the gradient of a
// real loss L w.r.t. z is dL/d(re z) + i dL/d(im z)).
// There is no lazy conjugate bit: conj() computes, is_conj() is always false.
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { float32, float64, get_default_dtype, type DType } from "../dtype_all.js";
import { toComplexType, toRealValueType } from "../dtype.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { broadcastShapes } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor } from "./args.js";
import { convert, expandTo } from "./base.js";
import * as E from "./elementwise.js";
import { select } from "./shape.js";

const PARTS: readonly DType[] = [float32, float64];

/** torch.complex(real, imag): both float32 or both float64 (float16 has no complex type here), broadcast. */
export function complex(real: Tensor, imag: Tensor): Tensor {
  checkTensor("complex", "real", real);
  checkTensor("complex", "imag", imag);
  if (!PARTS.includes(real.dtype) || !PARTS.includes(imag.dtype))
    throw new TorchError(
      `complex(): Expected both inputs to be Float or Double tensors but got ${real.dtype.scalarName} and ${imag.dtype.scalarName}`,
    );
  if (real.dtype !== imag.dtype)
    throw new TorchError(
      `complex(): Expected object of scalar type ${real.dtype.scalarName} but got scalar type ${imag.dtype.scalarName} for second argument`,
    );
  return surface("complex", () => {
    const shape = broadcastShapes("complex", real.shape, imag.shape);
    return bind1(P.complex, [expandTo(real, shape), expandTo(imag, shape)]);
  });
}

/** torch.polar(abs, angle) = abs * (cos(angle) + i sin(angle)). */
export function polar(abs: Tensor, angle: Tensor): Tensor {
  checkTensor("polar", "abs", abs);
  checkTensor("polar", "angle", angle);
  if (!PARTS.includes(abs.dtype) || !PARTS.includes(angle.dtype))
    throw new TorchError(
      `polar(): Expected both inputs to be Float or Double tensors but got ${abs.dtype.scalarName} and ${angle.dtype.scalarName}`,
    );
  if (abs.dtype !== angle.dtype)
    throw new TorchError(
      `polar(): Expected object of scalar type ${abs.dtype.scalarName} but got scalar type ${angle.dtype.scalarName} for second argument`,
    );
  return surface("polar", () => complex(E.mul(abs, E.cos(angle)), E.mul(abs, E.sin(angle))));
}

function needComplex(op: string, x: Tensor): void {
  checkTensor(op, "input", x);
  if (!x.dtype.is_complex)
    throw new TorchError(`${op} is only supported for complex tensors, but got a tensor of scalar type: ${x.dtype.scalarName}`);
}

/**
 * view_as_real(z): the complex tensor's memory as [..., 2] (re, im) of its component dtype: a view (one
 * bitcast_convert; on cpu a Float32Array/Float64Array over the same bytes, offset and strides doubled and a
 * last dim of stride 1), differentiable as PyTorch's.
 */
export function view_as_real(input: Tensor): Tensor {
  needComplex("view_as_real", input);
  return surface("view_as_real", () => pairView(input));
}
const pairView = (z: Tensor) => bind1(P.bitcast_convert, [z], { dtype: toRealValueType(z.dtype), grad: true });

/**
 * view_as_complex(x): a float32/float64 [..., 2] tensor as complex [...]: a view of the same memory (the
 * inverse of view_as_real), so PyTorch's layout conditions and messages: the last dim of size 2 and
 * stride 1, the other strides and the storage offset even.
 */
export function view_as_complex(input: Tensor): Tensor {
  checkTensor("view_as_complex", "input", input);
  if (input.dtype.name === "float16")
    throw new TorchError("view_as_complex: a float16 tensor would view as complex32 (ComplexHalf), which xlatorch does not have");
  if (!PARTS.includes(input.dtype))
    throw new TorchError(
      `view_as_complex is only supported for half, float and double tensors, but got a tensor of scalar type: ${input.dtype.scalarName}`,
    );
  if (input.ndim === 0) throw new TorchError("view_as_complex: Input tensor must have one or more dimensions");
  if (input.shape[input.ndim - 1] !== 2) throw new TorchError("view_as_complex: Tensor must have a last dimension of size 2");
  const st = input.stride();
  if (st[input.ndim - 1] !== 1) throw new TorchError("view_as_complex: Tensor must have a last dimension with stride 1");
  for (let d = 0; d < input.ndim - 1; d++)
    if (st[d]! % 2 !== 0) throw new TorchError("view_as_complex: Tensor must have a stride divisible by 2 for all but last dimension");
  if (input.storage_offset() % 2 !== 0) throw new TorchError("view_as_complex: Tensor must have a storage_offset divisible by 2");
  return surface("view_as_complex", () => bind1(P.bitcast_convert, [input], { dtype: toComplexType(input.dtype), grad: true }));
}

/**
 * torch.real: the real parts of a complex tensor, a view (view_as_real(z)[..., 0]: strides doubled, as
 * PyTorch's); a real tensor is returned as it is (as PyTorch).
 */
export function real(input: Tensor): Tensor {
  checkTensor("real", "input", input);
  if (!input.dtype.is_complex) return input;
  return surface("real", () => select(pairView(input), -1, 0));
}

/** torch.imag: the imaginary parts, a view (view_as_real(z)[..., 1]); real tensors have none (PyTorch's error). */
export function imag(input: Tensor): Tensor {
  checkTensor("imag", "input", input);
  if (!input.dtype.is_complex) throw new TorchError("imag is not implemented for tensors with non-complex dtypes.");
  return surface("imag", () => select(pairView(input), -1, 1));
}

/** torch.angle: atan2(im, re) for complex; for real, pi where negative, 0 elsewhere, NaN kept (integers become float). */
export function angle(input: Tensor): Tensor {
  checkTensor("angle", "input", input);
  return surface("angle", () => {
    if (input.dtype.is_complex) return E.atan2(bind1(P.imag, [input]), bind1(P.real, [input]));
    const x = input.dtype.is_floating_point ? input : convert(input, get_default_dtype());
    return E.where(E.isnan(x), x, E.mul(convert(E.lt(x, 0), x.dtype), Math.PI));
  });
}

/** conj(z) = re - i im; real tensors are their own conjugate (returned as they are, as PyTorch). */
export function conj(input: Tensor): Tensor {
  checkTensor("conj", "input", input);
  if (!input.dtype.is_complex) return input;
  return surface("conj", () => bind1(P.complex, [bind1(P.real, [input]), E.neg(bind1(P.imag, [input]))]));
}
export function conj_physical(input: Tensor): Tensor {
  checkTensor("conj_physical", "input", input);
  if (!input.dtype.is_complex) return input;
  return surface("conj_physical", () => conj(input));
}
/** No lazy conjugate or negative bits here: the resolve functions return their input. */
export function resolve_conj(input: Tensor): Tensor {
  checkTensor("resolve_conj", "input", input);
  return input;
}
export function resolve_neg(input: Tensor): Tensor {
  checkTensor("resolve_neg", "input", input);
  return input;
}
export function is_conj(input: Tensor): boolean {
  checkTensor("is_conj", "input", input);
  return false;
}
export function is_complex(input: Tensor): boolean {
  if (!(input instanceof Tensor))
    throw new TorchTypeError(`is_complex(): argument 'input' (position 1) must be Tensor, not ${typeof input}`);
  return input.dtype.is_complex;
}

/** sgn(z) = z / |z| (0 at 0) for complex; callers use sign for real tensors. */
export function complexSgn(z: Tensor): Tensor {
  const a = E.abs(z);
  const nz = E.ne(a, 0);
  return E.where(nz, E.div(z, E.where(nz, a, 1)), 0);
}

/** conj for the VJPs: the identity on real tensors, recording nothing. */
export const conjIfComplex = (t: Tensor): Tensor => (t.dtype.is_complex ? conj(t) : t);
