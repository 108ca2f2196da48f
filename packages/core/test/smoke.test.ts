import { describe, it, expect } from "vitest";
import "@xlatorch/cpu";
import * as torch from "@xlatorch/core";

describe("smoke", () => {
  it("basics", () => {
    const a = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.float32 });
    const b = a.add(1).mul(2);
    console.log(String(b), String(a.sum(1)), String(a.t().contiguous()));
    console.log(String(torch.arange(6).reshape(2, 3).matmul(torch.ones(3, 2, { dtype: torch.int64 }))));
    const x = torch.tensor([1.5, -2.0, 3.0], { requires_grad: true });
    const y = x.mul(x).sum();
    y.backward();
    console.log(String(x.grad), String(y));
    const m = torch.randn ? 1 : 0; void m;
    const z = torch.arange(12).reshape(3, 4);
    console.log(String(z.getitem(":", "1:3")), String(z.getitem(torch.tensor([0, 2]))), String(z.getitem(z.gt(5))));
    console.log(String(torch.softmax(torch.tensor([1, 2, 3], {dtype: torch.float32}), 0)));
    const mx = torch.max(torch.tensor([[1, 5, 3], [7, 2, 0]]), 1);
    console.log(String(mx[0]), String(mx[1]));
    expect(b.tolist()).toEqual([[4, 6, 8], [10, 12, 14]]);
  });
});
