// cpu/src/codegen.ts elementwiseLoopSite: a runtime step's loop remembers the variant and contiguity
// of its last call by the inputs' strides (the same array, or equal values in a new one). Called at one
// site with one shape array and a sequence of layouts that change between calls (dense, transposed,
// a broadcast scalar, the same strides in a new array, a 3-d strided view, back to dense), each call's
// result equals an element-by-element evaluation at that call's strides, as the shared
// elementwiseLoop's does; a 2-d strided view (rows without the odometer) and a 3-d one are covered.
import { describe, expect, it } from "vitest";
import { elementwiseLoop, elementwiseLoopSite } from "../packages/cpu/src/codegen";

type View = { data: Float64Array; offset: number; strides: number[] };

function at(v: View, shape: readonly number[], i: number): number {
  let p = v.offset;
  for (let d = shape.length - 1; d >= 0; d--) {
    p += (i % shape[d]!) * v.strides[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return v.data[p]!;
}
const vals = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + seed) * 10 ** ((i + seed) % 4));

const BODY = "((x0-x1)*x0)";
const expr = (a: number, b: number) => Math.fround((a - b) * a);
const expected = (shape: readonly number[], a: View, b: View) =>
  Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, i) => expr(at(a, shape, i), at(b, shape, i)));

describe("elementwiseLoopSite", () => {
  it("a 2-d site follows its inputs' layouts from call to call", () => {
    const shape = [3, 5];
    const site = elementwiseLoopSite(2, ["@", "@"], BODY);
    const shared = elementwiseLoop(2, ["@", "@"], BODY);
    const a = vals(40, 1),
      b = vals(40, 2);
    const dense: View = { data: a, offset: 0, strides: [5, 1] };
    const calls: [View, View][] = [
      [dense, { data: b, offset: 0, strides: [5, 1] }],
      // transposed second input (column-major 5x3 read as 3x5)
      [dense, { data: b, offset: 0, strides: [1, 3] }],
      // the same strides in a new array, at another offset
      [dense, { data: b, offset: 7, strides: [1, 3] }],
      // a broadcast scalar
      [dense, { data: b, offset: 4, strides: [0, 0] }],
      // rows of a wider matrix (strided rows, contiguous within a row), both inputs
      [
        { data: a, offset: 2, strides: [8, 1] },
        { data: b, offset: 1, strides: [8, 1] },
      ],
      // the same row stride in new arrays, then a column broadcast
      [
        { data: a, offset: 3, strides: [8, 1] },
        { data: b, offset: 0, strides: [1, 0] },
      ],
      // dense again (the first call's strides array)
      [dense, { data: b, offset: 0, strides: [5, 1] }],
    ];
    for (const [x, y] of calls) {
      const out = new Float32Array(15);
      site(out, shape, [x, y]);
      expect(Array.from(out)).toEqual(Array.from(expected(shape, x, y)));
      const ref = new Float32Array(15);
      shared(ref, shape, [x, y]);
      expect(Array.from(out)).toEqual(Array.from(ref));
    }
  });

  it("a 3-d site: dense, a strided view, a permuted view, dense", () => {
    const shape = [2, 3, 4];
    const site = elementwiseLoopSite(2, ["@", "@"], BODY);
    const a = vals(80, 3),
      b = vals(80, 4);
    const calls: [View, View][] = [
      [
        { data: a, offset: 0, strides: [12, 4, 1] },
        { data: b, offset: 0, strides: [12, 4, 1] },
      ],
      [
        { data: a, offset: 1, strides: [30, 6, 1] },
        { data: b, offset: 0, strides: [12, 4, 1] },
      ],
      [
        { data: a, offset: 0, strides: [12, 4, 1] },
        { data: b, offset: 2, strides: [1, 2, 6] },
      ],
      [
        { data: a, offset: 0, strides: [12, 4, 1] },
        { data: b, offset: 0, strides: [12, 4, 1] },
      ],
    ];
    for (const [x, y] of calls) {
      const out = new Float32Array(24);
      site(out, shape, [x, y]);
      expect(Array.from(out)).toEqual(Array.from(expected(shape, x, y)));
    }
  });
});
