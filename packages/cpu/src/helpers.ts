// Scalar helpers referenced as `$.name` from generated loops.
import * as special from "./special_math.js";
import * as special32 from "./special_float32.js";
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, roundBf16, roundF16, TorchError } from "@xlatorch/core";

function erf(x: number): number {
  // W. J. Cody's rational approximations (as in many libms), accurate to ~1e-16.
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const p =
      (((0.185777706184603153 * t + 3.1611237438705656) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
    const q = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
    return (x * p) / q;
  }
  if (!(ax < 6)) return Number.isNaN(x) ? NaN : Math.sign(x);
  let r: number;
  if (ax < 4) {
    const p =
      (((((((2.15311535474403846e-8 * ax + 5.64188496988670089e-1) * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax +
        298.635138197400131) *
        ax +
        881.95222124176909) *
        ax +
        1712.04761263407058) *
        ax +
        2051.07837782607147) *
        ax +
      1230.33935479799725;
    const q =
      (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax +
        3290.79923573345963) *
        ax +
        4362.61909014324716) *
        ax +
        3439.36767414372164) *
        ax +
      1230.33935480374942;
    r = (Math.exp(-ax * ax) * p) / q;
  } else {
    const z = 1 / (ax * ax);
    const p =
      ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z + 3.60344899949804439e-1) * z + 1.25781726111229246e-1) * z +
        1.60837851487422766e-2) *
        z +
      6.58749161529837803e-4;
    const q =
      ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 5.27905102951428412e-1) * z + 6.05183413124413191e-2) * z +
      2.33520497626869185e-3;
    r = (Math.exp(-ax * ax) / ax) * (0.564189583547756287 - (z * p) / q);
  }
  return x < 0 ? r - 1 : 1 - r;
}

function erfinv(y: number): number {
  if (y <= -1) return y === -1 ? -Infinity : NaN;
  if (y >= 1) return y === 1 ? Infinity : NaN;
  // Giles' approximation followed by two Newton steps on erf.
  let w = -Math.log((1 - y) * (1 + y)),
    x: number;
  if (w < 5) {
    w -= 2.5;
    x = 2.81022636e-8;
    x = 3.43273939e-7 + x * w;
    x = -3.5233877e-6 + x * w;
    x = -4.39150654e-6 + x * w;
    x = 0.00021858087 + x * w;
    x = -0.00125372503 + x * w;
    x = -0.00417768164 + x * w;
    x = 0.246640727 + x * w;
    x = 1.50140941 + x * w;
  } else {
    w = Math.sqrt(w) - 3;
    x = -0.000200214257;
    x = 0.000100950558 + x * w;
    x = 0.00134934322 + x * w;
    x = -0.00367342844 + x * w;
    x = 0.00573950773 + x * w;
    x = -0.0076224613 + x * w;
    x = 0.00943887047 + x * w;
    x = 1.00167406 + x * w;
    x = 2.83297682 + x * w;
  }
  x *= y;
  for (let k = 0; k < 2; k++) x -= (erf(x) - y) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  return x;
}

/** Round half to even, as torch.round and StableHLO round_nearest_even. */
function rne(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const zeroDiv = (): never => {
  throw new TorchError("ZeroDivisionError: integer division or modulo by zero");
};

export const $ = {
  ...special,
  ...special32,
  erf,
  erfinv,
  rne,
  h2f: f16ToF32,
  b2f: bf16ToF32,
  f2h: f32ToF16,
  f2b: f32ToBf16,
  rh: roundF16,
  rb: roundBf16,
  idiv: (a: number, b: number) => (b === 0 ? zeroDiv() : Math.trunc(a / b)),
  irem: (a: number, b: number) => (b === 0 ? zeroDiv() : a % b),
  ipow: (a: number, b: number) => {
    if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 ? -1 : 1) : a === 0 ? zeroDiv() : 0;
    let r = 1,
      base = a;
    while (b > 0) {
      if (b & 1) r = Math.imul(r, base);
      base = Math.imul(base, base);
      b >>>= 1;
    }
    return r;
  },
  bdiv: (a: bigint, b: bigint) => (b === 0n ? zeroDiv() : a / b),
  brem: (a: bigint, b: bigint) => (b === 0n ? zeroDiv() : a % b),
  bpow: (a: bigint, b: bigint) => {
    if (b < 0n) return a === 1n ? 1n : a === -1n ? (b % 2n ? -1n : 1n) : a === 0n ? zeroDiv() : 0n;
    let r = 1n,
      base = a;
    while (b > 0n) {
      if (b & 1n) r = BigInt.asIntN(64, r * base);
      base = BigInt.asIntN(64, base * base);
      b >>= 1n;
    }
    return r;
  },
  /** C pow: 1^y and x^0 are 1 even for NaN (JS's Math.pow gives NaN for 1^NaN). */
  fpow: (a: number, b: number) => (a === 1 || b === 0 ? 1 : Math.pow(a, b)),
  f2i: (a: number) => (Number.isFinite(a) ? Math.trunc(a) : 0),
  f2big: (a: number) => (Number.isFinite(a) ? BigInt.asIntN(64, BigInt(Math.trunc(a))) : -(2n ** 63n)),
};
export type Helpers = typeof $;
