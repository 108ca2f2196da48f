// torch.linalg.matrix_exp / torch.matrix_exp as PyTorch 1.13 computes it (ATen's
// mexp, after Bader, Blanes and Casas, "Computing the Matrix Exponential with
// an Optimized Taylor Polynomial Approximation", Mathematics 2019): each matrix
// of the batch gets the Taylor-type polynomial of degree 1, 2, 4, 8 or 12 whose
// accuracy bound theta covers its 1-norm, or, above the degree-12 bound, the
// degree-18 one of A / 2^s followed by s squarings (s = ceil(log2(norm /
// theta_18))). The polynomials are evaluated as ATen does, with its matrix
// products and its coefficients rounded to the dtype (float32's thetas and
// coefficients are floats), so float32 results round as PyTorch's do (its
// error against the exact exponential, up to a few 1e-6, is its algorithm's).
// Composed of matmul and elementwise ops, so it runs on every device; its
// derivative is PyTorch's (the exponential of a 2n x 2n block matrix), itself a
// matrix_exp, so it differentiates again. The 1-norms are read on the host, as
// PyTorch's CPU kernel branches on them.
import { recordCustom, surface } from "../autograd.js";
import { is_grad_enabled, no_grad } from "../grad_mode.js";
import { float64, int64 } from "../dtype_all.js";
import { convert } from "./base.js";
import type { DType } from "../dtype_all.js";
import type { Tensor } from "../tensor.js";
import { tensor, zeros_like } from "./creation.js";
import { add, div, exp, mul, abs } from "./elementwise.js";
import { index_select } from "./indexing.js";
import { checkSquare, eyeLike, mH, mm as mmBlas } from "./linalg_util.js";
import { reducePrim } from "./reduce.js";
import { cat, expand, narrow, reshape } from "./shape.js";

const THETAS_FLOAT = [
  1.192092800768788e-7, 5.978858893805233e-4, 5.116619363445086e-2, 5.800524627688768e-1, 1.461661507209034, 3.010066362817634,
];
const THETAS_DOUBLE = [
  2.220446049250313e-16, 2.580956802971767e-8, 3.397168839976962e-4, 4.991228871115323e-2, 2.99615891381158e-1, 1.090863719290036,
];

// the degree-12 and degree-18 polynomials' coefficients (rows: the combinations of I, A, A^2, A^3 (, A^6))
const B12 = [
  [9.0198e-16, 0.46932117595418237389, -0.20099424927047284052, -0.0462394613406307174],
  [5.31597895759871264183, 1.19926790417132231573, 0.01179296240992997031, 0.01108844528519167989],
  [0.18188869982170434744, 0.0550279843992539907, 0.09351590770535414968, 0.0061070052889805823],
  [-2.086132e-13, -0.13181061013830184015, -0.02027855540589259079, -0.00675951846863086359],
];
const B18 = [
  [0, -1.00365581030144618291e-1, -8.02924648241156932449e-3, -8.92138498045729985177e-4, 0],
  [0, 3.97849749499645077844e-1, 1.36783778460411720168, 4.98289622525382669416e-1, -6.3789819459472328015e-4],
  [-1.09676396052962061844e1, 1.68015813878906206114, 5.71779846478865511061e-2, -6.98210122488052056106e-3, 3.34975017086070470649e-5],
  [
    -9.04316832390810593223e-2, -6.76404519071381882256e-2, 6.75961301770459654925e-2, 2.95552570429315521194e-2,
    -1.39180257516060693404e-5,
  ],
  [0, 0, -9.2336461936711855536e-2, -1.69364939002081722752e-2, -1.40086798182036094347e-5],
];

/**
 * sum_j c[j] * ms[j], accumulated in order from c[0] * ms[0] (ATen's _compute_linear_combination). Its CPU
 * kernel is built with fused multiply-adds (out += in * coeff contracted): a float32 step is the exact
 * out + in * c rounded once, here computed in float64 (exact product, one rounding to float32 after).
 */
function combine(ms: readonly Tensor[], c: readonly number[]): Tensor {
  let out = mul(ms[0]!, c[0]!);
  const dt = out.dtype;
  if (dt.name !== "float32") {
    for (let j = 1; j < ms.length; j++) out = add(out, mul(ms[j]!, c[j]!));
    return out;
  }
  for (let j = 1; j < ms.length; j++) out = convert(add(convert(out, float64), mul(convert(ms[j]!, float64), c[j]!)), dt);
  return out;
}

/**
 * The polynomials' products as ATen's mexp makes them: at::matmul of [batch, n, n] tensors, so CPU bmm,
 * which for n^3 < 400 (n <= 7) is its naive kernel (baddbmm_cpu_kernel): each element summed over k in
 * order, every product and sum rounded to the dtype (checked against torch.bmm: 200 of 200 random 5x5
 * float32 products bit-identical). Composed here of elementwise mul and add in that order, so real
 * dtypes get PyTorch's bits on every device; larger n (and complex, not checked) stay one matmul
 * (gemm per batch element, as ATen's bmm without MKL).
 */
function mm(a: Tensor, b: Tensor): Tensor {
  const n = a.shape[a.ndim - 1]!;
  if (n * n * n >= 400 || (a.dtype.name !== "float32" && a.dtype.name !== "float64")) return mmBlas(a, b);
  let out = mul(narrow(a, -1, 0, 1), narrow(b, -2, 0, 1));
  for (let k = 1; k < n; k++) out = add(out, mul(narrow(a, -1, k, 1), narrow(b, -2, k, 1)));
  return out;
}

/** I, A, A^2, A^3, A^6 (the first k), as ATen's _fill_matrix_powers. */
function powers(A: Tensor, k: number): Tensor[] {
  const n = A.shape[A.ndim - 1]!;
  const out = [expand(eyeLike(n, A), A.shape.slice()), A];
  if (k > 2) out.push(mm(A, A));
  if (k > 3) out.push(mm(A, out[2]!));
  if (k > 4) out.push(mm(out[3]!, out[3]!));
  return out;
}

function taylor(A: Tensor, degree: number, r: (x: number) => number): Tensor {
  if (degree === 1) {
    const [I, A1] = powers(A, 2);
    return add(I!, A1!);
  }
  if (degree === 2) {
    const [I, A1, A2] = powers(A, 3);
    return add(add(I!, A1!), div(A2!, 2));
  }
  if (degree === 4) {
    const As = powers(A, 3);
    const p = mm(As[2]!, combine(As, [r(1 / 2), r(1 / 6), r(1 / 24)]));
    return combine([...As, p], [1, 1, 0, 1]);
  }
  if (degree === 8) {
    const s177 = r(13.30413469565007072504);
    const x3 = r(2 / 3);
    const x1 = r(x3 * ((1 + s177) / 88)),
      x2 = r(x3 * ((1 + s177) / 352)),
      x4 = r((-271 + 29 * s177) / (315 * x3)),
      x5 = r((-11 + 11 * s177) / (1260 * x3)),
      x6 = r((-99 + 11 * s177) / (5040 * x3)),
      x7 = r((89 - s177) / (5040 * x3)),
      y2 = r((857 - 58 * s177) / 630);
    const As = powers(A, 3);
    const A4 = mm(As[2]!, combine([As[1]!, As[2]!], [x1, x2]));
    const A8 = mm(combine([As[2]!, A4], [x3, 1]), combine([...As, A4], [x4, x5, x6, x7]));
    return combine([...As, A4, A8], [1, 1, y2, 0, 1]);
  }
  if (degree === 12) {
    const As = powers(A, 4);
    const Bs = B12.map((row) => combine(As, row.map(r)));
    const b2 = add(Bs[2]!, mm(Bs[3]!, Bs[3]!));
    return add(Bs[0]!, mm(add(Bs[1]!, b2), b2));
  }
  const As = powers(A, 5);
  const Bs = B18.map((row) => combine(As, row.map(r)));
  const b3 = add(Bs[3]!, mm(Bs[0]!, Bs[4]!));
  return add(Bs[1]!, mm(add(Bs[2]!, b3), b3));
}

/** Host numbers as a tensor on `like`'s device (int64 indices unless a dtype is given). */
const fromHostArray = (v: number[], like: Tensor, dtype: DType = int64): Tensor => tensor(v, { dtype, device: like.device });

export function linalg_matrix_exp(A: Tensor): Tensor {
  checkSquare("linalg.matrix_exp", A);
  if (!is_grad_enabled() || !A.requires_grad) return mexp(A);
  // PyTorch's derivative (matrix_exp_backward, after Mathias 1996): the top-right block of the exponential of
  // [[A^H, G], [0, A^H]], not the derivative of A's own polynomial (which differs by its approximation error)
  const out = no_grad(() => mexp(A));
  recordCustom("LinalgMatrixExpBackward0", [A], [out], ([g], [a]) => [g ? blockBackward(a!, g) : null], { inputs: true });
  return out;
}

function blockBackward(A: Tensor, g: Tensor): Tensor {
  const n = A.shape[A.ndim - 1]!;
  const aH = mH(A);
  const meta = cat([cat([aH, g], -1), cat([zeros_like(aH), aH], -1)], -2);
  return narrow(narrow(linalg_matrix_exp(meta), -2, 0, n), -1, n, n);
}

function mexp(A: Tensor): Tensor {
  return surface("linalg_matrix_exp", () => {
    const n = A.shape[A.ndim - 1]!;
    if (n === 0) return A.clone();
    if (n === 1) return exp(A);
    const a = reshape(A, [-1, n, n]);
    const single = A.dtype.name === "float32" || A.dtype.name === "complex64";
    const r = single ? Math.fround : (x: number) => x;
    const th = (single ? THETAS_FLOAT : THETAS_DOUBLE).map(r);
    // the operator 1-norm of each matrix (largest absolute column sum), on the host
    const norms = reducePrim(reducePrim(abs(a), "sum", [1], false), "max", [1], false).tolist() as number[];
    // which approximation each matrix gets: 0..4 the degrees 1..12, 5 the scaled degree 18 (NaN: degree 1)
    const group = norms.map((v) =>
      v >= th[4]!
        ? 5
        : Math.max(
            0,
            th.slice(0, 5).findIndex((t) => v <= t),
          ),
    );
    const parts: Tensor[] = [];
    const order: number[] = [];
    for (let g = 0; g <= 5; g++) {
      const idx = group.flatMap((x, i) => (x === g ? [i] : []));
      if (!idx.length) continue;
      const sub = idx.length === group.length ? a : index_select(a, 0, fromHostArray(idx, a));
      if (g < 5) parts.push(taylor(sub, [1, 2, 4, 8, 12][g]!, r));
      else {
        // scale by 2^s, the degree-18 polynomial, then s squarings per matrix
        const s = idx.map((i) => Math.max(0, Math.ceil(Math.log2(r(norms[i]! / th[5]!)))));
        const scaled = div(
          sub,
          fromHostArray(
            s.map((k) => 2 ** k),
            sub,
            sub.dtype,
          ).reshape([-1, 1, 1]),
        );
        const t = taylor(scaled, 18, r);
        const squared = s.map((k, j) => {
          let m = idx.length === 1 ? t : index_select(t, 0, fromHostArray([j], t));
          // ATen squares each matrix with a 2-D at::matmul: mm, always its BLAS gemm
          for (let p = 0; p < k; p++) m = mmBlas(m, m);
          return m;
        });
        parts.push(squared.length === 1 ? squared[0]! : cat(squared, 0));
      }
      order.push(...idx);
    }
    let out = parts.length === 1 ? parts[0]! : cat(parts, 0);
    if (order.some((v, i) => v !== i)) {
      const inverse = new Array<number>(order.length);
      order.forEach((v, i) => {
        inverse[v] = i;
      });
      out = index_select(out, 0, fromHostArray(inverse, out));
    }
    return reshape(out, A.shape.slice());
  });
}
export const matrix_exp = linalg_matrix_exp;
