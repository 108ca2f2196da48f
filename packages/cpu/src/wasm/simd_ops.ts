// More WebAssembly instructions for the generated elementwise and reduction
// kernels (encoder.ts has those the GEMM needs). Opcodes are from the
// WebAssembly core spec; SIMD ones are 0xFD then the instruction number as
// LEB128 u32. Each entry is the instruction's bytes (a function for those
// taking an immediate).
import { op, u32 } from "./encoder.js";

const simd = (n: number): number[] => [0xfd, ...u32(n)];
const bytes = (a: ArrayBufferView): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

export const F64 = 0x7c,
  F32 = 0x7d;

export const sop = {
  // scalar
  i32LtU: [0x49],
  i32GtU: [0x4b],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32And: [0x71],
  f32Store: (offset: number) => [0x38, 2, ...u32(offset)],
  f64Store: (offset: number) => [0x39, 3, ...u32(offset)],
  f64Add: [0xa0],
  f32Max: [0x97],
  f32Min: [0x96],
  // v128
  v128Const: (lanes: ArrayBufferView) => [...simd(0x0c), ...bytes(lanes)],
  /** v128.load64_splat: one float64 (or int64) loaded into both lanes. */
  load64Splat: (offset: number) => [...simd(0x0a), 3, ...u32(offset)],
  /** i8x16.shuffle with 16 lane indices (0-15: first operand, 16-31: second). */
  shuffle: (lanes: readonly number[]) => [...simd(0x0d), ...lanes],
  f64x2Splat: simd(0x14),
  i32x4Splat: simd(0x11),
  f32x4ExtractLane: (l: number) => [...simd(0x1f), l],
  f64x2ExtractLane: (l: number) => [...simd(0x21), l],
  v128And: simd(0x4e),
  v128AndNot: simd(0x4f),
  v128Or: simd(0x50),
  v128Xor: simd(0x51),
  /** bitselect(a, b, mask): a where mask bits are 1, else b. */
  v128Bitselect: simd(0x52),
  /** i32x4.all_true: 1 when every lane is nonzero (a comparison's mask all set). */
  i32x4AllTrue: simd(0xa3),
  i32x4Eq: simd(0x37),
  i32x4LtS: simd(0x39),
  f32x4Eq: simd(0x41),
  f32x4Ne: simd(0x42),
  f32x4Lt: simd(0x43),
  f32x4Ge: simd(0x46),
  f64x2Eq: simd(0x47),
  f64x2Ne: simd(0x48),
  f64x2Lt: simd(0x49),
  f64x2Gt: simd(0x4a),
  f32x4DemoteF64x2Zero: simd(0x5e),
  f64x2PromoteLowF32x4: simd(0x5f),
  f32x4Ceil: simd(0x67),
  f32x4Floor: simd(0x68),
  f32x4Nearest: simd(0x6a),
  f64x2Nearest: simd(0x94),
  i32x4Shl: simd(0xab),
  i32x4ShrS: simd(0xac),
  i32x4Add: simd(0xae),
  i32x4Sub: simd(0xb1),
  i64x2ExtendLowI32x4S: simd(0xc7),
  i64x2Shl: simd(0xcb),
  i64x2ShrS: simd(0xcc),
  i64x2Add: simd(0xce),
  i64x2Sub: simd(0xd1),
  f32x4Abs: simd(0xe0),
  f32x4Neg: simd(0xe1),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Min: simd(0xe8),
  f32x4Max: simd(0xe9),
  /** pmin(a, b) = b < a ? b : a (a NaN a passes through) */
  f32x4Pmin: simd(0xea),
  /** pmax(a, b) = a < b ? b : a */
  f32x4Pmax: simd(0xeb),
  f64x2Abs: simd(0xec),
  f64x2Neg: simd(0xed),
  f64x2Sqrt: simd(0xef),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Div: simd(0xf3),
  f64x2Min: simd(0xf4),
  f64x2Max: simd(0xf5),
  /** pmin(a, b) = b < a ? b : a (a NaN a passes through) */
  f64x2Pmin: simd(0xf6),
  /** pmax(a, b) = a < b ? b : a */
  f64x2Pmax: simd(0xf7),
  i32x4TruncSatF32x4S: simd(0xf8),
  f32x4ConvertI32x4S: simd(0xfa),
  i32x4TruncSatF64x2SZero: simd(0xfc),
  f64x2ConvertLowI32x4S: simd(0xfe),
};

/**
 * Constants live in a pool at the start of the module's memory (address 0,
 * CONST_BYTES long; the kernels' caller writes constPoolImage() there): one
 * v128.load each, where an inline v128.const costs V8 several instructions
 * per use inside the loops.
 */
export const CONST_BYTES = 4096;
const poolAt = new Map<string, number>();
const pool: number[] = [];

/** Loads the 16 bytes of `lanes` from the pool (added on first use). */
export function konst(lanes: ArrayBufferView): number[] {
  const b = bytes(lanes);
  const key = b.join(",");
  let at = poolAt.get(key);
  if (at === undefined) {
    at = pool.length;
    if (at + 16 > CONST_BYTES) throw new Error("wasm kernels: constant pool full");
    pool.push(...b);
    poolAt.set(key, at);
  }
  return [...op.i32(0), ...op.v128Load(at)];
}

/** The pool's bytes, to be written at address 0 of the memory of a module using konst(). */
export const constPoolImage = (): Uint8Array => new Uint8Array(pool);

/** A v128 constant of two equal float64 lanes. */
export const f64x2 = (x: number): number[] => konst(new Float64Array([x, x]));
/** A v128 constant of four equal float32 lanes. */
export const f32x4 = (x: number): number[] => konst(new Float32Array([x, x, x, x]));
/** A v128 constant of two equal int64 lanes. */
export const i64x2 = (x: bigint): number[] => konst(new BigInt64Array([x, x]));
