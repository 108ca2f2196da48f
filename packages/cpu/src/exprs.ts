// Scalar expression templates, one per elementwise primitive and dtype class.
// The same templates serve the eager kernels and the CPU runtime's fused loops,
// so an elementwise primitive is implemented exactly once.
import type { DType } from "@xlatorch/core";

/** Expression domain of a dtype: JS numbers (float/int/bool) or BigInt (int64). */
export type Domain = "f" | "i" | "b" | "big";
export const domainOf = (d: DType): Domain => (d.name === "int64" ? "big" : d.name === "bool" ? "b" : d.is_floating_point ? "f" : "i");

type T1 = (a: string) => string;
type T2 = (a: string, b: string) => string;
const M =
  (fn: string): T1 =>
  (a) =>
    `Math.${fn}(${a})`;

const FLOAT_UNARY: Record<string, T1> = {
  neg: (a) => `(-${a})`,
  abs: M("abs"),
  sign: (a) => `(${a}>0?1:${a}<0?-1:${a})`,
  exp: M("exp"),
  log: M("log"),
  log1p: M("log1p"),
  expm1: M("expm1"),
  sqrt: M("sqrt"),
  rsqrt: (a) => `(1/Math.sqrt(${a}))`,
  sin: M("sin"),
  cos: M("cos"),
  tan: M("tan"),
  tanh: M("tanh"),
  logistic: (a) => `(1/(1+Math.exp(-${a})))`,
  erf: (a) => `$.erf(${a})`,
  erfinv: (a) => `$.erfinv(${a})`,
  floor: M("floor"),
  ceil: M("ceil"),
  round_nearest_even: (a) => `$.rne(${a})`,
  asin: M("asin"),
  acos: M("acos"),
  atan: M("atan"),
  sinh: M("sinh"),
  cosh: M("cosh"),
  asinh: M("asinh"),
  acosh: M("acosh"),
  atanh: M("atanh"),
  is_finite: (a) => `Number.isFinite(${a})`,
  // torch.special (special_math.ts)
  lgamma: (a) => `$.lgamma(${a})`,
  digamma: (a) => `$.digamma(${a})`,
  bessel_i0: (a) => `$.i0(${a})`,
  bessel_i0e: (a) => `$.i0e(${a})`,
  bessel_i1: (a) => `$.i1(${a})`,
  bessel_i1e: (a) => `$.i1e(${a})`,
  bessel_k0: (a) => `$.k0(${a})`,
  bessel_k0e: (a) => `$.k0e(${a})`,
  bessel_k1: (a) => `$.k1(${a})`,
  bessel_k1e: (a) => `$.k1e(${a})`,
  bessel_j0: (a) => `$.j0(${a})`,
  bessel_j1: (a) => `$.j1(${a})`,
  bessel_y0: (a) => `$.y0(${a})`,
  bessel_y1: (a) => `$.y1(${a})`,
  ndtri: (a) => `$.ndtri(${a})`,
  erfcx: (a) => `$.erfcx(${a})`,
};
const INT_UNARY: Record<string, T1> = {
  neg: (a) => `(-${a})`,
  abs: M("abs"),
  sign: M("sign"),
  not: (a) => `(~${a})`,
  floor: (a) => a,
  ceil: (a) => a,
  round_nearest_even: (a) => a,
  is_finite: () => "true",
};
const BOOL_UNARY: Record<string, T1> = {
  not: (a) => `(${a}?0:1)`,
  abs: (a) => a,
  is_finite: () => "true",
  floor: (a) => a,
  ceil: (a) => a,
};
const BIG_UNARY: Record<string, T1> = {
  neg: (a) => `(-${a})`,
  abs: (a) => `(${a}<0n?-${a}:${a})`,
  sign: (a) => `(${a}>0n?1n:${a}<0n?-1n:0n)`,
  not: (a) => `(~${a})`,
  floor: (a) => a,
  ceil: (a) => a,
  round_nearest_even: (a) => a,
  is_finite: () => "true",
};

const FLOAT_BINARY: Record<string, T2> = {
  add: (a, b) => `(${a}+${b})`,
  subtract: (a, b) => `(${a}-${b})`,
  multiply: (a, b) => `(${a}*${b})`,
  divide: (a, b) => `(${a}/${b})`,
  remainder: (a, b) => `(${a}%${b})`,
  power: (a, b) => `$.fpow(${a},${b})`,
  maximum: (a, b) => `Math.max(${a},${b})`,
  minimum: (a, b) => `Math.min(${a},${b})`,
  atan2: (a, b) => `Math.atan2(${a},${b})`,
  // torch.special (special_math.ts)
  polygamma: (a, b) => `$.polygamma(${a},${b})`,
  zeta: (a, b) => `$.zeta(${a},${b})`,
  igamma: (a, b) => `$.igamma(${a},${b})`,
  igammac: (a, b) => `$.igammac(${a},${b})`,
};
const INT_BINARY: Record<string, T2> = {
  add: (a, b) => `(${a}+${b})`,
  subtract: (a, b) => `(${a}-${b})`,
  multiply: (a, b) => `Math.imul(${a},${b})`,
  divide: (a, b) => `$.idiv(${a},${b})`,
  remainder: (a, b) => `$.irem(${a},${b})`,
  power: (a, b) => `$.ipow(${a},${b})`,
  maximum: (a, b) => `Math.max(${a},${b})`,
  minimum: (a, b) => `Math.min(${a},${b})`,
  and: (a, b) => `(${a}&${b})`,
  or: (a, b) => `(${a}|${b})`,
  xor: (a, b) => `(${a}^${b})`,
};
const BOOL_BINARY: Record<string, T2> = {
  and: (a, b) => `(${a}&${b})`,
  or: (a, b) => `(${a}|${b})`,
  xor: (a, b) => `(${a}^${b})`,
  maximum: (a, b) => `(${a}|${b})`,
  minimum: (a, b) => `(${a}&${b})`,
  add: (a, b) => `(${a}|${b})`,
  multiply: (a, b) => `(${a}&${b})`,
};
const BIG_BINARY: Record<string, T2> = {
  add: (a, b) => `(${a}+${b})`,
  subtract: (a, b) => `(${a}-${b})`,
  multiply: (a, b) => `(${a}*${b})`,
  divide: (a, b) => `$.bdiv(${a},${b})`,
  remainder: (a, b) => `$.brem(${a},${b})`,
  power: (a, b) => `$.bpow(${a},${b})`,
  maximum: (a, b) => `(${a}>${b}?${a}:${b})`,
  minimum: (a, b) => `(${a}<${b}?${a}:${b})`,
  and: (a, b) => `(${a}&${b})`,
  or: (a, b) => `(${a}|${b})`,
  xor: (a, b) => `(${a}^${b})`,
};
const CMP: Record<string, string> = { EQ: "===", NE: "!==", LT: "<", LE: "<=", GT: ">", GE: ">=" };

export function unaryExpr(prim: string, d: DType, a: string): string {
  const table = { f: FLOAT_UNARY, i: INT_UNARY, b: BOOL_UNARY, big: BIG_UNARY }[domainOf(d)];
  const t = table[prim];
  if (!t) throw new Error(`${prim}: not implemented for ${d}`);
  return t(a);
}

/** float32 forms of primitives whose PyTorch kernel computes in float, not in double (special_float32.ts). */
const FLOAT32_BINARY: Record<string, T2> = {
  polygamma: (a, b) => `$.polygammaF32(${a},${b})`,
};

export function binaryExpr(prim: string, d: DType, a: string, b: string): string {
  if (d.name === "float32" && FLOAT32_BINARY[prim]) return FLOAT32_BINARY[prim](a, b);
  const table = { f: FLOAT_BINARY, i: INT_BINARY, b: BOOL_BINARY, big: BIG_BINARY }[domainOf(d)];
  const t = table[prim];
  if (!t) throw new Error(`${prim}: not implemented for ${d}`);
  return t(a, b);
}

export const compareExpr = (dir: string, a: string, b: string): string => `(${a}${CMP[dir]}${b})`;
export const selectExpr = (p: string, a: string, b: string): string => `(${p}?${a}:${b})`;

/** Convert an expression's value from one dtype's domain to another's. */
export function convertExpr(from: DType, to: DType, a: string): string {
  const f = domainOf(from),
    t = domainOf(to);
  if (t === "b") return f === "big" ? `(${a}!==0n)` : `(${a}!==0)`;
  if (t === "big") return f === "big" ? a : f === "f" ? `$.f2big(${a})` : `BigInt(${a})`;
  if (f === "big") return `Number(BigInt.asIntN(64,${a}))`;
  if (t === "i" && f === "f") return `$.f2i(${a})`;
  if (f === "b") return `(+${a})`;
  return a;
}

/** Round/wrap an intermediate to its dtype, as storing it would. */
export function wrapExpr(d: DType, e: string): string {
  switch (d.name) {
    case "float32":
      return `Math.fround(${e})`;
    case "float64":
      return e;
    case "complex64":
    case "complex128":
      throw new Error("complex values are never fused into expressions (kernels/complex.ts)");
    case "float16":
      return `$.rh(${e})`;
    case "bfloat16":
      return `$.rb(${e})`;
    case "int32":
      return `(${e}|0)`;
    case "int16":
      return `((${e})<<16>>16)`;
    case "int8":
      return `((${e})<<24>>24)`;
    case "uint8":
      return `((${e})&255)`;
    case "bool":
      return `((${e})?1:0)`;
    case "int64":
      return `BigInt.asIntN(64,${e})`;
  }
}

/** Read a stored element into its compute domain (half types decode to numbers). */
export function readExpr(d: DType, a: string): string {
  return d.name === "float16" ? `$.h2f(${a})` : d.name === "bfloat16" ? `$.b2f(${a})` : a;
}
/** Encode a compute-domain value for storage. */
export function storeExpr(d: DType, e: string): string {
  return d.name === "float16" ? `$.f2h(${e})` : d.name === "bfloat16" ? `$.f2b(${e})` : d.name === "bool" ? `((${e})?1:0)` : e;
}
