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
import { numThreads } from "./threads.js";

/** How the loop reads a leaf: 4 consecutive values a vector ("v"), or one value splatted ("s"). */
type Access = "v" | "s";
type Fn = (...args: number[]) => void;

/**
 * multi(p0, ..., p{n-1}, o0, ..., o{K-1}, nvec): nvec vectors of every root,
 * leaf i read at p{i} (16 bytes a vector for "v", loaded once for "s"), root k
 * stored at o{k}; leaf n + j of a root is root j's value (j earlier).
 */
function multiFunc(roots: readonly FusedTree[], access: readonly Access[]) {
  const n = access.length,
    K = roots.length;
  const b = new Body(Array<number>(n + K + 1).fill(I32));
  const nvec = n + K;
  const xs = access.map(() => b.local(V128));
  access.forEach((a, i) => {
    if (a === "s") b.emit(op.get(i), op.load32Splat(0), op.set(xs[i]!));
  });
  b.countDown(nvec, () => {
    access.forEach((a, i) => {
      if (a === "v") b.emit(op.get(i), op.v128Load(0), op.set(xs[i]!));
    });
    const rs: number[] = [];
    roots.forEach((t, k) => {
      const r = emitTree(b, t, (i) => (i < n ? xs[i]! : rs[i - n]!));
      rs.push(r);
      b.emit(op.get(n + k), op.get(r), op.v128Store(0));
    });
    access.forEach((a, i) => {
      if (a === "v") b.emit(op.get(i), op.i32(16), op.add, op.set(i));
    });
    for (let k = 0; k < K; k++) b.emit(op.get(n + k), op.i32(16), op.add, op.set(n + k));
  });
  return b.func("multi");
}

/** Values per chunk, all regions together about 192 KiB (L2-resident), as the single-output loops. */
const CHUNK_BUDGET = 49152,
  MIN_CHUNK = 2048,
  MAX_CHUNK = 16384;
/** Bytes after each region that the last vector may touch. */
const SLACK = 64;
/** Below this many elements the members run as separate loops (the fixed cost of a call is ~1-2 us). */
export const MULTI_MIN = 1024;

let memory: WebAssembly.Memory | null = null;
let view: Float32Array | null = null;
function memoryOf(bytes: number): Float32Array {
  const pages = Math.ceil(bytes / 65536);
  if (!memory) memory = new WebAssembly.Memory({ initial: Math.max(pages, 16) });
  else if (memory.buffer.byteLength < pages * 65536) memory.grow(pages - memory.buffer.byteLength / 65536);
  if (!view || view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
  return view;
}

/** Groups that ran in one loop, and modules generated (tests check which path ran). */
export const multiFusedStats = { groups: 0, modules: 0 };
/** enabled = false runs every group's members as separate loops (bench/compiled_step_profile.ts compares the two in one process). */
export const multiFusedConfig = { enabled: true };

const nodes = (t: FusedTree): string[] => (typeof t === "number" ? [] : [t[0], ...t.slice(1).flatMap((a) => nodes(a as FusedTree))]);

/**
 * A multi-output loop: `roots` over `nLeaves` leaves, root k reading root j's
 * value (j < k) as leaf nLeaves + j. Made once per group of an executable; it
 * keeps its generated modules by the leaves' access.
 */
export class MultiLoop {
  private readonly modules = new Map<string, Fn>();
  readonly transcendental: boolean;
  constructor(
    readonly roots: readonly FusedTree[],
    readonly nLeaves: number,
  ) {
    this.transcendental = roots.some((t) => nodes(t).some((h) => TRANSCENDENTAL.has(h)));
  }
  fn(access: readonly Access[]): Fn {
    const key = access.join("");
    let f = this.modules.get(key);
    if (f) return f;
    const bytes = encodeModule([multiFunc(this.roots, access)], true, "plain");
    const mem = memoryOf(CONST_BYTES);
    f = (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: memory! } }).exports as Record<string, Fn>).multi!;
    // the constant pool grows as code is generated: written after this module's constants exist
    new Uint8Array(mem.buffer).set(constPoolImage(), 0);
    this.modules.set(key, f);
    multiFusedStats.modules++;
    return f;
  }
}

const always = () => (typeof process === "object" ? process.env?.XLATORCH_WASM?.toLowerCase() : undefined) === "always";

/**
 * Whether `loop` over `shape` takes these operands: WebAssembly SIMD on,
 * every operand float32 or bool and of the shape (or all-zero strides), at
 * least one not a scalar, MULTI_MIN elements or more, and no chain that the
 * single-output loops would split across the worker pool (this loop stays on
 * the calling thread). When false the caller runs the members one by one.
 */
export function multiTakes(loop: MultiLoop, ins: readonly Strided[], shape: Shape, n: number): boolean {
  if (n === 0 || !fusedWasmConfig.enabled || !multiFusedConfig.enabled) return false;
  const all = always();
  if ((n < MULTI_MIN && !all) || !wasmSimdEnabled()) return false;
  if (numThreads() > 1 && (all || n >= (loop.transcendental ? THREAD_MIN.transcendental : THREAD_MIN.arith))) return false;
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
 */
export function multiFusedF32(loop: MultiLoop, ins: readonly Strided[], shape: Shape, n: number, outs: readonly Float32Array[]): void {
  const nIn = ins.length,
    K = outs.length;
  const access: Access[] = ins.map((s) => (s.strides.every((st) => st === 0) ? "s" : "v"));
  const dense = ins.map((s, i) => access[i] === "v" && isContiguous(shape, s.strides) && s.offset + n <= s.data.length);
  const regions = access.filter((a) => a === "v").length + K;
  const chunk = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.floor(CHUNK_BUDGET / regions / 4) * 4));
  const reg = chunk * 4 + SLACK;
  const f = loop.fn(access);
  // scalars' 16-byte slots after the constant pool, then one region per vector leaf, then the results'
  const args = new Array<number>(nIn + K + 1);
  let at = CONST_BYTES + 16 * nIn;
  for (let i = 0; i < nIn; i++) {
    if (access[i] === "s") args[i] = CONST_BYTES + 16 * i;
    else {
      args[i] = at;
      at += reg;
    }
  }
  for (let k = 0; k < K; k++) {
    args[nIn + k] = at;
    at += reg;
  }
  const mem = memoryOf(at);
  for (let i = 0; i < nIn; i++)
    if (access[i] === "s") {
      const s = ins[i]!;
      mem[args[i]! >> 2] = s.data[s.offset] as number;
    }
  multiFusedStats.groups++;
  for (let from = 0; from < n; from += chunk) {
    const len = Math.min(chunk, n - from);
    for (let i = 0; i < nIn; i++) {
      if (access[i] === "s") continue;
      const s = ins[i]!,
        d0 = args[i]! >> 2;
      if (dense[i]) mem.set((s.data as Float32Array | Uint8Array).subarray(s.offset + from, s.offset + from + len), d0);
      else gather(s, shape, from, len, mem, d0);
    }
    args[nIn + K] = (len + 3) >> 2;
    f(...args);
    for (let k = 0; k < K; k++) {
      const o = args[nIn + k]! >> 2;
      outs[k]!.set(mem.subarray(o, o + len), from);
    }
  }
}
