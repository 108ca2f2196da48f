// The StableHLO test dialect's assertions (check.expect_eq, expect_almost_eq,
// their _const forms, expect_close): a mismatch throws CheckFailure naming the
// first differing element. Semantics of the StableHLO repository's CheckOps.cpp:
// equality is exact (NaN equals NaN), almost-equal is |a - b| <= tolerance
// (default 1e-4) on finite values, per part for complex values.
import { f32ToBf16, f32ToF16, numelOf } from "@xlatorch/core";
import { isComplex, isFloat, isMinifloat, minifloatToBits, type Attr, type Op } from "@xlatorch/stablehlo";
import { constantValue } from "./constant.js";
import { type DenseValue, getFloat, getInt, Unsupported } from "./values.js";

export class CheckFailure extends Error {
  constructor(op: Op, msg: string) {
    const loc = op.loc ? ` at line ${op.loc.line}:${op.loc.column}` : "";
    super(`${op.name}${loc} failed: ${msg}`);
    this.name = "CheckFailure";
  }
}

const floatAttr = (a: Attr | undefined, dflt: number): number => (a && (a.kind === "float" || a.kind === "int") ? Number(a.value) : dflt);

function parts(v: DenseValue, i: number): number[] | bigint[] {
  const e = v.type.element;
  if (isComplex(e)) return [v.data[2 * i] as number, v.data[2 * i + 1] as number];
  if (isFloat(e)) return [getFloat(v, i)];
  return [getInt(v, i)];
}

function almostEqual(a: number, b: number, tol: number): boolean {
  if (a === b) return true;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= tol;
}

/** |x|'s bit pattern in a float format (the ULP distance from zero). */
function magnitudeBits(x: number, e: string): bigint {
  const ax = Math.abs(x);
  if (e === "f64") {
    scratch.setFloat64(0, ax);
    return scratch.getBigUint64(0);
  }
  if (e === "f16") return BigInt(f32ToF16(ax));
  if (isMinifloat(e)) return BigInt(minifloatToBits(ax, e));
  if (e === "bf16") return BigInt(f32ToBf16(ax));
  scratch.setFloat32(0, ax);
  return BigInt(scratch.getUint32(0));
}
const scratch = new DataView(new ArrayBuffer(8));
const MAX_U64 = (1n << 64n) - 1n;

/** CheckOps.cpp's ULPDifference: 0 for identical values or two NaNs, the maximum for non-finite mismatches. */
function ulpDifference(a: number, b: number, e: string): bigint {
  if (Object.is(a, b)) return 0n;
  if (Number.isFinite(a) && Number.isFinite(b)) {
    const x = magnitudeBits(a, e),
      y = magnitudeBits(b, e);
    const na = a < 0 || Object.is(a, -0),
      nb = b < 0 || Object.is(b, -0);
    if (na !== nb) return x + y;
    return x > y ? x - y : y - x;
  }
  if (Number.isNaN(a) && Number.isNaN(b)) return 0n;
  return MAX_U64;
}

const bigAttr = (a: Attr | undefined, dflt: bigint): bigint => (a && a.kind === "int" ? BigInt(a.value) : dflt);

export function runCheck(op: Op, ins: DenseValue[]): DenseValue[] {
  const actual = ins[0]!;
  let expected: DenseValue;
  if (op.name.endsWith("_const")) expected = constantValue(op, op.attrs.value);
  else if (ins.length >= 2) expected = ins[1]!;
  else throw new Unsupported(op, "expects two operands");
  const kind = op.name.replace(/^check\./, "").replace(/_const$/, "");
  if (kind !== "expect_eq" && kind !== "expect_almost_eq" && kind !== "expect_close")
    throw new Unsupported(op, "this check is not implemented");
  const n = numelOf(actual.type.shape);
  if (actual.type.element !== expected.type.element || actual.type.shape.join("x") !== expected.type.shape.join("x"))
    throw new CheckFailure(op, `type mismatch`);
  const tol = floatAttr(op.attrs.tolerance, 1e-4);
  const maxUlp = bigAttr(op.attrs.max_ulp_difference, 1n);
  const minUlp = bigAttr(op.attrs.min_ulp_difference, 0n);
  const part = actual.type.element.replace(/^complex<(.*)>$/, "$1");
  for (let i = 0; i < n; i++) {
    const a = parts(actual, i),
      b = parts(expected, i);
    if (kind === "expect_close") {
      // complex: the larger of the parts' differences
      let u = 0n;
      for (let k = 0; k < a.length; k++) {
        const d = ulpDifference(Number(a[k]), Number(b[k]), part);
        if (d > u) u = d;
      }
      if (u > maxUlp || u < minUlp)
        throw new CheckFailure(
          op,
          `element ${i}: ${a.map(String).join(", ")} (actual) vs ${b.map(String).join(", ")} (expected), ${u} ulp`,
        );
      continue;
    }
    for (let k = 0; k < a.length; k++) {
      const x = a[k]!,
        y = b[k]!;
      let ok: boolean;
      if (typeof x === "bigint") ok = x === y;
      else if (kind === "expect_eq") ok = x === y || (Number.isNaN(x) && Number.isNaN(y as number));
      else ok = almostEqual(x, y as number, tol);
      if (!ok) throw new CheckFailure(op, `element ${i}: ${String(x)} (actual) vs ${String(y)} (expected)`);
    }
  }
  return [];
}
