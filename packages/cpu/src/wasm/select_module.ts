// WebAssembly SIMD kernels for the float32 `compare` (float32 operands, bool
// result) and `select` (bool predicate, float32 branches) primitives: the two
// passes of ReLU and its gradient, masked fills. They are the compare and
// select kernels of kernels/elementwise.ts for dense or scalar float32
// operands above a size threshold (the JavaScript loops otherwise, and when
// WebAssembly SIMD is unavailable or XLATORCH_WASM=off).
//
// Values are bit-identical to the JavaScript loops: f32x4 comparisons are
// IEEE comparisons as JavaScript's on the same float32 values (NaN compares
// false, and unequal), results stored as 0/1 bytes; select moves the chosen
// branch's bits (v128.bitselect), a predicate byte other than 0 choosing the
// first branch. Each call copies 16 lanes' worth of operands per step through
// a small memory of its own in chunks (simd_f32.ts does the same for the
// arithmetic kernels), on the calling thread.
import { isContiguous, type Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";
import { Body } from "./builder.js";
import { encodeModule, type Func, I32, op, V128, u32 } from "./encoder.js";
import { gather } from "./gather.js";
import { wasmSimdEnabled } from "./simd_f32.js";
import { wasmMode } from "./wasm_env.js";

const simd = (n: number): number[] => [0xfd, ...u32(n)];
const s = {
  i32x4Splat: simd(0x11),
  i8x16Ne: simd(0x24),
  i8x16Abs: simd(0x60),
  i8x16NarrowI16x8S: simd(0x65),
  i16x8NarrowI32x4S: simd(0x85),
  i16x8ExtendLowI8x16S: simd(0x87),
  i16x8ExtendHighI8x16S: simd(0x88),
  i32x4ExtendLowI16x8S: simd(0xa7),
  i32x4ExtendHighI16x8S: simd(0xa8),
  v128Bitselect: simd(0x52),
};
/** f32x4 comparisons by the compare primitive's direction (all-ones lanes where true). */
const CMP: Record<string, number[]> = {
  EQ: simd(0x41),
  NE: simd(0x42),
  LT: simd(0x43),
  GT: simd(0x44),
  LE: simd(0x45),
  GE: simd(0x46),
};

/** Values per chunk copied through the memory. */
const CHUNK = 8192;
const SLACK = 256;
/** Regions: two float32 operands, the float32 result, the byte predicate/result. */
const A = 0,
  B = A + CHUNK * 4 + SLACK,
  OUT = B + CHUNK * 4 + SLACK,
  MASK = OUT + CHUNK * 4 + SLACK;
const PAGES = Math.ceil((MASK + CHUNK + SLACK) / 65536);

type Access = "v" | "s";
const ACCESS: Access[][] = [
  ["v", "v"],
  ["v", "s"],
  ["s", "v"],
];

/**
 * cmp_<dir>_<access>(a, b, out, n16): for n16 groups of 16 values, out bytes = a <dir> b as 0/1; a "v" operand
 * advances 64 bytes per group, an "s" one is one value splatted.
 */
function compareFunc(dir: string, access: Access[]): Func {
  const b = new Body([I32, I32, I32, I32]);
  const [pa, pb, po, cnt] = [0, 1, 2, 3];
  const xa = b.local(V128),
    xb = b.local(V128);
  const m = [0, 1, 2, 3].map(() => b.local(V128));
  if (access[0] === "s") b.emit(op.get(pa), op.load32Splat(0), op.set(xa));
  if (access[1] === "s") b.emit(op.get(pb), op.load32Splat(0), op.set(xb));
  b.countDown(cnt, () => {
    for (let k = 0; k < 4; k++) {
      b.emit(access[0] === "v" ? [...op.get(pa), ...op.v128Load(16 * k)] : op.get(xa));
      b.emit(access[1] === "v" ? [...op.get(pb), ...op.v128Load(16 * k)] : op.get(xb));
      b.emit(CMP[dir]!, op.set(m[k]!));
    }
    // four i32x4 masks (-1/0) narrowed to sixteen bytes (-1/0), then |x| = 1/0
    b.emit(op.get(po), op.get(m[0]!), op.get(m[1]!), s.i16x8NarrowI32x4S, op.get(m[2]!), op.get(m[3]!), s.i16x8NarrowI32x4S);
    b.emit(s.i8x16NarrowI16x8S, s.i8x16Abs, op.v128Store(0));
    if (access[0] === "v") b.emit(op.get(pa), op.i32(64), op.add, op.set(pa));
    if (access[1] === "v") b.emit(op.get(pb), op.i32(64), op.add, op.set(pb));
    b.emit(op.get(po), op.i32(16), op.add, op.set(po));
  });
  return b.func(`cmp_${dir}_${access.join("")}`);
}

/** sel_<access>(m, x, y, out, n16): for n16 groups of 16 values, out = m != 0 ? x : y (the bits of the chosen value). */
function selectFunc(access: Access[]): Func {
  const b = new Body([I32, I32, I32, I32, I32]);
  const [pm, px, py, po, cnt] = [0, 1, 2, 3, 4];
  const xx = b.local(V128),
    xy = b.local(V128),
    zero = b.local(V128),
    mb = b.local(V128),
    h = b.local(V128);
  b.emit(op.i32(0), s.i32x4Splat, op.set(zero));
  if (access[0] === "s") b.emit(op.get(px), op.load32Splat(0), op.set(xx));
  if (access[1] === "s") b.emit(op.get(py), op.load32Splat(0), op.set(xy));
  b.countDown(cnt, () => {
    // sixteen predicate bytes as -1/0, widened to four i32x4 masks
    b.emit(op.get(pm), op.v128Load(0), op.get(zero), s.i8x16Ne, op.set(mb));
    for (let k = 0; k < 4; k++) {
      if (k % 2 === 0) b.emit(op.get(mb), k === 0 ? s.i16x8ExtendLowI8x16S : s.i16x8ExtendHighI8x16S, op.set(h));
      b.emit(op.get(po));
      b.emit(access[0] === "v" ? [...op.get(px), ...op.v128Load(16 * k)] : op.get(xx));
      b.emit(access[1] === "v" ? [...op.get(py), ...op.v128Load(16 * k)] : op.get(xy));
      b.emit(op.get(h), k % 2 === 0 ? s.i32x4ExtendLowI16x8S : s.i32x4ExtendHighI16x8S, s.v128Bitselect, op.v128Store(16 * k));
    }
    b.emit(op.get(pm), op.i32(16), op.add, op.set(pm));
    if (access[0] === "v") b.emit(op.get(px), op.i32(64), op.add, op.set(px));
    if (access[1] === "v") b.emit(op.get(py), op.i32(64), op.add, op.set(py));
    b.emit(op.get(po), op.i32(64), op.add, op.set(po));
  });
  return b.func(`sel_${access.join("")}`);
}

type Fn = (...args: number[]) => void;
interface Instance {
  f32: Float32Array;
  u8: Uint8Array;
  fns: Record<string, Fn>;
}
let instance: Instance | null | undefined;

function instantiate(): Instance | null {
  if (instance !== undefined) return instance;
  instance = null;
  try {
    const funcs = [
      ...Object.keys(CMP).flatMap((d) => ACCESS.map((a) => compareFunc(d, a))),
      ...[...ACCESS, ["s", "s"] as Access[]].map((a) => selectFunc(a)),
    ];
    const memory = new WebAssembly.Memory({ initial: PAGES });
    const fns = new WebAssembly.Instance(new WebAssembly.Module(encodeModule(funcs, true, "plain")), { env: { memory } })
      .exports as unknown as Record<string, Fn>;
    instance = { f32: new Float32Array(memory.buffer), u8: new Uint8Array(memory.buffer), fns };
  } catch {
    instance = null;
  }
  return instance;
}

/** Below this many elements the JavaScript loops are as fast (the copies and the call cost a fixed few µs). */
export const SELECT_WASM_MIN = 1024;

/** The size threshold in force (1 with XLATORCH_WASM=always), or null when this path is off or unavailable. */
function threshold(): number | null {
  if (!wasmSimdEnabled()) return null;
  if (instantiate() === null) return null;
  return wasmMode() === "always" ? 1 : SELECT_WASM_MIN;
}

/** Calls that ran in WebAssembly (tests check which path ran). */
export const wasmSelectStats = { compare: 0, select: 0 };

/**
 * How an operand is read: "v", n values from the offset on; "s", one value everywhere; "g", another
 * strided view of the shape's rank, gathered chunk by chunk (wasm/gather.ts) into the same dense region
 * ("v" to the generated code): a masked fill's causal mask is a [T, T] mask expanded over batch and heads,
 * which the JavaScript loop read at ~7 ns a value; null: another layout.
 */
type Read = Access | "g";
function accessOf(x: Strided, shape: Shape, n: number): Read | null {
  if (x.strides.length !== shape.length) return x.strides.length === 0 ? "s" : null;
  if (x.strides.every((st) => st === 0)) return "s";
  return isContiguous(shape, x.strides) && x.offset + n <= x.data.length ? "v" : "g";
}
const laneAccess = (r: Read): Access => (r === "g" ? "v" : r);

/** Copies float32 operand chunk [at, at + len) of `x` to `region` (a scalar once, at its first value). */
function copyIn(k: Instance, x: Strided, acc: Read, region: number, at: number, len: number, shape: Shape): void {
  const d = x.data as Float32Array;
  if (acc === "s") k.f32[region >> 2] = d[x.offset]!;
  else if (acc === "g") gather(x, shape, at, len, k.f32, region >> 2);
  else k.f32.set(d.subarray(x.offset + at, x.offset + at + len), region >> 2);
}

/**
 * out = (a <dir> b) over `shape` for float32 a, b (dense, one value or gathered) into a bool (Uint8Array) result. Returns
 * false, writing nothing, when this path does not take the call (other dtypes or layouts, too small, off).
 */
export function wasmCompareF32(dir: string, ins: readonly Strided[], shape: Shape, out: Uint8Array): boolean {
  const n = out.length;
  if (n === 0 || ins.length !== 2 || !(dir in CMP)) return false;
  const min = threshold();
  if (min === null || n < min) return false;
  if (!(ins[0]!.data instanceof Float32Array) || !(ins[1]!.data instanceof Float32Array)) return false;
  const acc = ins.map((x) => accessOf(x, shape, n));
  if (acc[0] === null || acc[1] === null || (acc[0] === "s" && acc[1] === "s")) return false;
  const k = instantiate()!;
  const fn = k.fns[`cmp_${dir}_${laneAccess(acc[0])}${laneAccess(acc[1])}`]!;
  wasmSelectStats.compare++;
  for (let at = 0; at < n; at += CHUNK) {
    const len = Math.min(CHUNK, n - at);
    copyIn(k, ins[0]!, acc[0], A, at, len, shape);
    copyIn(k, ins[1]!, acc[1], B, at, len, shape);
    fn(A, B, MASK, (len + 15) >> 4);
    out.set(k.u8.subarray(MASK, MASK + len), at);
  }
  return true;
}

/**
 * out = pred ? x : y over `shape` for a bool (Uint8Array) predicate and float32 branches (each dense, one
 * value or gathered; the predicate dense or gathered) into a float32 result. Returns false, writing nothing, when this path does not
 * take the call.
 */
export function wasmSelectF32(ins: readonly Strided[], shape: Shape, out: Float32Array): boolean {
  const n = out.length;
  if (n === 0 || ins.length !== 3) return false;
  const min = threshold();
  if (min === null || n < min) return false;
  const [p, x, y] = ins as [Strided, Strided, Strided];
  if (!(p.data instanceof Uint8Array) || !(x.data instanceof Float32Array) || !(y.data instanceof Float32Array)) return false;
  const ap = accessOf(p, shape, n);
  if (ap !== "v" && ap !== "g") return false;
  const ax = accessOf(x, shape, n),
    ay = accessOf(y, shape, n);
  if (ax === null || ay === null) return false;
  const k = instantiate()!;
  const fn = k.fns[`sel_${laneAccess(ax)}${laneAccess(ay)}`]!;
  wasmSelectStats.select++;
  const pd = p.data;
  for (let at = 0; at < n; at += CHUNK) {
    const len = Math.min(CHUNK, n - at);
    if (ap === "g") gather(p, shape, at, len, k.u8, MASK);
    else k.u8.set(pd.subarray(p.offset + at, p.offset + at + len), MASK);
    copyIn(k, x, ax, A, at, len, shape);
    copyIn(k, y, ay, B, at, len, shape);
    fn(MASK, A, B, OUT, (len + 15) >> 4);
    out.set(k.f32.subarray(OUT >> 2, (OUT >> 2) + len), at);
  }
  return true;
}
