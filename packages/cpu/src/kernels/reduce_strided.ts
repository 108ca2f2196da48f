// reduce over dims that are not the trailing ones (a conv's bias gradient: sum over N, H, W of
// NCHW), of a float32/float64 input, read in place through its strides instead of a transposed
// float64 copy (values(..., permToEnd)) first. The values are visited in the copy's order: the
// kept dims row-major outside, the reduced dims row-major inside, accumulated in float64 with the
// same steps as reduce.ts, so the results are the same bits.
import type { Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";

/** The reduced values' float64 results in row-major order of the kept dims, or null when this path does not apply. */
export function reduceStrided(op: string, x: Strided, shape: Shape, dims: readonly number[]): Float64Array | null {
  if (op !== "sum" && op !== "max" && op !== "min" && op !== "prod") return null;
  const data = x.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return null;
  for (let i = 1; i < dims.length; i++) if (!(dims[i - 1]! < dims[i]!)) return null;
  const nd = shape.length;
  const reduced = new Array<boolean>(nd).fill(false);
  for (const d of dims) reduced[d] = true;
  // reduced dims in order, adjacent ones that step as one merged
  const rs: number[] = [],
    rn: number[] = [];
  for (const d of dims) {
    const k = rs.length - 1;
    if (k >= 0 && reduced[d - 1] && rs[k] === x.strides[d]! * shape[d]!) {
      rs[k] = x.strides[d]!;
      rn[k]! *= shape[d]!;
    } else {
      rs.push(x.strides[d]!);
      rn.push(shape[d]!);
    }
  }
  if (rs.length === 0) return null;
  const ks: number[] = [],
    kn: number[] = [];
  for (let d = 0; d < nd; d++)
    if (!reduced[d]) {
      ks.push(x.strides[d]!);
      kn.push(shape[d]!);
    }
  const outN = kn.reduce((a, b) => a * b, 1);
  const out = new Float64Array(outN);
  const innerN = rn.pop()!,
    innerS = rs.pop()!;
  const outerN = rn.reduce((a, b) => a * b, 1);
  const ki = new Int32Array(kn.length),
    ri = new Int32Array(rn.length);
  let base = x.offset;
  const last = kn.length - 1,
    lastS = last >= 0 ? ks[last]! : 0;
  for (let r = 0; r < outN; r++) {
    if (op === "sum" && last >= 0 && ki[last]! + 4 <= kn[last]!) {
      // four outputs along the last kept dim at once: four running sums, each adding its own values
      // in the order above (the same bits), where one sum's chain of dependent adds left the adder
      // idle (the CNN's bias gradient: 6 sums of 50176 values)
      sum4(data, base, lastS, outerN, rn, rs, ri, innerN, innerS, out, r);
      r += 3;
      base += 4 * lastS;
      ki[last]! += 4;
      if (ki[last]! < kn[last]!) continue;
      base -= lastS * kn[last]!;
      ki[last] = 0;
      for (let d = last - 1; d >= 0; d--) {
        base += ks[d]!;
        if (++ki[d]! < kn[d]!) break;
        base -= ks[d]! * kn[d]!;
        ki[d] = 0;
      }
      continue;
    }
    let s = op === "sum" ? 0 : op === "prod" ? 1 : op === "max" ? -Infinity : Infinity;
    let p = base;
    for (let q = 0; q < outerN; q++) {
      if (op === "sum") for (let j = 0, e = p; j < innerN; j++, e += innerS) s += data[e]!;
      else if (op === "prod") for (let j = 0, e = p; j < innerN; j++, e += innerS) s *= data[e]!;
      else if (op === "max")
        for (let j = 0, e = p; j < innerN; j++, e += innerS) {
          const v = data[e]!;
          s = v > s || v !== v ? v : s;
        }
      else
        for (let j = 0, e = p; j < innerN; j++, e += innerS) {
          const v = data[e]!;
          s = v < s || v !== v ? v : s;
        }
      // next outer reduced position (odometer, last fastest)
      for (let d = rn.length - 1; d >= 0; d--) {
        p += rs[d]!;
        if (++ri[d]! < rn[d]!) break;
        p -= rs[d]! * rn[d]!;
        ri[d] = 0;
      }
    }
    out[r] = s;
    for (let d = kn.length - 1; d >= 0; d--) {
      base += ks[d]!;
      if (++ki[d]! < kn[d]!) break;
      base -= ks[d]! * kn[d]!;
      ki[d] = 0;
    }
  }
  return out;
}

/**
 * out[r + k] (k < 4) = the sum of the values of the output at `base + k * step`: the reduced dims
 * walked as in reduceStrided (outer positions by the odometer ri over rn/rs, then innerN values
 * innerS apart), each sum in float64 from 0 in that order. Leaves ri at zero, as it found it.
 */
function sum4(
  data: Float32Array | Float64Array,
  base: number,
  step: number,
  outerN: number,
  rn: number[],
  rs: number[],
  ri: Int32Array,
  innerN: number,
  innerS: number,
  out: Float64Array,
  r: number,
): void {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let p = base;
  for (let q = 0; q < outerN; q++) {
    for (let j = 0, e = p; j < innerN; j++, e += innerS) {
      s0 += data[e]!;
      s1 += data[e + step]!;
      s2 += data[e + 2 * step]!;
      s3 += data[e + 3 * step]!;
    }
    for (let d = rn.length - 1; d >= 0; d--) {
      p += rs[d]!;
      if (++ri[d]! < rn[d]!) break;
      p -= rs[d]! * rn[d]!;
      ri[d] = 0;
    }
  }
  out[r] = s0;
  out[r + 1] = s1;
  out[r + 2] = s2;
  out[r + 3] = s3;
}
