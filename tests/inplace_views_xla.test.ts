// In-place shape changes (t_, transpose_, squeeze_, unsqueeze_) of a base tensor
// that has views: on cpu the views keep reading the storage (PyTorch's
// semantics); on xla views are re-derived from the base object, so the base
// refuses instead of giving its views a silently wrong layout. A view may
// change its own shape in place on both (views derive from the root base).
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

describe("in-place shape changes of a tensor with views", () => {
  it("on cpu, earlier views keep reading the storage, as PyTorch", () => {
    const b = torch.zeros([3, 3]);
    const v = b.select(0, 0);
    b.t_();
    v.add_(1);
    // PyTorch 1.13: b is the transposed storage, so row 0 of the storage is column 0 of b
    expect(b.tolist()).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
  });
  it("on xla, a base with views refuses, naming the op; a view, or a base nobody shares, may", () => {
    const b = torch.zeros([3, 3]).to("xla");
    const v = b.select(0, 0);
    expect(() => b.t_()).toThrow(/t_\(\): on the xla device a tensor whose data other tensor objects share/);
    expect(() => b.unsqueeze_(0)).toThrow(/unsqueeze_\(\): on the xla device/);
    expect(b.shape).toEqual([3, 3]);
    v.unsqueeze_(0);
    v.add_(1);
    expect(v.shape).toEqual([1, 3]);
    expect(b.cpu().tolist()).toEqual([
      [1, 1, 1],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const c = torch
      .tensor([
        [1.5, 2.5],
        [3.5, 4.5],
      ])
      .to("xla")
      .mul(1);
    c.t_();
    expect(c.cpu().tolist()).toEqual([
      [1.5, 3.5],
      [2.5, 4.5],
    ]);
  });
});
