// Products of complex tensors (prod, cumprod). The reduce and cumulative
// primitives compute complex sums only (a sum splits into the sums of the real
// and imaginary parts; a product does not), so complex products are composed
// of complex multiplies: log2(n) rounds of elementwise products, on every
// device, differentiated through mul. The pairing order differs from PyTorch's
// sequential loop only by rounding.
import type { Tensor } from "../tensor.js";
import { constant } from "./base.js";
import { mul } from "./elementwise.js";
import { cat, permute, reshape, sliceDim } from "./shape.js";

/** prod of a complex tensor over `dims` (normalized, possibly empty). */
export function complexProd(x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const keptShape = kept.map((i) => x.shape[i]!);
  const n = dims.reduce((p, d) => p * x.shape[d]!, 1);
  // the reduced dims last, flattened into one of size n
  let y = reshape(permute(x, [...kept, ...dims]), [...keptShape, n]);
  const last = keptShape.length;
  if (n === 0) y = constant(1, x.dtype, x, [...keptShape, 1]);
  for (let m = n; m > 1; ) {
    // an odd count multiplies its last element by 1
    if (m % 2 === 1) y = cat([y, constant(1, x.dtype, x, [...keptShape, 1])], last);
    const h = Math.ceil(m / 2);
    y = mul(sliceDim(y, last, 0, h), sliceDim(y, last, h, 2 * h));
    m = h;
  }
  return reshape(y, keepdim ? x.shape.map((s, i) => (dims.includes(i) ? 1 : s)) : keptShape);
}

/** cumprod of a complex tensor along dim d (a Hillis-Steele scan: each round multiplies by the prefix k places back). */
export function complexCumprod(x: Tensor, d: number): Tensor {
  const n = x.shape[d]!;
  let y = x;
  for (let k = 1; k < n; k *= 2) {
    const ones = constant(
      1,
      x.dtype,
      x,
      x.shape.map((s, i) => (i === d ? k : s)),
    );
    y = mul(y, cat([ones, sliceDim(y, d, 0, n - k)], d));
  }
  return y;
}
