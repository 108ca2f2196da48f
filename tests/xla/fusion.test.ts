// Fused elementwise loops on the CPU runtime: many inputs (more than 32
// broadcast scalars) and deep chains (cut into several loops) give the eager result.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

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
