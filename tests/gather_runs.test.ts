// gather_slices / scatter_slices when the window is one run of consecutive
// elements (an embedding's rows): the gather copies each row as a block and the
// scatter adds rows through a loop per array type (kernels/gather.ts). Values
// against ones written out here: rows picked by repeated and out-of-order
// indices, and their gradients summed per row in index order (float32 sums
// rounded at each add, as the per-element path did), for float32, float64 and
// int64 tables, with the window's layout in place and transposed (the offset
// table path), so both paths agree with the same expectations.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { isRun } from "../packages/cpu/src/kernels/gather.js";

const idx = [3, 0, 3, 5, 1, 3, 0, 2, 4, 3];
const V = 6,
  D = 9;

/** table[v][d] = v * 100 + d (exact in every dtype used) */
const tableValues = () => Array.from({ length: V }, (_, v) => Array.from({ length: D }, (_, d) => v * 100 + d));

describe("gather and scatter of consecutive-element windows", () => {
  for (const dtype of [torch.float32, torch.float64, torch.int64])
    for (const transposed of [false, true])
      it(`index_select rows of a ${dtype} table${transposed ? " stored transposed" : ""}`, () => {
        const base = transposed ? torch.tensor(tableValues(), { dtype }).t().contiguous().t() : torch.tensor(tableValues(), { dtype });
        const got = base.index_select(0, torch.tensor(idx, { dtype: torch.int64 }));
        const want = idx.map((v) => Array.from({ length: D }, (_, d) => v * 100 + d));
        expect((got.tolist() as (number | bigint)[][]).map((r) => r.map(Number))).toEqual(want);
      });

  for (const dtype of [torch.float32, torch.float64])
    it(`F.embedding's gradient sums the rows of repeated indices in order (${dtype})`, () => {
      const w = torch.zeros([V, D], { dtype, requires_grad: true });
      const ids = torch.tensor(idx, { dtype: torch.int64 });
      // gradient rows with values whose float32 sums round: 1 + 2^-24 * k
      const g = Array.from({ length: idx.length }, (_, i) => Array.from({ length: D }, (_, d) => 1 + (i + d) * 2 ** -24));
      torch.nn.functional.embedding(ids, w).backward(torch.tensor(g, { dtype }));
      const round = dtype === torch.float32 ? Math.fround : (x: number) => x;
      const want = Array.from({ length: V }, () => new Array<number>(D).fill(0));
      idx.forEach((v, i) => {
        for (let d = 0; d < D; d++) want[v]![d] = round(want[v]![d]! + round(g[i]![d]!));
      });
      expect(w.grad!.tolist()).toEqual(want);
    });

  it("scatter_add along dim 1 (one element per window) adds as before", () => {
    const x = torch.zeros([2, 4]);
    const index = torch.tensor(
      [
        [0, 1, 0],
        [3, 3, 2],
      ],
      { dtype: torch.int64 },
    );
    const src = torch.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: torch.float32 },
    );
    expect(x.scatter_add(1, index, src).tolist()).toEqual([
      [4, 2, 0, 0],
      [0, 0, 6, 9],
    ]);
  });
});

// isRun decides from the strides alone what the offset table's check decided: that a window's elements
// are at 0, 1, 2, ... (kernels/gather.ts); random shapes (with 0- and 1-sized dims) and strides that are
// row-major, permuted, broadcast or padded
describe("isRun against the window's offsets", () => {
  const offsets = (shape: number[], strides: number[]): number[] => {
    const out: number[] = [];
    const n = shape.reduce((a, b) => a * b, 1);
    for (let k = 0; k < n; k++) {
      let rem = k,
        off = 0;
      for (let d = shape.length - 1; d >= 0; d--) {
        off += (rem % shape[d]!) * strides[d]!;
        rem = Math.floor(rem / shape[d]!);
      }
      out.push(off);
    }
    return out;
  };
  it("agrees on 2,000 random windows", () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let runs = 0;
    for (let t = 0; t < 2000; t++) {
      const shape = Array.from({ length: rnd(5) }, () => [0, 1, 1, 2, 3, 4][rnd(6)]!);
      const rowMajor = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
      const strides = rowMajor.map((s) => [s, s, s, 0, 2 * s, s + 1][rnd(6)]!);
      const want = offsets(shape, strides).every((o, k) => o === k);
      if (want) runs++;
      expect(isRun(shape, strides), `${shape} / ${strides}`).toBe(want);
    }
    // both answers occur
    expect(runs).toBeGreaterThan(200);
    expect(runs).toBeLessThan(1800);
  });
});
