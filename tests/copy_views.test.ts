// view(dtype), view_as_real/view_as_complex and real/imag of a complex tensor
// are views, as PyTorch's (tests/dtype_views.fixtures.test.ts checks them
// against PyTorch): a write through one lands in its input; clones of them are
// independent. (diagonal of a plane whose strides do not flatten is still a
// copy whose writes are refused: diagonal_views.fixtures.test.ts.)
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

describe.each(["cpu", "xla"])("dtype views write through to their input, on %s", (dev) => {
  const z = () => torch.complex(torch.tensor([1.5, -2.5]), torch.tensor([0.5, 3.5])).to(dev);
  it("in-place writes through them land in the input", () => {
    const x = torch.tensor([1.5, -2.5, 4]).to(dev);
    const y = x.view(torch.int32);
    y.bitwise_and_(0x7fffffff);
    expect(x.cpu().tolist()).toEqual([1.5, 2.5, 4]);
    y.select(0, 1).fill_(0);
    expect(x.cpu().tolist()).toEqual([1.5, 0, 4]);
    const c = z();
    torch.view_as_real(c).mul_(2);
    torch.real(c).zero_();
    c.imag.neg_();
    expect(torch.view_as_real(c).cpu().tolist()).toEqual([
      [0, -1],
      [0, -7],
    ]);
    const a = torch.ones([2, 2]).to(dev);
    torch.view_as_complex(a).mul_(2);
    expect(a.cpu().tolist()).toEqual([
      [2, 2],
      [2, 2],
    ]);
  });
  it("let clones be written", () => {
    const x = torch.tensor([1.5, 2.5]).to(dev);
    const y = x.view(torch.int32).clone();
    y.mul_(0);
    expect(y.cpu().tolist()).toEqual([0, 0]);
    const r = torch.real(z()).clone();
    r.mul_(2);
    expect(r.cpu().tolist()).toEqual([3, -5]);
  });
});

describe("torch.constant_pad_nd with only crops returns a new tensor, not a view (PyTorch 1.13)", () => {
  it.each(["cpu", "xla"])("on %s", (dev) => {
    const x = torch.ones([3, 2]).to(dev);
    const y = torch.constant_pad_nd(x, [0, 0, -1, 0]);
    y.add_(1);
    expect(x.cpu().tolist()).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(y.cpu().tolist()).toEqual([
      [2, 2],
      [2, 2],
    ]);
  });
});

describe("F.pad's constant mode is torch.constant_pad_nd (PyTorch 1.13's native at::pad)", () => {
  const F = torch.nn.functional;
  it.each(["cpu", "xla"])("zero pads return a new tensor, not the input, on %s", (dev) => {
    const x = torch.ones([2, 2]).to(dev);
    const y = F.pad(x, [0, 0]);
    y.add_(1);
    expect(x.cpu().tolist()).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });
  it("lowers to one stablehlo.pad, no concatenate", () => {
    const x = torch.ones([2, 3]).to("xla");
    const text = torch.xla.get_stablehlo(F.pad(x, [1, 2, -1, 1], { value: 0.5 }));
    expect(text.match(/stablehlo\.pad/g)?.length).toBe(1);
    expect(text).not.toContain("stablehlo.concatenate");
  });
  it("a crop past the size fails in narrow, as PyTorch's (values of PyTorch 1.13)", () => {
    const x = torch.ones([2, 3]);
    expect(() => F.pad(x, [-2, -2])).toThrow("start (0) + length (-1) exceeds dimension size (1).");
    expect(() => F.pad(x, [1, -5])).toThrow("start (0) + length (-2) exceeds dimension size (3).");
    expect(F.pad(x, [-3, 1]).shape).toEqual([2, 1]);
  });
});
