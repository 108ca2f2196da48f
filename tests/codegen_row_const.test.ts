// cpu/src/codegen.ts's strided loop loads an input whose last dim has stride 0 (a per-row statistic
// expanded along the row, as layer_norm_backward's lowering reads its mean and rstd) once per row,
// outside the inner loop: the results equal an element-by-element evaluation at the inputs' strides,
// with such inputs mixed with dense, transposed, column-expanded and scalar ones, offsets, rows of
// one element, and the same compiled loop called with and without a row-constant input.
import { describe, expect, it } from "vitest";
import { elementwiseLoop } from "../packages/cpu/src/codegen";

type View = { data: Float64Array; offset: number; strides: number[] };

function at(v: View, shape: number[], i: number): number {
  let p = v.offset;
  for (let d = shape.length - 1; d >= 0; d--) {
    p += (i % shape[d]!) * v.strides[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return v.data[p]!;
}
const vals = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 10 ** ((i + seed) % 5));

// ((x0 * x1) - x2) * x3 in float64, stored to float32
const BODY = "(((x0*x1)-x2)*x3)";
const expr = (x: number[]) => Math.fround((x[0]! * x[1]! - x[2]!) * x[3]!);

const CASES: { name: string; shape: number[]; views: View[] }[] = [
  {
    name: "[4, 6, 9]: dense, row statistic, column, row statistic at an offset",
    shape: [4, 6, 9],
    views: [
      { data: vals(216, 1), offset: 0, strides: [54, 9, 1] },
      { data: vals(24, 2), offset: 0, strides: [6, 1, 0] },
      { data: vals(9, 3), offset: 0, strides: [0, 0, 1] },
      { data: vals(30, 4), offset: 5, strides: [6, 1, 0] },
    ],
  },
  {
    name: "[5, 7]: transposed, row statistic, scalar, row statistic",
    shape: [5, 7],
    views: [
      { data: vals(35, 5), offset: 0, strides: [1, 5] },
      { data: vals(5, 6), offset: 0, strides: [1, 0] },
      { data: vals(1, 7), offset: 0, strides: [0, 0] },
      { data: vals(5, 8), offset: 0, strides: [1, 0] },
    ],
  },
  {
    name: "[3, 4, 1]: rows of one element",
    shape: [3, 4, 1],
    views: [
      { data: vals(12, 9), offset: 0, strides: [4, 1, 0] },
      { data: vals(12, 10), offset: 0, strides: [1, 3, 0] },
      { data: vals(3, 11), offset: 0, strides: [1, 0, 0] },
      { data: vals(12, 12), offset: 0, strides: [4, 1, 1] },
    ],
  },
  {
    name: "[6, 5]: no row-constant input (the same loop's other variant)",
    shape: [6, 5],
    views: [
      { data: vals(30, 13), offset: 0, strides: [1, 6] },
      { data: vals(30, 14), offset: 0, strides: [5, 1] },
      { data: vals(5, 15), offset: 0, strides: [0, 1] },
      { data: vals(30, 16), offset: 0, strides: [1, 6] },
    ],
  },
];

describe("codegen: inputs constant along the row", () => {
  const loop = elementwiseLoop(4, ["@", "@", "@", "@"], BODY);
  for (const c of CASES)
    it(`${c.name}: equals the element-by-element values`, () => {
      const n = c.shape.reduce((p, q) => p * q, 1);
      const out = new Float32Array(n);
      loop(out, c.shape, c.views);
      const want = Array.from({ length: n }, (_, i) => expr(c.views.map((v) => at(v, c.shape, i))));
      expect(Array.from(out)).toEqual(want);
      // the inputs differ along the rows and columns, so a value loaded at the wrong row would show
      expect(new Set(want).size).toBeGreaterThan(n / 2);
    });
});
