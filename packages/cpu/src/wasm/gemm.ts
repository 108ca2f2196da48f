// A float32 GEMM in WebAssembly SIMD, generated at run time (encoder.ts):
// C[M,N] = A[M,K] @ B[K,N], for dot_general on the cpu device when no system
// BLAS takes the call (always in a browser; in Node when XLATORCH_BLAS=off or
// none is found). XLATORCH_WASM=off forces the JavaScript kernel instead.
//
// Layout in the one WebAssembly.Memory (grown as needed; operands are copied
// in and the result out, per batch element):
// - A packed into panels of MR=4 rows, contiguous in k (k*16 + r*4 bytes), the
//   last M % 4 rows as plain rows;
// - B packed into panels of NR=8 columns, contiguous in k (k*32 + j*4), the
//   last panel zero-padded, so column tails need no special code;
// - C with rows padded to a multiple of 8 columns.
// The microkernel keeps a 4x8 tile of C in 8 v128 accumulators; per k it
// loads two B vectors, splats one A element per row and multiply-adds (wasm
// SIMD has no FMA: a product rounded to float32, then the sum, so results
// may differ from an FMA BLAS in the last bits). k is blocked by KC and rows by
// MC so that a block of A (MC x KC) stays in cache while the B panels pass over it.
//
// Threads (threads.ts): a large product is split by row panels of C, each
// task all of K for its rows, in the same KC order as one thread, so every
// element's sum is computed in the same order: results are bit-identical for
// every thread count. The memory is then a shared one, imported with shared
// limits by the module on every worker.
import { encodeModule, type Func, I32, op, V128 } from "./encoder.js";
import { Job, type KernelFamily, numThreads, registerFamily, runJob, sharedMemory } from "./threads.js";
import { wasmMode } from "./wasm_env.js";

const MR = 4,
  NR = 8,
  KC = 256,
  MC = 64;

/** A tiny SIMD module: validates only where WebAssembly has 128-bit SIMD. */
const SIMD_PROBE: Func = { name: "probe", params: [], results: [], locals: [], body: [...op.f32(0), ...op.f32x4Splat, ...op.drop] };

/**
 * gemmTile (R = MR) and gemmRow (R = 1), (a, astride, n, b, bstride, P, c, cstep, ldc, kc): for each of P
 * B panels (stride bstride bytes) and each of n A panels of R rows (stride
 * astride bytes), C tile (at c + i*cstep + p*32, rows ldc bytes apart) +=
 * A panel (kc steps of R*4 bytes) @ B panel (kc steps of 32 bytes).
 */
function gemmFunc(R: number): Func {
  const [a, astride, n, b, bstride, P, c, cstep, ldc, kc] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [p, i, ap, bp, cp, k] = [10, 11, 12, 13, 14, 15];
  const [bv0, bv1, av] = [16, 17, 18];
  const acc = (r: number, h: number) => 19 + 2 * r + h;
  const rowPtr = (r: number) => (r === 0 ? op.get(cp) : [...op.get(cp), ...op.get(ldc), ...op.i32(r), ...op.mul, ...op.add]);
  const body: number[] = [];
  const emit = (...xs: number[][]) => {
    for (const x of xs) body.push(...x);
  };
  emit(op.i32(0), op.set(p), op.block, op.loop);
  emit(op.get(p), op.get(P), op.geU, op.brIf(1));
  emit(op.i32(0), op.set(i), op.block, op.loop);
  emit(op.get(i), op.get(n), op.geU, op.brIf(1));
  emit(op.get(a), op.get(i), op.get(astride), op.mul, op.add, op.set(ap));
  emit(op.get(b), op.get(p), op.get(bstride), op.mul, op.add, op.set(bp));
  emit(op.get(c), op.get(i), op.get(cstep), op.mul, op.add, op.get(p), op.i32(NR * 4), op.mul, op.add, op.set(cp));
  for (let r = 0; r < R; r++) for (let h = 0; h < 2; h++) emit(rowPtr(r), op.v128Load(16 * h), op.set(acc(r, h)));
  emit(op.get(kc), op.set(k), op.block, op.loop);
  emit(op.get(k), op.eqz, op.brIf(1));
  emit(op.get(bp), op.v128Load(0), op.set(bv0), op.get(bp), op.v128Load(16), op.set(bv1));
  for (let r = 0; r < R; r++) {
    emit(op.get(ap), op.load32Splat(4 * r), op.set(av));
    for (let h = 0; h < 2; h++) emit(op.get(acc(r, h)), op.get(av), op.get(h ? bv1 : bv0), op.f32x4Mul, op.f32x4Add, op.set(acc(r, h)));
  }
  emit(op.get(ap), op.i32(4 * R), op.add, op.set(ap));
  emit(op.get(bp), op.i32(4 * NR), op.add, op.set(bp));
  emit(op.get(k), op.i32(1), op.sub, op.set(k), op.br(0), op.end, op.end);
  for (let r = 0; r < R; r++) for (let h = 0; h < 2; h++) emit(rowPtr(r), op.get(acc(r, h)), op.v128Store(16 * h));
  emit(op.get(i), op.i32(1), op.add, op.set(i), op.br(0), op.end, op.end);
  emit(op.get(p), op.i32(1), op.add, op.set(p), op.br(0), op.end, op.end);
  return {
    name: R === 1 ? "gemmRow" : "gemmTile",
    params: Array(10).fill(I32),
    results: [],
    locals: [...Array(6).fill(I32), ...Array(3 + 2 * R).fill(V128)],
    body,
  };
}

type GemmFn = (
  a: number,
  astride: number,
  n: number,
  b: number,
  bstride: number,
  P: number,
  c: number,
  cstep: number,
  ldc: number,
  kc: number,
) => void;

interface Instance {
  memory: WebAssembly.Memory;
  /** fns 0 = gemmTile, 1 = gemmRow, for jobs split across threads */
  family: KernelFamily;
  /** MR-row panels of A */
  gemmTile: GemmFn;
  /** single rows of A (the last M % MR) */
  gemmRow: GemmFn;
}

let instance: Instance | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable (checked once). */
function kernel(): Instance | null {
  if (instance !== undefined) return instance;
  instance = null;
  try {
    if (typeof WebAssembly !== "object" || !WebAssembly.validate(encodeModule([SIMD_PROBE], false))) return null;
    const { memory, shared } = sharedMemory(1, MAX_BYTES / 65536);
    const bytes = encodeModule([gemmFunc(MR), gemmFunc(1)], true, shared ? "shared" : "plain");
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as {
      gemmTile: GemmFn;
      gemmRow: GemmFn;
    };
    const family = registerFamily(bytes, memory, ex as unknown as Record<string, unknown>, ["gemmTile", "gemmRow"]);
    instance = { memory, family, gemmTile: ex.gemmTile, gemmRow: ex.gemmRow };
  } catch {
    instance = null;
  }
  return instance;
}

/** Whether float32 dot_general runs on the WebAssembly kernel (SIMD present, XLATORCH_WASM not off). */
export function wasmGemmEnabled(): boolean {
  return wasmMode() !== "off" && kernel() !== null;
}

/** Products computed by the WebAssembly kernel (tests check which path ran). */
export const wasmGemmStats = { calls: 0 };

/** Bytes the kernel's memory may grow to (its maximum); larger products take the JavaScript kernel. */
const MAX_BYTES = 1 << 30;

/**
 * Products of at least this many multiply-adds (M*N*K, ~25 us on one thread)
 * are split across threads; smaller ones are done before a worker wakes, so
 * they run on the calling thread alone. XLATORCH_WASM=always splits every
 * product of two row panels or more, so the fixture suites run the split path
 * on their small shapes.
 */
export const GEMM_THREAD_MIN = { work: 1 << 18 };

const wasmAlways = (): boolean => wasmMode() === "always";
const align16 = (n: number) => (n + 15) & ~15;

/**
 * out[b] = A[b] (MxK, row-major) @ Bm[b] (KxN, row-major), float32, for b <
 * batch. Returns false (writing nothing) when the WebAssembly kernel is
 * unavailable, switched off, or the operands would not fit its memory.
 */
export function gemmF32(
  A: ArrayLike<number>,
  Bm: ArrayLike<number>,
  out: Float32Array,
  batch: number,
  M: number,
  K: number,
  N: number,
): boolean {
  const rowMajor = (data: ArrayLike<number>, R: number, C: number): GemmOperand => ({
    data,
    offsets: Array.from({ length: batch }, (_, b) => b * R * C),
    rs: C,
    cs: 1,
  });
  return gemmF32Strided(rowMajor(A, M, K), rowMajor(Bm, K, N), out, batch, M, K, N);
}

/** An operand as strided matrices: element [b][i][j] is data[offsets[b] + i * rs + j * cs]. */
export interface GemmOperand {
  data: ArrayLike<number>;
  offsets: readonly number[];
  rs: number;
  cs: number;
}

/**
 * gemmF32 over operands in any two strides (a transposed view, a column
 * slice): the packing reads them in place, so no dense copy is made first.
 * The packed panels hold the same values in the same order, so the result is
 * bit-identical to the product of dense copies.
 */
export function gemmF32Strided(
  A: GemmOperand,
  Bm: GemmOperand,
  out: Float32Array,
  batch: number,
  M: number,
  K: number,
  N: number,
): boolean {
  if (!wasmGemmEnabled()) return false;
  if (batch === 0 || M === 0 || N === 0) return true;
  if (K === 0) {
    out.fill(0);
    return true;
  }
  const P = Math.ceil(N / NR),
    Np = P * NR,
    M4 = M - (M % MR);
  const aBytes = align16(M * K * 4),
    bBytes = align16(Np * K * 4),
    cBytes = align16(M * Np * 4);
  const total = aBytes + bBytes + cBytes;
  if (total > MAX_BYTES) return false;
  const k = kernel()!;
  const have = k.memory.buffer.byteLength;
  if (total > have) {
    // the memory only grows (it is reused by every later call); an engine that refuses leaves the JS kernel
    try {
      k.memory.grow(Math.ceil((total - have) / 65536));
    } catch {
      return false;
    }
  }
  wasmGemmStats.calls++;
  const mem = new Float32Array(k.memory.buffer);
  // threads for this product, and rows per task: MC, or fewer so that each thread gets about 4 tasks
  const always = wasmAlways();
  const threads = M4 >= 2 * MR && (always || M * N * K >= GEMM_THREAD_MIN.work) ? numThreads() : 1;
  const block = threads > 1 ? Math.min(MC, Math.max(always ? MR : 4 * MR, Math.ceil(M4 / (4 * threads) / MR) * MR)) : MC;
  const aOff = 0,
    bOff = aBytes,
    cOff = aBytes + bBytes;
  const a = aOff >> 2,
    bq = bOff >> 2,
    cq = cOff >> 2;
  const Ad = A.data,
    ars = A.rs,
    acs = A.cs,
    Bd = Bm.data,
    brs = Bm.rs,
    bcs = Bm.cs;
  for (let t = 0; t < batch; t++) {
    const as = A.offsets[t]!,
      bs = Bm.offsets[t]!;
    // A: 4-row panels interleaved in k, then the leftover rows as they are
    for (let i = 0; i < M4; i += MR) {
      const dst = a + i * K;
      if (ars === 1 && acs !== 1) {
        // a transposed A: the panel's 4 rows are adjacent in memory at each k
        for (let kk = 0, src = as + i, d = dst; kk < K; kk++, src += acs, d += MR) {
          mem[d] = Ad[src]!;
          mem[d + 1] = Ad[src + 1]!;
          mem[d + 2] = Ad[src + 2]!;
          mem[d + 3] = Ad[src + 3]!;
        }
        continue;
      }
      for (let r = 0; r < MR; r++) {
        const src = as + (i + r) * ars;
        if (acs === 1) for (let kk = 0; kk < K; kk++) mem[dst + kk * MR + r] = Ad[src + kk]!;
        else for (let kk = 0; kk < K; kk++) mem[dst + kk * MR + r] = Ad[src + kk * acs]!;
      }
    }
    for (let i = M4; i < M; i++) {
      const dst = a + i * K,
        src = as + i * ars;
      for (let kk = 0; kk < K; kk++) mem[dst + kk] = Ad[src + kk * acs]!;
    }
    // B: 8-column panels contiguous in k, the last one zero-padded
    for (let pi = 0; pi < P; pi++) {
      const j0 = pi * NR,
        w = Math.min(NR, N - j0),
        dst = bq + pi * K * NR;
      for (let kk = 0; kk < K; kk++) {
        const src = bs + kk * brs + j0 * bcs,
          d = dst + kk * NR;
        if (bcs === 1) for (let j = 0; j < w; j++) mem[d + j] = Bd[src + j]!;
        else for (let j = 0; j < w; j++) mem[d + j] = Bd[src + j * bcs]!;
        for (let j = w; j < NR; j++) mem[d + j] = 0;
      }
    }
    mem.fill(0, cq, cq + M * Np);
    // rows in blocks of MC (fewer when threads need more tasks), so that a block of A (MC x KC) stays in L2
    // while every B panel passes over it; each block runs all of K in KC steps, as one task
    const job = threads > 1 ? new Job(k.family) : null;
    const call = (fn: 0 | 1, ...args: Parameters<GemmFn>) => {
      if (job) job.call(fn, ...args);
      else (fn === 0 ? k.gemmTile : k.gemmRow)(...args);
    };
    for (let i0 = 0; i0 < M4; i0 += block) {
      const rows = Math.min(block, M4 - i0);
      for (let k0 = 0; k0 < K; k0 += KC) {
        const kc = Math.min(KC, K - k0);
        call(
          0,
          aOff + (i0 * K + k0 * MR) * 4,
          K * MR * 4,
          rows / MR,
          bOff + k0 * NR * 4,
          K * NR * 4,
          P,
          cOff + i0 * Np * 4,
          MR * Np * 4,
          Np * 4,
          kc,
        );
      }
      job?.endTask();
    }
    if (M > M4)
      for (let k0 = 0; k0 < K; k0 += KC) {
        const kc = Math.min(KC, K - k0);
        call(1, aOff + (M4 * K + k0) * 4, K * 4, M - M4, bOff + k0 * NR * 4, K * NR * 4, P, cOff + M4 * Np * 4, Np * 4, Np * 4, kc);
      }
    if (job) runJob(job);
    const os = t * M * N;
    if (Np === N) out.set(mem.subarray(cq, cq + M * N), os);
    else for (let i = 0; i < M; i++) out.set(mem.subarray(cq + i * Np, cq + i * Np + N), os + i * N);
  }
  return true;
}
