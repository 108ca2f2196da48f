// The float32 elementwise and reduction kernels in WebAssembly SIMD
// (elementwise_module.ts, reduce_module.ts), called by the primitives' cpu
// kernels (kernels/elementwise.ts, kernels/reduce.ts) for contiguous float32
// work above a size threshold; everything else, and everything when
// WebAssembly SIMD is missing or XLATORCH_WASM=off, runs the JavaScript
// kernels. The CPU runtime runs reductions through the same reduce kernel.
//
// Tensor data lives in JavaScript typed arrays, so operands are copied into
// the module's memory and results out. They go through in chunks of CHUNK
// values: each chunk is copied in, computed and copied out while it is still
// in cache, so the memory stays small and fixed (never grown) and the copies
// cost about one extra pass over L2-resident data.
import { isContiguous, type Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { encodeModule, type Func, op } from "./encoder.js";
import { elementwiseFuncs, WASM_BINARY, WASM_UNARY } from "./elementwise_module.js";
import { type ReduceOp, reduceFuncs } from "./reduce_module.js";
import { CONST_BYTES, constPoolImage } from "./simd_ops.js";

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
 * shortest reduced row.
 */
export const WASM_MIN = { arith: 1024, transcendental: 128, reduce: 256, reduceLen: 4, rowLen: 4 };
/** XLATORCH_WASM=always: every size that the kernels can take (tests run the fixture suites so). */
const ALWAYS: typeof WASM_MIN = { arith: 1, transcendental: 1, reduce: 1, reduceLen: 1, rowLen: 1 };
const TRANSCENDENTAL = new Set(["exp", "expm1", "log", "tanh", "logistic", "rsqrt"]);

type EwFn = (...args: number[]) => void;
type RowFn = (src: number, rows: number, len: number, dst: number) => void;
interface Instance {
  memory: WebAssembly.Memory;
  f32: Float32Array;
  f64: Float64Array;
  fns: Record<string, EwFn>;
}

const SIMD_PROBE: Func = { name: "probe", params: [], results: [], locals: [], body: [...op.f32(0), ...op.f32x4Splat, ...op.drop] };
let instance: Instance | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (built once, on first use). */
function instantiate(): Instance | null {
  if (instance !== undefined) return instance;
  instance = null;
  try {
    if (typeof WebAssembly !== "object" || !WebAssembly.validate(encodeModule([SIMD_PROBE], false))) return null;
    const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
    const mod = new WebAssembly.Module(encodeModule([...elementwiseFuncs(), ...reduceFuncs()]));
    const fns = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Record<string, EwFn>;
    new Uint8Array(memory.buffer).set(constPoolImage(), 0);
    instance = { memory, f32: new Float32Array(memory.buffer), f64: new Float64Array(memory.buffer), fns };
  } catch {
    instance = null;
  }
  return instance;
}

const OFF = new Set(["off", "0", "false", "none", "no"]);

/** The size thresholds in force, or null when the WebAssembly path is off (XLATORCH_WASM) or unavailable. */
function limits(): typeof WASM_MIN | null {
  const env = typeof process === "object" ? process.env?.XLATORCH_WASM?.toLowerCase() : undefined;
  if (env !== undefined && OFF.has(env)) return null;
  if (instantiate() === null) return null;
  return env === "always" ? ALWAYS : WASM_MIN;
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
 * How an operand is read: every element; one value; one value per row of
 * `inner` elements (x - x.amax(-1, keepdim)); or the same `inner` values
 * repeated for every row (x + bias).
 */
type Mode = { kind: "dense" } | { kind: "scalar" } | { kind: "row"; inner: number } | { kind: "col"; inner: number };

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
    const ok = isContiguous(shape.slice(0, q), s.strides.slice(0, q)) && s.offset + n / inner <= s.data.length;
    return ok ? { kind: "row", inner } : null;
  }
  // constant along the leading dims, dense over the trailing ones
  q = 0;
  while (q < nd && flat(q)) q++;
  if (q === 0) return null;
  const inner = numel(shape.slice(q));
  const ok = isContiguous(shape.slice(q), s.strides.slice(q)) && s.offset + inner <= s.data.length;
  return ok ? { kind: "col", inner } : null;
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
  for (const s of ins) {
    if (!(s.data instanceof Float32Array)) return false;
    const m = modeOf(s, shape, n);
    if (!m) return false;
    if (m.kind === "row" || m.kind === "col") {
      if (rowLen !== n && rowLen !== m.inner) return false;
      rowLen = m.inner;
    }
    modes.push(m);
  }
  if (rowLen < lim.rowLen || modes.every((m) => m.kind !== "dense")) return false;
  const k = instantiate()!;
  const fn = k.fns[`${prim}_${modes.map((m) => (m.kind === "dense" || m.kind === "col" ? "v" : "s")).join("")}`]!;
  const mem = k.f32;
  const region = [A, B];
  const data = ins.map((s) => s.data as Float32Array);
  ins.forEach((s, i) => {
    if (modes[i]!.kind === "scalar") mem[region[i]! >> 2] = data[i]![s.offset]!;
  });
  /**
   * Copies operand values for elements [at, at + len) into their regions: rows [r, r + cnt) of a
   * per-row operand, and (when `col` is given) a repeated operand's values [col, col + len).
   */
  const copyIn = (at: number, len: number, r: number, cnt: number, col?: number) => {
    ins.forEach((s, i) => {
      const kind = modes[i]!.kind,
        at0 = region[i]! >> 2;
      if (kind === "dense") mem.set(data[i]!.subarray(s.offset + at, s.offset + at + len), at0);
      else if (kind === "row") mem.set(data[i]!.subarray(s.offset + r, s.offset + r + cnt), at0);
      else if (kind === "col" && col !== undefined) mem.set(data[i]!.subarray(s.offset + col, s.offset + col + len), at0);
    });
  };
  /** `rows` rows of `len` values, `stride` apart in the regions (bytes); per-row operands step one value per row, repeated ones restart. */
  const call = (len: number, rows: number, stride: number) => {
    const step = modes.map((m) => (m.kind === "dense" ? stride : m.kind === "row" ? 4 : 0));
    const nv = (len + 3) >> 2;
    if (ins.length === 1) fn(A, step[0]!, OUT, stride, nv, rows);
    else fn(A, step[0]!, B, step[1]!, OUT, stride, nv, rows);
  };
  const rows = n / rowLen;
  wasmSimdStats.elementwise++;
  if (rowLen > CHUNK) {
    // long rows (or no per-row operand: one row of n), each in chunks
    for (let r = 0; r < rows; r++)
      for (let s0 = 0; s0 < rowLen; s0 += CHUNK) {
        const len = Math.min(CHUNK, rowLen - s0),
          at = r * rowLen + s0;
        copyIn(at, len, r, 1, s0);
        call(len, 1, 0);
        out.set(mem.subarray(OUT >> 2, (OUT >> 2) + len), at);
      }
    return true;
  }
  // whole rows per chunk, packed (a row's last vector may spill into the next row's lanes, which that row then rewrites)
  const per = Math.floor(CHUNK / rowLen);
  // a repeated operand's row, once
  ins.forEach((s, i) => {
    if (modes[i]!.kind === "col") mem.set(data[i]!.subarray(s.offset, s.offset + rowLen), region[i]! >> 2);
  });
  for (let r0 = 0; r0 < rows; r0 += per) {
    const cnt = Math.min(per, rows - r0),
      len = cnt * rowLen,
      at = r0 * rowLen;
    copyIn(at, len, r0, cnt);
    call(rowLen, cnt, rowLen * 4);
    out.set(mem.subarray(OUT >> 2, (OUT >> 2) + len), at);
  }
  return true;
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
  const k = instantiate()!;
  const fn = k.fns[`reduce_${op}`] as RowFn;
  const mem = k.f32;
  const res = op === "sum" ? k.f64 : k.f32;
  const resAt = op === "sum" ? DST >> 3 : DST >> 2;
  wasmSimdStats.reduce++;
  if (len > CHUNK) {
    const combine = COMBINE[op];
    for (let r = 0; r < rows; r++) {
      let acc = IDENTITY[op];
      for (let s0 = 0; s0 < len; s0 += CHUNK) {
        const seg = Math.min(CHUNK, len - s0),
          at = offset + r * len + s0;
        mem.set(x.subarray(at, at + seg), A >> 2);
        fn(A, 1, seg, DST);
        acc = combine(acc, res[resAt]!);
      }
      out[r] = acc;
    }
    return true;
  }
  const per = Math.floor(CHUNK / len);
  for (let r0 = 0; r0 < rows; r0 += per) {
    const cnt = Math.min(per, rows - r0),
      at = offset + r0 * len;
    mem.set(x.subarray(at, at + cnt * len), A >> 2);
    fn(A, cnt, len, DST);
    for (let j = 0; j < cnt; j++) out[r0 + j] = res[resAt + j]!;
  }
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
