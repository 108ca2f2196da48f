// Elementwise primitives with scalarOperands take a 0-d operand as its value at
// every position (docs/ARCHITECTURE.md, "Primitives"). Checked directly through
// bind on cpu and xla: values equal to the broadcast form, a 0-d operand's
// gradient is the sum over the positions it stood for, and a Python scalar in
// an op records no broadcast node on the xla device.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { bind1, P, _expandTo, type Tensor } from "@xlatorch/core";
import { xla } from "@xlatorch/lazy";

const values = (t: Tensor) => t.cpu().tolist();

for (const dev of ["cpu", "xla"] as const) {
  describe(`scalar operands on ${dev}`, () => {
    const x = torch
      .tensor(
        [
          [1.5, -2, 0.25],
          [3, -0.5, 4],
        ],
        { dtype: torch.float64 },
      )
      .to(dev);

    it("binary, compare and select read a 0-d operand at every position, on either side", () => {
      const s = torch.tensor(2.5, { dtype: torch.float64 }).to(dev);
      const wide = _expandTo(s, x.shape);
      for (const prim of ["add", "subtract", "multiply", "divide", "maximum", "power"] as const) {
        expect(values(bind1(P[prim], [x, s]))).toEqual(values(bind1(P[prim], [x, wide])));
        expect(values(bind1(P[prim], [s, x]))).toEqual(values(bind1(P[prim], [wide, x])));
      }
      const lt = bind1(P.compare, [x, s], { direction: "LT" });
      expect(lt.shape).toEqual([2, 3]);
      expect(values(lt)).toEqual([
        [true, true, true],
        [false, true, false],
      ]);
      const picked = bind1(P.select, [lt, s, x]);
      expect(values(picked)).toEqual([
        [2.5, 2.5, 2.5],
        [3, 2.5, 4],
      ]);
    });

    it("a 0-d operand that requires grad receives the sum of its positions' gradients", () => {
      const s = torch.tensor(2.0, { dtype: torch.float64 }).to(dev).requires_grad_();
      const w = x.clone().requires_grad_();
      bind1(P.multiply, [w, s]).sum().backward();
      expect(s.grad!.shape).toEqual([]);
      expect(s.grad!.item()).toBeCloseTo(1.5 - 2 + 0.25 + 3 - 0.5 + 4, 12);
      expect(values(w.grad!)).toEqual([
        [2, 2, 2],
        [2, 2, 2],
      ]);
      const s2 = torch.tensor(1.0, { dtype: torch.float64 }).to(dev).requires_grad_();
      bind1(P.select, [bind1(P.compare, [x, s2.detach()], { direction: "GT" }), s2, x])
        .sum()
        .backward();
      expect(s2.grad!.item()).toBe(3); // 1.5, 3 and 4 are above 1: those positions took s2
    });
  });
}

describe("Python scalars on the xla device", () => {
  it("record no broadcast node", () => {
    const x = torch.ones(4, 4).to("xla");
    torch.xla.sync();
    const before = xla.metrics().opsRecorded;
    const y = x.mul(2).add(1).relu().gt(0.5);
    // mul, add, relu's compare and select, gt: five primitives, no broadcast_in_dim
    expect(xla.metrics().opsRecorded - before).toBe(5);
    expect(values(y)).toEqual([
      [true, true, true, true],
      [true, true, true, true],
      [true, true, true, true],
      [true, true, true, true],
    ]);
  });
});
