// dot_general through the system BLAS (float32: cblas_sgemm, float64:
// cblas_dgemm), one gemm per batch element. An operand is passed in place when
// its free and contracting dims each collapse to one stride and one of the two
// strides is 1 (row-major as it is, or transposed: the trans flag and lda/ldb
// say which); otherwise it is first copied dense. Batch dims keep any strides,
// broadcast (0) included (dot_operands.ts).
import type { AVal, DotDims } from "@xlatorch/core";
import { blasPolicy, blasStats, gemmThreads, NO_TRANS, ROW_MAJOR, systemBlas, TRANS } from "../blas.js";
import { contiguous, type Strided } from "../strided.js";
import { resultF32 } from "../wasm/simd_f32.js";
import { batchOffsets, collapse } from "./dot_operands.js";
import { dense } from "./layout.js";
import { takeResultMemory } from "./result_memory.js";

/** One operand as a batch of R×C matrices: first element offset per batch, trans flag and leading dimension. */
interface MatrixOperand {
  data: Float32Array | Float64Array;
  offsets: number[];
  trans: number;
  ld: number;
}

/** An R×C (rows `rows`, columns `cols`) view of operand x, batched over `batch`. */
function operand(
  x: Strided,
  a: AVal,
  batch: readonly number[],
  rows: readonly number[],
  cols: readonly number[],
  R: number,
  C: number,
): MatrixOperand {
  const r = collapse(a.shape, x.strides, rows),
    c = collapse(a.shape, x.strides, cols);
  if (r && c) {
    const rs = r.s,
      cs = c.s;
    // row-major as stored: columns step by 1, rows by ld >= C
    if ((cs === null || cs === 1) && (rs === null || rs >= Math.max(1, C))) {
      return { data: x.data as Float32Array, offsets: batchOffsets(x, a.shape, batch), trans: NO_TRANS, ld: rs ?? Math.max(1, C) };
    }
    // transposed: rows step by 1, columns by ld >= R
    if ((rs === null || rs === 1) && cs !== null && cs >= Math.max(1, R)) {
      return { data: x.data as Float32Array, offsets: batchOffsets(x, a.shape, batch), trans: TRANS, ld: cs };
    }
  }
  const perm = [...batch, ...rows, ...cols];
  const d = dense(
    { data: x.data, offset: x.offset, strides: perm.map((p) => x.strides[p]!) },
    perm.map((p) => a.shape[p]!),
    a.dtype,
  ) as Float32Array;
  const nb = batch.reduce((s, p) => s * a.shape[p]!, 1);
  const offsets = new Array<number>(nb);
  for (let b = 0; b < nb; b++) offsets[b] = b * R * C;
  return { data: d, offsets, trans: NO_TRANS, ld: Math.max(1, C) };
}

/**
 * out = lhs · rhs through BLAS, or null when this product stays in JavaScript
 * (no BLAS, not float32/float64, or a batch of tiny products).
 */
export function blasDotGeneral(
  l: Strided,
  r: Strided,
  la: AVal,
  ra: AVal,
  dd: DotDims,
  o: AVal,
  lf: readonly number[],
  rf: readonly number[],
  B: number,
  M: number,
  K: number,
  N: number,
): Strided | null {
  const name = o.dtype.name;
  if (!blasPolicy.enabled || (name !== "float32" && name !== "float64") || la.dtype.name !== name || ra.dtype.name !== name) return null;
  if (B > 1 && M * N * K < blasPolicy.minBatchedWork) return null;
  const blas = systemBlas();
  if (!blas) return null;
  // A float32 result of 4 MiB or more goes in the storage pool (simd_f32.ts resultF32): a fresh array
  // that large is fresh pages from the system, whose faults and zeroing cost a 1024² product about a
  // tenth of its time. Pool blocks are not zeroed, so only a product that writes every value (K > 0,
  // beta = 0) takes one.
  const pooled = name === "float32" && K > 0 ? resultF32(B * M * N) : null;
  // A matrix (or vector) times a vector with no batch: PyTorch's CPU mv and dot (and matmul, which folds
  // [..., K] @ [K] into mv) call BLAS gemv / dot, whose kernels sum each output in their own order, not
  // gemm's; the same calls here give PyTorch's bits. [M, K] @ [K, 1] stays gemm, as PyTorch's mm.
  const vector = B === 1 && dd.rhs_batch.length === 0 && rf.length === 0 && blas.gemv !== null && K > 0;
  // a gemm (beta = 0) writes every value: in the CPU runtime, an array of its pool (result_memory.ts)
  const recycled = pooled === null && K > 0 && !vector ? takeResultMemory(name, B * M * N) : null;
  const out = (pooled ?? recycled ?? o.dtype.alloc(B * M * N)) as Float32Array | Float64Array;
  if (B * M * N === 0 || K === 0) return contiguous(out, o.shape);
  const A = operand(l, la, dd.lhs_batch, lf, dd.lhs_contract, M, K);
  const Bm = operand(r, ra, dd.rhs_batch, dd.rhs_contract, rf, K, N);
  if (vector && blas.gemv) {
    const v = blas.gemv,
      f32 = name === "float32";
    blasStats.gemmCalls += 1;
    if (lf.length === 0 && Bm.trans === NO_TRANS) {
      // [K] · [K]: the 1×K row steps by 1 (as stored, or the copy) or, taken as transposed, by its ld
      const x = A.offsets[0] ? A.data.subarray(A.offsets[0]) : A.data,
        y = Bm.offsets[0] ? Bm.data.subarray(Bm.offsets[0]) : Bm.data;
      out[0] = (f32 ? v.sdot : v.ddot)(K, x, A.trans === NO_TRANS ? 1 : A.ld, y, Bm.ld);
      return contiguous(out, o.shape);
    }
    if (Bm.trans === NO_TRANS) {
      // OpenBLAS's column-major ('n') gemv splits its columns between threads and adds their partial
      // sums, so its bits follow the thread count: the count PyTorch's process has (OpenBLAS's own, or
      // torch.set_num_threads's), not one sized to the work as for gemm. OpenBLAS itself runs a gemv
      // of under 9,216 elements on one thread.
      gemmThreads(Number.POSITIVE_INFINITY);
      const a = A.offsets[0] ? A.data.subarray(A.offsets[0]) : A.data,
        x = Bm.offsets[0] ? Bm.data.subarray(Bm.offsets[0]) : Bm.data;
      // PyTorch's addmv takes the column-major 'n' call when the rows step by 1 (a one-row matrix
      // included, whose row stride is then 1, as a transposed [K, 1] column's is), else the
      // transposed 't' call on the row-major matrix. CBLAS runs a row-major call as the column-major
      // one of the transpose: (NO_TRANS, M, K) is 't', (TRANS, K, M) is 'n'.
      const oneRowN = M === 1 && K > 1 && lf.length === 1 && l.strides[lf[0]!] === 1 && A.trans === NO_TRANS;
      if (A.trans === NO_TRANS && !oneRowN) (f32 ? v.s : v.d)(ROW_MAJOR, NO_TRANS, M, K, 1, a, A.ld, x, Bm.ld, 0, out, 1);
      else (f32 ? v.s : v.d)(ROW_MAJOR, TRANS, K, M, 1, a, oneRowN ? 1 : A.ld, x, Bm.ld, 0, out, 1);
      return contiguous(out, o.shape);
    }
  }
  const gemm = name === "float32" ? blas.sgemm : blas.dgemm;
  const ldc = Math.max(1, N);
  blasStats.gemmCalls += B;
  gemmThreads(M * N * K);
  for (let b = 0; b < B; b++) {
    const ao = A.offsets[b]!,
      bo = Bm.offsets[b]!;
    gemm(
      ROW_MAJOR,
      A.trans,
      Bm.trans,
      M,
      N,
      K,
      1,
      ao ? A.data.subarray(ao) : A.data,
      A.ld,
      bo ? Bm.data.subarray(bo) : Bm.data,
      Bm.ld,
      0,
      b ? out.subarray(b * M * N) : out,
      ldc,
    );
  }
  return contiguous(out, o.shape);
}
