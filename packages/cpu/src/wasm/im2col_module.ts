// The convolution kernel's column fill (kernels/conv.ts) in WebAssembly, for
// float32 and float64: the same runs (a run copies `len` input elements, with
// a fixed input step, to consecutive column positions) executed by a loop nest
// in WebAssembly, contiguous runs 16 bytes at a time (v128 loads and stores),
// the columns written into this module's memory, where the dot kernel reads
// them in place (the system BLAS through a view of the memory, or the
// WebAssembly GEMM's packing). The JavaScript fill's per-run loop cost several
// times the bytes it moved; the runs here move bits (i32/i64/v128 loads and
// stores, no float conversion), so the columns, and with them the products,
// are bit-identical. The memory is kept and reused by every call (grown as
// needed): the input is copied in once per call, the columns never copied out.
// Large fills are split across the worker pool (threads.ts; the memory is then
// a shared one): each task fills whole rows of the run tables, which write
// disjoint parts of the columns, so the columns are the same for any thread
// count.
//
// runs(src, cols, rowPtr, recs, A, dA, sA, Bn, dB, C, dC, sC, step): for a < A, b < Bn, c < C, each run
// record r in [rowPtr[b], rowPtr[b+1]) (records of three i32: destination byte offset, source byte
// offset, element count) copies count elements from src + a*sA + c*sC + r.src (stepping `step` bytes)
// to cols + a*dA + b*dB + c*dC + r.dst (consecutive); a negative count writes -count zero elements
// there (padding). All offsets in bytes.
import { encodeModule, type Func, I32, op, u32, V128 } from "./encoder.js";
import { growTo, type OwnFn } from "./own_memory_module.js";
import { Body } from "./builder.js";
import { wasmSimdEnabled } from "./simd_f32.js";
import { blasForWorkers, systemBlas } from "../blas.js";
import { Job, type KernelFamily, numThreads, registerFamily, runJob, sharedMemory } from "./threads.js";
import { wasmMode } from "./wasm_env.js";

// the integer instructions encoder.ts does not name
const raw = {
  ltU: [0x49],
  ltS: [0x48],
  ne: [0x47],
  i32Load: (offset: number) => [0x28, 2, offset],
  i32Store: [0x36, 2, 0],
  i64Load: [0x29, 3, 0],
  i64Store: [0x37, 3, 0],
  ifVoid: [0x04, 0x40],
  else: [0x05],
};

/** The fill for elements of E bytes (4: float32, 8: float64): copies their bits. */
function runsFunc(E: 4 | 8): Func {
  const b = new Body(Array(13).fill(I32));
  const [src, cols, rowPtr, recs, A, dA, sA, Bn, dB, C, dC, sC, step] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const ia = b.local(I32),
    ib = b.local(I32),
    ic = b.local(I32),
    r = b.local(I32),
    r1 = b.local(I32),
    d = b.local(I32),
    s = b.local(I32),
    n = b.local(I32),
    dRow = b.local(I32),
    sRow = b.local(I32),
    zero = b.local(V128);
  const copyElem =
    E === 4
      ? [...op.get(d), ...op.get(s), ...raw.i32Load(0), ...raw.i32Store]
      : [...op.get(d), ...op.get(s), ...raw.i64Load, ...raw.i64Store];
  /** for (i = 0; i < limit; i++) body */
  const forLoop = (i: number, limit: number, body: () => void) => {
    b.emit(op.i32(0), op.set(i), op.block, op.loop, op.get(i), op.get(limit), op.geU, op.brIf(1));
    body();
    b.emit(op.get(i), op.i32(1), op.add, op.set(i), op.br(0), op.end, op.end);
  };
  forLoop(ia, A, () =>
    forLoop(ib, Bn, () => {
      // this b's run records
      b.emit(op.get(rowPtr), op.get(ib), op.i32(4), op.mul, op.add, op.set(r));
      b.emit(op.get(r), raw.i32Load(4), op.set(r1), op.get(r), raw.i32Load(0), op.set(r));
      // r1: the record count
      b.emit(op.get(r1), op.get(r), op.sub, op.set(r1));
      forLoop(ic, C, () => {
        b.emit(
          op.get(cols),
          op.get(ia),
          op.get(dA),
          op.mul,
          op.add,
          op.get(ib),
          op.get(dB),
          op.mul,
          op.add,
          op.get(ic),
          op.get(dC),
          op.mul,
          op.add,
          op.set(dRow),
        );
        b.emit(op.get(src), op.get(ia), op.get(sA), op.mul, op.add, op.get(ic), op.get(sC), op.mul, op.add, op.set(sRow));
        const rec = b.local(I32),
          k = b.local(I32);
        forLoop(k, r1, () => {
          b.emit(op.get(recs), op.get(r), op.get(k), op.add, op.i32(12), op.mul, op.add, op.set(rec));
          b.emit(op.get(dRow), op.get(rec), raw.i32Load(0), op.add, op.set(d));
          b.emit(op.get(sRow), op.get(rec), raw.i32Load(4), op.add, op.set(s));
          b.emit(op.get(rec), raw.i32Load(8), op.set(n));
          b.emit(op.get(n), op.i32(0), raw.ltS, raw.ifVoid);
          // a zero run: -n elements
          b.emit(op.i32(0), op.get(n), op.sub, op.i32(E), op.mul, op.set(n));
          b.emit(op.block, op.loop, op.get(n), op.i32(16), raw.ltU, op.brIf(1));
          b.emit(op.get(d), op.get(zero), op.v128Store(0));
          b.emit(op.get(d), op.i32(16), op.add, op.set(d), op.get(n), op.i32(16), op.sub, op.set(n), op.br(0), op.end, op.end);
          b.emit(op.block, op.loop, op.get(n), op.eqz, op.brIf(1));
          b.emit(op.get(d), op.i32(0), raw.i32Store, op.get(d), op.i32(4), op.add, op.set(d));
          b.emit(op.get(n), op.i32(4), op.sub, op.set(n), op.br(0), op.end, op.end);
          b.emit(raw.else);
          b.emit(op.get(step), op.i32(E), raw.ne, raw.ifVoid);
          // a strided run: element by element
          b.countDown(n, () => {
            b.emit(copyElem);
            b.emit(op.get(d), op.i32(E), op.add, op.set(d), op.get(s), op.get(step), op.add, op.set(s));
          });
          b.emit(raw.else);
          // a contiguous run: 16 bytes at a time, then the last elements one by one
          b.emit(op.get(n), op.i32(E), op.mul, op.set(n));
          b.emit(op.block, op.loop, op.get(n), op.i32(16), raw.ltU, op.brIf(1));
          b.emit(op.get(d), op.get(s), op.v128Load(0), op.v128Store(0));
          b.emit(op.get(d), op.i32(16), op.add, op.set(d), op.get(s), op.i32(16), op.add, op.set(s));
          b.emit(op.get(n), op.i32(16), op.sub, op.set(n), op.br(0), op.end, op.end);
          b.emit(op.block, op.loop, op.get(n), op.eqz, op.brIf(1));
          b.emit(copyElem);
          b.emit(op.get(d), op.i32(E), op.add, op.set(d), op.get(s), op.i32(E), op.add, op.set(s));
          b.emit(op.get(n), op.i32(E), op.sub, op.set(n), op.br(0), op.end, op.end);
          b.emit(op.end, op.end);
        });
      });
    }),
  );
  return b.func(E === 4 ? "runs4" : "runs8");
}

/** The fill's 13 arguments for a worker (whose calls carry at most 10): read from a record in memory. */
function taskFunc(E: 4 | 8): Func {
  const b = new Body([I32]);
  for (let i = 0; i < 13; i++) b.emit(op.get(0), raw.i32Load(4 * i));
  // call runs4 / runs8 (functions 0 and 1)
  b.emit([0x10, ...u32(E === 4 ? 0 : 1)]);
  return b.func(E === 4 ? "task4" : "task8");
}

/** Bytes the memory may grow to; larger calls keep the JavaScript fill. */
const MAX_BYTES = 1 << 29;

interface Instance {
  memory: WebAssembly.Memory;
  fns: Record<string, OwnFn>;
  /** the pool's handle on the module (its memory shared), or null: every fill on the calling thread */
  family: KernelFamily | null;
  bytes: Uint8Array;
  /** the block functions' family (fill and product, blockFamily), built at the first such call; null: none */
  blocks?: KernelFamily | null;
}

/** Int32 fields of a block record: the nest's 13 arguments, the gemm's, then an optional first nest (see BLOCK_JS). */
export const BLOCK_REC = 37;
/**
 * The block functions (threads.ts FamilyJs), block4 / block8 (rec): fill one block of columns (the
 * record's nest, its columns moved up by slot * the record's part size: each thread fills its own
 * part), then multiply them by the system BLAS (cblas_sgemm / cblas_dgemm, row-major): C = A @ B,
 * B the columns (transposed where the record says), all in this memory. The calling thread passes
 * the gemm functions it has (cfg.gemms); a worker loads the same library through koffi.
 * Record (int32): [0, 13) the nest's arguments, 13 the part size in bytes, 14 B's trans flag,
 * 15 M, 16 N, 17 K, 18 A (bytes), 19 lda, 20 ldb, 21 C (bytes), 22 ldc; where 23 is 1, the nest
 * [24, 37) runs first (the block's planes of a zero-padded lhs, which its fill then reads).
 */
const BLOCK_JS = `
const g = cfg.gemms || (() => {
  const l = require(cfg.koffi).load(cfg.lib);
  return {
    s: l.func("void cblas_sgemm(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int)"),
    d: l.func("void cblas_dgemm(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int)"),
  };
})();
const block = (E) => (rec) => {
  const buf = memory.buffer;
  const r = new Int32Array(buf, rec, ${BLOCK_REC});
  const runs = exports[E === 4 ? "runs4" : "runs8"];
  if (r[23] === 1) runs(r[24], r[25], r[26], r[27], r[28], r[29], r[30], r[31], r[32], r[33], r[34], r[35], r[36]);
  const cols = r[1] + slot * r[13];
  runs(r[0], cols, r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12]);
  const F = E === 4 ? Float32Array : Float64Array;
  (E === 4 ? g.s : g.d)(101, 111, r[14], r[15], r[16], r[17], 1, new F(buf, r[18]), r[19], new F(buf, cols), r[20], 0, new F(buf, r[21]), r[22]);
};
return { block4: block(4), block8: block(8) };
`;

/** The block functions' family for instance k (shared memory and a system BLAS needed), built once. */
function blockFamily(k: Instance): KernelFamily | null {
  if (k.blocks !== undefined) return k.blocks;
  k.blocks = null;
  const blas = systemBlas(),
    where = blasForWorkers();
  // OpenBLAS only: its thread count is set to one for these products (blas.ts gemmThreads), so two
  // threads' calls each run on their caller; another library may thread each call as well
  if (!k.family || !blas || !where || blas.vendor !== "OpenBLAS") return null;
  try {
    const mine = new Function("exports", "memory", "slot", "cfg", "require", BLOCK_JS)(
      k.fns,
      k.memory,
      0,
      { gemms: { s: blas.sgemm, d: blas.dgemm } },
      null,
    );
    k.blocks = registerFamily(k.bytes, k.memory, mine, ["block4", "block8"], { source: BLOCK_JS, cfg: where });
  } catch {
    k.blocks = null;
  }
  return k.blocks;
}
/**
 * Instances by slot, each with a memory of its own: slot 0 holds the columns of the call being made;
 * slots 1..KEEP_SLOTS hold columns kept for a later call that reads the same ones (conv.ts: a
 * forward's columns are its weight gradient's).
 */
const instances: (Instance | null)[] = [];
export const KEEP_SLOTS = 3;
function instantiate(slot = 0): Instance | null {
  if (slot in instances) return instances[slot]!;
  instances[slot] = null;
  try {
    const { memory, shared } = sharedMemory(1, MAX_BYTES / 65536);
    const bytes = encodeModule([runsFunc(4), runsFunc(8), taskFunc(4), taskFunc(8)], true, shared ? "shared" : "plain");
    const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Record<string, OwnFn>;
    instances[slot] = { memory, fns: ex, family: shared ? registerFamily(bytes, memory, ex, ["task4", "task8"]) : null, bytes };
  } catch {
    instances[slot] = null;
  }
  return instances[slot]!;
}

/** Column elements from which a fill is split across threads (XLATORCH_WASM=always: every fill of two rows or more, so tests run the split). */
const THREAD_MIN = 1 << 18;
/** Tasks per thread (claimed dynamically: a descheduled worker's share goes to the others). */
const TASKS_PER_THREAD = 4;
/** Task argument records kept at the start of the memory (13 i32 each). */
const PARAM_SLOTS = 64,
  PARAM_BYTES = PARAM_SLOTS * 52;

/** Whether the WebAssembly fill is available (SIMD present, XLATORCH_WASM not off). */
export const im2colWasmEnabled = (): boolean => wasmSimdEnabled() && instantiate() !== null;

/** Fills that ran in WebAssembly, were split across threads, were read kept; calls whose blocks ran on the pool (tests check which path ran). */
export const im2colWasmStats = { calls: 0, split: 0, reused: 0, pooled: 0 };

/**
 * The run tables in the module's byte form: per row b, records [rowPtr[b], rowPtr[b+1]) of
 * (destination, source, count), the empty runs left out. Built once per plan.
 */
export interface WasmRuns {
  rowPtr: Int32Array;
  recs: Int32Array;
  E: 4 | 8;
}

/**
 * The runs of conv.ts (per row r < rows: entries r*Lo + q of runDst/runSrc/runLen, in elements) as
 * byte-offset records for elements of E bytes.
 */
export function wasmRuns(
  runDst: Int32Array,
  runSrc: Int32Array,
  runLen: Int32Array,
  rows: number,
  Lo: number,
  rowLen: number,
  E: 4 | 8,
): WasmRuns {
  const rowPtr = new Int32Array(rows + 1);
  const recs: number[] = [];
  const covered = new Uint8Array(rowLen);
  for (let r = 0; r < rows; r++) {
    rowPtr[r] = recs.length / 3;
    covered.fill(0);
    for (let q = r * Lo; q < (r + 1) * Lo; q++)
      if (runLen[q]! > 0) {
        recs.push(runDst[q]! * E, runSrc[q]! * E, runLen[q]!);
        covered.fill(1, runDst[q]!, runDst[q]! + runLen[q]!);
      }
    // the positions no run writes (padding, dilation holes): zero runs (a negative count), so the
    // columns need no clearing first
    for (let p = 0; p < rowLen; ) {
      if (covered[p]) {
        p++;
        continue;
      }
      let e = p;
      while (e < rowLen && !covered[e]) e++;
      recs.push(p * E, 0, p - e);
      p = e;
    }
  }
  rowPtr[rows] = recs.length / 3;
  return { rowPtr, recs: Int32Array.from(recs), E };
}

/** One loop of the nest: count, destination step and source step, in elements. */
export type Loop = [count: number, dst: number, src: number];
/** The middle loop (the run tables' rows): count and destination step in elements; the source does not move. */
export type RowLoop = [count: number, dst: number];

/**
 * A column fill in the module's memory: `input` (the lhs's elements [lo, hi), copied in), then for
 * each group a call of the nest. Returns the columns (a view of the memory, valid until the next
 * call), or null where the memory would be too large.
 */
export class Im2colCall {
  private readonly k: Instance;
  private readonly srcAt: number;
  private readonly colsAt: number;
  private readonly rowPtrAt: number;
  private readonly recsAt: number;
  private readonly nCols: number;
  private readonly inputLength: number;
  readonly cols: Float32Array | Float64Array;
  /** byte offset of the `extra` bytes the caller asked for, after the columns (16-byte aligned) */
  readonly extraAt: number;

  private constructor(
    k: Instance,
    input: Float32Array | Float64Array,
    lo: number,
    hi: number,
    runs: WasmRuns,
    nCols: number,
    extra: number,
  ) {
    this.k = k;
    const E = runs.E;
    const align = (x: number) => (x + 15) & ~15;
    this.nCols = nCols;
    this.inputLength = hi - lo;
    this.rowPtrAt = PARAM_BYTES;
    this.recsAt = align(this.rowPtrAt + runs.rowPtr.byteLength);
    this.srcAt = align(this.recsAt + runs.recs.byteLength);
    this.colsAt = align(this.srcAt + (hi - lo) * E);
    this.extraAt = align(this.colsAt + nCols * E);
    const need = this.extraAt + extra;
    growTo(k.memory, need);
    const buf = k.memory.buffer;
    new Int32Array(buf, this.rowPtrAt, runs.rowPtr.length).set(runs.rowPtr);
    new Int32Array(buf, this.recsAt, runs.recs.length).set(runs.recs);
    const Arr = E === 4 ? Float32Array : Float64Array;
    new Arr(buf, this.srcAt, hi - lo).set(input.subarray(lo, hi) as never);
    this.cols = new Arr(buf, this.colsAt, nCols);
  }

  /**
   * Whether `input`'s elements [lo, hi) have the same bits as the copy this call filled from (a kept
   * call's columns are then the ones a fill from `input` would write).
   */
  inputEquals(input: Float32Array | Float64Array, lo: number, hi: number): boolean {
    const E = input.BYTES_PER_ELEMENT;
    if (hi - lo !== this.inputLength || E !== this.cols.BYTES_PER_ELEMENT || (input.byteOffset + lo * E) % 4 !== 0) return false;
    const n = ((hi - lo) * E) / 4;
    const a = new Int32Array(input.buffer, input.byteOffset + lo * E, n),
      b = new Int32Array(this.k.memory.buffer, this.srcAt, n);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** null where WebAssembly is unavailable or the call would need more than MAX_BYTES. */
  static start(
    input: Float32Array | Float64Array,
    lo: number,
    hi: number,
    runs: WasmRuns,
    nCols: number,
    slot = 0,
    extra = 0,
  ): Im2colCall | null {
    const k = instantiate(slot);
    if (!k || (hi - lo + nCols) * runs.E + runs.recs.byteLength + runs.rowPtr.byteLength + PARAM_BYTES + 80 + extra > MAX_BYTES)
      return null;
    let call: Im2colCall;
    try {
      call = new Im2colCall(k, input, lo, hi, runs, nCols, extra);
    } catch {
      // the memory could not grow: the JavaScript fill
      return null;
    }
    im2colWasmStats.calls++;
    return call;
  }

  /** Whether blocksOnPool can run (shared memory and a system BLAS that workers can load). */
  blocksPossible(): boolean {
    return blockFamily(this.k) !== null;
  }

  /**
   * The block record's first 14 fields for a nest (one group, columns from `cols` elements into a
   * thread's part of partCols elements): the nest's arguments (its source from byte `from`, the
   * copied input's start by default), then the part size.
   */
  blockRecord(E: 4 | 8, n: NestArgs, step: number, partCols: number, from = this.srcAt): number[] {
    return [...this.nestArgs(E, n.src, n.cols, n.a, n.b, n.c, step, 0, n.a[0], 0, n.b[0], from), partCols * E];
  }

  /**
   * A nest's 13 arguments for a copy inside this memory by the run table at rowPtrAt / recsAt
   * (bytes): from the copied input (`src` elements on) to byte `to`, loops a, b, c (elements).
   */
  copyArgs(E: 4 | 8, src: number, to: number, rowPtrAt: number, recsAt: number, a: Loop, b: RowLoop, c: Loop, step: number): number[] {
    return [this.srcAt + src * E, to, rowPtrAt, recsAt, a[0], a[1] * E, a[2] * E, b[0], b[1] * E, c[0], c[1] * E, c[2] * E, step * E];
  }

  /**
   * Runs blocks on the pool, one task each (threads.ts runJob: claimed by whichever thread is free):
   * block u's record (BLOCK_REC int32 at byte recAt + u * BLOCK_REC * 4, in this memory) fills its
   * columns into the running thread's part of the columns and multiplies them by the system BLAS
   * into its own result (see BLOCK_JS). A block is filled and multiplied by the same calls on any
   * thread, so the results are those of one thread, bit for bit. Returns false (nothing run) where
   * there is no block family; throws where a block failed (a worker that could not load the BLAS).
   */
  blocksOnPool(E: 4 | 8, n: number, recAt: number): boolean {
    const fam = blockFamily(this.k);
    if (!fam) return false;
    const job = new Job(fam);
    for (let u = 0; u < n; u++) job.call(E === 4 ? 0 : 1, recAt + u * BLOCK_REC * 4).endTask();
    im2colWasmStats.pooled++;
    runJob(job);
    return true;
  }

  /** The nest's 13 arguments (bytes) for outer indices [a0, a0 + aN) and rows [b0, b0 + bN). */
  private nestArgs(
    E: 4 | 8,
    src: number,
    cols: number,
    a: Loop,
    b: RowLoop,
    c: Loop,
    step: number,
    a0: number,
    aN: number,
    b0: number,
    bN: number,
    from = this.srcAt,
  ): number[] {
    return [
      from + (src + a0 * a[2]) * E,
      this.colsAt + (cols + a0 * a[1] + b0 * b[1]) * E,
      this.rowPtrAt + b0 * 4,
      this.recsAt,
      aN,
      a[1] * E,
      a[2] * E,
      bN,
      b[1] * E,
      c[0],
      c[1] * E,
      c[2] * E,
      step * E,
    ];
  }

  /**
   * Runs the nest for one group: source base `src` (elements from the copied range's start),
   * columns base `cols` (elements), loops a, b (the run tables' rows), c; `step` in elements.
   */
  fill(runs: WasmRuns, src: number, cols: number, a: Loop, b: RowLoop, c: Loop, step: number): void {
    const E = runs.E;
    const args = (a0: number, aN: number, b0: number, bN: number) => this.nestArgs(E, src, cols, a, b, c, step, a0, aN, b0, bN);
    const always = wasmMode() === "always";
    const rows = a[0] * b[0];
    const threads = this.k.family && rows > 1 && (always || this.nCols >= THREAD_MIN) ? numThreads() : 1;
    if (threads <= 1) {
      this.k.fns[E === 4 ? "runs4" : "runs8"]!(...args(0, a[0], 0, b[0]));
      return;
    }
    // tasks: ranges of the outer loop, or each outer index's rows in ranges (whole run-table rows
    // either way: disjoint parts of the columns)
    const want = Math.min(rows, threads * TASKS_PER_THREAD);
    const parts: [number, number, number, number][] = [];
    if (a[0] >= want)
      for (let t = 0; t < want; t++) {
        const a0 = Math.floor((t * a[0]) / want);
        parts.push([a0, Math.floor(((t + 1) * a[0]) / want) - a0, 0, b[0]]);
      }
    else {
      const per = Math.ceil(want / a[0]);
      for (let ia = 0; ia < a[0]; ia++)
        for (let t = 0; t < per; t++) {
          const b0 = Math.floor((t * b[0]) / per),
            b1 = Math.floor(((t + 1) * b[0]) / per);
          if (b1 > b0) parts.push([ia, 1, b0, b1 - b0]);
        }
    }
    const job = new Job(this.k.family!);
    const rec = new Int32Array(this.k.memory.buffer, 0, PARAM_SLOTS * 13);
    parts.slice(0, PARAM_SLOTS).forEach((part, i) => {
      rec.set(args(...part), i * 13);
      job.call(E === 4 ? 0 : 1, i * 52).endTask();
    });
    // more parts than slots (never with the pool's sizes): the rest on this thread
    for (const part of parts.slice(PARAM_SLOTS)) this.k.fns[E === 4 ? "runs4" : "runs8"]!(...args(...part));
    im2colWasmStats.split++;
    runJob(job);
  }
}

/** One group's nest of a block's fill: the arguments of Im2colCall.fill. */
export interface NestArgs {
  src: number;
  cols: number;
  a: Loop;
  b: RowLoop;
  c: Loop;
}

/** Tests: fill the module's memory with float32 `v` (NaN reads as NaN in float64 too): stale columns then show. */
export function poisonIm2colMemory(v: number): void {
  for (const k of instances) if (k) new Float32Array(k.memory.buffer).fill(v);
}
