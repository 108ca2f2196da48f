// Elementwise ops in the reference evaluator: every element type (the narrow
// integers in their carriers, complex as pairs), the spec's corner cases
// (scalar.ts). Used for what the fused/kernel path does not compute exactly.
import { numelOf } from "@xlatorch/core";
import { isComplex, isFloat, isMinifloat, MINIFLOAT_FORMATS, type Op } from "@xlatorch/stablehlo";
import type { Interp } from "./engine.js";
import { cpowf } from "../../complex_pow_f32.js";
import { type C, cabs, complexBinary, complexUnary, floatBinary, floatUnary, intBinary, intUnary } from "./scalar.js";
import { alloc, type DenseValue, getFloat, getInt, intInfo, isIntLike, setFloat, setInt, totalOrderKey, Unsupported } from "./values.js";

const short = (op: Op) => op.name.replace(/^stablehlo\./, "");
const getC = (v: DenseValue, i: number): C => [v.data[2 * i] as number, v.data[2 * i + 1] as number];
function setC(v: DenseValue, i: number, [re, im]: C): void {
  v.data[2 * i] = re;
  v.data[2 * i + 1] = im;
}

/** An element as a number (floats, and integers for conversion). */
const asNumber = (v: DenseValue, i: number): number => (isIntLike(v.type.element) ? Number(getInt(v, i)) : getFloat(v, i));

function unary(op: Op, [x]: DenseValue[]): DenseValue[] {
  const name = short(op);
  const out = alloc(op.results[0]!.type, op);
  const e = x!.type.element;
  const n = numelOf(out.type.shape);
  for (let i = 0; i < n; i++) {
    if (isComplex(e)) {
      if (name === "abs") {
        setFloat(out, i, cabs(getC(x!, i)));
        continue;
      }
      const r = complexUnary(name, getC(x!, i));
      if (!r) throw new Unsupported(op, `not defined for ${e}`);
      setC(out, i, r);
    } else if (isFloat(e)) {
      if (name === "is_finite") {
        setInt(out, i, Number.isFinite(getFloat(x!, i)) ? 1n : 0n);
        continue;
      }
      const r = floatUnary(name, getFloat(x!, i));
      if (r === undefined) throw new Unsupported(op, `not defined for ${e}`);
      setFloat(out, i, r);
    } else {
      const r = intUnary(name, getInt(x!, i), e);
      if (r === undefined) throw new Unsupported(op, `not defined for ${e}`);
      setInt(out, i, r);
    }
  }
  return [out];
}

function binary(op: Op, [a, b]: DenseValue[]): DenseValue[] {
  const name = short(op);
  const out = alloc(op.results[0]!.type, op);
  const e = a!.type.element;
  const n = numelOf(out.type.shape);
  for (let i = 0; i < n; i++) {
    if (isComplex(e)) {
      const x = getC(a!, i),
        y = getC(b!, i);
      // complex<f32> power step by step in float32, as std::pow(complex<float>) (glibc's cpowf)
      const r =
        name === "power" && e === "complex<f32>"
          ? cpowf(x[0], x[1], y[0], y[1], (p, q, s, t) => complexBinary("power", [p, q], [s, t])!)
          : complexBinary(name, x, y);
      if (!r) throw new Unsupported(op, `not defined for ${e}`);
      setC(out, i, r);
    } else if (isFloat(e)) {
      const r = floatBinary(name, getFloat(a!, i), getFloat(b!, i));
      if (r === undefined) throw new Unsupported(op, `not defined for ${e}`);
      setFloat(out, i, r);
    } else {
      const r = intBinary(name, getInt(a!, i), getInt(b!, i), e);
      if (r === undefined) throw new Unsupported(op, `not defined for ${e}`);
      setInt(out, i, r);
    }
  }
  return [out];
}

function compareOp(op: Op, [a, b]: DenseValue[]): DenseValue[] {
  const dirA = op.attrs.comparison_direction;
  const dir = dirA && dirA.kind === "enum" ? dirA.value : "EQ";
  const tA = op.attrs.compare_type;
  const type = tA && tA.kind === "enum" ? tA.value : undefined;
  const out = alloc(op.results[0]!.type, op);
  const e = a!.type.element;
  const n = numelOf(out.type.shape);
  const test = (c: number): boolean =>
    dir === "EQ" ? c === 0 : dir === "NE" ? c !== 0 : dir === "LT" ? c < 0 : dir === "LE" ? c <= 0 : dir === "GT" ? c > 0 : c >= 0;
  for (let i = 0; i < n; i++) {
    let r: boolean;
    if (isComplex(e)) {
      const [x, y] = [getC(a!, i), getC(b!, i)];
      if (dir !== "EQ" && dir !== "NE") throw new Unsupported(op, `${dir} is not defined for ${e}`);
      const eq = x[0] === y[0] && x[1] === y[1];
      r = dir === "EQ" ? eq : !eq;
    } else if (isFloat(e)) {
      const x = getFloat(a!, i),
        y = getFloat(b!, i);
      if (type === "TOTALORDER") {
        const kx = totalOrderKey(a!, i),
          ky = totalOrderKey(b!, i);
        r = test(kx < ky ? -1 : kx > ky ? 1 : 0);
      } else if (Number.isNaN(x) || Number.isNaN(y)) r = dir === "NE";
      else r = test(x < y ? -1 : x > y ? 1 : 0);
    } else {
      let x = getInt(a!, i),
        y = getInt(b!, i);
      if (type === "UNSIGNED" || (type === undefined && intInfo(e).unsigned)) {
        const bits = intInfo(e).bits;
        x = BigInt.asUintN(bits, x);
        y = BigInt.asUintN(bits, y);
      } else if (type === "SIGNED") {
        const bits = intInfo(e).bits;
        x = BigInt.asIntN(bits, x);
        y = BigInt.asIntN(bits, y);
      }
      r = test(x < y ? -1 : x > y ? 1 : 0);
    }
    setInt(out, i, r ? 1n : 0n);
  }
  return [out];
}

/** stablehlo.convert between any element types (float -> int: truncated, saturated, NaN -> 0). */
function convertOp(op: Op, [x]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const from = x!.type.element,
    to = out.type.element;
  const n = numelOf(out.type.shape);
  for (let i = 0; i < n; i++) {
    if (isComplex(to)) {
      setC(out, i, isComplex(from) ? getC(x!, i) : [asNumber(x!, i), 0]);
      continue;
    }
    if (to === "i1") {
      // complex -> i1 reads the real part, as every complex -> real conversion does
      const nz = isComplex(from) ? getC(x!, i)[0] !== 0 : isIntLike(from) ? getInt(x!, i) !== 0n : getFloat(x!, i) !== 0;
      setInt(out, i, nz ? 1n : 0n);
      continue;
    }
    if (isFloat(to)) {
      setFloat(out, i, isComplex(from) ? getC(x!, i)[0] : asNumber(x!, i));
      continue;
    }
    if (isIntLike(from)) {
      setInt(out, i, getInt(x!, i));
      continue;
    }
    const f = isComplex(from) ? getC(x!, i)[0] : getFloat(x!, i);
    const { bits, unsigned } = intInfo(to);
    const lo = unsigned ? 0n : -(1n << BigInt(bits - 1)),
      hi = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
    let v: bigint;
    if (Number.isNaN(f)) v = 0n;
    else if (f === Infinity) v = hi;
    else if (f === -Infinity) v = lo;
    else {
      v = BigInt(Math.trunc(f));
      v = v < lo ? lo : v > hi ? hi : v;
    }
    setInt(out, i, v);
  }
  return [out];
}

function selectOp(op: Op, [p, t, f]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const n = numelOf(out.type.shape);
  const scalarPred = p!.type.shape.length === 0;
  const slots = isComplex(out.type.element) ? 2 : 1;
  for (let i = 0; i < n; i++) {
    const src = getInt(p!, scalarPred ? 0 : i) !== 0n ? t! : f!;
    for (let s = 0; s < slots; s++) out.data[i * slots + s] = src.data[i * slots + s]!;
  }
  return [out];
}

/** clamp(min, x, max): min and max may be scalars. */
function clampOp(op: Op, [lo, x, hi]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const e = x!.type.element;
  const n = numelOf(out.type.shape);
  const at = (v: DenseValue, i: number) => (v.type.shape.length === 0 ? 0 : i);
  for (let i = 0; i < n; i++) {
    if (isComplex(e)) throw new Unsupported(op, `not defined for ${e}`);
    if (isFloat(e)) {
      const m = floatBinary("maximum", getFloat(x!, i), getFloat(lo!, at(lo!, i)))!;
      setFloat(out, i, floatBinary("minimum", m, getFloat(hi!, at(hi!, i)))!);
    } else {
      const m = intBinary("maximum", getInt(x!, i), getInt(lo!, at(lo!, i)), e)!;
      setInt(out, i, intBinary("minimum", m, getInt(hi!, at(hi!, i)), e)!);
    }
  }
  return [out];
}

function complexOp(op: Op, [re, im]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const n = numelOf(out.type.shape);
  for (let i = 0; i < n; i++) setC(out, i, [getFloat(re!, i), getFloat(im!, i)]);
  return [out];
}

function partOp(op: Op, [z]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const n = numelOf(out.type.shape);
  const k = op.name.endsWith("imag") ? 1 : 0;
  for (let i = 0; i < n; i++) {
    if (isComplex(z!.type.element)) setFloat(out, i, getC(z!, i)[k]!);
    else setFloat(out, i, k ? 0 : getFloat(z!, i));
  }
  return [out];
}

/** stablehlo.bitcast_convert: the operand's bits (little-endian; i1 is one bit) read as the result type. */
function bitcastOp(op: Op, [x]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const bits: bigint[] = [];
  const wi = bitsOf(op, x!.type.element),
    wo = bitsOf(op, out.type.element);
  const n = numelOf(x!.type.shape);
  for (let i = 0; i < n; i++) bits.push(toBits(op, x!, i));
  // regroup the bit stream into the result's elements
  let acc = 0n,
    have = 0,
    k = 0;
  const outBits: bigint[] = [];
  for (const b of bits) {
    acc |= b << BigInt(have);
    have += wi;
    while (have >= wo) {
      outBits.push(BigInt.asUintN(wo, acc));
      acc >>= BigInt(wo);
      have -= wo;
    }
  }
  for (const b of outBits) fromBits(op, out, k++, b);
  return [out];
}

function bitsOf(op: Op, e: string): number {
  if (isMinifloat(e)) return MINIFLOAT_FORMATS[e].bits;
  if (e === "complex<f32>") return 64;
  if (e === "complex<f64>") return 128;
  const m = /^(?:u?i|f|bf)([0-9]+)$/.exec(e);
  if (!m) throw new Unsupported(op, `not defined for ${e}`);
  return Number(m[1]);
}

const scratch = new DataView(new ArrayBuffer(8));
function toBits(op: Op, v: DenseValue, i: number): bigint {
  const e = v.type.element;
  if (isIntLike(e)) return BigInt.asUintN(bitsOf(op, e), getInt(v, i));
  // f16/bf16 and the f8/f6/f4 types are stored as their bits
  if (e === "f16" || e === "bf16" || isMinifloat(e)) return BigInt(v.data[i] as number);
  if (e === "f32") {
    scratch.setFloat32(0, v.data[i] as number, true);
    return BigInt(scratch.getUint32(0, true));
  }
  if (e === "f64") {
    scratch.setFloat64(0, v.data[i] as number, true);
    return scratch.getBigUint64(0, true);
  }
  if (isComplex(e)) {
    const w = e === "complex<f32>" ? "f32" : "f64";
    const [re, im] = getC(v, i);
    const part = (x: number) => toBits(op, { type: { shape: [], element: w }, data: new Float64Array([x]) }, 0);
    return part(re) | (part(im) << BigInt(w === "f32" ? 32 : 64));
  }
  throw new Unsupported(op, `not defined for ${e}`);
}

function fromBits(op: Op, v: DenseValue, i: number, b: bigint): void {
  const e = v.type.element;
  if (isIntLike(e)) return setInt(v, i, b);
  if (e === "f16" || e === "bf16" || isMinifloat(e)) {
    v.data[i] = Number(b);
    return;
  }
  if (e === "f32") {
    scratch.setUint32(0, Number(b), true);
    v.data[i] = scratch.getFloat32(0, true);
    return;
  }
  if (e === "f64") {
    scratch.setBigUint64(0, b, true);
    v.data[i] = scratch.getFloat64(0, true);
    return;
  }
  if (isComplex(e)) {
    const w = e === "complex<f32>" ? 32 : 64;
    const part = (x: bigint) => {
      const t: DenseValue = { type: { shape: [], element: w === 32 ? "f32" : "f64" }, data: new Float64Array(1) };
      fromBits(op, t, 0, x);
      return t.data[0] as number;
    };
    setC(v, i, [part(BigInt.asUintN(w, b)), part(b >> BigInt(w))]);
    return;
  }
  throw new Unsupported(op, `not defined for ${e}`);
}

export const ELEMENTWISE_UNARY = [
  "negate",
  "abs",
  "sign",
  "not",
  "popcnt",
  "count_leading_zeros",
  "exponential",
  "exponential_minus_one",
  "log",
  "log_plus_one",
  "sqrt",
  "rsqrt",
  "cbrt",
  "sine",
  "cosine",
  "tan",
  "tanh",
  "logistic",
  "floor",
  "ceil",
  "round_nearest_afz",
  "round_nearest_even",
  "is_finite",
];
export const ELEMENTWISE_BINARY = [
  "add",
  "subtract",
  "multiply",
  "divide",
  "remainder",
  "power",
  "maximum",
  "minimum",
  "atan2",
  "and",
  "or",
  "xor",
  "shift_left",
  "shift_right_logical",
  "shift_right_arithmetic",
];

/** chlo.square: x * x (complex: (a - b)(a + b) + 2ab i, as XLA computes it). */
function squareOp(op: Op, [x]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const e = x!.type.element;
  const n = numelOf(out.type.shape);
  for (let i = 0; i < n; i++) {
    if (isComplex(e)) {
      const [a, b] = getC(x!, i);
      // finite |a| = |b| makes the real part exactly 0 (even where a + b overflows); inf - inf stays NaN
      setC(out, i, [Number.isFinite(a) && Math.abs(a) === Math.abs(b) ? 0 : (a - b) * (a + b), a * b * 2]);
    } else if (isFloat(e)) {
      const v = getFloat(x!, i);
      setFloat(out, i, v * v);
    } else {
      const v = getInt(x!, i);
      setInt(out, i, v * v);
    }
  }
  return [out];
}

export const elementwiseOps: Record<string, Interp> = {
  "chlo.square": squareOp,
  ...Object.fromEntries(ELEMENTWISE_UNARY.map((k) => [`stablehlo.${k}`, (op: Op, ins: DenseValue[]) => unary(op, ins)])),
  ...Object.fromEntries(ELEMENTWISE_BINARY.map((k) => [`stablehlo.${k}`, (op: Op, ins: DenseValue[]) => binary(op, ins)])),
  "stablehlo.compare": compareOp,
  "stablehlo.convert": convertOp,
  "stablehlo.select": selectOp,
  "stablehlo.clamp": clampOp,
  "stablehlo.complex": complexOp,
  "stablehlo.real": partOp,
  "stablehlo.imag": partOp,
  "stablehlo.bitcast_convert": bitcastOp,
};
