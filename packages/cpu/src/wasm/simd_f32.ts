// The float32 elementwise and reduction kernels in WebAssembly SIMD
// (elementwise_module.ts, reduce_module.ts), called by the primitives' cpu
// kernels (kernels/elementwise.ts, kernels/reduce.ts) for contiguous float32
// work above a size threshold; everything else, and everything when
// WebAssembly SIMD is missing or XLATORCH_WASM=off, runs the JavaScript
// kernels. The CPU runtime runs reductions through the same reduce kernel.
//
// Operands in plain JavaScript typed arrays are copied into the module's
// memory and results out, in chunks of CHUNK values: each chunk is copied in,
// computed and copied out while it is still in cache, so the copies cost
// about one extra pass over L2-resident data. Large float32 results are
// allocated in the memory itself, above the slots (storage_pool.ts): the
// kernel writes them there and later kernels read them in place, with nothing
// to copy (docs/ARCHITECTURE.md "The memory model").
//
// Threads (threads.ts): a large call is cut into the same chunks, and up to
// SLOTS chunks at a time are copied into slots (each a copy of the A/B/OUT/DST
// layout, the memory grown to hold them) and computed as one job of one task
// per chunk, by whichever thread claims it; the copies stay on the calling
// thread (tensor data is not in shared memory). Chunks are computed exactly as
// on one thread and long-row partial results combined in the same order, so
// results are bit-identical for every thread count.
import { isContiguous, type Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { encodeModule, type Func, op } from "./encoder.js";
import { elementwiseFuncs, WASM_BINARY, WASM_UNARY } from "./elementwise_module.js";
import { gather } from "./gather.js";
import { type ReduceOp, reduceFuncs } from "./reduce_module.js";
import { CONST_BYTES, constPoolImage } from "./simd_ops.js";
import { poolSwitchedOff, StoragePool } from "./storage_pool.js";
import { Job, type KernelFamily, numThreads, registerFamily, runPipelined, sharedMemory } from "./threads.js";
import { wasmMode } from "./wasm_env.js";

/** Values per chunk: three float32 chunks (2 operands + result) stay in a 512 KiB L2. */
const CHUNK = 16384;
/** Bytes after each region that a kernel may read or write past its data (the last vector's padding). */
const SLACK = 64;
const REGION = CHUNK * 4 + SLACK;
/** after the constant pool (simd_ops.ts), the two operands' chunks, the result's, and per-row reduction results (float64 each) */
const A = CONST_BYTES,
  B = A + REGION,
  OUT = B + REGION,
  DST = OUT + REGION;
const PAGES = Math.ceil((DST + CHUNK * 8 + SLACK) / 65536);
/** Chunk slots for threaded calls: slot s is the A/B/OUT/DST layout moved up by s * SLOT bytes. */
const SLOT = (DST + CHUNK * 8 + SLACK - A + 63) & ~63,
  SLOTS = 16;
const SCRATCH_END = A + SLOTS * SLOT;
/** The memory may grow to 2 GiB: the slots, then tensor storage (storage_pool.ts). */
const MAX_PAGES = 32768;

/**
 * Calls of at least this many elements are split across threads when the
 * thread count is above 1. The copies in and out stay on the calling thread
 * and cost more than cheap arithmetic itself (x*2 on 4M: 10 ms on one thread,
 * 16 ms on two, bench/threads.ts on the loaded 2-core machine), so only the
 * transcendental kernels split at moderate sizes, and any call whose operands and result all live in
 * the memory (nothing to copy: storage_pool.ts) from inPlace values; see docs/ARCHITECTURE.md "Threads".
 * XLATORCH_WASM=always splits every call of two chunks or more, with chunks of
 * ALWAYS_CHUNK values (rows for reductions), so the fixture suites run the
 * split path on their small tensors.
 */
export const THREAD_MIN = { arith: 1 << 24, transcendental: 1 << 16, reduce: 1 << 22, inPlace: 1 << 17 };
const ALWAYS_CHUNK = 64;

/**
 * Below these many elements the JavaScript loop is as fast (the copies and
 * the call into WebAssembly cost a fixed ~1-2 us). Measured with Node 20 on
 * the bench machine (2-core AMD EPYC, loaded by other work; best of 15 runs,
 * us, WebAssembly vs JavaScript): add 512: 2.6 vs 2.9, 1024: 2.9 vs 4.1,
 * 4096: 4.8 vs 10.5; exp 128: 2.5 vs 4.1, 1024: 5.8 vs 9.4; sum 256: 0.7 vs
 * 1.2, 4096: 1.7 vs 5.4; sum over rows of 4096 values: len 1: 29 vs 22,
 * len 2: 11 vs 14, len 4: 7.1 vs 10.6; x - row value: len 4: 6.7 vs 17.
 * The thresholds sit at about twice the break-even size.
 * rowLen: the shortest row for a constant-per-row operand; reduceLen: the
 * shortest reduced row. pool: the smallest float32 result allocated in the
 * memory (storage_pool.ts), 4 MiB: a block is reused only once the collector
 * has found its array dead, which for arrays that outlive a scavenge (a
 * training step's activations and gradients) waits for a full collection, so
 * a fresh block's page faults and the forced collections are paid over and
 * over, and kernels outside this module copy shared memory more slowly than
 * plain arrays. Measured with bench/run.ts (2026-12-07, load 1.2-2.7, noisy):
 * the CNN b64 step at a 64 Ki threshold 29.4-33.1 ms vs 20.8-27.6 without the
 * pool; tanh(x*2+1) on 4M 14-20 ms vs 34-38 either way.
 */
export const WASM_MIN = { arith: 1024, transcendental: 128, reduce: 256, reduceLen: 4, rowLen: 4, pool: 1 << 20 };
/** XLATORCH_WASM=always: every size that the kernels can take (tests run the fixture suites so). */
const ALWAYS: typeof WASM_MIN = { arith: 1, transcendental: 1, reduce: 1, reduceLen: 1, rowLen: 1, pool: 1 };
/** The kernels with polynomial lane code (thresholds, threads and gathering apply to them as "transcendental"). */
export const TRANSCENDENTAL: ReadonlySet<string> = new Set(["exp", "expm1", "log", "tanh", "logistic", "erf", "rsqrt"]);

type EwFn = (...args: number[]) => void;
interface Instance {
  memory: WebAssembly.Memory;
  f32: Float32Array;
  f64: Float64Array;
  fns: Record<string, EwFn>;
  /** the module's functions for jobs split across threads, with their indices by name */
  family: KernelFamily;
  index: Record<string, number>;
  /** whether the memory is shared (threads possible) */
  shared: boolean;
  /** tensor storage in this memory, above the slots */
  pool: StoragePool;
}

const SIMD_PROBE: Func = { name: "probe", params: [], results: [], locals: [], body: [...op.f32(0), ...op.f32x4Splat, ...op.drop] };
let instance: Instance | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (built once, on first use). */
function instantiate(): Instance | null {
  if (instance !== undefined) return instance;
  instance = null;
  try {
    if (typeof WebAssembly !== "object" || !WebAssembly.validate(encodeModule([SIMD_PROBE], false))) return null;
    const { memory, shared } = sharedMemory(PAGES, MAX_PAGES);
    const funcs = [...elementwiseFuncs(), ...reduceFuncs()];
    const bytes = encodeModule(funcs, true, shared ? "shared" : "plain");
    const fns = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Record<string, EwFn>;
    new Uint8Array(memory.buffer).set(constPoolImage(), 0);
    const names = funcs.map((f) => f.name);
    const family = registerFamily(bytes, memory, fns, names);
    const index = Object.fromEntries(names.map((n, i) => [n, i]));
    const pool = new StoragePool(memory, SCRATCH_END, MAX_PAGES * 65536);
    instance = { memory, f32: new Float32Array(memory.buffer), f64: new Float64Array(memory.buffer), fns, family, index, shared, pool };
  } catch {
    instance = null;
  }
  return instance;
}

/** The size thresholds in force, or null when the WebAssembly path is off (XLATORCH_WASM) or unavailable. */
function limits(): typeof WASM_MIN | null {
  const mode = wasmMode();
  if (mode === "off" || instantiate() === null) return null;
  return mode === "always" ? ALWAYS : WASM_MIN;
}

/** Whether the float32 elementwise/reduction kernels may run in WebAssembly (SIMD present, XLATORCH_WASM not off). */
export const wasmSimdEnabled = (): boolean => limits() !== null;

/** Calls that ran in WebAssembly (tests check which path ran). */
export const wasmSimdStats = { elementwise: 0, reduce: 0 };

/** Whether `prim` has a float32 WebAssembly kernel of this arity. */
export const hasWasmElementwise = (prim: string, arity: number): boolean =>
  arity === 1 ? prim in WASM_UNARY : arity === 2 ? prim in WASM_BINARY : false;

const numel = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/**
 * A float32 result array of n values in the kernels' memory (storage_pool.ts), for a kernel that writes
 * every value; null below WASM_MIN.pool values (1 under XLATORCH_WASM=always), with WebAssembly off or
 * unavailable, with XLATORCH_POOL=off, or when the pool has no room.
 */
export function resultF32(n: number): Float32Array | null {
  const lim = limits();
  if (lim === null || n < lim.pool || poolSwitchedOff()) return null;
  return instantiate()!.pool.allocResultF32(n);
}

/** The pool's counters (tests and benches). */
export const storagePoolStats = () => instantiate()?.pool.stats;

/**
 * How an operand is read: every element; one value; one value per row of
 * `inner` elements (x - x.amax(-1, keepdim); the rows' values through any
 * leading strides: a channel's bias over [N, C, H, W], which the JavaScript
 * loop took at ~3x a dense add); the same `inner` values
 * repeated for every row (x + bias); or any other strides, gathered element by
 * element (the operand of a transcendental unary op only: its float32 lane
 * code is not correctly rounded like the JavaScript kernel's, so a transposed
 * operand must reach the same lanes as a dense one, and as the CPU runtime's
 * fused loops, which gather their strided leaves too).
 */
type Mode =
  | { kind: "dense" }
  | { kind: "scalar" }
  | { kind: "row"; inner: number; lead?: { shape: Shape; strides: number[] } }
  | { kind: "col"; inner: number }
  | { kind: "strided" };

function modeOf(s: Strided, shape: Shape, n: number): Mode | null {
  if (s.strides.length !== shape.length) return s.strides.length === 0 ? { kind: "scalar" } : null;
  if (s.strides.every((st) => st === 0)) return { kind: "scalar" };
  if (isContiguous(shape, s.strides)) return s.offset + n <= s.data.length ? { kind: "dense" } : null;
  const nd = shape.length;
  const flat = (d: number) => s.strides[d] === 0 || shape[d] === 1;
  // constant along the trailing dims (stride 0), dense over the leading ones
  let q = nd;
  while (q > 0 && flat(q - 1)) q--;
  if (q < nd) {
    const inner = numel(shape.slice(q));
    const lshape = shape.slice(0, q),
      lstrides = s.strides.slice(0, q);
    if (isContiguous(lshape, lstrides)) return s.offset + n / inner <= s.data.length ? { kind: "row", inner } : null;
    // the row values read through the leading dims' strides (a channel's bias over [N, C, H, W]: strides
    // [0, 1, 0, 0]), gathered per chunk of rows (a few values each)
    let last = s.offset;
    for (let d = 0; d < q; d++) last += (lshape[d]! - 1) * lstrides[d]!;
    const ok = lstrides.every((st) => st >= 0) && last < s.data.length;
    return ok ? { kind: "row", inner, lead: { shape: lshape, strides: lstrides } } : null;
  }
  // constant along the leading dims, dense over the trailing ones
  q = 0;
  while (q < nd && flat(q)) q++;
  if (q === 0) return null;
  const inner = numel(shape.slice(q));
  const ok = isContiguous(shape.slice(q), s.strides.slice(q)) && s.offset + inner <= s.data.length;
  return ok ? { kind: "col", inner } : null;
}

/** mem[at..at + cnt) = the values of rows [r, r + cnt) (row-major over `shape`) read through `strides` from `offset`. */
function rowValues(
  src: Float32Array,
  offset: number,
  shape: Shape,
  strides: number[],
  r: number,
  cnt: number,
  mem: Float32Array,
  at: number,
): void {
  const nd = shape.length;
  for (let j = 0; j < cnt; j++) {
    let rest = r + j,
      off = offset;
    for (let d = nd - 1; d >= 0; d--) {
      const size = shape[d]!;
      off += (rest % size) * strides[d]!;
      rest = Math.floor(rest / size);
    }
    mem[at + j] = src[off]!;
  }
}

/**
 * out = prim(ins...) elementwise over `shape` (float32 operands and result),
 * in WebAssembly. Returns false, writing nothing, when this path does not
 * take the call: no kernel, too small, a layout other than dense / scalar /
 * constant-per-row, or WebAssembly unavailable or off.
 */
export function wasmElementwiseF32(prim: string, ins: readonly Strided[], shape: Shape, out: Float32Array): boolean {
  const n = out.length;
  if (n === 0 || !hasWasmElementwise(prim, ins.length)) return false;
  const lim = limits();
  if (!lim || n < (TRANSCENDENTAL.has(prim) ? lim.transcendental : lim.arith)) return false;
  const modes: Mode[] = [];
  let rowLen = n;
  const gathers = ins.length === 1 && TRANSCENDENTAL.has(prim);
  for (const s of ins) {
    if (!(s.data instanceof Float32Array)) return false;
    const m0 = modeOf(s, shape, n);
    // a transcendental's only operand: any layout but one value is gathered (the fused loops' rule too)
    const m: Mode | null =
      gathers && m0?.kind !== "dense" && m0?.kind !== "scalar" && s.strides.length === shape.length ? { kind: "strided" } : m0;
    if (!m) return false;
    if (m.kind === "row" || m.kind === "col") {
      if (rowLen !== n && rowLen !== m.inner) return false;
      rowLen = m.inner;
    }
    modes.push(m);
  }
  if (rowLen < lim.rowLen || modes.every((m) => m.kind !== "dense" && m.kind !== "strided")) return false;
  const k = current(instantiate()!);
  const always = lim === ALWAYS;
  // operands and result that live in this memory are read and written in place (storage_pool.ts)
  const addr = ins.map((s, i) => (modes[i]!.kind === "dense" ? k.pool.addressOf(s.data) : -1));
  const outAddr = k.pool.addressOf(out);
  const inPlace = outAddr >= 0 && modes.every((m, i) => m.kind === "scalar" || addr[i]! >= 0);
  const base = TRANSCENDENTAL.has(prim) ? THREAD_MIN.transcendental : THREAD_MIN.arith;
  const min = inPlace ? Math.min(base, THREAD_MIN.inPlace) : base;
  const threads = k.shared && (always || n >= min) ? numThreads() : 1;
  const chunk = always && threads > 1 ? ALWAYS_CHUNK : CHUNK;
  const fn = `${prim}_${modes.map((m) => (m.kind === "row" || m.kind === "scalar" ? "s" : "v")).join("")}`;
  const region = [A, B];
  const data = ins.map((s) => s.data as Float32Array);
  // a result in place must not take a row's spill past its end (rows of a length not a multiple of 4): on
  // threads the next row may belong to a chunk another thread has already written
  const rowsSpill = rowLen !== n && rowLen % 4 !== 0;
  const outAt = threads > 1 && rowsSpill ? -1 : outAddr;
  ins.forEach((s, i) => {
    if (modes[i]!.kind === "scalar") k.f32[region[i]! >> 2] = data[i]![s.offset]!;
  });
  /**
   * Copies operand values for elements [at, at + len) into their regions of the slot `so` bytes up: rows
   * [r, r + cnt) of a per-row operand, and (when `col` is given) a repeated operand's values [col, col + len).
   */
  const copyIn = (so: number, at: number, len: number, r: number, cnt: number, col?: number) => {
    const mem = k.f32;
    ins.forEach((s, i) => {
      const kind = modes[i]!.kind,
        at0 = (region[i]! + so) >> 2;
      if (kind === "dense") {
        if (addr[i]! < 0) mem.set(data[i]!.subarray(s.offset + at, s.offset + at + len), at0);
      } else if (kind === "strided") gather(s, shape, at, len, mem, at0);
      else if (kind === "row") {
        const lead = (modes[i] as { lead?: { shape: Shape; strides: number[] } }).lead;
        if (lead) rowValues(data[i]!, s.offset, lead.shape, lead.strides, r, cnt, mem, at0);
        else mem.set(data[i]!.subarray(s.offset + r, s.offset + r + cnt), at0);
      } else if (kind === "col" && col !== undefined) mem.set(data[i]!.subarray(s.offset + col, s.offset + col + len), at0);
    });
  };
  /**
   * The kernel's arguments for `rows` rows of `len` values, `stride` apart in the regions (bytes), in the slot
   * `so` bytes up; per-row operands step one value per row, repeated ones restart, a scalar stays in slot 0.
   */
  const args = (so: number, at: number, len: number, rows: number, stride: number): number[] => {
    const ptr = modes.map((m, i) =>
      m.kind === "scalar" ? region[i]! : addr[i]! >= 0 ? addr[i]! + (ins[i]!.offset + at) * 4 : region[i]! + so,
    );
    const o = outAt >= 0 ? outAt + at * 4 : OUT + so;
    const step = modes.map((m) => (m.kind === "dense" || m.kind === "strided" ? stride : m.kind === "row" ? 4 : 0));
    const nv = (len + 3) >> 2;
    return ins.length === 1 ? [ptr[0]!, step[0]!, o, stride, nv, rows] : [ptr[0]!, step[0]!, ptr[1]!, step[1]!, o, stride, nv, rows];
  };
  const copyOut = (so: number, at: number, len: number) => {
    if (outAt < 0) out.set(k.f32.subarray((OUT + so) >> 2, ((OUT + so) >> 2) + len), at);
  };
  const rows = n / rowLen;
  wasmSimdStats.elementwise++;
  if (rowLen > chunk) {
    // long rows (or no per-row operand: one row of n), each in chunks
    const segs = Math.ceil(rowLen / chunk);
    const unit = (u: number) => {
      const r = Math.floor(u / segs),
        s0 = (u % segs) * chunk;
      return { r, s0, len: Math.min(chunk, rowLen - s0), at: r * rowLen + s0 };
    };
    runChunks(
      k,
      rows * segs,
      threads,
      fn,
      (u, so, copy) => {
        const { r, s0, len, at } = unit(u);
        if (copy) copyIn(so, at, len, r, 1, s0);
        return args(so, at, len, 1, 0);
      },
      (u, so) => {
        const { len, at } = unit(u);
        copyOut(so, at, len);
      },
    );
    return true;
  }
  // whole rows per chunk, packed (a row's last vector may spill into the next row's lanes, which that row then rewrites)
  const per = Math.floor(chunk / rowLen);
  runChunks(
    k,
    Math.ceil(rows / per),
    threads,
    fn,
    (u, so, copy) => {
      const r0 = u * per,
        cnt = Math.min(per, rows - r0);
      if (copy) copyIn(so, r0 * rowLen, cnt * rowLen, r0, cnt);
      return args(so, r0 * rowLen, rowLen, cnt, rowLen * 4);
    },
    (u, so) => {
      const r0 = u * per;
      copyOut(so, r0 * rowLen, Math.min(per, rows - r0) * rowLen);
    },
    // a repeated operand's row, once per slot
    (so) =>
      ins.forEach((s, i) => {
        if (modes[i]!.kind === "col") k.f32.set(data[i]!.subarray(s.offset, s.offset + rowLen), (region[i]! + so) >> 2);
      }),
  );
  return true;
}

/** k, its views renewed where the memory grew (the pool grows it too). */
function current(k: Instance): Instance {
  if (k.f32.buffer !== k.memory.buffer) {
    k.f32 = new Float32Array(k.memory.buffer);
    k.f64 = new Float64Array(k.memory.buffer);
  }
  return k;
}

/** Grows the memory to hold `want` slots (at most SLOTS); returns how many it holds. */
function ensureSlots(k: Instance, want: number): number {
  const need = Math.ceil((A + want * SLOT) / 65536),
    have = k.memory.buffer.byteLength / 65536;
  if (need > have) {
    try {
      k.memory.grow(need - have);
    } catch {
      return Math.max(1, Math.floor((have * 65536 - A) / SLOT));
    }
    k.f32 = new Float32Array(k.memory.buffer);
    k.f64 = new Float64Array(k.memory.buffer);
  }
  return want;
}

/**
 * Runs `count` chunks of kernel `fn`: for each, prep(u, so, copy) returns the kernel's arguments for the slot
 * `so` bytes up (and, when `copy`, copies the chunk's operands there), then (after the kernel) finish(u, so)
 * copies its results out, in chunk order. On one thread every chunk uses slot 0; with threads, all chunks
 * are one job of a task per chunk, pipelined through up to SLOTS slots (threads.ts runPipelined: each chunk
 * claimable once the caller has copied its operands in, its slot reused once its result is copied out).
 * setup(so) prepares a slot once.
 */
function runChunks(
  k: Instance,
  count: number,
  threads: number,
  fn: string,
  prep: (u: number, so: number, copy: boolean) => number[],
  finish: (u: number, so: number) => void,
  setup?: (so: number) => void,
): void {
  if (threads <= 1 || count < 2) {
    setup?.(0);
    const f = k.fns[fn]!;
    for (let u = 0; u < count; u++) {
      f(...prep(u, 0, true));
      finish(u, 0);
    }
    return;
  }
  const S = ensureSlots(k, Math.min(SLOTS, count));
  for (let j = 0; j < S; j++) setup?.(j * SLOT);
  const idx = k.index[fn]!;
  // one job of a task per chunk, chunk u in slot u % S: the caller copies chunks in ahead and results out
  // behind (in chunk order) while the workers compute (threads.ts runPipelined)
  const job = new Job(k.family);
  for (let u = 0; u < count; u++) job.call(idx, ...prep(u, (u % S) * SLOT, false)).endTask();
  runPipelined(
    job,
    S,
    (u) => prep(u, (u % S) * SLOT, true),
    (u) => finish(u, (u % S) * SLOT),
  );
}

const IDENTITY: Record<ReduceOp, number> = { sum: 0, max: -Infinity, min: Infinity };
const COMBINE: Record<ReduceOp, (a: number, v: number) => number> = {
  sum: (a, v) => a + v,
  max: (a, v) => (v > a || v !== v ? v : a),
  min: (a, v) => (v < a || v !== v ? v : a),
};

/**
 * out[r] = op over x[offset + r*len .. + len) for r < rows (float32 in, float32
 * out; sums accumulate in float64). Returns false, writing nothing, when this
 * path does not take the call (too small, WebAssembly unavailable or off).
 */
export function wasmReduceRowsF32(op: ReduceOp, x: Float32Array, offset: number, rows: number, len: number, out: Float32Array): boolean {
  const lim = rows * len === 0 ? null : limits();
  if (!lim || rows * len < lim.reduce || len < lim.reduceLen) return false;
  const k = current(instantiate()!);
  // an input in this memory is read in place (storage_pool.ts)
  const xAt = k.pool.addressOf(x);
  const always = lim === ALWAYS;
  const threads = k.shared && (always || rows * len >= THREAD_MIN.reduce) ? numThreads() : 1;
  const fn = `reduce_${op}`;
  const isSum = op === "sum";
  /** result j of the slot `so` bytes up */
  const result = (so: number, j: number) => (isSum ? k.f64[((DST + so) >> 3) + j]! : k.f32[((DST + so) >> 2) + j]!);
  wasmSimdStats.reduce++;
  if (len > CHUNK) {
    // each row in CHUNK segments (always these, so the partial results and their order never change), combined in order
    const combine = COMBINE[op];
    const segs = Math.ceil(len / CHUNK);
    let acc = IDENTITY[op];
    runChunks(
      k,
      rows * segs,
      threads,
      fn,
      (u, so, copy) => {
        const r = Math.floor(u / segs),
          s0 = (u % segs) * CHUNK,
          seg = Math.min(CHUNK, len - s0),
          at = offset + r * len + s0;
        if (xAt >= 0) return [xAt + at * 4, 1, seg, DST + so];
        if (copy) k.f32.set(x.subarray(at, at + seg), (A + so) >> 2);
        return [A + so, 1, seg, DST + so];
      },
      (u, so) => {
        if (u % segs === 0) acc = IDENTITY[op];
        acc = combine(acc, result(so, 0));
        if (u % segs === segs - 1) out[Math.floor(u / segs)] = acc;
      },
    );
    return true;
  }
  // whole rows per chunk (each row reduced alone, so how many share a chunk changes nothing)
  const per = always && threads > 1 ? Math.max(1, Math.floor(ALWAYS_CHUNK / len)) : Math.floor(CHUNK / len);
  runChunks(
    k,
    Math.ceil(rows / per),
    threads,
    fn,
    (u, so, copy) => {
      const r0 = u * per,
        cnt = Math.min(per, rows - r0),
        at = offset + r0 * len;
      if (xAt >= 0) return [xAt + at * 4, cnt, len, DST + so];
      if (copy) k.f32.set(x.subarray(at, at + cnt * len), (A + so) >> 2);
      return [A + so, cnt, len, DST + so];
    },
    (u, so) => {
      const r0 = u * per,
        cnt = Math.min(per, rows - r0);
      for (let j = 0; j < cnt; j++) out[r0 + j] = result(so, j);
    },
  );
  return true;
}

/**
 * A float32 sum/max/min over `dims` of a dense float32 input, when the dims
 * are the trailing ones (along the last axis, or over all elements): the
 * result, or null for the JavaScript kernel to compute.
 */
export function wasmReduceF32(op: string, x: Strided, shape: Shape, dims: readonly number[]): Float32Array | null {
  if (op !== "sum" && op !== "max" && op !== "min") return null;
  if (!(x.data instanceof Float32Array) || !isContiguous(shape, x.strides)) return null;
  const nd = shape.length,
    k = dims.length;
  const sorted = [...dims].sort((a, b) => a - b);
  if (k === 0 || !sorted.every((d, i) => d === nd - k + i)) return null;
  const rows = numel(shape.slice(0, nd - k)),
    len = numel(shape.slice(nd - k));
  if (x.offset + rows * len > x.data.length) return null;
  const out = new Float32Array(rows);
  return wasmReduceRowsF32(op, x.data, x.offset, rows, len, out) ? out : null;
}
