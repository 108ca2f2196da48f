// The CPU runtime's WebAssembly form of float32 chains whose intermediates are
// float64 (the fused tree's "f32_of" nodes, cpu/src/wasm/float64_lanes.ts):
// float64 add, subtract, multiply, divide and negate over widened float32
// values and float64 leaves, converted to float32, as layer_norm_backward's
// lowering computes dx (lazy/src/lower_norm.ts). On the xla device they equal
// the eager cpu device's op-by-op float64 kernels bit for bit (NaN as NaN,
// signed zeros, huge, tiny and denormal values), with float64 leaves that are
// dense, broadcast per row and scalars, and tails that are not a multiple of 4;
// they run in WebAssembly (before, only the JavaScript loop took them), and
// under XLATORCH_WASM=off the JavaScript loop gives the same bits.
import { describe, expect, it } from "vitest";
import { restoreEnvAfterEach } from "./harness/env";
import * as torch from "xlatorch";
import { fusedWasmStats } from "@xlatorch/cpu";
import { bitsOf, expectBothLoops, onBoth, specialData } from "./harness/fused_bits";
import { pinFused } from "./harness/modes";

pinFused();

restoreEnvAfterEach("XLATORCH_WASM");

type T = torch.Tensor;

const data = (shape: number[], seed: number, special: boolean, dtype = torch.float32): T =>
  specialData(shape, seed, special, dtype, 1 + 1 / 3);

const SHAPES: { x: number[]; row: number[] }[] = [
  { x: [8, 32, 64], row: [8, 32, 1] },
  { x: [3, 7, 37], row: [3, 7, 1] },
  { x: [2051], row: [1] },
];

describe("float32 chains with float64 intermediates on the CPU runtime", () => {
  for (const special of [false, true])
    for (const s of SHAPES)
      it(`${JSON.stringify(s.x)}${special ? " with special values" : ""}: every float64 op, float64 leaves dense, per row and scalar`, () => {
        const n = s.x.reduce((p, q) => p * q, 1);
        const xs = [
          data(s.x, 1, special),
          data(s.x, 2, special),
          data(s.row, 3, special, torch.float64),
          data(s.x, 4, special, torch.float64),
          data([], 5, false, torch.float64),
          data(s.x, 6, special),
        ];
        // (a*b - r) / (-(d + c)) * a + y: float32 a, b, y widened; r per row, d dense, c a 0-d float64 value
        const chain = (a: T, b: T, r: T, d: T, c: T, y: T) => {
          const w = (t: T) => t.to(torch.float64);
          const q = w(a).mul(w(b)).sub(r.expand(a.shape)).div(d.add(c).neg()).mul(w(a));
          return y.add(q.to(torch.float32));
        };
        expectBothLoops(chain, xs, Math.min(50, n / 4));
      });

  it("leaves constant along the last dim (float32, float64, bool) read a row at a time, and leaves the same in every row (float32, float64) from one copy of the row, rows split across chunks", () => {
    // 300 rows of 68: the loops' chunks (thousands of values) start inside rows
    const xs = [
      data([300, 68], 1, true),
      data([300, 1], 2, true),
      data([300, 1], 3, false, torch.float64),
      data([300, 1], 4, false).gt(0),
      data([300, 68], 5, false),
      data([68], 6, true),
      data([68], 7, false, torch.float64),
    ];
    const chain = (x: T, r: T, d: T, m: T, y: T, c: T, c64: T) => {
      const e = (t: T) => t.expand(x.shape);
      const q = x.mul(e(r)).to(torch.float64).mul(e(d)).add(e(c64)).to(torch.float32);
      return torch.where(e(m), q, y.sub(e(r)).mul(e(c)));
    };
    expectBothLoops(chain, xs, 1000);
  });

  it("layer_norm's backward on xla equals the eager cpu kernel bit for bit, its dx loop in WebAssembly", () => {
    for (const special of [false, true]) {
      const x = data([8, 32, 64], 7, special),
        w = data([64], 8, false),
        b = data([64], 9, false),
        g = data([8, 32, 64], 10, false);
      // the forward synced on its own: the backward's execution has float64 loops and sums but for the dx loop
      const dx = (x: T, w: T, b: T, g: T) => {
        const xr = x.detach().requires_grad_(true);
        const y = torch.nn.functional.layer_norm(xr, [64], w, b, 1e-5);
        if (y.device.type === "xla") torch.xla.sync(y);
        const before = fusedWasmStats.groups;
        y.backward(g);
        if (y.device.type === "xla") torch.xla.sync(xr.grad!);
        backwardInWasm = fusedWasmStats.groups > before;
        return xr.grad!;
      };
      let backwardInWasm = false;
      process.env.XLATORCH_WASM = "always";
      const r = onBoth(dx, [x, w, b, g]);
      expect(r.lazy).toEqual(r.eager);
      const y = dx(x.to("xla"), w.to("xla"), b.to("xla"), g.to("xla"));
      expect(backwardInWasm).toBe(true);
      expect(bitsOf(y.cpu())).toEqual(r.eager);
      expect(new Set(r.eager).size).toBeGreaterThan(1000);
      process.env.XLATORCH_WASM = "off";
      expect(bitsOf(dx(x.to("xla"), w.to("xla"), b.to("xla"), g.to("xla")).cpu())).toEqual(r.eager);
    }
  });
});
