// nn.init.orthogonal_ (PyTorch 1.13): a (semi-)orthogonal matrix from the QR
// factorization of a standard normal matrix, with R's diagonal signs moved
// into Q (d = diag(R).sign(); q *= d) so that Q is the unique factor with a
// non-negative R diagonal. The normal draw is PyTorch's (same generator calls,
// on the cpu generator), so seeded values match; the QR is a small Householder
// factorization in double on the host, since the factor it gives after the sign
// correction is the one LAPACK's gives.
import { type Tensor, empty, no_grad, tensor as makeTensor, TorchError } from "@xlatorch/core";
import { parseArgs, type Args } from "./args.js";

/**
 * The reduced Q (m x n, row-major) of a row-major m x n matrix a (m >= n),
 * each column multiplied by the sign of R's diagonal entry.
 */
export function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const A = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const signs: number[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm = Math.hypot(norm, A[i * n + k]!);
    const x0 = A[k * n + k]!;
    const v = new Float64Array(m - k);
    if (norm === 0) {
      vs.push(v); // H_k = I; R_kk = 0
      signs.push(0);
      continue;
    }
    // R_kk = alpha = -sign(x0) * |x|: no cancellation in v0 = x0 - alpha
    const alpha = x0 >= 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i - k] = A[i * n + k]!;
    v[0] = x0 - alpha;
    let vn = 0;
    for (let i = 0; i < v.length; i++) vn = Math.hypot(vn, v[i]!);
    for (let i = 0; i < v.length; i++) v[i] = v[i]! / vn;
    // A[k:, k:] -= 2 v (v^T A[k:, k:])
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k]! * A[i * n + j]!;
      for (let i = k; i < m; i++) A[i * n + j] = A[i * n + j]! - 2 * v[i - k]! * s;
    }
    vs.push(v);
    signs.push(Math.sign(A[k * n + k]!));
  }
  // Q = H_0 ... H_{n-1} I[:, :n], applied from the last reflector on
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) Q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i - k]! * Q[i * n + j]!;
      for (let i = k; i < m; i++) Q[i * n + j] = Q[i * n + j]! - 2 * v[i - k]! * s;
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Q[i * n + j] = Q[i * n + j]! * signs[j]!;
  return Q;
}

export function orthogonal_(tensor: Tensor, ...args: Args<[gain: number], { gain?: number }>): Tensor {
  const { gain } = parseArgs("orthogonal_", args, ["gain"], { gain: 1 });
  if (tensor.ndim < 2) throw new TorchError("Only tensors with 2 or more dimensions are supported");
  if (tensor.numel() === 0) return tensor;
  const rows = tensor.shape[0]!;
  const cols = tensor.numel() / rows;
  return no_grad(() => {
    // tensor.new(rows, cols).normal_(0, 1): drawn on the cpu generator whatever the device
    const flat = empty([rows, cols], { dtype: tensor.dtype }).normal_(0, 1);
    const wide = rows < cols;
    const a = Float64Array.from((wide ? flat.t().contiguous() : flat).reshape(-1).tolist() as number[]);
    const [m, n] = wide ? [cols, rows] : [rows, cols];
    const q = householderQ(a, m, n);
    let qt = makeTensor(Array.from(q), { dtype: tensor.dtype }).reshape([m, n]);
    if (wide) qt = qt.t();
    tensor.view_as(qt).copy_(qt.to(tensor.device));
    return tensor.mul_(gain);
  });
}
