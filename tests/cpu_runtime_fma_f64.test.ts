// The CPU runtime's WebAssembly form of ATen's float32 fma as layer_norm's
// lowering spells it (f64(p) * f64(q) + f64(r), converted to float32:
// lazy/src/lower_norm.ts), the fused tree's "fma_f64" node
// (cpu/src/wasm/fma_f64_lanes.ts): on the xla device it equals the eager cpu
// device's op-by-op float64 kernels bit for bit (NaN as NaN, signed zeros,
// huge and denormal values), with broadcast operands and tails that are not a
// multiple of 4, and runs in WebAssembly (before, the chain's float64
// intermediates sent it to the JavaScript loop); under XLATORCH_WASM=off the
// JavaScript loop gives the same bits.
import { describe, expect, it } from "vitest";
import { restoreEnvAfterEach } from "./harness/env";
import * as torch from "xlatorch";
import { expectBothLoops, onBoth, specialData } from "./harness/fused_bits";
import { pinFused } from "./harness/modes";

pinFused();

restoreEnvAfterEach("XLATORCH_WASM");

type T = torch.Tensor;
const fma = (p: T, q: T, r: T): T => p.to(torch.float64).mul(q.to(torch.float64)).add(r.to(torch.float64)).to(torch.float32);

const data = (shape: number[], seed: number, special: boolean): T => specialData(shape, seed, special);

// layer_norm's y = fma(fma(x, rstd, -rstd * mean), w, b): per-row statistics and per-column affine parameters broadcast
const SHAPES: { x: number[]; row: number[]; col: number[] }[] = [
  { x: [8, 32, 64], row: [8, 32, 1], col: [64] },
  { x: [3, 7, 37], row: [3, 7, 1], col: [37] },
  { x: [2051], row: [1], col: [2051] },
];

describe("float32 fma through float64 on the CPU runtime", () => {
  for (const special of [false, true])
    for (const s of SHAPES)
      it(`${JSON.stringify(s.x)}${special ? " with special values" : ""}: WebAssembly and JavaScript loops equal eager cpu bit for bit`, () => {
        const xs = [
          data(s.x, 1, special),
          data(s.row, 2, special),
          data(s.row, 3, special),
          data(s.col, 4, special),
          data(s.col, 5, special),
        ];
        // broadcast in float32, then widened (the lowering's order: a widened row would be a float64 leaf)
        const chain = (x: T, r: T, n: T, w: T, b: T) => {
          const e = (t: T) => t.expand(x.shape);
          return fma(fma(x, e(r), e(n)), e(w), e(b));
        };
        expectBothLoops(chain, xs, Math.min(50, s.x.reduce((p, q) => p * q, 1) / 4));
      });

  it("F.layer_norm forward on xla equals the eager cpu kernel bit for bit, its fma loop in WebAssembly", () => {
    const x = data([8, 32, 64], 7, true),
      w = data([64], 8, false),
      b = data([64], 9, false);
    const r = onBoth((x, w, b) => torch.nn.functional.layer_norm(x, [64], w, b, 1e-5), [x, w, b]);
    expect(r.wasm).toBe(true);
    expect(r.lazy).toEqual(r.eager);
  });
});
