// The block-copy fast paths of the cpu layout kernels (packages/cpu/src/kernels/layout.ts
// stridedCopy and dense, kernels/elementwise.ts copy) against an element-by-element
// reference on random shapes and strides: row-major, transposed, sliced (offsets,
// steps), broadcast (stride 0) sources, size-1 dims with odd strides, empty tensors,
// every storage kind (float32/float64/int32/int64/uint8/bool/float16 bits, complex pairs).
import { describe, expect, it } from "vitest";
import { complex64, float16, float32, float64, int32, int64, uint8, bool, contiguousStrides, type DType } from "@xlatorch/core";
import { dense, stridedCopy, type Strided } from "@xlatorch/cpu";
import { elementwiseKernels } from "../packages/cpu/src/kernels/elementwise.js";
import { rng } from "./harness/rng";

const DTYPES: DType[] = [float32, float64, int32, int64, uint8, bool, float16, complex64];
const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Element offsets of a strided view over `shape`, in row-major order (complex: pair index). */
function offsets(s: { offset: number; strides: number[] }, shape: number[]): number[] {
  const out: number[] = [];
  const idx = shape.map(() => 0);
  for (let k = 0; k < numel(shape); k++) {
    out.push(idx.reduce((o, i, d) => o + i * s.strides[d]!, s.offset));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** A random strided view of `shape` over a fresh buffer: a permutation of a larger row-major array, sliced with steps, maybe broadcast. */
function randomView(r: () => number, shape: number[], d: DType, broadcast: boolean): Strided {
  const nd = shape.length;
  const step = shape.map(() => (r() < 0.3 ? 2 : 1));
  const extra = shape.map(() => (r() < 0.3 ? 1 : 0));
  const base = shape.map((n, i) => n * step[i]! + extra[i]!);
  const perm = [...Array(nd).keys()].sort(() => (r() < 0.3 ? -1 : 1));
  const permuted = perm.map((p) => base[p]!);
  const cs = contiguousStrides(permuted);
  const strides = new Array<number>(nd);
  perm.forEach((p, i) => (strides[p] = cs[i]!));
  const start: number[] = shape.map((_, i) => (extra[i]! && r() < 0.5 ? 1 : 0));
  const offset = start.reduce((o, v, i) => o + v * strides[i]!, 0);
  const view = strides.map((st, i) => st * step[i]!);
  if (broadcast) for (let i = 0; i < nd; i++) if (r() < 0.4) view[i] = 0;
  // size-1 dims may carry any stride
  for (let i = 0; i < nd; i++) if (shape[i] === 1 && r() < 0.5) view[i] = 7;
  const data = d.alloc(Math.max(1, numel(base)));
  const w = d.is_complex ? 2 : 1;
  for (let i = 0; i < data.length; i++)
    (data as unknown as { [k: number]: number | bigint })[i] =
      data instanceof BigInt64Array
        ? BigInt(Math.floor(r() * 1e6) - 5e5)
        : d === bool
          ? r() < 0.5
            ? 1
            : 0
          : d === float16 || d === uint8
            ? Math.floor(r() * 250)
            : Math.floor(r() * 2000) - 1000 + 0.25 * w;
  return { data, offset, strides: view };
}

/** A random view that is row-major (the fast paths' case) or not. */
function randomShape(r: () => number): number[] {
  const nd = Math.floor(r() * 4) + 1;
  return Array.from({ length: nd }, () => (r() < 0.08 ? 0 : r() < 0.2 ? 1 : Math.floor(r() * 9) + 1));
}

const elems = (a: ArrayLike<unknown>, idx: number[], w: number) => idx.flatMap((o) => (w === 2 ? [a[2 * o], a[2 * o + 1]] : [a[o]]));

describe("cpu copy fast paths (block copies) equal the element loop", () => {
  it("stridedCopy: random target and source layouts, every storage kind", () => {
    const r = rng(11);
    let fast = 0;
    for (let t = 0; t < 800; t++) {
      const d = DTYPES[t % DTYPES.length]!;
      const w = d.is_complex ? 2 : 1;
      const shape = randomShape(r);
      const rowMajor = r() < 0.5;
      const target: Strided = rowMajor
        ? { data: d.alloc(numel(shape) + 3), offset: r() < 0.5 ? 0 : 3, strides: contiguousStrides(shape) }
        : randomView(r, shape, d, false);
      const src =
        r() < 0.5
          ? { data: randomView(r, shape, d, false).data, offset: 0, strides: contiguousStrides(shape) }
          : randomView(r, shape, d, r() < 0.3);
      if (src.offset + numel(shape) > src.data.length / w && src.strides.every((s, i) => s === contiguousStrides(shape)[i])) continue;
      const before = Array.from(target.data as ArrayLike<unknown>);
      const tIdx = offsets(target, shape),
        sIdx = offsets(src, shape);
      const want = before.slice();
      const sv = elems(src.data as ArrayLike<unknown>, sIdx, w);
      tIdx.forEach((o, k) => {
        for (let c = 0; c < w; c++) want[w * o + c] = sv[w * k + c];
      });
      stridedCopy(target, shape, src, d);
      expect(Array.from(target.data as ArrayLike<unknown>)).toEqual(want);
      if (rowMajor) fast++;
    }
    expect(fast).toBeGreaterThan(200);
  });

  it("dense and the copy kernel: random source layouts", () => {
    const r = rng(12);
    for (let t = 0; t < 800; t++) {
      const d = DTYPES[t % DTYPES.length]!;
      const w = d.is_complex ? 2 : 1;
      const shape = randomShape(r);
      const rowMajor = r() < 0.5;
      const src = randomView(r, shape, d, !rowMajor && r() < 0.3);
      const s: Strided = rowMajor ? { data: src.data, offset: 0, strides: contiguousStrides(shape) } : src;
      if (rowMajor && numel(shape) * w > s.data.length) continue;
      const want = elems(s.data as ArrayLike<unknown>, offsets(s, shape), w);
      expect(Array.from(dense(s, shape, d) as ArrayLike<unknown>)).toEqual(want);
      if (!d.is_complex) {
        const [o] = elementwiseKernels.copy!([s], [{ shape, dtype: d }], {}, [{ shape, dtype: d }]);
        expect(Array.from(dense(o!, shape, d) as ArrayLike<unknown>)).toEqual(want);
      }
    }
  });
});

describe("cpu convert float32 <-> float64 (TypedArray.set) equals the element loop", () => {
  it("random layouts, special values", () => {
    const r = rng(13);
    const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, 3.4028235e38, 3.4028236e38, 1e-320, 1 + 2 ** -30, 0.1];
    for (let t = 0; t < 400; t++) {
      const [from, to] = t % 2 ? [float32, float64] : [float64, float32];
      const shape = randomShape(r);
      const v = randomView(r, shape, from, r() < 0.2);
      for (let i = 0; i < v.data.length; i++)
        (v.data as Float64Array)[i] =
          r() < 0.3 ? special[Math.floor(r() * special.length)]! : (r() - 0.5) * 10 ** Math.floor(r() * 20 - 10);
      const s: Strided = r() < 0.6 && numel(shape) <= v.data.length ? { data: v.data, offset: 0, strides: contiguousStrides(shape) } : v;
      const want = Array.from(offsets(s, shape), (o) =>
        to === float32 ? Math.fround(Number((s.data as Float64Array)[o])) : Number((s.data as Float32Array)[o]),
      );
      const [o] = elementwiseKernels.convert!([s], [{ shape, dtype: from }], {}, [{ shape, dtype: to }]);
      expect(Array.from(dense(o!, shape, to) as Float64Array)).toEqual(want);
    }
  });
});
