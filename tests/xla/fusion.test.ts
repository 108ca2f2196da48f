// Fused elementwise loops on the CPU runtime: many inputs (more than 32
// broadcast scalars) and deep chains (cut into several loops) give the eager result.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { pinFused } from "../harness/modes";

// compile counts and pending graphs are the fused mode's (the suite may run under XLATORCH_EXECUTION_MODE)
pinFused();

function chain(x: torch.Tensor, n: number): torch.Tensor {
  let y = x;
  for (let i = 0; i < n; i++) y = y.mul(0.999 - i * 1e-4).add(0.001 * i);
  return y;
}

describe("CPU runtime fusion", () => {
  const x = torch.linspace(-1, 1, 8);
  it.each([15, 16, 40])("a chain of %i mul/add pairs with scalar parameters matches eager", (n) => {
    const lazy = chain(x.to("xla"), n).cpu().tolist() as number[];
    const eager = chain(x, n).tolist() as number[];
    expect(lazy).toEqual(eager);
  });
  it("a chain of 1000 mul/add pairs compiles (split into loops) and matches eager", () => {
    const lazy = chain(x.to("xla"), 1000).cpu().tolist() as number[];
    expect(lazy).toEqual(chain(x, 1000).tolist());
  });
});

describe("CPU runtime buffer reuse", () => {
  it("pooled intermediate memory never overwrites results the caller still holds", () => {
    const f = (x: torch.Tensor) => {
      const e = x.mul(2).exp(); // an output, and an input of the next loop
      const s = e.add(1).mul(x).sum(0); // the fused intermediate is released to the pool
      return [e, s.mul(3).sub(1)] as const; // a second loop that can take pooled memory
    };
    const inputs = [0, 1, 2, 3].map((k) => torch.linspace(-1, 1, 64).add(k).reshape(8, 8));
    const lazy = inputs.map((x) => {
      const [e, s] = f(x.to("xla"));
      torch.xla.sync(e, s);
      return [e, s];
    });
    const eager = inputs.map((x) => f(x));
    // equal to float32 rounding (exact on the CPU runtime; GPU math libraries differ in the last bits)
    lazy.forEach(([e, s], k) => {
      expect(torch.allclose(e!.cpu(), eager[k]![0], { rtol: 1e-6 })).toBe(true);
      expect(torch.allclose(s!.cpu(), eager[k]![1], { rtol: 1e-6 })).toBe(true);
    });
  });
});
