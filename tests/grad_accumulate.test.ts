// AccumulateGrad as PyTorch's (values from PyTorch 1.13, checked by hand: they
// are the defining behaviour, not a computation): a leaf's first gradient is
// its own tensor even when one cotangent reaches two leaves (add's backward),
// and a second backward adds into the same .grad tensor in place.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

describe.each(["cpu", "xla"])("gradient accumulation on %s", (device) => {
  it("two leaves fed one cotangent get separate .grad tensors", () => {
    const a = torch.ones(3, { device, requires_grad: true });
    const b = torch.ones(3, { device, requires_grad: true });
    a.add(b).sum().backward();
    a.grad!.mul_(5);
    expect(a.grad!.tolist()).toEqual([5, 5, 5]);
    expect(b.grad!.tolist()).toEqual([1, 1, 1]);
  });

  it("the caller's gradient is not taken over by the leaf", () => {
    const x = torch.ones(2, { device, requires_grad: true });
    const g = torch.tensor([3, 4], { device, dtype: torch.float32 });
    x.mul(2).backward(g);
    g.zero_();
    expect(x.grad!.tolist()).toEqual([6, 8]);
  });

  it("a second backward adds into the same .grad tensor (g = x.grad sees it)", () => {
    const x = torch.tensor([1, 2], { device, dtype: torch.float32, requires_grad: true });
    x.mul(x).sum().backward();
    const g = x.grad!;
    x.mul(3).sum().backward();
    expect(x.grad).toBe(g);
    expect(g.tolist()).toEqual([5, 7]);
  });

  it("with create_graph the sum is a new tensor with history", () => {
    const x = torch.tensor([1, 2], { device, dtype: torch.float32, requires_grad: true });
    x.mul(x).sum().backward({ create_graph: true });
    const g = x.grad!;
    x.mul(x).sum().backward({ create_graph: true });
    expect(x.grad).not.toBe(g);
    expect(x.grad!.tolist()).toEqual([4, 8]);
    expect(x.grad!.requires_grad).toBe(true);
  });
});
