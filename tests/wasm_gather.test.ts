// cpu/src/wasm/gather.ts, the strided-operand copy of the fused loops and the eager unary kernels:
// every chunk [at, at + len) of a view equals the view's elements read one by one at their strides,
// for a row expanded over the rows before it (strides [0, ..., 0, 1]: the periodic copy, float32 and
// bool bytes, chunks starting mid-row and ending mid-row), a column expanded along the rows, a
// transpose and a dense view at an offset.
import { describe, expect, it } from "vitest";
import { gather } from "../packages/cpu/src/wasm/gather";

/** Element i of the view, read at its strides (the reference). */
function at(data: ArrayLike<number>, offset: number, shape: number[], strides: number[], i: number): number {
  let p = offset;
  for (let d = shape.length - 1; d >= 0; d--) {
    p += (i % shape[d]!) * strides[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return data[p]!;
}

const VIEWS: { name: string; shape: number[]; strides: number[]; offset: number; size: number }[] = [
  { name: "a row of 64 expanded to [8, 32, 64]", shape: [8, 32, 64], strides: [0, 0, 1], offset: 0, size: 64 },
  { name: "a row of 37 at offset 5 expanded to [3, 7, 37]", shape: [3, 7, 37], strides: [0, 0, 1], offset: 5, size: 42 },
  { name: "a [32, 32] mask expanded to [8, 4, 32, 32]", shape: [8, 4, 32, 32], strides: [0, 0, 32, 1], offset: 0, size: 1024 },
  { name: "a column of 256 expanded to [8, 32, 64]", shape: [8, 32, 64], strides: [32, 1, 0], offset: 0, size: 256 },
  { name: "a [48, 40] transpose", shape: [40, 48], strides: [1, 40], offset: 0, size: 1920 },
  { name: "dense [50, 41] at offset 3", shape: [50, 41], strides: [41, 1], offset: 3, size: 2053 },
];

describe("gather", () => {
  for (const v of VIEWS)
    for (const bytes of [false, true])
      it(`${v.name}${bytes ? " (bool bytes)" : ""}: every chunk equals the strided reads`, () => {
        const src = bytes
          ? Uint8Array.from({ length: v.size }, (_, i) => (i * 7) % 3)
          : Float32Array.from({ length: v.size }, (_, i) => i * 1.5 - 7);
        const n = v.shape.reduce((p, q) => p * q, 1);
        const want = Array.from({ length: n }, (_, i) => at(src, v.offset, v.shape, v.strides, i));
        for (const [from, len] of [
          [0, n],
          [0, 1],
          [3, 100],
          [v.shape[v.shape.length - 1]! - 1, 2 * v.shape[v.shape.length - 1]! + 5],
          [Math.floor(n / 3), Math.floor(n / 2)],
          [n - 70, 70],
        ] as const) {
          const dst = bytes ? new Uint8Array(len + 9) : new Float32Array(len + 9);
          dst.fill(99);
          gather({ data: src, offset: v.offset, strides: v.strides }, v.shape, from, len, dst, 4);
          expect(Array.from(dst.subarray(4, 4 + len)), `[${from}, ${from + len})`).toEqual(want.slice(from, from + len));
          // nothing written outside [d0, d0 + len)
          expect([...dst.subarray(0, 4), ...dst.subarray(4 + len)]).toEqual(Array(9).fill(99));
        }
      });
});
