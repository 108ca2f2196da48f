// Issue 13's "gather/scatter as single ops, not point lookups": the backward of
// sort/msort/topk/kthvalue/median/nanmedian/mode is one windowed scatter along
// the dim with the other dims as batching dims (vjps.ts, vjps_select.ts), and
// an in-place write through a view on the xla device is one scatter of the
// view's box into its base (lazy/src/view_write.ts): window dims for the
// sliced dims, scatter dims only for stepped ones, no coordinate per element.
// Values and float64 gradients against PyTorch 1.13
// (tests/fixtures/gen_windowed_writes.py) on cpu and every xla mode, PyTorch's
// errors, and the StableHLO the xla device emits.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { loadCases, runGradCase, runOpCase, type GradCase, type OpCase } from "./harness/fixtures";
import { pinFused } from "./harness/modes";
import { onEveryTarget, runErrorCase, type ErrorCase } from "./harness/suites";

type AnyCase = OpCase | ErrorCase;
const all = loadCases<AnyCase>("windowed_writes.json");
const isErr = (c: AnyCase): c is ErrorCase => (c as { kind?: string }).kind === "error";
const grads = loadCases<GradCase>("windowed_writes_grads.json");

onEveryTarget("writes through views vs PyTorch on %s", (device) => {
  for (const c of all.filter((c): c is OpCase => !isErr(c))) it(c.name, async () => runOpCase(c, device));
});
onEveryTarget("value-selecting ops' float64 gradients vs PyTorch on %s", (device) => {
  for (const c of grads) it(c.name, async () => runGradCase(c, device));
});
onEveryTarget("value-selecting ops: bad calls throw as PyTorch does on %s", (device) => {
  for (const c of all.filter(isErr)) it(c.name, async () => runErrorCase(c, device));
});

pinFused();
const f64 = { dtype: torch.float64 };
const count = (text: string, op: string) => text.split(`"stablehlo.${op}"`).length - 1 + (text.split(`stablehlo.${op} `).length - 1);
const scatterDims = (text: string) => [...text.matchAll(/#stablehlo\.scatter<([^>]*)>/g)].map((m) => m[1]!);

describe("the StableHLO of the value-selecting ops' backward: one scatter along the dim, batching dims elsewhere", () => {
  const grads: Record<string, (x: torch.Tensor) => torch.Tensor> = {
    sort: (x) => torch.sort(x, 1)[0]!,
    msort: (x) => torch.msort(x),
    topk: (x) => torch.topk(x, 2, 1)[0]!,
    kthvalue: (x) => torch.kthvalue(x, 2, 1)[0]!,
    "median(dim)": (x) => torch.median(x, 1)[0]!,
    "nanmedian(dim)": (x) => torch.nanmedian(x, 1)[0]!,
    mode: (x) => torch.mode(x, 1)[0]!,
  };
  for (const [name, f] of Object.entries(grads))
    it(name, () => {
      const x = torch.randn([3, 5], f64).to("xla").requires_grad_();
      f(x)
        .mul(
          torch
            .arange(1, 1 + f(x.detach()).numel(), f64)
            .reshape(f(x.detach()).shape)
            .to("xla"),
        )
        .sum()
        .backward();
      const text = torch.xla.get_stablehlo(x.grad!);
      const dims = scatterDims(text);
      expect(dims.length, text).toBeGreaterThan(0);
      // no scatter of full coordinates (inserted_window_dims = [0, 1] with an index vector per element)
      for (const d of dims) {
        expect(d).toMatch(/input_batching_dims = \[\d\], scatter_indices_batching_dims = \[\d\]/);
        expect(d).not.toMatch(/inserted_window_dims = \[0, 1\]/);
      }
      // and the same gradient as on cpu
      const xc = x.detach().cpu().requires_grad_();
      f(xc)
        .mul(torch.arange(1, 1 + f(xc.detach()).numel(), f64).reshape(f(xc.detach()).shape))
        .sum()
        .backward();
      expect(x.grad!.cpu().tolist()).toEqual(xc.grad!.tolist());
    });
});

describe("the StableHLO of a write through a view on the xla device: one scatter of the view's box", () => {
  const base = () => torch.arange(24, f64).reshape(4, 6).to("xla");
  const v = (...shape: number[]) =>
    torch
      .arange(100, 100 + shape.reduce((a, b) => a * b, 1), f64)
      .reshape(shape)
      .to("xla");
  const windows: Record<string, [(x: torch.Tensor) => void, RegExp]> = {
    "x.select(0, 1).copy_(v)": [
      (x) => x.select(0, 1).copy_(v(6)),
      /update_window_dims = \[0, 1\], scatter_dims_to_operand_dims = \[0, 1\]$/,
    ],
    "x.narrow(1, 2, 3).copy_(v)": [
      (x) => x.narrow(1, 2, 3).copy_(v(4, 3)),
      /update_window_dims = \[0, 1\], scatter_dims_to_operand_dims = \[0, 1\]$/,
    ],
    "x.t()[1:3].copy_(v)": [
      (x) => x.t().narrow(0, 1, 2).copy_(v(2, 4)),
      /update_window_dims = \[0, 1\], scatter_dims_to_operand_dims = \[0, 1\]$/,
    ],
    "x[1:3, 2:5].fill_(7)": [
      (x) => x.getitem("1:3", "2:5").fill_(7),
      /update_window_dims = \[0, 1\], scatter_dims_to_operand_dims = \[0, 1\]$/,
    ],
    "x.view(-1)[3:13].copy_(v)": [
      (x) => x.view(-1).narrow(0, 3, 10).copy_(v(10)),
      /update_window_dims = \[0\], scatter_dims_to_operand_dims = \[0\]$/,
    ],
    "x[::2, 1::2].copy_(v)": [
      (x) => x.getitem("::2", "1::2").copy_(v(2, 3)),
      /inserted_window_dims = \[0, 1\], scatter_dims_to_operand_dims = \[0, 1\], index_vector_dim = 2$/,
    ],
    "x[1:][:, ::3][1].copy_(v)": [
      (x) => x.getitem("1:").getitem(":", "::3").getitem(1).copy_(v(2)),
      /update_window_dims = \[0\], inserted_window_dims = \[1\], scatter_dims_to_operand_dims = \[0, 1\], index_vector_dim = 1$/,
    ],
  };
  type V = (...shape: number[]) => torch.Tensor;
  const cpuWrites: Record<string, (x: torch.Tensor, v: V) => void> = {
    "x.select(0, 1).copy_(v)": (x, v) => x.select(0, 1).copy_(v(6)),
    "x.narrow(1, 2, 3).copy_(v)": (x, v) => x.narrow(1, 2, 3).copy_(v(4, 3)),
    "x.t()[1:3].copy_(v)": (x, v) => x.t().narrow(0, 1, 2).copy_(v(2, 4)),
    "x[1:3, 2:5].fill_(7)": (x) => x.getitem("1:3", "2:5").fill_(7),
    "x.view(-1)[3:13].copy_(v)": (x, v) => x.view(-1).narrow(0, 3, 10).copy_(v(10)),
    "x[::2, 1::2].copy_(v)": (x, v) => x.getitem("::2", "1::2").copy_(v(2, 3)),
    "x[1:][:, ::3][1].copy_(v)": (x, v) => x.getitem("1:").getitem(":", "::3").getitem(1).copy_(v(2)),
  };
  for (const [name, [write, dims]] of Object.entries(windows))
    it(name, () => {
      const x = base();
      write(x);
      const text = torch.xla.get_stablehlo(x);
      expect(count(text, "scatter"), text).toBe(1);
      expect(scatterDims(text)[0]).toMatch(dims);
      // a single window needs no coordinates; a stepped one an iota per stepped dim, no iota over the base
      const stepped = name.includes("::");
      expect(count(text, "iota")).toBe(stepped ? (name.startsWith("x[::2,") ? 2 : 1) : 0);
      expect(text).not.toMatch(/tensor<24xi64>/);
      // the same values as the cpu device's write into real storage
      const c = torch.arange(24, f64).reshape(4, 6);
      const vc = (...shape: number[]) => torch.arange(100, 100 + shape.reduce((a, b) => a * b, 1), f64).reshape(shape);
      cpuWrites[name]!(c, vc);
      expect(x.cpu().tolist()).toEqual(c.tolist());
    });

  it("a KV cache's cache[:, :, t] = kv is one scatter of a [B, H, 1, D] window at (0, 0, t, 0)", () => {
    const cache = torch.zeros([2, 3, 8, 4], f64).to("xla");
    cache.getitem(":", ":", 5).copy_(torch.ones([2, 3, 4], f64).to("xla"));
    const text = torch.xla.get_stablehlo(cache);
    expect(count(text, "scatter")).toBe(1);
    expect(scatterDims(text)[0]).toBe("update_window_dims = [0, 1, 2, 3], scatter_dims_to_operand_dims = [0, 1, 2, 3]");
    expect(text).toMatch(/tensor<2x3x1x4xf64>/);
    expect(count(text, "iota")).toBe(0);
    expect(cache.sum().item()).toBe(24);
    expect(cache.getitem(":", ":", 5).sum().item()).toBe(24);
  });

  it("a diagonal (not a box) still writes correctly, by the positions", () => {
    const x = torch.arange(16, f64).reshape(4, 4).to("xla");
    x.diagonal().copy_(v(4));
    expect(count(torch.xla.get_stablehlo(x), "scatter")).toBe(1);
    expect(x.cpu().diagonal().tolist()).toEqual([100, 101, 102, 103]);
    expect(x.cpu().getitem(0, 1).item()).toBe(1);
  });
});
