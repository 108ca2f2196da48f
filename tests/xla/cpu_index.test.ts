// cpu index tensors and cpu 0-dim tensors used with xla tensors, as PyTorch
// treats them with a CUDA tensor: advanced indexing (getitem, setitem,
// index_put) moves cpu indices to the indexed tensor's device; a 0-dim cpu
// tensor is a scalar operand of elementwise ops (and the value of setitem /
// index_put_ / masked_fill / fill_); every other mix of devices is PyTorch's
// "Expected all tensors to be on the same device" error. Each value is checked
// against the same computation on cpu. (torch.tensor(2.0) is int64 here: 2.0 is
// the integer 2 in JavaScript.)
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import type { Tensor } from "xlatorch";

const base = () => torch.arange(12, { dtype: torch.float32 }).reshape(3, 4);
/** The computation on cpu tensors and on the xla copy of `x` (indices, scalars stay on cpu). */
function both(f: (x: Tensor) => Tensor, x: Tensor = base()): [Tensor, Tensor] {
  return [f(x.clone()), f(x.to("xla"))];
}
function same(f: (x: Tensor) => Tensor, x?: Tensor): Tensor {
  const [c, d] = both(f, x);
  expect(d.device.type).toBe("xla");
  expect(d.dtype).toBe(c.dtype);
  expect(d.shape).toEqual(c.shape);
  expect(d.cpu().tolist()).toEqual(c.tolist());
  return d;
}
const SAME_DEVICE = /Expected all tensors to be on the same device, but found at least two devices/;

describe("cpu index tensors index xla tensors (PyTorch's advanced indexing moves them)", () => {
  it("getitem with cpu int64/int32 indices: negative, 2-D, several dims, after slices", () => {
    const i = torch.tensor([2, 0, -1]);
    same((x) => x.getitem(i));
    same((x) => x.getitem(torch.tensor([2, -3], { dtype: torch.int32 })));
    same((x) =>
      x.getitem(
        torch.tensor([
          [0, 1],
          [2, 2],
        ]),
      ),
    );
    same((x) => x.getitem(":", torch.tensor([3, 0])));
    same((x) => x.getitem(i, torch.tensor([1, 2, 3])));
    same((x) => x.getitem("1:", torch.tensor([0, -1]), null));
    same((x) => x.getitem(torch.tensor(1))); // 0-dim index tensor
  });

  it("getitem with cpu bool masks, full and over the leading dim", () => {
    const x = base();
    same((t) => t.getitem(x.gt(4.5)));
    same((t) => t.getitem(torch.tensor([true, false, true])));
    same((t) => t.getitem(":", torch.tensor([false, true, true, false])));
    same((t) => t.masked_fill(t.lt(3), -1).getitem(x.ne(7)));
  });

  it("indices are still checked at the call", () => {
    const x = base().to("xla");
    expect(() => x.getitem(torch.tensor([3]))).toThrow(/index 3 is out of bounds for dimension 0 with size 3/);
    expect(() => x.getitem(torch.tensor([true, false]))).toThrow(/The shape of the mask \[2\] at index 0 does not match/);
    expect(() => x.getitem(torch.tensor([0.5]))).toThrow(/tensors used as indices must be long, int, byte or bool/);
  });

  it("setitem with cpu indices and masks: scalars, 0-dim cpu values, xla values", () => {
    const i = torch.tensor([2, 0]);
    same((x) => {
      x.setitem(i, 5);
      return x;
    });
    same((x) => {
      x.setitem(i, torch.tensor(-3.5));
      return x;
    });
    same((x) => {
      x.setitem(":", torch.tensor([1, 3]), torch.tensor(7));
      return x;
    }); // int64 0-dim value into float32
    same((x) => {
      x.setitem(i, torch.arange(4, { dtype: torch.float32 }).to(x.device));
      return x;
    });
    same((x) => {
      x.setitem(base().gt(6), 0);
      return x;
    });
    same((x) => {
      x.setitem(base().remainder(3).eq(0), torch.tensor(9.0));
      return x;
    });
    // a one-element cpu value with a mask on self's device: PyTorch's masked_fill_ path
    same((x) => {
      x.setitem(x.gt(6), torch.tensor([4.0]));
      return x;
    });
  });

  it("basic-subscript setitem copies a cpu value of any shape (copy_), as PyTorch does", () => {
    same((x) => {
      x.setitem("1:", torch.ones(2, 4).mul(8));
      return x;
    });
    same((x) => {
      x.setitem(0, torch.tensor(2.5));
      return x;
    });
  });

  it("index_put / index_put_ with cpu indices, accumulate adding repeated indices", () => {
    const rows = torch.tensor([0, 2, 0]),
      cols = torch.tensor([1, 3, 1]);
    const v = torch.tensor([10.0, 20.0, 30.0]);
    same((x) => x.index_put([rows, cols], v.to(x.device)));
    same((x) => x.index_put([rows, cols], v.to(x.device), { accumulate: true }));
    same((x) => x.index_put_([rows, null], torch.tensor(1.0), true));
    same((x) => torch.index_put(x, [null, torch.tensor([true, false, false, true])], torch.tensor(-1.0)));
  });

  it("in-place indexed writes are differentiable with cpu indices", () => {
    const grads = ["cpu", "xla"].map((device) => {
      const w = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3).to(device).requires_grad_();
      const y = w.mul(2);
      y.setitem(torch.tensor([1]), torch.tensor(0.0));
      const z = y
        .getitem(torch.tensor([true, false]))
        .pow(2)
        .sum()
        .add(y.sum());
      z.backward();
      return (w.grad as Tensor).cpu().tolist();
    });
    expect(grads[1]).toEqual(grads[0]);
  });
});

describe("cpu 0-dim tensors are scalar operands of elementwise ops on xla", () => {
  it("arithmetic either way round, with PyTorch's promotion for 0-dim tensors", () => {
    same((x) => x.mul(torch.tensor(2.0)));
    same((x) => torch.tensor(2.0).mul(x));
    same((x) => torch.tensor(10.0).sub(x));
    same((x) => x.div(torch.tensor(4)));
    same((x) => x.add(torch.tensor(1.5, { dtype: torch.float64 }))); // float32 stays float32
    same((x) => x.long().add(torch.tensor(0.5, { dtype: torch.float64 }))); // int64 + 0-dim float64 -> float64
    same((x) => x.long().mul(torch.tensor(3, { dtype: torch.int32 }))); // int64 stays int64
    same((x) => x.pow(torch.tensor(2)));
    same((x) => x.remainder(torch.tensor(5.0)));
    same((x) => x.floor_divide(torch.tensor(3.0)));
    same((x) => x.sum().add(torch.tensor(1.0))); // 0-dim xla with 0-dim cpu: on xla
  });

  it("comparisons, logic, where, clamp, masked_fill, lerp", () => {
    same((x) => x.gt(torch.tensor(4.5)));
    same((x) => torch.eq(torch.tensor(3.0), x));
    same((x) => x.gt(5).logical_and(torch.tensor(true)));
    same((x) => torch.where(x.gt(5), torch.tensor(1.0), x));
    same((x) => torch.where(x.gt(5), torch.tensor(1.0), torch.tensor(-1.0)));
    same((x) => torch.where(torch.tensor(true), x, torch.tensor(0.0)));
    same((x) => x.clamp(torch.tensor(2.0), torch.tensor(8.0)));
    same((x) => x.masked_fill(x.lt(4), torch.tensor(-2.0)));
    same((x) => x.lerp(x.mul(2), torch.tensor(0.25)));
    same((x) => torch.maximum(x, torch.tensor(6.0)));
  });

  it("in-place ops, fill_ and copy_ take cpu 0-dim values", () => {
    same((x) => x.mul_(torch.tensor(3.0)));
    same((x) => x.add_(torch.tensor(1.0), { alpha: 2 }));
    same((x) => x.clamp_(torch.tensor(1.0), torch.tensor(9.0)));
    same((x) => x.fill_(torch.tensor(4.0)));
    same((x) => x.index_fill(1, torch.tensor([0, 2]).to(x.device), torch.tensor(-5.0)));
  });

  it("gradients reach a cpu scalar that requires grad, on cpu", () => {
    const grads = ["cpu", "xla"].map((device) => {
      const s = torch.tensor(2, { dtype: torch.float32, requires_grad: true });
      const x = base().to(device).requires_grad_();
      x.mul(s).add(s).pow(2).sum().backward();
      expect((s.grad as Tensor).device.type).toBe("cpu");
      return [(s.grad as Tensor).item(), (x.grad as Tensor).cpu().tolist()];
    });
    expect(grads[1]).toEqual(grads[0]);
  });
});

describe("where PyTorch keeps the device error, so does xlatorch", () => {
  const x = () => base().to("xla");
  it("non-0-dim cpu tensors with xla tensors", () => {
    expect(() => x().add(torch.ones(3, 4))).toThrow(SAME_DEVICE);
    expect(() => torch.ones(4).mul(x())).toThrow(SAME_DEVICE);
    expect(() => x().gt(torch.ones(1))).toThrow(SAME_DEVICE);
    expect(() => torch.where(x().gt(1), torch.ones(3, 4), x())).toThrow(SAME_DEVICE);
    expect(() => x().matmul(torch.ones(4, 2))).toThrow(SAME_DEVICE);
    expect(() => x().sum().add(torch.ones(2))).toThrow(SAME_DEVICE); // an xla 0-dim tensor does not move to cpu
  });

  it("index_select, gather, scatter, index_add/copy/fill, scatter_reduce, take_along_dim, masked_select/scatter with cpu index tensors", () => {
    const i = torch.tensor([0, 2]);
    const idx2 = torch.tensor([[0, 1, 2, 0]]);
    expect(() => x().index_select(0, i)).toThrow(/argument index in method index_select/);
    expect(() => x().gather(0, idx2)).toThrow(/argument index in method gather/);
    expect(() => x().scatter(0, idx2, 1.0)).toThrow(/argument index in method scatter/);
    expect(() => x().scatter_add(0, idx2.to("xla"), torch.ones(1, 4))).toThrow(/argument src in method scatter_add/);
    expect(() => x().index_add(0, i, torch.ones(2, 4).to("xla"))).toThrow(/argument index in method index_add/);
    expect(() => x().index_copy(0, i, torch.ones(2, 4).to("xla"))).toThrow(/argument index in method index_copy/);
    expect(() => x().index_fill(0, i, 1)).toThrow(/argument index in method index_fill/);
    expect(() => x().scatter_reduce(0, idx2, torch.ones(1, 4).to("xla"), "sum")).toThrow(/argument index in method scatter_reduce/);
    expect(() => torch.take_along_dim(x(), idx2, { dim: 0 })).toThrow(/argument indices in method take_along_dim/);
    expect(() => x().masked_select(base().gt(3))).toThrow(/argument mask in method masked_select/);
    expect(() => x().masked_fill(base().gt(3), 0)).toThrow(
      "expected self and mask to be on the same device, but got mask on cpu and self on xla",
    );
  });

  it("advanced setitem with a non-0-dim cpu value throws and leaves the tensor unchanged", () => {
    const t = x();
    expect(() => t.setitem(torch.tensor([0, 1]), torch.ones(2, 4))).toThrow(SAME_DEVICE);
    expect(t.cpu().tolist()).toEqual(base().tolist());
  });
});
