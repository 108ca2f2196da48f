// Fused float32 elementwise chains of the CPU runtime as WebAssembly SIMD
// loops: one generated function per fused group (its expression tree and
// which leaves are splatted scalars), built from the same per-primitive lane
// emitters as the eager kernels (elementwise_module.ts: WASM_UNARY and
// WASM_BINARY), so a fused chain computes exactly what the eager kernels
// compute op by op. Every node's value is a float32 vector (float32 lane
// arithmetic, or float64 lanes demoted once), as the eager kernels store it.
//
// Operands are copied into this module's memory in chunks (dense leaves by a
// plain copy, other strided views gathered), computed, and the result copied
// out, as simd_f32.ts does for one op. The fused loop reads each leaf once and
// writes one result, where the eager kernels make a pass per op.
import { isContiguous, type Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { Body } from "./builder.js";
import { encodeModule, type Func, I32, op, V128 } from "./encoder.js";
import { type ReduceOp, reduceFuncs } from "./reduce_module.js";
import { WASM_BINARY, WASM_UNARY } from "./elementwise_module.js";
import { emitFmaF64 } from "./fma_f64_lanes.js";
import { emitF32Of, type Leaf64 } from "./float64_lanes.js";
import { gather } from "./gather.js";
import { CONST_BYTES, constPoolImage, f32x4, sop } from "./simd_ops.js";
import { THREAD_MIN, TRANSCENDENTAL, WASM_MIN, wasmSimdEnabled } from "./simd_f32.js";
import { poolSwitchedOff, StoragePool } from "./storage_pool.js";
import { Job, type KernelFamily, MAX_ARGS, numThreads, registerFamily, runPipelined, sharedMemory } from "./threads.js";
import { wasmMode } from "./wasm_env.js";

/**
 * A fused expression: a leaf's index (x0, x1, ...; a bool leaf reads as 0/1),
 * [primitive, ...operands] for a float32 primitive with a lane emitter, or one
 * of the mask forms (a mask is 4 lanes of all-ones/all-zeros bits, as
 * WebAssembly's comparisons produce):
 *   ["compare_<EQ|NE|LT|LE|GT|GE>", a, b]: a mask from two float32 values;
 *   ["select", mask, a, b]: a where the mask is set, else b (exprs.ts selectExpr);
 *   ["mask", leaf]: a bool leaf as a mask (nonzero);
 *   ["mask_to_f32", mask]: 1 or 0 (a bool converted to float32, exprs.ts convertExpr);
 *   ["fma_f64", a, b, c]: float32(float64(a) * float64(b) + float64(c)) (fma_f64_lanes.ts);
 *   ["f32_of", d]: a float64 expression rounded to float32 (a convert; the JavaScript loop's Math.fround or
 *   Float32Array store), computed on 2 float64 lanes per half of the vector (float64_lanes.ts), whose nodes are
 *   ["f64_of", a] (a float32 value widened, exactly), ["f64_leaf", i] (leaf i, a float64 array), and
 *   ["f64_add" | "f64_subtract" | "f64_multiply" | "f64_divide", d, d] or ["f64_neg", d]: IEEE float64
 *   operations, each exactly rounded as the JavaScript loop's doubles are, in the same order, so the same bits.
 */
export type FusedTree = number | [string, ...FusedTree[]];

/** Whether `prim` applied to `arity` float32 operands has a WebAssembly lane emitter. */
export const wasmFusable = (prim: string, arity: number): boolean =>
  arity === 1 ? Object.hasOwn(WASM_UNARY, prim) : arity === 2 ? Object.hasOwn(WASM_BINARY, prim) : false;

/** f32x4 comparisons (WebAssembly core spec SIMD opcodes 0x41-0x46), IEEE like JavaScript's: false on NaN but NE. */
const COMPARE: Record<string, number[]> = {
  EQ: [0xfd, 0x41],
  NE: [0xfd, 0x42],
  LT: [0xfd, 0x43],
  GT: [0xfd, 0x44],
  LE: [0xfd, 0x45],
  GE: [0xfd, 0x46],
};
export const COMPARE_DIRECTIONS: readonly string[] = Object.keys(COMPARE);

type Kind = "f" | "m" | "d";
/** The node's kind (a float32 value, a mask or a float64 value), or null when malformed. */
function kindOf(t: unknown, nLeaves: number, depth: number): Kind | null {
  if (depth > 256) return null;
  if (typeof t === "number") return Number.isInteger(t) && t >= 0 && t < nLeaves ? "f" : null;
  if (!Array.isArray(t) || typeof t[0] !== "string") return null;
  const [head, ...args] = t as [string, ...unknown[]];
  const kinds = args.map((a) => kindOf(a, nLeaves, depth + 1));
  const are = (...want: Kind[]) => kinds.length === want.length && want.every((k, i) => kinds[i] === k);
  if (head.startsWith("compare_")) return Object.hasOwn(COMPARE, head.slice(8)) && are("f", "f") ? "m" : null;
  if (head === "select") return are("m", "f", "f") ? "f" : null;
  if (head === "mask") return typeof args[0] === "number" && are("f") ? "m" : null;
  if (head === "mask_to_f32") return are("m") ? "f" : null;
  if (head === "fma_f64") return are("f", "f", "f") ? "f" : null;
  if (head === "f32_of") return are("d") ? "f" : null;
  if (head === "f64_of") return are("f") ? "d" : null;
  if (head === "f64_leaf") return typeof args[0] === "number" && are("f") ? "d" : null;
  if (head === "f64_neg") return are("d") ? "d" : null;
  if (F64_BINARY.has(head)) return are("d", "d") ? "d" : null;
  return wasmFusable(head, args.length) && kinds.every((k) => k === "f") ? "f" : null;
}

/** The float64 nodes' binary operations (float64_lanes.ts). */
const F64_BINARY = new Set(["f64_add", "f64_subtract", "f64_multiply", "f64_divide"]);

/** Whether `t` is a well-formed float32-valued tree over `nLeaves` leaves (a stored plan is checked with it). */
export const isFusedTree = (t: unknown, nLeaves: number): t is FusedTree => kindOf(t, nLeaves, 0) === "f";

const nodes = (t: FusedTree): [string, ...FusedTree[]][] =>
  typeof t === "number" ? [] : [t, ...t.slice(1).flatMap((a) => nodes(a as FusedTree))];

/** What a call needs to know about its tree, found once per tree object (a plan's loop passes the same one every call). */
interface TreeFacts {
  transcendental: boolean;
  ops: number;
  /** Per leaf read as float64 (an "f64_leaf" node): its index; such a leaf must be a Float64Array. */
  leaf64: ReadonlySet<number>;
  /** JSON text of the tree: with the leaves' access, the key of its generated module. */
  text: string;
  /** Its generated modules by the leaves' access ("vs", ...). */
  modules: Map<string, Instance>;
}
const treeFacts = new WeakMap<object, TreeFacts>();
const leafFacts = (t: number): TreeFacts => ({ transcendental: false, ops: 0, leaf64: new Set(), text: String(t), modules: new Map() });
function factsOf(t: FusedTree): TreeFacts {
  if (typeof t === "number") return leafFacts(t);
  let f = treeFacts.get(t);
  if (!f) {
    const ns = nodes(t);
    f = {
      transcendental: ns.some((n) => TRANSCENDENTAL.has(n[0])),
      ops: ns.length,
      leaf64: new Set(ns.filter((n) => n[0] === "f64_leaf").map((n) => n[1] as number)),
      text: JSON.stringify(t),
      modules: new Map(),
    };
    treeFacts.set(t, f);
  }
  return f;
}

/**
 * How the loop reads a leaf: a vector of 4 consecutive values ("v"), or one value splatted to 4 lanes ("s");
 * a float64 leaf 4 consecutive float64 values, 2 a half ("d"), or one splatted ("t"); a leaf constant along
 * the last dim (a row's statistic expanded along it), whose length is a multiple of 4, one value per row
 * splatted, the next row's loaded where a row ends ("r", float64 "q"): its rows' values are copied in, not
 * each element's; a leaf the same in every row (a bias or weight expanded over the rows before the last dim:
 * strides 0 but the last's), a row of at most MIN_CHUNK values whose length is a multiple of 4, read as "v"
 * (float64 "d") from one copy of its row, back to the row's start where a row ends ("c", float64 "e").
 */
type Access = "v" | "s" | "d" | "t" | "r" | "q" | "c" | "e";
const perRow = (a: Access): boolean => a === "r" || a === "q";
const column = (a: Access): boolean => a === "c" || a === "e";
/** The loop follows rows: a leaf read a row at a time or a column's row. */
const byRows = (a: Access): boolean => perRow(a) || column(a);
/** Read 4 values a vector (2 loads for float64). */
const moving = (a: Access): boolean => a === "v" || a === "d" || column(a);
const wide64 = (a: Access): boolean => a === "d" || a === "t" || a === "q" || a === "e";

/**
 * Emits `t`'s value into a fresh v128 local per node, operands first, and
 * returns the local of its root; leaf i is read from local leaf(i), a float64
 * leaf's half (high: lanes 2-3) from leaf64(i, high). Shared with the
 * multi-output loops (multi_fused_module.ts), which take no float64 leaf.
 */
export function emitTree(b: Body, t: FusedTree, leaf: (i: number) => number, leaf64: Leaf64 = noLeaf64): number {
  if (typeof t === "number") return leaf(t);
  const [head, ...args] = t;
  if (head === "f32_of") return emitF32Of(b, args[0]!, (a) => emitTree(b, a, leaf, leaf64), leaf64);
  const locals = args.map((a) => emitTree(b, a, leaf, leaf64));
  const get = locals.map((l) => op.get(l));
  const r = b.local(V128);
  if (head.startsWith("compare_")) b.emit(get[0]!, get[1]!, COMPARE[head.slice(8)]!);
  else if (head === "select") b.emit(get[1]!, get[2]!, get[0]!, sop.v128Bitselect);
  else if (head === "mask") b.emit(get[0]!, f32x4(0), COMPARE.NE!);
  else if (head === "mask_to_f32") b.emit(get[0]!, f32x4(1), sop.v128And);
  else if (head === "fma_f64") emitFmaF64(b, locals);
  else (args.length === 1 ? WASM_UNARY[head]! : WASM_BINARY[head]!)(b, locals);
  b.emit(op.set(r));
  return r;
}

const noLeaf64: Leaf64 = () => {
  throw new Error("fused WebAssembly loops: a float64 leaf where none is taken");
};

/**
 * fused(p0, ..., p{n-1}, out, nvec[, first, per]): nvec vectors of the tree's value, leaf i
 * read at p{i} (advancing 16 bytes a vector for "v", 32 for "d", loaded once for "s" and "t"; for "r" and
 * "q", 4 or 8 bytes a row: `first` vectors are left in the first row, `per` in each after it).
 * The last vector may read and write up to 3 lanes past the chunk (the
 * regions have slack for it).
 */
/** `if` with no result (the WebAssembly core spec's 0x04, empty block type). */
const IF = [0x04, 0x40];

function fusedFunc(tree: FusedTree, access: readonly Access[]) {
  const n = access.length;
  const rows = access.some(byRows);
  const b = new Body(Array<number>(n + (rows ? 4 : 2)).fill(I32));
  const [out, nvec, first, per] = [n, n + 1, n + 2, n + 3];
  const xs = access.map(() => b.local(V128));
  // a float64 leaf's high half (lanes 2-3; xs holds the low one); a splatted one's halves are the same
  const hs = access.map((a) => (a === "d" || a === "e" ? b.local(V128) : -1));
  // a column's position in its row (its argument is the row's start); step: bytes a vector
  const cur = access.map((a) => (column(a) ? b.local(I32) : -1));
  const step = (a: Access) => (wide64(a) ? 32 : 16);
  const ptr = (i: number) => (cur[i]! >= 0 ? cur[i]! : i);
  const splat = (i: number) => {
    const a = access[i]!;
    b.emit(op.get(i), a === "t" || a === "q" ? sop.load64Splat(0) : op.load32Splat(0), op.set(xs[i]!));
  };
  access.forEach((a, i) => {
    if (!moving(a)) splat(i);
  });
  // vectors left in the current row (rows: a row's length is a multiple of 4, so no vector straddles two)
  const left = rows ? b.local(I32) : -1;
  if (rows) b.emit(op.get(first), op.set(left));
  // a column starts where the first element is in its row: per - first vectors in
  access.forEach((a, i) => {
    if (column(a)) b.emit(op.get(i), op.get(per), op.get(first), op.sub, op.i32(step(a)), op.mul, op.add, op.set(cur[i]!));
  });
  b.countDown(nvec, () => {
    if (rows) {
      // a row ends: the next row's values
      b.emit(op.get(left), op.eqz, IF);
      access.forEach((a, i) => {
        if (column(a)) b.emit(op.get(i), op.set(cur[i]!));
        if (!perRow(a)) return;
        b.emit(op.get(i), op.i32(a === "q" ? 8 : 4), op.add, op.set(i));
        splat(i);
      });
      b.emit(op.get(per), op.set(left), op.end);
      b.emit(op.get(left), op.i32(1), op.sub, op.set(left));
    }
    access.forEach((a, i) => {
      if (moving(a)) b.emit(op.get(ptr(i)), op.v128Load(0), op.set(xs[i]!));
      if (hs[i]! >= 0) b.emit(op.get(ptr(i)), op.v128Load(16), op.set(hs[i]!));
    });
    const r = emitTree(
      b,
      tree,
      (i) => xs[i]!,
      (i, high) => (high && hs[i]! >= 0 ? hs[i]! : xs[i]!),
    );
    b.emit(op.get(out), op.get(r), op.v128Store(0));
    access.forEach((a, i) => {
      if (moving(a)) b.emit(op.get(ptr(i)), op.i32(step(a)), op.add, op.set(ptr(i)));
    });
    b.emit(op.get(out), op.i32(16), op.add, op.set(out));
  });
  return b.func("fused");
}

type FusedFn = (...args: number[]) => void;

/** Values per chunk, all regions together about 192 KiB (L2-resident); never fewer than MIN_CHUNK per region. */
const CHUNK_BUDGET = 49152,
  MIN_CHUNK = 2048,
  MAX_CHUNK = 16384;
/** Bytes after each region that the last vector may touch. */
const SLACK = 64;

/** Pages of the memory the loops' regions may use: 64 MiB. */
const MAX_PAGES = 1024;
/** Pages the memory may grow to (shared memories need a maximum): the regions, then tensor storage up to 2 GiB. */
const MEMORY_PAGES = MAX_PAGES + 32768;
let memory: WebAssembly.Memory | null = null;
/** Float32 results of the CPU runtime's loops in this memory, above the regions (storage_pool.ts). */
let pool: StoragePool | null = null;
/** Whether the memory is shared (worker threads may run the generated functions, threads.ts). */
let shared = false;
let view: Float32Array | null = null;
let view64: Float64Array | null = null;

/** The memory of every fused module, grown to at least `bytes`. */
function memoryOf(bytes: number): Float32Array {
  const pages = Math.ceil(bytes / 65536);
  if (pages > MAX_PAGES) throw new Error(`fused WebAssembly loops: ${bytes} bytes of memory asked, ${MAX_PAGES * 65536} at most`);
  if (!memory) {
    ({ memory, shared } = sharedMemory(Math.max(pages, 16), MEMORY_PAGES));
    pool = new StoragePool(memory, MAX_PAGES * 65536, MEMORY_PAGES * 65536);
  } else if (memory.buffer.byteLength < pages * 65536) memory.grow(pages - memory.buffer.byteLength / 65536);
  if (!view || view.buffer !== memory.buffer || view.length * 4 !== memory.buffer.byteLength) {
    view = new Float32Array(memory.buffer);
    view64 = new Float64Array(memory.buffer);
  }
  return view;
}

interface Instance {
  fns: Record<string, FusedFn>;
  /** For jobs on the worker pool (shared memory only). */
  family: KernelFamily | null;
}

/** Instantiates generated functions over the fused modules' memory (the constant pool rewritten: it grows as code is generated). */
function instantiate(funcs: Func[]): Instance {
  const mem = memoryOf(CONST_BYTES);
  const bytes = encodeModule(funcs, true, shared ? "shared" : "plain");
  new Uint8Array(mem.buffer).set(constPoolImage(), 0);
  const fns = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: memory! } }).exports as Record<string, FusedFn>;
  const names = funcs.map((f) => f.name);
  return { fns, family: shared ? registerFamily(bytes, memory!, fns, names) : null };
}

let reducers: Instance | null = null;
/** The eager float32 row reductions (reduce_module.ts), instantiated once more over this memory. */
const reducer = (op: ReduceOp): FusedFn => (reducers ??= instantiate(reduceFuncs())).fns[`reduce_${op}`]!;

const modules = new Map<string, Instance>();
function moduleOf(tree: FusedTree, access: readonly Access[]): Instance {
  const facts = factsOf(tree),
    acc = access.join("");
  let m = facts.modules.get(acc);
  if (m) return m;
  // equal trees of other plans share the module
  const key = `${facts.text}|${acc}`;
  m = modules.get(key);
  if (m) {
    facts.modules.set(acc, m);
    return m;
  }
  m = instantiate([fusedFunc(tree, access)]);
  modules.set(key, m);
  facts.modules.set(acc, m);
  fusedWasmStats.modules++;
  return m;
}

/** Fused groups that ran in WebAssembly, and modules generated (tests check which path ran). */
export const fusedWasmStats = { groups: 0, reductions: 0, modules: 0, threaded: 0 };
/** enabled = false sends every fused group to the JavaScript loop (bench/cpu_runtime_fusion.ts compares the two in one process). */
export const fusedWasmConfig = { enabled: true };

/**
 * Below these many elements the generated JavaScript loop is as fast (the
 * call and the copies cost a fixed ~1-2 us): the eager kernels' thresholds
 * (simd_f32.ts WASM_MIN), the arithmetic one divided among the group's ops.
 */
const MIN = { arith: 1024, transcendental: 128, floor: 128 };

const always = () => wasmMode() === "always";
/** The least minSize gives (without XLATORCH_WASM=always). */
const LEAST = Math.min(MIN.floor, MIN.transcendental);

/**
 * The fewest values wasmFusedF32 runs `tree` over (XLATORCH_WASM=always aside, which takes any): a runtime
 * step whose loop is smaller skips the call, decided when the step is built (cpu runtime's loopStep).
 */
export function fusedWasmFloor(tree: FusedTree): number {
  return minSize(factsOf(tree), false);
}

function minSize(f: TreeFacts, always: boolean): number {
  if (always) return 1;
  if (f.transcendental) return MIN.transcendental;
  return Math.max(MIN.floor, Math.floor(MIN.arith / Math.max(1, f.ops)));
}

interface Layout {
  access: Access[];
  /** Per leaf: a dense run of memory (copied with one set()), else gathered. */
  dense: boolean[];
}

function allZero(strides: readonly number[]): boolean {
  for (let i = 0; i < strides.length; i++) if (strides[i] !== 0) return false;
  return true;
}

/**
 * How each operand is read, or null when this path does not take them (all scalars; a leaf the tree reads
 * as float64, its "f64_leaf" nodes, not a Float64Array; any other neither float32 nor bool).
 */
function layoutOf(ins: readonly Strided[], shape: Shape, n: number, leaf64: ReadonlySet<number>): Layout | null {
  const access: Access[] = [];
  const dense: boolean[] = [];
  let vector = false;
  for (let i = 0; i < ins.length; i++) {
    const s = ins[i]!;
    const wide = leaf64.has(i);
    // float32, or bool (0/1 bytes, converted to float32 as they are copied in); float64 where read so
    if (wide ? !(s.data instanceof Float64Array) : !(s.data instanceof Float32Array || s.data instanceof Uint8Array)) return null;
    if (allZero(s.strides)) {
      access.push(wide ? "t" : "s");
      dense.push(false);
      continue;
    }
    if (s.strides.length !== shape.length) return null;
    vector = true;
    const inner = shape[shape.length - 1]!,
      last = s.strides[s.strides.length - 1]!;
    if (last === 0 && inner % 4 === 0) {
      access.push(wide ? "q" : "r");
      dense.push(false);
      continue;
    }
    if (inner % 4 === 0 && inner <= MIN_CHUNK && s.strides.every((x, d) => x === 0 || d === s.strides.length - 1)) {
      access.push(wide ? "e" : "c");
      dense.push(false);
      continue;
    }
    access.push(wide ? "d" : "v");
    dense.push(isContiguous(shape, s.strides) && s.offset + n <= s.data.length);
  }
  return vector ? { access, dense } : null;
}

/** Bytes a value of a leaf read so takes in its region (a float64 leaf's 8). */
const width = (a: Access): number => (wide64(a) ? 8 : 4);

/**
 * The generated function of `tree` bound to `slots` copies of its regions
 * (one per leaf and the result, `chunk` values each, plus `extra` bytes):
 * prep(at, len, j) copies elements [at, at + len) of the leaves into slot j
 * and returns the call's arguments; out(j) is slot j's result address. A
 * class, not closures: one is made for every fused loop of every execution.
 */
class Evaluator {
  readonly m: Instance;
  readonly mem: Float32Array;
  private readonly mem64: Float64Array;
  /** Byte offset of each leaf's region in a slot (chunk values of its width, and slack), then the result's. */
  private readonly at: number[];
  private readonly slot: number;
  /** per leaf: the byte address of its array in this memory (a dense float32 leaf read in place), else -1 */
  private readonly addr: number[];
  /** whether every leaf is read in place or is a scalar, and the result written in place (nothing to copy) */
  readonly inPlace: boolean;
  /** per leaf read a row at a time ("r", "q"): its values one per row, over the dims before the last, else null */
  private readonly rowViews: (Strided | null)[];
  /** the last dim's length (a row) */
  private readonly inner: number;
  private readonly rowShape: Shape;
  /** whether a leaf is read a row at a time (the call takes first and per) */
  private readonly rows: boolean;
  constructor(
    tree: FusedTree,
    private readonly ins: readonly Strided[],
    private readonly shape: Shape,
    private readonly lay: Layout,
    chunk: number,
    slots: number,
    extra: number,
    /** the result's byte address in this memory (written in place), else -1 (copied out of slot j's region) */
    private readonly outAt = -1,
  ) {
    this.at = regionsOf(lay.access, chunk);
    this.slot = this.at[ins.length]! + chunk * 4 + SLACK + extra;
    this.m = moduleOf(tree, lay.access);
    this.mem = memoryOf(this.base(slots));
    this.mem64 = view64!;
    // plain loops: one Evaluator is made per fused loop per execution, most of them over small tensors
    const addr: number[] = [];
    let inPlace = outAt >= 0;
    for (let i = 0; i < ins.length; i++) {
      const s = ins[i]!;
      const a = lay.dense[i] && s.data instanceof Float32Array ? pool!.addressOf(s.data) : -1;
      addr.push(a);
      if (a < 0 && lay.access[i] !== "s") inPlace = false;
    }
    this.addr = addr;
    this.inPlace = inPlace;
    this.inner = shape[shape.length - 1] ?? 1;
    this.rowViews = ins.map((s, i) =>
      perRow(lay.access[i]!) ? { data: s.data, offset: s.offset, strides: s.strides.slice(0, -1) } : null,
    );
    this.rowShape = shape.slice(0, -1);
    this.rows = lay.access.some(byRows);
    for (let j = 0; j < slots; j++)
      for (let i = 0; i < ins.length; i++) {
        const s = ins[i]!;
        if (lay.access[i] === "s") this.mem[(this.base(j) + this.at[i]!) >> 2] = s.data[s.offset] as number;
        else if (lay.access[i] === "t") this.mem64[(this.base(j) + this.at[i]!) >> 3] = s.data[s.offset] as number;
      }
  }
  private base(j: number): number {
    return CONST_BYTES + j * this.slot;
  }
  /** Slot j's result region. */
  out(j: number): number {
    return this.base(j) + this.at[this.ins.length]!;
  }
  copyIn(at: number, len: number, j: number): void {
    const { ins, lay } = this;
    for (let i = 0; i < ins.length; i++) {
      const a = lay.access[i]!;
      if (a === "s" || a === "t" || this.addr[i]! >= 0) continue;
      const s = ins[i]!;
      // a float64 leaf into the float64 view (its region is 8-byte aligned: every region's size is a multiple of 16)
      const mem = wide64(a) ? this.mem64 : this.mem;
      const d0 = (this.base(j) + this.at[i]!) / width(a);
      const rows = this.rowViews[i];
      if (column(a)) {
        // the leaf's row, once
        const st = s.strides[s.strides.length - 1]!;
        gather({ data: s.data, offset: s.offset, strides: [st] }, [this.inner], 0, this.inner, mem, d0);
      } else if (rows) {
        // the rows elements [at, at + len) fall in
        const r0 = Math.floor(at / this.inner);
        gather(rows, this.rowShape, r0, Math.floor((at + len - 1) / this.inner) - r0 + 1, mem, d0);
      } else if (lay.dense[i])
        mem.set((s.data as Float32Array | Uint8Array | Float64Array).subarray(s.offset + at, s.offset + at + len), d0);
      else gather(s, this.shape, at, len, mem, d0);
    }
  }
  /** The call's arguments for elements [at, at + len) in slot j: leaves and result in place or in the slot's regions. */
  args(at: number, len: number, j: number): number[] {
    const n = this.ins.length;
    const a = new Array<number>(n + (this.rows ? 4 : 2));
    for (let i = 0; i < n; i++) {
      const p = this.addr[i]!;
      a[i] = p >= 0 ? p + (this.ins[i]!.offset + at) * 4 : this.base(j) + this.at[i]!;
    }
    a[n] = this.outAt >= 0 ? this.outAt + at * 4 : this.out(j);
    a[n + 1] = (len + 3) >> 2;
    if (this.rows) {
      // (every caller starts at a multiple of 4: chunks of multiples of 4, reduced rows of a multiple of the last dim)
      if (at % 4 !== 0) throw new Error("fused WebAssembly loops: a row-at-a-time leaf from an element not a multiple of 4");
      // vectors left in the row `at` is in, and in a row (at and the row's length are multiples of 4)
      a[n + 2] = (this.inner - (at % this.inner)) >> 2;
      a[n + 3] = this.inner >> 2;
    }
    return a;
  }
  prep(at: number, len: number, j: number): number[] {
    this.copyIn(at, len, j);
    return this.args(at, len, j);
  }
}

/** Byte offsets of the leaves' regions in a slot (chunk values of each leaf's width and SLACK), then the result's. */
function regionsOf(access: readonly Access[], chunk: number): number[] {
  const at = [0];
  for (const a of access) at.push(at[at.length - 1]! + chunk * width(a) + SLACK);
  return at;
}

/** An Evaluator, or null when the regions do not fit the memory (a group with so many operands: the JavaScript loop). */
function evaluator(
  tree: FusedTree,
  ins: readonly Strided[],
  shape: Shape,
  lay: Layout,
  chunk: number,
  slots = 1,
  extra = 0,
  out?: Float32Array,
): Evaluator | null {
  if (CONST_BYTES + slots * (regionsOf(lay.access, chunk)[ins.length]! + chunk * 4 + SLACK + extra) > MAX_PAGES * 65536) return null;
  memoryOf(CONST_BYTES);
  return new Evaluator(tree, ins, shape, lay, chunk, slots, extra, out ? pool!.addressOf(out) : -1);
}

/**
 * A float32 result array of n values in this memory (storage_pool.ts), for the CPU runtime's results that
 * a fused loop writes in place and a later loop reads in place; null where simd_f32.ts resultF32 would
 * give none (below WASM_MIN.pool values, WebAssembly off, XLATORCH_POOL=off, no room).
 */
export function fusedResultF32(n: number): Float32Array | null {
  if (!fusedWasmConfig.enabled || !wasmSimdEnabled() || n < (always() ? 1 : WASM_MIN.pool) || poolSwitchedOff()) return null;
  memoryOf(CONST_BYTES);
  return pool!.allocResultF32(n);
}

/** The fused loops' pool counters (tests and benches). */
export const fusedPoolStats = () => pool?.stats;

/** Slots of the pipeline on the worker pool (chunks in flight; the copies stay on this thread). */
const SLOTS = 16;

/**
 * out = tree(ins...) over `shape`, every operand float32 or bool and the
 * result float32, in WebAssembly. Returns false, writing nothing, when this
 * path does not take the call (WebAssembly SIMD unavailable or
 * XLATORCH_WASM=off, too small, every operand a scalar, an operand neither
 * float32 nor bool): the caller runs the JavaScript loop then. Large calls
 * are split across the worker pool (threads.ts) by chunks, as the eager
 * kernels are: which thread computes a chunk never changes its values.
 */
export function wasmFusedF32(tree: FusedTree, ins: readonly Strided[], shape: Shape, out: Float32Array): boolean {
  const n = out.length;
  if (n === 0 || !fusedWasmConfig.enabled) return false;
  const all = always();
  // below every group's threshold (minSize's least): declined before the tree's facts are looked up,
  // which most of a small model's loops (an LSTM's 4x16 gates) would otherwise pay for at each execution
  if (n < LEAST && !all) return false;
  const facts = factsOf(tree);
  if (n < minSize(facts, all) || !wasmSimdEnabled()) return false;
  const lay = layoutOf(ins, shape, n, facts.leaf64);
  if (!lay) return false;
  const chunk = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.floor(CHUNK_BUDGET / (ins.length + 1) / 4) * 4));
  const count = Math.ceil(n / chunk);
  // which leaves and whether the result live in this memory decides the thread threshold: a call with
  // nothing to copy splits from THREAD_MIN.inPlace values (the evaluator for the slots is made after)
  const probe = evaluator(tree, ins, shape, lay, chunk, 1, 0, out);
  if (!probe) return false;
  const base = facts.transcendental ? THREAD_MIN.transcendental : THREAD_MIN.arith;
  const big = all || n >= (probe.inPlace ? Math.min(base, THREAD_MIN.inPlace) : base);
  const threads = shared && big && ins.length + (lay.access.some(byRows) ? 4 : 2) <= MAX_ARGS && count > 1 ? numThreads() : 1;
  const S = threads > 1 ? Math.min(SLOTS, count) : 1;
  const ev = S === 1 ? probe : evaluator(tree, ins, shape, lay, chunk, S, 0, out);
  if (!ev) return false;
  const { m, mem } = ev;
  const written = pool!.addressOf(out) >= 0;
  fusedWasmStats.groups++;
  if (S === 1) {
    const fused = m.fns.fused!,
      o = ev.out(0) >> 2;
    for (let u = 0; u < count; u++) {
      const from = u * chunk,
        len = Math.min(chunk, n - from);
      fused(...ev.prep(from, len, 0));
      if (!written) out.set(mem.subarray(o, o + len), from);
    }
    return true;
  }
  fusedWasmStats.threaded++;
  // one job of a task per chunk, chunk u in slot u % S: this thread copies chunks in ahead and results out
  // behind while the workers compute (threads.ts runPipelined)
  const len = (u: number) => Math.min(chunk, n - u * chunk);
  const copyOut = (u: number, j: number) => {
    if (written) return;
    const at = ev.out(j) >> 2;
    out.set(mem.subarray(at, at + len(u)), u * chunk);
  };
  const job = new Job(m.family!);
  for (let u = 0; u < count; u++) job.call(0, ...ev.args(u * chunk, len(u), u % S)).endTask();
  runPipelined(
    job,
    S,
    (u) => ev.copyIn(u * chunk, len(u), u % S),
    (u) => copyOut(u, u % S),
  );
  return true;
}

const IDENTITY: Record<ReduceOp, number> = { sum: 0, max: -Infinity, min: Infinity };
const COMBINE: Record<ReduceOp, (a: number, v: number) => number> = {
  sum: (a, v) => a + v,
  max: (a, v) => (v > a || v !== v ? v : a),
  min: (a, v) => (v < a || v !== v ? v : a),
};

/**
 * A reduction with its elementwise prologue: op over each row of `len`
 * consecutive values of tree(ins...) over `shape` (the trailing dims
 * reduced), without storing the tree's values outside the module's memory.
 * Each chunk of the tree's values goes straight into the eager reduction
 * kernel (reduce_module.ts) with the same row segments as the eager path
 * (simd_f32.ts wasmReduceRowsF32: 16384 values, partial results combined in
 * float64), so the result equals the eager ops' bit for bit. Null, computing
 * nothing, when this path does not take it (as wasmFusedF32, and below the
 * eager reduction's size thresholds).
 */
export function wasmFusedReduceF32(tree: FusedTree, ins: readonly Strided[], shape: Shape, op: ReduceOp, len: number): Float32Array | null {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n === 0 || len === 0 || !fusedWasmConfig.enabled) return null;
  if (!always() && (n < LEAST || n < Math.max(minSize(factsOf(tree), false), WASM_MIN.reduce) || len < WASM_MIN.reduceLen)) return null;
  if (!wasmSimdEnabled()) return null;
  const lay = layoutOf(ins, shape, n, factsOf(tree).leaf64);
  if (!lay) return null;
  const chunk = MAX_CHUNK;
  const red = reducer(op);
  // the per-row results after the regions (float64 each for sum)
  const ev = evaluator(tree, ins, shape, lay, chunk, 1, chunk * 8 + SLACK);
  if (!ev) return null;
  const fn = ev.m.fns.fused!,
    OUT = ev.out(0),
    DST = OUT + chunk * 4 + SLACK;
  const evalAt = (at: number, len: number) => fn(...ev.prep(at, len, 0));
  const res = op === "sum" ? view64! : view!;
  const resAt = op === "sum" ? DST >> 3 : DST >> 2;
  const rows = n / len;
  const out = new Float32Array(rows);
  fusedWasmStats.reductions++;
  if (len > chunk) {
    const combine = COMBINE[op];
    for (let r = 0; r < rows; r++) {
      let acc = IDENTITY[op];
      for (let s0 = 0; s0 < len; s0 += chunk) {
        const seg = Math.min(chunk, len - s0);
        evalAt(r * len + s0, seg);
        red(OUT, 1, seg, DST);
        acc = combine(acc, res[resAt]!);
      }
      out[r] = acc;
    }
    return out;
  }
  const per = Math.floor(chunk / len);
  for (let r0 = 0; r0 < rows; r0 += per) {
    const cnt = Math.min(per, rows - r0);
    evalAt(r0 * len, cnt * len);
    red(OUT, cnt, len, DST);
    for (let j = 0; j < cnt; j++) out[r0 + j] = res[resAt + j]!;
  }
  return out;
}
