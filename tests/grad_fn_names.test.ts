// grad_fn names as PyTorch 1.13 reports them (the expected names were printed by
// real PyTorch for the same expressions: type(t.grad_fn).__name__).
import { expect, it } from "vitest";
import * as torch from "xlatorch";
it("names", () => {
  const x = torch.randn(3, 4, { requires_grad: true }), v = torch.randn(4, { requires_grad: true });
  const n = (t: torch.Tensor) => t.grad_fn!.name;
  const got = {
    t: n(x.t()), view: n(x.view(12)), reshape: n(x.reshape(12)), reshape_nc: n(x.t().reshape(12)), flatten: n(x.flatten()),
    unsqueeze: n(x.unsqueeze(0)), squeeze: n(x.unsqueeze(0).squeeze()), squeeze_dim: n(x.unsqueeze(0).squeeze(0)), permute: n(x.permute(1, 0)),
    expand: n(v.expand(3, 4)), mm: n(x.matmul(x.t())), mv: n(x.matmul(v)), dot: n(v.matmul(v)), sum: n(x.sum()), sum_dim: n(x.sum(1)),
    mean_dim: n(x.mean(1)), max: n(x.max()), max_dim: n(x.max(1)[0]), square: n(x.square()), select: n(x.getitem(0)), slice: n(x.getitem("1:")),
    index: n(x.getitem(torch.tensor([0, 1]))), contiguous: n(x.t().contiguous()), clamp: n(x.clamp(0, 1)), to_double: n(x.double()),
    split: n(x.split(2)[0]!), unbind: n(x.unbind()[0]!), outer: n(torch.outer(v, v)), none: n(x.getitem(null)), norm: n(x.norm()),
  };
  expect(got).toEqual({ t: "TBackward0", view: "ViewBackward0", reshape: "ReshapeAliasBackward0", reshape_nc: "UnsafeViewBackward0", flatten: "ReshapeAliasBackward0",
    unsqueeze: "UnsqueezeBackward0", squeeze: "SqueezeBackward0", squeeze_dim: "SqueezeBackward1", permute: "PermuteBackward0", expand: "ExpandBackward0",
    mm: "MmBackward0", mv: "MvBackward0", dot: "DotBackward0", sum: "SumBackward0", sum_dim: "SumBackward1", mean_dim: "MeanBackward1", max: "MaxBackward1",
    max_dim: "MaxBackward0", square: "PowBackward0", select: "SelectBackward0", slice: "SliceBackward0", index: "IndexBackward0", contiguous: "CloneBackward0",
    clamp: "ClampBackward1", to_double: "ToCopyBackward0", split: "SplitBackward0", unbind: "UnbindBackward0", outer: "MulBackward0", none: "UnsqueezeBackward0", norm: "NormBackward1" });
});
