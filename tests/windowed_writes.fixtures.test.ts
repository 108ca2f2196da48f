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

describe("random chains of views written on xla give the cpu device's values (real storage)", () => {
  it("120 chains of narrow/select/transpose/stepped slice/unsqueeze/view over random shapes", () => {
    let seed = 777;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let boxed = 0;
    for (let trial = 0; trial < 120; trial++) {
      const shape = Array.from({ length: 1 + rnd(4) }, () => 1 + rnd(5));
      const ops: ((x: torch.Tensor) => torch.Tensor)[] = [];
      let probe = torch.zeros(shape, f64);
      for (let i = 0, nops = 1 + rnd(4); i < nops && probe.ndim > 0; i++) {
        const nd = probe.ndim,
          k = rnd(7),
          d = rnd(nd),
          n = probe.shape[d]!;
        let op: (x: torch.Tensor) => torch.Tensor;
        if (k === 0) {
          const s = rnd(n),
            len = 1 + rnd(n - s);
          op = (x) => x.narrow(d, s, len);
        } else if (k === 1) {
          const at = rnd(n);
          op = (x) => x.select(d, at);
        } else if (k === 2 && nd >= 2) {
          const e = rnd(nd);
          op = (x) => x.transpose(d, e);
        } else if (k === 3) {
          const subs = Array.from({ length: nd }, (_, j) => (j === d ? `${rnd(n)}::${1 + rnd(3)}` : ":"));
          op = (x) => x.getitem(...subs);
        } else if (k === 5 && probe.is_contiguous()) op = (x) => x.view(-1);
        else if (k === 6 && n % 2 === 0 && probe.is_contiguous()) {
          const sh = [...probe.shape];
          sh.splice(d, 1, 2, n / 2);
          op = (x) => x.view(sh);
        } else op = (x) => x.unsqueeze(d);
        probe = op(probe);
        ops.push(op);
      }
      const run = (dev: string) => {
        const base = torch
          .arange(
            shape.reduce((a, b) => a * b, 1),
            f64,
          )
          .reshape(shape)
          .to(dev);
        const v = ops.reduce((t, op) => op(t), base);
        v.copy_(
          torch
            .arange(1000, 1000 + v.numel(), f64)
            .reshape(v.shape)
            .to(dev),
        );
        return base;
      };
      const c = run("cpu"),
        x = run("xla");
      if (/update_window_dims/.test(torch.xla.get_stablehlo(x))) boxed++;
      expect(x.cpu().tolist(), `trial ${trial}`).toEqual(c.tolist());
    }
    // most chains are boxes (the rest: 1-D stepped slices, whose scatter has no window dims)
    expect(boxed).toBeGreaterThan(80);
  });
});

describe("the autograd history of a write through a view on xla is the same windowed scatter (ops/inplace.ts)", () => {
  const writes: Record<string, (y: torch.Tensor, w: torch.Tensor) => void> = {
    "y[:, 2] = 2 w": (y, w) => y.select(1, 2).copy_(w.mul(2)),
    "y[::2, 1::2] = 3 w[:2, None]": (y, w) => y.getitem("::2", "1::2").copy_(w.getitem(":2").reshape(2, 1).mul(3)),
    "y.view(-1)[5:9] = 2 w": (y, w) => y.view(-1).narrow(0, 5, 4).copy_(w.mul(2)),
    "y[1:3] += w[:2, None]": (y, w) => y.getitem("1:3").add_(w.getitem(":2").reshape(2, 1)),
  };
  for (const [name, write] of Object.entries(writes))
    it(name, () => {
      const x0 = torch.randn([4, 6], f64),
        w0 = torch.randn([4], f64);
      const run = (dev: string) => {
        const x = x0.to(dev).requires_grad_(),
          w = w0.to(dev).requires_grad_();
        const y = x.mul(1);
        write(y, w);
        y.mul(torch.arange(24, f64).reshape(4, 6).to(dev)).sum().backward();
        return [y, x.grad!, w.grad!] as const;
      };
      const [y, gx, gw] = run("xla");
      for (const t of [gx, gw]) {
        const text = torch.xla.get_stablehlo(t);
        // no point scatter/gather over the flattened base, no iota of its positions
        expect(text).not.toMatch(/tensor<24x1xi64>|tensor<24xi64>/);
        expect(text).not.toMatch(/inserted_window_dims = \[0\], scatter_dims_to_operand_dims = \[0\], index_vector_dim = 1>/);
        expect(text).not.toMatch(/collapsed_slice_dims = \[0\], start_index_map = \[0\], index_vector_dim = 1>/);
      }
      const [cy, cgx, cgw] = run("cpu");
      expect(y.cpu().tolist()).toEqual(cy.tolist());
      expect(gx.cpu().tolist()).toEqual(cgx.tolist());
      expect(gw.cpu().tolist()).toEqual(cgw.tolist());
    });
});
