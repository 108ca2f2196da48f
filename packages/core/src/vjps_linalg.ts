// The gradients of the linear-algebra primitives (PyTorch's backward formulas
// from FunctionsManual.cpp, real case), written with ops so they run and trace
// on any device and differentiate again.
import { TorchError } from "./errors.js";
import { defineVjp, type Saves } from "./primitive.js";
import type { TriangularSolveAttrs } from "./prims.js";
import type { Tensor } from "./tensor.js";
import { zeros_like } from "./ops/creation.js";
import { abs, add, div, mul, sub, where } from "./ops/elementwise.js";
import { cols, diag, diagEmbed, eyeLike, mH, mm, mT, permRows, rows, trsm } from "./ops/linalg_util.js";
import { tril, triu } from "./ops/matrix.js";
import { cat, sliceDim, unsqueeze } from "./ops/shape.js";
import { complex, conjIfComplex, imag, real } from "./ops/complex.js";
import { linalg_solve_ex } from "./ops/linalg_solve.js";
import { any } from "./ops/reduce.js";

const BOTH: Saves = { inputs: true, outputs: true };
const cj = conjIfComplex;
const OUT: Saves = { outputs: true };
const G = (g: Tensor | null | undefined, like: Tensor): Tensor => g ?? zeros_like(like);
const cut = (x: Tensor, dim: number, start: number, end: number) => sliceDim(x, dim < 0 ? x.ndim + dim : dim, start, end);

// A = L L^H: gA = L^{-H} Phi(L^H gL) L^{-1}, Phi taking the lower triangle with half its diagonal, made
// Hermitian (PyTorch's cholesky_backward); L^{-H} is the transposed solve with conj(L).
defineVjp("cholesky", OUT, ([gL], _i, [L]) => {
  let gA = tril(mm(mH(L!), G(gL, L!)));
  gA = mul(add(gA, mH(tril(gA, -1))), 0.5);
  gA = trsm(conjIfComplex(L!), gA, { lower: true, transpose_a: true });
  gA = trsm(L!, gA, { lower: true, left: false });
  return [gA];
});

// op(A) X = B: gB = op(A)^{-H} gX; g op(A) = -gB X^H (left) or -X^H gB (right), kept to A's triangle
// (complex: op(A)^H is the other transpose flag on conj(A); op(A) = A^T takes g op(A)'s plain transpose).
defineVjp<TriangularSolveAttrs>("triangular_solve", BOTH, ([gX], [A], [X], a, needs) => {
  const gB = trsm(conjIfComplex(A!), gX!, { ...a, transpose_a: !a.transpose_a });
  if (!needs[0]) return [null, gB];
  let gop = a.left ? mul(mm(gB, mH(X!)), -1) : mul(mm(mH(X!), gB), -1);
  if (a.transpose_a) gop = mT(gop);
  const gA = a.lower ? tril(gop, a.unit_diagonal ? -1 : 0) : triu(gop, a.unit_diagonal ? 1 : 0);
  // (the primitive's operands share their batch dims: trsm broadcasts them before, expand's VJP sums)
  return [gA, gB];
});

// A = QR (Householder). m >= n: gA = [gQ + Q copyltu(M)] R^{-H}, M = R gR^H - gQ^H Q (complex: copyltu
// takes Re diag(M)); m < n: A = Q [X | Y] with X square; Y's part is Q gY, X's the square case with gQ + Y gY^H.
defineVjp<{ complete: boolean }>("qr", OUT, ([gQ, gR], [A], [Q, R], { complete }) => {
  const m = rows(A!),
    n = cols(A!);
  if (complete && m > n) throw new TorchError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
  const square = (q: Tensor, r: Tensor, gq: Tensor, gr: Tensor) => {
    const M = sub(mm(r, mH(gr)), mm(mH(gq), q));
    const low = tril(M, -1);
    // complex: the real part of M's diagonal (R's diagonal is real, as LAPACK's)
    const dm = diag(M);
    const d = dm.dtype.is_complex ? complex(real(dm), mul(real(dm), 0)) : dm;
    const sym = add(add(low, mH(low)), diagEmbed(d));
    return trsm(conjIfComplex(r), add(gq, mm(q, sym)), { lower: false, left: false, transpose_a: true });
  };
  const gq = G(gQ, Q!),
    gr = G(gR, R!);
  if (m >= n) return [square(Q!, R!, gq, gr)];
  const X = cut(R!, -1, 0, m),
    Y = cut(A!, -1, m, n);
  const gX = cut(gr, -1, 0, m),
    gY = cut(gr, -1, m, n);
  return [cat([square(Q!, X, add(gq, mm(Y, mH(gY))), gX), mm(Q!, gY)], -1)];
});

// A = V diag(w) V^H: gA = V (diag(gw) + (V^H gV - gV^H V) / 2 / E) V^H, E_ij = w_j - w_i (PyTorch's
// linalg_eig_backward, Hermitian case; complex V: the skew-Hermitian part, its imaginary diagonal, which a
// loss that does not depend on the eigenvectors' phases leaves 0, dropped; as PyTorch, a loss that does
// depend on them, |Im diag(V^H gV)| > 1e-2, throws).
defineVjp<{ lower: boolean }>("eigh", OUT, ([gw, gV], _i, [w, V]) => {
  let inner: Tensor;
  if (gV) {
    const VtgV = mm(mH(V!), gV);
    if (VtgV.dtype.is_complex && any(abs(imag(diag(VtgV))).gt(1e-2)).item())
      throw new TorchError(
        "linalg_eigh_backward: The eigenvectors in the complex case are specified up to multiplication by e^{i phi}. The specified loss function depends on this quantity, so it is ill-defined.",
      );
    const skew = mul(sub(VtgV, mH(VtgV)), 0.5);
    const n = w!.shape[w!.ndim - 1]!;
    const eyeN = eyeLike(n, w!);
    const E = sub(unsqueeze(w!, -2), unsqueeze(w!, -1));
    inner = where(eyeN.bool(), 0, div(skew, add(E, eyeN)));
    if (gw) inner = add(inner, diagEmbed(gw));
  } else {
    const d = diagEmbed(gw!);
    inner = V!.dtype.is_complex ? complex(d, mul(d, 0)) : d;
  }
  return [mm(V!, mm(inner, mH(V!)))];
});

// PyTorch's svd_backward: with E_jk = S_k^2 - S_j^2 and skew(X) = X - X^H,
// gA = U [(skew(U^H gU) S + S skew(V^H gV)) / E + diag(gS)] V^H plus the parts of gU, gV outside U's, V's span;
// complex: plus i Im(diag(U^H gU)) / S on the diagonal; the loss must not depend on the vectors' phases
// (as PyTorch: Im diag(skew(U^H gU)) = -Im diag(skew(V^H gV)) within 1e-2, else it throws).
defineVjp<{ full_matrices: boolean }>("svd", OUT, ([gU_, gS, gVh_], [A], [U_, S, Vh_]) => {
  const m = rows(A!),
    n = cols(A!),
    k = Math.min(m, n);
  // full matrices: the extra columns of U and rows of Vh carry no gradient (PyTorch narrows them too)
  const U = cut(U_!, -1, 0, k),
    Vh = cut(Vh_!, -2, 0, k);
  const gU = gU_ ? cut(gU_, -1, 0, k) : null,
    gVh = gVh_ ? cut(gVh_, -2, 0, k) : null;
  if (!gU && !gVh) return [mm(mul(U, unsqueeze(gS!, -2)), Vh)];
  const skew = (X: Tensor) => sub(X, mH(X));
  const S2 = mul(S!, S!);
  const eyeK = eyeLike(k, S!);
  const E = add(sub(unsqueeze(S2, -2), unsqueeze(S2, -1)), eyeK);
  const Srow = unsqueeze(S!, -2),
    Scol = unsqueeze(S!, -1);
  const UhgU = gU ? skew(mm(mH(U), gU)) : null,
    VhgV = gVh ? skew(mm(Vh, mH(gVh))) : null;
  if (U.dtype.is_complex) {
    const a = UhgU ? imag(diag(UhgU)) : mul(S!, 0),
      b = VhgV ? mul(imag(diag(VhgV)), -1) : mul(S!, 0);
    if (any(abs(sub(a, b)).gt(add(mul(abs(b), 1e-2), 1e-2))).item())
      throw new TorchError(
        "svd_backward: The singular vectors in the complex case are specified up to multiplication by e^{i phi}. The specified loss function depends on this phase term, making it ill-defined.",
      );
  }
  let inner: Tensor | null = null;
  if (UhgU) inner = mul(UhgU, Srow);
  if (VhgV) {
    const t = mul(Scol, VhgV);
    inner = inner ? add(inner, t) : t;
  }
  inner = where(eyeK.bool(), 0, div(inner!, E));
  if (gS) inner = add(inner, diagEmbed(gS));
  // complex: the diagonal i Im(diag(U^H gU)) / S (the phase of each pair of singular vectors)
  if (gU && U.dtype.is_complex) inner = add(inner, diagEmbed(complex(mul(S!, 0), div(imag(diag(mm(mH(U), gU))), S!))));
  let gA: Tensor;
  if (m > k && gU) {
    const gUSinv = div(gU, Srow);
    gA = mm(sub(add(mm(U, inner), gUSinv), mm(U, mm(mH(U), gUSinv))), Vh);
  } else if (n > k && gVh) {
    const SinvgVh = div(gVh, Scol);
    gA = mm(U, sub(add(mm(inner, Vh), SinvgVh), mm(mm(SinvgVh, mH(Vh)), Vh)));
  } else gA = mm(U, mm(inner, Vh));
  return [gA];
});

// A = P L U (PyTorch's linalg_lu_backward): square, wide (L square) and tall (U square) cases; complex:
// the adjoints L^H, U^H, and L^{-H}, U^{-H} as transposed solves with conj(L), conj(U).
defineVjp("lu", OUT, ([gLU], [A], [LU, , perm]) => {
  if (!gLU) return [zeros_like(A!)];
  const m = rows(A!),
    n = cols(A!),
    k = Math.min(m, n);
  const Pt = permRows(perm!, A!);
  const L = add(tril(cut(LU!, -1, 0, k), -1), eyeLike(m, A!, k)); // m x k
  const U = triu(cut(LU!, -2, 0, k)); // k x n
  const gL = tril(cut(gLU, -1, 0, k), -1),
    gU = triu(cut(gLU, -2, 0, k));
  let gPA: Tensor;
  if (m === n) {
    const inner = add(tril(mm(mH(L), gL), -1), triu(mm(gU, mH(U))));
    gPA = trsm(cj(L), trsm(cj(U), inner, { lower: false, left: false, transpose_a: true }), {
      lower: true,
      unit_diagonal: true,
      transpose_a: true,
    });
  } else if (m < n) {
    const U1 = cut(U, -1, 0, k),
      U2 = cut(U, -1, k, n);
    const gU1 = cut(gU, -1, 0, k),
      gU2 = cut(gU, -1, k, n);
    const inner = add(tril(sub(mm(mH(L), gL), mm(gU2, mH(U2))), -1), triu(mm(gU1, mH(U1))));
    const g1 = trsm(cj(U1), inner, { lower: false, left: false, transpose_a: true });
    gPA = trsm(cj(L), cat([g1, gU2], -1), { lower: true, unit_diagonal: true, transpose_a: true });
  } else {
    const L1 = cut(L, -2, 0, k),
      L2 = cut(L, -2, k, m);
    const gL1 = cut(gL, -2, 0, k),
      gL2 = cut(gL, -2, k, m);
    const inner = add(tril(mm(mH(L1), gL1), -1), triu(sub(mm(gU, mH(U)), mm(mH(L2), gL2))));
    const g1 = trsm(cj(L1), inner, { lower: true, unit_diagonal: true, transpose_a: true });
    gPA = trsm(cj(U), cat([g1, gL2], -2), { lower: false, left: false, transpose_a: true });
  }
  // P^T A = L U, so gA = P gPA
  return [mm(mT(Pt), gPA)];
});

// A V = V diag(L) (nonsymmetric, complex L and V; PyTorch's linalg_eig_backward), in real and imaginary
// parts so only real solves are needed:
//   B = diag(gL) + (V^H gV - V^H V diag(re diag(V^H gV))) / conj(L_j - L_i)  (off the diagonal),
//   gA = V^{-H} B V^H, its real part for a real A.
// (PyTorch also checks that the loss does not depend on the eigenvectors' phases; that check reads the
// host and is left out.)
defineVjp("eig", BOTH, ([gL, gV], [A], [L, V]) => {
  const n = cols(V!);
  type C = [Tensor, Tensor];
  const re = (z: Tensor) => real(z),
    im = (z: Tensor) => imag(z);
  const cmm = ([ar, ai]: C, [br, bi]: C): C => [sub(mm(ar, br), mm(ai, bi)), add(mm(ar, bi), mm(ai, br))];
  const Vc: C = [re(V!), im(V!)];
  const VH: C = [mT(Vc[0]), mul(mT(Vc[1]), -1)];
  const eyeN = eyeLike(n, Vc[0]);
  let B: C;
  const gl: C | null = gL ? [re(gL), im(gL)] : null;
  if (gV) {
    const VhgV = cmm(VH, [re(gV), im(gV)]);
    const d = unsqueeze(diag(VhgV[0]), -2); // re diag(V^H gV) scales V's columns
    const VhV = cmm(VH, [mul(Vc[0], d), mul(Vc[1], d)]);
    const Xr = sub(VhgV[0], VhV[0]),
      Xi = sub(VhgV[1], VhV[1]);
    // E_ij = conj(L_j) - conj(L_i), the diagonal set to 1
    const Lr = re(L!),
      Li = im(L!);
    const Er = add(sub(unsqueeze(Lr, -2), unsqueeze(Lr, -1)), eyeN),
      Ei = mul(sub(unsqueeze(Li, -2), unsqueeze(Li, -1)), -1);
    const EE = add(mul(Er, Er), mul(Ei, Ei));
    const off = sub(1, eyeN);
    const Br = mul(div(add(mul(Xr, Er), mul(Xi, Ei)), EE), off),
      Bi = mul(div(sub(mul(Xi, Er), mul(Xr, Ei)), EE), off);
    B = gl ? [add(Br, diagEmbed(gl[0])), add(Bi, diagEmbed(gl[1]))] : [Br, Bi];
  } else B = [diagEmbed(gl![0]), diagEmbed(gl![1])];
  const Cm = cmm(B, VH);
  // solve V^H Y = C as the real system [[Hr, -Hi], [Hi, Hr]] [Yr; Yi] = [Cr; Ci]
  const M = cat([cat([VH[0], mul(VH[1], -1)], -1), cat([VH[1], VH[0]], -1)], -2);
  const Y = linalg_solve_ex(M, cat([Cm[0], Cm[1]], -2))[0]!;
  const Yr = cut(Y, -2, 0, n),
    Yi = cut(Y, -2, n, 2 * n);
  return [A!.dtype.is_complex ? complex(Yr, Yi) : Yr];
});
