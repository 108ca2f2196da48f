// CHLO ops without a primitive: next_after and top_k.
import { f32ToBf16, f32ToF16, numelOf } from "@xlatorch/core";
import { isFloat, isMinifloat, type Op } from "@xlatorch/stablehlo";
import type { Interp } from "./engine.js";
import { alloc, copyElement, type DenseValue, getFloat, getInt, setInt, totalOrderKey, Unsupported } from "./values.js";

const scratch = new DataView(new ArrayBuffer(8));

/** The float after x towards y in the element type's own format (IEEE nextafter). */
function nextAfter(x: number, y: number, e: string): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === y) return y;
  const up = y > x;
  if (x === 0) {
    // the smallest subnormal, with y's direction
    const tiny = e === "f64" ? 5e-324 : e === "f32" ? 2 ** -149 : e === "f16" ? 2 ** -24 : 2 ** -133;
    return up ? tiny : -tiny;
  }
  // away from zero when the step's direction is x's sign
  const away = up === x > 0;
  if (e === "f64") {
    scratch.setFloat64(0, x);
    const b = scratch.getBigUint64(0);
    scratch.setBigUint64(0, away ? b + 1n : b - 1n);
    return scratch.getFloat64(0);
  }
  if (e === "f32") {
    scratch.setFloat32(0, x);
    const b = scratch.getUint32(0);
    scratch.setUint32(0, away ? b + 1 : b - 1);
    return scratch.getFloat32(0);
  }
  const bits = e === "f16" ? f32ToF16(x) : f32ToBf16(x);
  const nb = away ? bits + 1 : bits - 1;
  return e === "f16" ? halfValue(nb) : bf16Value(nb);
}
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const ex = (h >> 10) & 0x1f,
    m = h & 0x3ff;
  if (ex === 0) return sign * m * 2 ** -24;
  if (ex === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (ex - 15);
}
function bf16Value(b: number): number {
  scratch.setUint32(0, (b & 0xffff) << 16);
  return scratch.getFloat32(0);
}

function nextAfterOp(op: Op, [x, y]: DenseValue[]): DenseValue[] {
  const out = alloc(op.results[0]!.type, op);
  const e = out.type.element;
  // the f8/f6/f4 types: their neighbours are not the f16/bf16 bit steps below
  if (!isFloat(e) || isMinifloat(e)) throw new Unsupported(op, `not defined for ${e}`);
  const n = numelOf(out.type.shape);
  for (let i = 0; i < n; i++) {
    const r = nextAfter(getFloat(x!, i), getFloat(y!, i), e);
    // stored as bits for f16/bf16, so the exact neighbour survives
    if (e === "f16") out.data[i] = f32ToF16(r);
    else if (e === "bf16") out.data[i] = Number.isNaN(r) ? 0x7fc0 : f32ToBf16(r);
    else out.data[i] = r;
  }
  return [out];
}

function topK(op: Op, [x]: DenseValue[]): DenseValue[] {
  const a = op.attrs.k;
  const k = a && a.kind === "int" ? Number(a.value) : 1;
  const [values, indices] = op.results.map((r) => alloc(r.type, op));
  const shape = x!.type.shape;
  const n = shape[shape.length - 1]!;
  const rows = numelOf(shape) / Math.max(n, 1);
  const e = x!.type.element;
  // larger first in IEEE total order (+NaN first, -NaN last, +0 before -0); ties keep the lower index first
  const key = (j: number): bigint => (isFloat(e) ? totalOrderKey(x!, j) : getInt(x!, j));
  for (let r = 0; r < rows; r++) {
    const order = [...Array(n).keys()].sort((p, q) => {
      const kp = key(r * n + p),
        kq = key(r * n + q);
      return kp !== kq ? (kp > kq ? -1 : 1) : p - q;
    });
    for (let i = 0; i < k; i++) {
      copyElement(values!, r * k + i, x!, r * n + order[i]!);
      setInt(indices!, r * k + i, BigInt(order[i]!));
    }
  }
  return [values!, indices!];
}

export const chloOps: Record<string, Interp> = {
  "chlo.next_after": nextAfterOp,
  "chlo.top_k": topK,
};
