// beta * input + alpha * product, PyTorch's scale-and-add products: addmm,
// addmv, addr, addbmm, baddbmm.
import { surface } from "../autograd.js";
import { bool, toRealValueType, type DType } from "../dtype_all.js";
import { TorchError } from "../errors.js";
import { shapeStr } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { castScalars, checkTensor, parseArgs, sameDtypes } from "./args.js";
import { dotGeneral, scalarTensor } from "./base.js";
import { complex } from "./complex.js";
import { add, logical_and, logical_or, mul } from "./elementwise.js";
import { bmm, matmul } from "./linalg.js";
import { select, unsqueeze } from "./shape.js";

/** A beta or alpha: a number, or a Python complex ({re, im}) for complex tensors. */
type Scale = number | { re: number; im: number };
const isComplexValue = (v: unknown): v is { re: number; im: number } =>
  typeof v === "object" && v !== null && typeof (v as { re?: unknown }).re === "number" && typeof (v as { im?: unknown }).im === "number";

/** beta and alpha cast to the dtype (castScalars); a complex dtype also takes Python complex values, as PyTorch's Scalar. */
function castScales(op: string, dt: DType, scales: { beta: unknown; alpha: unknown }): [Scale, Scale] {
  const one = (name: string, v: unknown): Scale => {
    if (!isComplexValue(v)) return castScalars(op, dt, { [name]: v })[0]!;
    if (dt.is_complex && v.im !== 0) return { re: v.re, im: v.im };
    // a real tensor takes a complex scale with no imaginary part (c10's checked conversion)
    if (v.im !== 0) throw new TorchError(`${op}: value cannot be converted to type ${CPP_NAME[dt.name] ?? dt.name} without overflow`);
    return castScalars(op, dt, { [name]: v.re })[0]!;
  };
  return [one("beta", scales.beta), one("alpha", scales.alpha)];
}
const CPP_NAME: Record<string, string> = {
  float32: "float",
  float64: "double",
  float16: "c10::Half",
  bfloat16: "c10::BFloat16",
  int64: "int64_t",
};

/** x * s for a scale s (a complex s as a 0-d complex tensor of x's dtype). */
function scaled(x: Tensor, s: Scale): Tensor {
  if (typeof s === "number") return mul(x, s);
  const part = (v: number) => scalarTensor(v, toRealValueType(x.dtype), x.device);
  return mul(x, complex(part(s.re), part(s.im)));
}

/** beta * input + alpha * product; beta = 0 ignores input entirely (NaN and inf included), as in PyTorch. */
function scaleAdd(op: string, input: Tensor, product: Tensor, beta: Scale, alpha: Scale): Tensor {
  // input expands to the product's shape (PyTorch's expand_size check)
  const target = product.shape,
    off = target.length - input.ndim;
  if (off < 0)
    throw new TorchError(
      `${op}: the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${input.ndim})`,
    );
  for (let i = input.ndim - 1; i >= 0; i--) {
    const s = input.shape[i]!;
    if (s !== 1 && s !== target[i + off]) {
      throw new TorchError(
        `${op}: The expanded size of the tensor (${target[i + off]}) must match the existing size (${s}) at non-singleton dimension ${i + off}.  Target sizes: ${shapeStr(target)}.  Tensor sizes: ${shapeStr(input.shape)}`,
      );
    }
  }
  if (product.dtype === bool) {
    // bool: (beta && input) || (alpha && product), as PyTorch's bool kernel
    const pb = alpha !== 0 ? product : logical_and(product, false);
    return beta !== 0 ? logical_or(input, pb) : pb;
  }
  const p = alpha === 1 ? product : scaled(product, alpha);
  if (beta === 0) return p;
  return add(beta === 1 ? input : scaled(input, beta), p);
}

/** addmm(input, mat1, mat2, *, beta=1, alpha=1) = beta * input + alpha * (mat1 @ mat2). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("addmm", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  checkTensor("addmm", "input", input);
  checkTensor("addmm", "mat1", mat1);
  checkTensor("addmm", "mat2", mat2);
  if (mat1.ndim !== 2) throw new TorchError(`addmm: mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new TorchError(`addmm: mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  if (mat1.shape[1] !== mat2.shape[0])
    throw new TorchError(
      `addmm: mat1 and mat2 shapes cannot be multiplied (${mat1.shape[0]}x${mat1.shape[1]} and ${mat2.shape[0]}x${mat2.shape[1]})`,
    );
  sameDtypes("addmm", [input, mat1, mat2], ["input", "mat1", "mat2"]);
  const [b, a] = castScales("addmm", input.dtype, { beta, alpha });
  return surface("addmm", () => scaleAdd("addmm", input, matmul(mat1, mat2), b!, a!));
}

/** addmv(input, mat, vec, *, beta=1, alpha=1) = beta * input + alpha * (mat @ vec). */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("addmv", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  checkTensor("addmv", "input", input);
  if (mat.ndim !== 2 || vec.ndim !== 1)
    throw new TorchError(`addmv: vector + matrix @ vector expected, got input ${input.ndim}-D, mat ${mat.ndim}-D, vec ${vec.ndim}-D`);
  if (mat.shape[1] !== vec.shape[0])
    throw new TorchError(
      `addmv: size mismatch, got input (${input.shape.join("x")}), mat (${mat.shape[0]}x${mat.shape[1]}), vec (${vec.shape[0]})`,
    );
  sameDtypes("addmv", [input, mat, vec], ["input", "mat", "vec"]);
  const [b, a] = castScales("addmv", input.dtype, { beta, alpha });
  return surface("addmv", () => scaleAdd("addmv", input, matmul(mat, vec), b!, a!));
}

/** addr(input, vec1, vec2, *, beta=1, alpha=1) = beta * input + alpha * outer(vec1, vec2). */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("addr", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  if (vec1.ndim !== 1 || vec2.ndim !== 1)
    throw new TorchError(`addr: Expected 1-D argument vec1 and vec2, but got ${vec1.ndim}-D and ${vec2.ndim}-D`);
  sameDtypes("addr", [input, vec1, vec2], ["input", "vec1", "vec2"]);
  if (!input.dtype.is_floating_point) {
    for (const [name, v] of [
      ["beta", beta],
      ["alpha", alpha],
    ] as const) {
      if (typeof v === "number" && !Number.isInteger(v))
        throw new TorchError(`addr: For integral input tensors, argument ${name} must not be a floating point number.`);
    }
  }
  const [b, a] = castScales("addr", input.dtype, { beta, alpha });
  const outer = () =>
    vec1.dtype === bool ? logical_and(unsqueeze(vec1, 1), unsqueeze(vec2, 0)) : mul(unsqueeze(vec1, 1), unsqueeze(vec2, 0));
  return surface("addr", () => scaleAdd("addr", input, outer(), b!, a!));
}

function checkBatches(op: string, b1: Tensor, b2: Tensor): void {
  if (b1.ndim !== 3) throw new TorchError(`${op}: batch1 must be a 3D tensor, got ${b1.ndim}-D`);
  if (b2.ndim !== 3) throw new TorchError(`${op}: batch2 must be a 3D tensor, got ${b2.ndim}-D`);
  if (b1.shape[0] !== b2.shape[0])
    throw new TorchError(`${op}: batch1 and batch2 must have same number of batches, got ${b1.shape[0]} and ${b2.shape[0]}`);
  if (b1.shape[2] !== b2.shape[1])
    throw new TorchError(`${op}: Incompatible matrix sizes for bmm (${b1.shape[1]}x${b1.shape[2]} and ${b2.shape[1]}x${b2.shape[2]})`);
}

/** addbmm(input, batch1, batch2, *, beta=1, alpha=1) = beta * input + alpha * sum_b batch1[b] @ batch2[b]. */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("addbmm", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  checkBatches("addbmm", batch1, batch2);
  sameDtypes("addbmm", [input, batch1, batch2], ["input", "batch1", "batch2"]);
  const [b, a] = castScales("addbmm", input.dtype, { beta, alpha });
  const nb = batch1.shape[0]!;
  // integers are exact in any order: one contraction over the batch and inner dims, [b, n, k] x [b, k, p] -> [n, p]
  if (nb === 0 || !(input.dtype.is_floating_point || input.dtype.is_complex))
    return surface("addbmm", () => scaleAdd("addbmm", input, dotGeneral(batch1, batch2, [], [], [0, 2], [0, 1]), b!, a!));
  // floats round as PyTorch's addbmm_impl_ sums: result = beta * input, then one addmm_ per batch element
  // (beta applied once), so the running sum rounds after each batch's product, not once over b * k terms
  return surface("addbmm", () => {
    let r = scaleAdd("addbmm", input, matmul(select(batch1, 0, 0), select(batch2, 0, 0)), b!, a!);
    for (let i = 1; i < nb; i++) r = scaleAdd("addbmm", r, matmul(select(batch1, 0, i), select(batch2, 0, i)), 1, a!);
    return r;
  });
}

/** baddbmm(input, batch1, batch2, *, beta=1, alpha=1) = beta * input + alpha * bmm(batch1, batch2). */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("baddbmm", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  checkBatches("baddbmm", batch1, batch2);
  sameDtypes("baddbmm", [input, batch1, batch2], ["input", "batch1", "batch2"]);
  const [b, a] = castScales("baddbmm", input.dtype, { beta, alpha });
  return surface("baddbmm", () => scaleAdd("baddbmm", input, bmm(batch1, batch2), b!, a!));
}
