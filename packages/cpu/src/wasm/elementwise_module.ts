// WebAssembly SIMD kernels of the float32 elementwise primitives, generated
// per primitive (one function per operand access pattern, see kernel()).
// Each call computes rows of nvec vectors of 4 lanes; callers pad rows to
// whole vectors (simd_f32.ts), so there is no tail code: a row's last vector
// may write up to 3 lanes past the row, which the next row then overwrites. The table below plays the role of exprs.ts's templates for
// this backend: float32 lane arithmetic where one float32 operation is the
// correctly rounded result (which is what the JavaScript templates get by
// rounding the float64 operation once), float32 lanes (math_f32.ts, within 2
// ulps of correctly rounded) for the transcendental functions, and float64
// lanes (math_f64.ts) for rsqrt, which costs no more there and stays
// correctly rounded.
import { Body } from "./builder.js";
import { I32, op, V128 } from "./encoder.js";
import * as m32 from "./math_f32.js";
import * as m64 from "./math_f64.js";
import { sop } from "./simd_ops.js";

/** Emits the f32x4 result from the operand locals. */
type Lanes = (b: Body, xs: readonly number[]) => void;

const f32 =
  (inst: number[]): Lanes =>
  (b, xs) =>
    b.emit(...xs.map((x) => op.get(x)), inst);

/** A float64 function applied to both halves of the f32x4 in xs[0] (the two halves' code interleaved). */
const f64 =
  (fn: (b: Body, xs: readonly number[]) => number[]): Lanes =>
  (b, [x]) => {
    const lo = b.local(V128),
      hi = b.local(V128);
    b.emit(op.get(x!), sop.f64x2PromoteLowF32x4, op.set(lo));
    b.emit(
      op.get(x!),
      op.get(x!),
      sop.shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]),
      sop.f64x2PromoteLowF32x4,
      op.set(hi),
    );
    const [r0, r1] = fn(b, [lo, hi]);
    b.emit(op.get(r0!), sop.f32x4DemoteF64x2Zero, op.get(r1!), sop.f32x4DemoteF64x2Zero);
    b.emit(sop.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]));
  };

/** A float32 lane function (math_f32.ts) of the f32x4 in xs[0]. */
const f32fn =
  (fn: (b: Body, x: number) => number): Lanes =>
  (b, [x]) =>
    b.emit(op.get(fn(b, x!)));

/** Unary primitives with a WebAssembly kernel for float32. */
export const WASM_UNARY: Record<string, Lanes> = {
  neg: f32(sop.f32x4Neg),
  abs: f32(sop.f32x4Abs),
  sqrt: f32(sop.f32x4Sqrt),
  floor: f32(sop.f32x4Floor),
  ceil: f32(sop.f32x4Ceil),
  round_nearest_even: f32(sop.f32x4Nearest),
  rsqrt: f64(m64.rsqrt),
  exp: f32fn(m32.exp),
  expm1: f32fn(m32.expm1),
  log: f32fn(m32.log),
  tanh: f32fn(m32.tanh),
  logistic: f32fn(m32.logistic),
  erf: f32fn(m32.erf),
};

/** Binary primitives with a WebAssembly kernel for float32 (f32x4.min/max propagate NaN, as Math.min/max do). */
export const WASM_BINARY: Record<string, Lanes> = {
  add: f32(sop.f32x4Add),
  subtract: f32(sop.f32x4Sub),
  multiply: f32(sop.f32x4Mul),
  divide: f32(sop.f32x4Div),
  maximum: f32(sop.f32x4Max),
  minimum: f32(sop.f32x4Min),
};

/** How a kernel variant reads an operand: a vector of 4 values, or one value splatted to 4 lanes. */
export type Access = "v" | "s";

/**
 * prim_<access per operand>(a, arow, [b, brow,] out, orow, nvec, rows): for
 * each of `rows` rows, nvec vectors; operand pointers advance 16 bytes per
 * vector ("v") or stay ("s"), and by arow/brow/orow bytes per row.
 */
function kernel(name: string, access: readonly Access[], lanes: Lanes) {
  const arity = access.length;
  const params = Array<number>(2 * arity + 4).fill(I32);
  const b = new Body(params);
  const [out, orow, nvec, rows] = [2 * arity, 2 * arity + 1, 2 * arity + 2, 2 * arity + 3];
  const ptr = access.map(() => b.local(I32)),
    xs = access.map(() => b.local(V128));
  const o = b.local(I32),
    cnt = b.local(I32);
  b.countDown(rows, () => {
    access.forEach((_, i) => b.emit(op.get(2 * i), op.set(ptr[i]!)));
    b.emit(op.get(out), op.set(o), op.get(nvec), op.set(cnt));
    // an operand splatted along the whole row is loaded once
    access.forEach((a, i) => {
      if (a === "s") b.emit(op.get(ptr[i]!), op.load32Splat(0), op.set(xs[i]!));
    });
    b.countDown(cnt, () => {
      access.forEach((a, i) => {
        if (a === "v") b.emit(op.get(ptr[i]!), op.v128Load(0), op.set(xs[i]!));
      });
      b.emit(op.get(o));
      lanes(b, xs);
      b.emit(op.v128Store(0));
      access.forEach((a, i) => {
        if (a === "v") b.emit(op.get(ptr[i]!), op.i32(16), op.add, op.set(ptr[i]!));
      });
      b.emit(op.get(o), op.i32(16), op.add, op.set(o));
    });
    access.forEach((_, i) => b.emit(op.get(2 * i), op.get(2 * i + 1), op.add, op.set(2 * i)));
    b.emit(op.get(out), op.get(orow), op.add, op.set(out));
  });
  return b.func(`${name}_${access.join("")}`);
}

/** Every elementwise kernel, as functions of one module: unary on vectors, binary on vector/vector, vector/splat, splat/vector. */
export const elementwiseFuncs = () => [
  ...Object.entries(WASM_UNARY).map(([p, l]) => kernel(p, ["v"], l)),
  ...Object.entries(WASM_BINARY).flatMap(([p, l]) => (["vv", "vs", "sv"] as const).map((a) => kernel(p, [...a] as Access[], l))),
];
