// The pad primitive's CPU kernel with StableHLO's semantics: interior padding
// first, then edge padding, a negative edge removing elements (interior
// padding included). Checked against a direct reading of the spec (each input
// element lands at low + i * (interior + 1) when that is inside the result) on
// the eager cpu device and on the xla device (the CPU runtime runs
// stablehlo.pad with the same kernel), including the StableHLO spec's example.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { P, bind1, type Tensor } from "@xlatorch/core";

interface PadAttrs {
  low: number[];
  high: number[];
  interior: number[];
  value: number;
}

/** The spec's pad, element by element, on a row-major array. */
function reference(data: number[], shape: number[], a: PadAttrs): { shape: number[]; data: number[] } {
  const out = shape.map((n, d) => a.low[d]! + a.high[d]! + n + Math.max(0, n - 1) * a.interior[d]!);
  const total = out.reduce((p, v) => p * v, 1);
  const res = new Array<number>(total).fill(a.value);
  const n = shape.reduce((p, v) => p * v, 1);
  for (let k = 0; k < n; k++) {
    let rem = k,
      j = 0,
      inside = true;
    const idx: number[] = [];
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
    }
    for (let d = 0; d < shape.length; d++) {
      const p = a.low[d]! + idx[d]! * (a.interior[d]! + 1);
      if (p < 0 || p >= out[d]!) inside = false;
      j = j * out[d]! + p;
    }
    if (inside) res[j] = data[k]!;
  }
  return { shape: out, data: res };
}

const flat = (t: Tensor) => (t.reshape(-1).cpu().tolist() as number[]).map(Number);

/** A small deterministic generator (no dependence on torch's RNG). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (lo: number, hi: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (s % (hi - lo + 1));
  };
}

function randomCases(count: number): { shape: number[]; attrs: PadAttrs }[] {
  const r = lcg(12345);
  const cases: { shape: number[]; attrs: PadAttrs }[] = [];
  while (cases.length < count) {
    const rank = r(1, 3);
    const shape = Array.from({ length: rank }, () => r(0, 4));
    const interior = shape.map(() => r(0, 2));
    const low = shape.map(() => r(-4, 3));
    const high = shape.map(() => r(-4, 3));
    const ok = shape.every((n, d) => low[d]! + high[d]! + n + Math.max(0, n - 1) * interior[d]! >= 0);
    if (ok) cases.push({ shape, attrs: { low, high, interior, value: -1 } });
  }
  return cases;
}

for (const dev of ["cpu", "xla"] as const) {
  describe(`pad with negative edge and interior padding on ${dev}`, () => {
    it("the StableHLO spec's example", () => {
      // stablehlo.pad %operand, %padding_value, low = [1, -1], high = [1, -1], interior = [0, 1]
      const x = torch.tensor([
        [0, 0, 0, 0],
        [0, 1, 2, 0],
        [0, 3, 4, 0],
        [0, 5, 6, 0],
        [0, 0, 0, 0],
      ]);
      const y = bind1(P.pad, [x.to(dev)], { low: [1, -1], high: [1, -1], interior: [0, 1], value: -1 });
      expect(y.cpu().tolist()).toEqual([
        [-1, -1, -1, -1, -1],
        [-1, 0, -1, 0, -1],
        [-1, 1, -1, 2, -1],
        [-1, 3, -1, 4, -1],
        [-1, 5, -1, 6, -1],
        [-1, 0, -1, 0, -1],
        [-1, -1, -1, -1, -1],
      ]);
    });

    it("a negative edge removes interior padding and elements alike", () => {
      const x = torch.tensor([1, 2, 3, 4], { dtype: torch.float64 }).to(dev);
      const pad = (low: number, high: number, interior: number) =>
        bind1(P.pad, [x], { low: [low], high: [high], interior: [interior], value: 0 })
          .cpu()
          .tolist();
      expect(pad(-1, 0, 1)).toEqual([0, 2, 0, 3, 0, 4]);
      expect(pad(-2, -1, 1)).toEqual([2, 0, 3, 0]);
      expect(pad(-3, 2, 2)).toEqual([2, 0, 0, 3, 0, 0, 4, 0, 0]);
      expect(pad(-6, 0, 2)).toEqual([3, 0, 0, 4]);
      expect(pad(-7, -1, 2)).toEqual([0, 0]);
      expect(pad(1, -3, 1)).toEqual([0, 1, 0, 2, 0]);
      // everything cropped: only the padding value is left
      expect(pad(-7, 1, 1)).toEqual([0]);
    });

    it("random shapes, edges and interiors against the spec's element rule", () => {
      for (const { shape, attrs } of randomCases(120)) {
        const n = shape.reduce((p, v) => p * v, 1);
        const data = Array.from({ length: n }, (_, i) => i + 1);
        const x = torch.tensor(data, { dtype: torch.float32 }).reshape(shape).to(dev);
        const y = bind1(P.pad, [x], attrs);
        const want = reference(data, shape, attrs);
        expect([...y.shape], JSON.stringify({ shape, attrs })).toEqual(want.shape);
        expect(flat(y), JSON.stringify({ shape, attrs })).toEqual(want.data);
      }
    });

    it("a strided (transposed) int64 input", () => {
      const base = torch.arange(12).reshape([3, 4]);
      const x = base.to(dev).t();
      const attrs = { low: [-1, 2], high: [-2, -1], interior: [1, 2], value: 7 };
      const y = bind1(P.pad, [x], attrs);
      const want = reference(flat(base.t().contiguous()), [4, 3], attrs);
      expect([...y.shape]).toEqual(want.shape);
      expect(flat(y)).toEqual(want.data);
    });
  });
}
