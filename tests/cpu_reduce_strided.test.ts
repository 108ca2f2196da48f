// The reduce kernel's in-place path over non-trailing dims (packages/cpu/src/kernels/reduce_strided.ts)
// against the transposed-copy path it replaces (values(..., permToEnd) then row sums), bit for bit:
// random shapes, dims, strided/transposed/sliced/broadcast inputs, empty tensors, NaN/±Inf/±0, sum/prod/max/min,
// float32 and float64.
import { describe, expect, it } from "vitest";
import { contiguousStrides, float32, float64, type DType } from "@xlatorch/core";
import type { Strided } from "@xlatorch/cpu";
import { reduceKernels } from "../packages/cpu/src/kernels/reduce.js";
import { encode, permToEnd, values } from "../packages/cpu/src/kernels/values.js";
import { rng } from "./harness/rng";

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 1e-40, 3e38];

/** The transposed-copy reference: the kept dims outside, the reduced ones inside, float64 steps as reduce.ts. */
function reference(op: string, x: Strided, shape: number[], dims: number[], d: DType): number[] {
  const vals = values(x, shape, d, permToEnd(shape.length, dims)) as ArrayLike<number>;
  const inner = dims.reduce((p, q) => p * shape[q]!, 1);
  const outer = shape.reduce((p, q, i) => (dims.includes(i) ? p : p * q), 1);
  const out = new Float64Array(outer);
  for (let r = 0; r < outer; r++) {
    let s = op === "sum" ? 0 : op === "prod" ? 1 : op === "max" ? -Infinity : Infinity;
    for (let i = r * inner; i < (r + 1) * inner; i++) {
      const v = vals[i]!;
      s = op === "sum" ? s + v : op === "prod" ? s * v : op === "max" ? (v > s || v !== v ? v : s) : v < s || v !== v ? v : s;
    }
    out[r] = s;
  }
  return Array.from(encode(out, d) as Float64Array);
}

describe("reduce over non-trailing dims, read in place = the transposed copy", () => {
  it("random layouts, dims, ops and dtypes", () => {
    const r = rng(21);
    let checked = 0;
    for (let t = 0; t < 1000; t++) {
      const d = t % 2 ? float32 : float64;
      const op = ["sum", "prod", "max", "min"][t % 4]!;
      const nd = 1 + Math.floor(r() * 4);
      const shape = Array.from({ length: nd }, () => (r() < 0.06 ? 0 : r() < 0.2 ? 1 : 1 + Math.floor(r() * 7)));
      const dims = [...Array(nd).keys()].filter(() => r() < 0.5);
      if (dims.length === 0 || dims.every((v, i) => v === nd - dims.length + i)) continue;
      // a random layout: permuted, maybe sliced, maybe broadcast dims
      const perm = [...Array(nd).keys()].sort(() => (r() < 0.5 ? -1 : 1));
      const big = shape.map((n) => n + (r() < 0.3 ? 2 : 0));
      const cs = contiguousStrides(perm.map((p) => big[p]!));
      const strides = new Array<number>(nd);
      perm.forEach((p, i) => (strides[p] = cs[i]!));
      for (let i = 0; i < nd; i++) if (r() < 0.15) strides[i] = 0;
      const n = big.reduce((a, b) => a * b, 1) + 3;
      const data = d.alloc(n) as Float64Array;
      for (let i = 0; i < n; i++)
        data[i] = r() < 0.05 ? SPECIAL[Math.floor(r() * SPECIAL.length)]! : op === "prod" ? 0.5 + r() : r() * 200 - 100;
      const x: Strided = { data, offset: r() < 0.5 ? 1 : 0, strides };
      const outShape = shape.filter((_, i) => !dims.includes(i));
      const [o] = reduceKernels.reduce!([x], [{ shape, dtype: d }], { op, dims }, [{ shape: outShape, dtype: d }]);
      expect(Array.from(o!.data as Float64Array)).toEqual(reference(op, x, shape, dims, d));
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });

  // sums of four outputs at once along the last kept dim (reduce_strided.ts sum4): a conv's bias
  // gradient (kept dim C of NCHW), kept dims whose last size is not a multiple of 4 (the rest one at
  // a time, the kept odometer carried across), two kept dims, a transposed input
  it.each([
    [[5, 6, 7, 9], [0, 2, 3], null],
    [[3, 9, 4, 2], [0, 2], null],
    [[2, 7, 3, 5], [0, 2], null],
    [[4, 3, 5], [1], [1, 20, 4]],
  ] as [number[], number[], number[] | null][])("sum of %j over %j, strides %j", (shape, dims, st) => {
    for (const d of [float32, float64]) {
      const r = rng(shape.length * 7 + dims.length);
      const strides = st ?? contiguousStrides(shape);
      const n = shape.reduce((t, v, i) => t + (v - 1) * strides[i]!, 1);
      const data = d.alloc(n) as Float64Array;
      for (let i = 0; i < n; i++) data[i] = r() * 200 - 100;
      const x: Strided = { data, offset: 0, strides };
      const outShape = shape.filter((_, i) => !dims.includes(i));
      const [o] = reduceKernels.reduce!([x], [{ shape, dtype: d }], { op: "sum", dims }, [{ shape: outShape, dtype: d }]);
      expect(Array.from(o!.data as Float64Array)).toEqual(reference("sum", x, shape, dims, d));
    }
  });
});
