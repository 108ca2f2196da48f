// Multi-output fused loops of the CPU runtime (XLA's multi-output / sibling
// fusion): several fused float32 chains over one shape, computed in one
// generated WebAssembly SIMD loop that reads each operand once and writes
// every chain's result. A chain may read an earlier chain's value straight
// from its register, where separate loops store it and read it back (the
// Adam update: .grad, both moments and the parameter, four passes over the
// weight's memory, become one). Each chain is emitted by the single-output
// loops' emitter (fused_module.ts emitTree), so every value is the one those
// loops compute, bit for bit.
//
// Operands are copied into this module's memory in chunks (dense runs by a
// plain copy, other strided views gathered) and the results copied out, as
// the single-output loops do; every result of a chunk is computed from the
// chunk's operands before any result goes out, so a result may be written
// into an operand's own array (buffer donation, runtime/donation.ts).
import { isContiguous, type Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { Body } from "./builder.js";
import { encodeModule, I32, op, V128 } from "./encoder.js";
import { emitTree, type FusedTree, fusedWasmConfig } from "./fused_module.js";
import { gather } from "./gather.js";
import { CONST_BYTES, constPoolImage } from "./simd_ops.js";
import { THREAD_MIN, TRANSCENDENTAL, wasmSimdEnabled } from "./simd_f32.js";
import { Job, type KernelFamily, numThreads, registerFamily, runPipelined, sharedMemory } from "./threads.js";
import { wasmMode } from "./wasm_env.js";

/** How the loop reads a leaf: 4 consecutive values a vector ("v"), or one value splatted ("s"). */
type Access = "v" | "s";
type Fn = (...args: number[]) => void;

/** Values per chunk, all regions together about 192 KiB (L2-resident), as the single-output loops. */
const CHUNK_BUDGET = 49152,
  MIN_CHUNK = 2048,
  MAX_CHUNK = 16384;
/** Bytes after each region that the last vector may touch. */
const SLACK = 64;
/** Below this many elements the members run as separate loops (the fixed cost of a call is ~1-2 us). */
export const MULTI_MIN = 1024;
/** Chunks in flight when the worker pool computes (threads.ts runPipelined). */
const SLOTS = 16;
/** Pages the memory may grow to (a shared memory needs a maximum): 64 MiB. */
const MAX_PAGES = 1024;

/**
 * Where a call's data lives: scalar leaf i at CONST_BYTES + 16 i (written
 * once a call), then slots of `slot` bytes, each one region of `reg` bytes
 * per vector leaf and per root (the chunk's operands and results).
 */
interface Layout {
  access: Access[];
  chunk: number;
  reg: number;
  /** Byte offset of each vector leaf's region in a slot (-1 for a scalar), then each root's. */
  offsets: number[];
  slot: number;
  first: number;
}
function layoutOf(access: Access[], K: number): Layout {
  const regions = access.filter((a) => a === "v").length + K;
  const chunk = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.floor(CHUNK_BUDGET / regions / 4) * 4));
  const reg = chunk * 4 + SLACK;
  let at = 0;
  const offsets = access.map((a) => {
    if (a === "s") return -1;
    at += reg;
    return at - reg;
  });
  for (let k = 0; k < K; k++, at += reg) offsets.push(at);
  return { access, chunk, reg, offsets, slot: at, first: (CONST_BYTES + 16 * access.length + 63) & ~63 };
}

/**
 * multi(base, nvec): nvec vectors of every root over the slot at `base`
 * (its regions at the layout's offsets), leaf i read 16 bytes a vector or, a
 * scalar, loaded once from its fixed slot; root k stored in its region. Leaf
 * n + j of a root is root j's value (j earlier). Two arguments, so the worker
 * pool can run it (threads.ts MAX_ARGS).
 */
function multiFunc(roots: readonly FusedTree[], lay: Layout) {
  const { access, offsets } = lay;
  const n = access.length;
  const b = new Body([I32, I32]);
  const [base, nvec] = [0, 1];
  const ptr = offsets.map(() => b.local(I32));
  offsets.forEach((o, i) => {
    if (o >= 0) b.emit(op.get(base), op.i32(o), op.add, op.set(ptr[i]!));
  });
  const xs = access.map(() => b.local(V128));
  access.forEach((a, i) => {
    if (a === "s") b.emit(op.i32(CONST_BYTES + 16 * i), op.load32Splat(0), op.set(xs[i]!));
  });
  b.countDown(nvec, () => {
    access.forEach((a, i) => {
      if (a === "v") b.emit(op.get(ptr[i]!), op.v128Load(0), op.set(xs[i]!));
    });
    const rs: number[] = [];
    roots.forEach((t, k) => {
      const r = emitTree(b, t, (i) => (i < n ? xs[i]! : rs[i - n]!));
      rs.push(r);
      b.emit(op.get(ptr[n + k]!), op.get(r), op.v128Store(0));
    });
    offsets.forEach((o, i) => {
      if (o >= 0) b.emit(op.get(ptr[i]!), op.i32(16), op.add, op.set(ptr[i]!));
    });
  });
  return b.func("multi");
}

/**
 * Two memories: a plain one for the calls computed on this thread, and one
 * the workers share for the calls split across the pool. Copies into and out
 * of a SharedArrayBuffer cost about 1.55x those of plain memory in V8 (8
 * copies of 800 KB in chunks: 0.25 vs 0.16 ms, Node 20), and a group's copies
 * are a third of its time.
 */
interface Mem {
  memory: WebAssembly.Memory | null;
  /** For the split calls: whether the memory could be shared (else nothing is split). */
  shared: boolean;
  view: Float32Array | null;
}
const plain: Mem = { memory: null, shared: false, view: null },
  pooled: Mem = { memory: null, shared: false, view: null };
function memoryOf(m: Mem, bytes: number): Float32Array {
  const pages = Math.ceil(bytes / 65536);
  if (pages > MAX_PAGES) throw new Error(`multi-output WebAssembly loops: ${bytes} bytes of memory asked, ${MAX_PAGES * 65536} at most`);
  if (!m.memory) {
    if (m === pooled) ({ memory: m.memory, shared: m.shared } = sharedMemory(Math.max(pages, 16), MAX_PAGES));
    else m.memory = new WebAssembly.Memory({ initial: Math.max(pages, 16), maximum: MAX_PAGES });
  } else if (m.memory.buffer.byteLength < pages * 65536) m.memory.grow(pages - m.memory.buffer.byteLength / 65536);
  if (!m.view || m.view.buffer !== m.memory.buffer || m.view.length * 4 !== m.memory.buffer.byteLength)
    m.view = new Float32Array(m.memory.buffer);
  return m.view;
}

/** Groups that ran in one loop (threaded: on the worker pool), and modules generated (tests check which path ran). */
export const multiFusedStats = { groups: 0, threaded: 0, modules: 0 };
/**
 * enabled = false runs every group's members as separate loops. threadMin:
 * the fewest elements a group is split across the worker pool at, besides
 * where the separate loops would split a member. Infinity: the compiled Adam
 * update of a 256x784 weight (200704 values, 33 chunks) took 0.85 ms split
 * across 2 threads and 0.48-0.51 ms on one (load 8, 2 shared vCPUs;
 * bench/compiled_step_profile.ts compares both ways in one process).
 */
export const multiFusedConfig = { enabled: true, threadMin: Infinity };

const nodes = (t: FusedTree): string[] => (typeof t === "number" ? [] : [t[0], ...t.slice(1).flatMap((a) => nodes(a as FusedTree))]);

interface Module {
  fn: Fn;
  lay: Layout;
  mem: Mem;
  /** For the split calls' module (null on the plain memory). */
  family: KernelFamily | null;
}

/**
 * A multi-output loop: `roots` over `nLeaves` leaves, root k reading root j's
 * value (j < k) as leaf nLeaves + j. Made once per group of an executable; it
 * keeps its generated modules by the leaves' access.
 */
export class MultiLoop {
  private readonly modules = new Map<string, Module>();
  readonly transcendental: boolean;
  constructor(
    readonly roots: readonly FusedTree[],
    readonly nLeaves: number,
  ) {
    this.transcendental = roots.some((t) => nodes(t).some((h) => TRANSCENDENTAL.has(h)));
  }
  /** The generated loop for the leaves' access, over the plain memory or (split) the shared one. */
  module(access: Access[], split: boolean): Module {
    const key = access.join("") + (split ? "|split" : "");
    let m = this.modules.get(key);
    if (m) return m;
    const lay = layoutOf(access, this.roots.length);
    const mem = split ? pooled : plain;
    const view = memoryOf(mem, lay.first);
    const shared = split && mem.shared;
    const bytes = encodeModule([multiFunc(this.roots, lay)], true, shared ? "shared" : "plain");
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem.memory! } }).exports as Record<string, Fn>;
    // the constant pool grows as code is generated: written after this module's constants exist
    new Uint8Array(view.buffer).set(constPoolImage(), 0);
    m = { fn: exports.multi!, lay, mem, family: shared ? registerFamily(bytes, mem.memory!, exports, ["multi"]) : null };
    this.modules.set(key, m);
    multiFusedStats.modules++;
    return m;
  }
}

const always = () => wasmMode() === "always";

/** Whether the single-output loops would split one of the members across the worker pool (fused_module.ts). */
const separateThreaded = (loop: MultiLoop, n: number) =>
  numThreads() > 1 && (always() || n >= (loop.transcendental ? THREAD_MIN.transcendental : THREAD_MIN.arith));

/**
 * Whether `loop` over `shape` takes these operands: WebAssembly SIMD on,
 * every operand float32 or bool and of the shape (or all-zero strides), at
 * least one not a scalar, MULTI_MIN elements or more, and threads where the
 * single-output loops would use them. When false the caller runs the members
 * one by one.
 */
export function multiTakes(loop: MultiLoop, ins: readonly Strided[], shape: Shape, n: number): boolean {
  if (n === 0 || !fusedWasmConfig.enabled || !multiFusedConfig.enabled) return false;
  if ((n < MULTI_MIN && !always()) || !wasmSimdEnabled()) return false;
  if (separateThreaded(loop, n)) {
    memoryOf(pooled, CONST_BYTES);
    if (!pooled.shared) return false;
  }
  let vector = false;
  for (const s of ins) {
    if (!(s.data instanceof Float32Array || s.data instanceof Uint8Array)) return false;
    if (s.strides.every((st) => st === 0)) continue;
    if (s.strides.length !== shape.length) return false;
    vector = true;
  }
  return vector;
}

/**
 * outs[k] = loop.roots[k](ins...) over `shape` (n elements), in one pass;
 * the caller has checked multiTakes(). outs may be operands' own arrays.
 * Large groups are split across the worker pool by chunks (which thread
 * computes a chunk never changes its values); the copies stay on this thread.
 */
export function multiFusedF32(loop: MultiLoop, ins: readonly Strided[], shape: Shape, n: number, outs: readonly Float32Array[]): void {
  const nIn = ins.length,
    K = outs.length;
  const access: Access[] = ins.map((s) => (s.strides.every((st) => st === 0) ? "s" : "v"));
  const dense = ins.map((s, i) => access[i] === "v" && isContiguous(shape, s.strides) && s.offset + n <= s.data.length);
  const { chunk } = layoutOf(access, K);
  const count = Math.ceil(n / chunk);
  const split = numThreads() > 1 && count > 1 && (n >= multiFusedConfig.threadMin || separateThreaded(loop, n));
  const { fn, lay, family, mem: where } = loop.module(access, split);
  const { offsets, slot, first } = lay;
  const S = family !== null ? Math.min(SLOTS, count) : 1;
  const mem = memoryOf(where, first + S * slot);
  for (let i = 0; i < nIn; i++)
    if (access[i] === "s") {
      const s = ins[i]!;
      mem[(CONST_BYTES >> 2) + 4 * i] = s.data[s.offset] as number;
    }
  const len = (u: number) => Math.min(chunk, n - u * chunk);
  const base = (u: number) => first + (u % S) * slot;
  const load = (u: number) => {
    const from = u * chunk,
      l = len(u),
      b = base(u);
    for (let i = 0; i < nIn; i++) {
      if (access[i] === "s") continue;
      const s = ins[i]!,
        d0 = (b + offsets[i]!) >> 2;
      if (dense[i]) mem.set((s.data as Float32Array | Uint8Array).subarray(s.offset + from, s.offset + from + l), d0);
      else gather(s, shape, from, l, mem, d0);
    }
  };
  const store = (u: number) => {
    const from = u * chunk,
      l = len(u),
      b = base(u);
    for (let k = 0; k < K; k++) {
      const o = (b + offsets[nIn + k]!) >> 2;
      outs[k]!.set(mem.subarray(o, o + l), from);
    }
  };
  multiFusedStats.groups++;
  if (S === 1) {
    for (let u = 0; u < count; u++) {
      load(u);
      fn(first, (len(u) + 3) >> 2);
      store(u);
    }
    return;
  }
  multiFusedStats.threaded++;
  // one task per chunk, chunk u in slot u % S: this thread copies chunks in ahead and results out behind while
  // the workers compute (threads.ts runPipelined)
  const job = new Job(family!);
  for (let u = 0; u < count; u++) job.call(0, base(u), (len(u) + 3) >> 2).endTask();
  runPipelined(job, S, load, store);
}
