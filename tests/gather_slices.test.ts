// The windowed gather_slices / scatter_slices primitives (core's
// prims_gather.ts): the StableHLO they lower to (index_select and F.embedding
// are one stablehlo.gather reading whole rows, no coordinates built per
// element; the embedding's backward, index_add and x[idx] = rows one
// stablehlo.scatter;
// torch.gather one gather with batching dims), their semantics at the edges on
// cpu and xla (gather clamps its starts, scatter skips what falls outside),
// complex/half/bool elements, their VJPs by the adjoint identity, and the CPU
// runtime's kernel path against the reference evaluator on imported StableHLO.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { P, bind1, type GatherSlicesAttrs, type ScatterSlicesAttrs, type Tensor } from "@xlatorch/core";
import { pinFused } from "./harness/modes";

pinFused();
const F = torch.nn.functional;
const f64 = { dtype: torch.float64 };
const count = (text: string, op: string) => text.split(`"stablehlo.${op}"`).length - 1 + (text.split(`stablehlo.${op} `).length - 1);
const long = (v: unknown, dev = "cpu") => torch.tensor(v, { dtype: torch.int64 }).to(dev);

const G = (o: Partial<GatherSlicesAttrs>): GatherSlicesAttrs => ({
  offset_dims: [],
  collapsed_slice_dims: [],
  operand_batching_dims: [],
  start_indices_batching_dims: [],
  start_index_map: [],
  index_vector_dim: 0,
  slice_sizes: [],
  indices_are_sorted: false,
  ...o,
});
const S = (o: Partial<ScatterSlicesAttrs>): ScatterSlicesAttrs => ({
  update_window_dims: [],
  inserted_window_dims: [],
  input_batching_dims: [],
  scatter_indices_batching_dims: [],
  scatter_dims_to_operand_dims: [],
  index_vector_dim: 0,
  indices_are_sorted: false,
  unique_indices: false,
  reduce: "add",
  ...o,
});
const gather = (x: Tensor, i: Tensor, a: GatherSlicesAttrs) => bind1(P.gather_slices, [x, i], a);
const scatter = (x: Tensor, i: Tensor, u: Tensor, a: ScatterSlicesAttrs) => bind1(P.scatter_slices, [x, i, u], a);

describe("the StableHLO of the indexing ops: one gather or scatter of whole slices", () => {
  it("index_select(x, 0, idx) is one stablehlo.gather with slice_sizes [1, D], no coordinates per element", () => {
    const x = torch.randn(50, 16).to("xla");
    const y = x.index_select(0, long([3, 7, 7, 0], "xla"));
    const text = torch.xla.get_stablehlo(y);
    expect(count(text, "gather")).toBe(1);
    expect(text).toMatch(/slice_sizes = array<i64: 1, 16>/);
    expect(text).toMatch(/collapsed_slice_dims = \[0\], start_index_map = \[0\], index_vector_dim = 1/);
    for (const op of ["iota", "concatenate", "scatter", "broadcast_in_dim", "select"]) expect(count(text, op), op).toBe(0);
    expect(y.cpu().tolist()).toEqual(
      x
        .cpu()
        .index_select(0, long([3, 7, 7, 0]))
        .tolist(),
    );
  });

  it("F.embedding is one gather and its backward one stablehlo.scatter (an index_add of rows)", () => {
    const w0 = torch.randn([20, 8], f64);
    const idx = long([
      [1, 3, 3],
      [0, 19, 2],
    ]);
    const run = (dev: string) => {
      const w = w0.to(dev).detach().requires_grad_();
      const y = F.embedding(idx.to(dev), w);
      y.mul(torch.arange(48, f64).reshape(2, 3, 8).to(dev))
        .sum()
        .backward();
      return [y, w.grad!] as const;
    };
    const [y, g] = run("xla");
    const fwd = torch.xla.get_stablehlo(y);
    expect(count(fwd, "gather")).toBe(1);
    expect(fwd).toMatch(/slice_sizes = array<i64: 1, 8>/);
    const bwd = torch.xla.get_stablehlo(g);
    expect(count(bwd, "scatter")).toBe(1);
    expect(bwd).toMatch(
      /update_window_dims = \[1\], inserted_window_dims = \[0\], scatter_dims_to_operand_dims = \[0\], index_vector_dim = 1/,
    );
    for (const op of ["iota", "concatenate"]) expect(count(bwd, op), op).toBe(0);
    const [cy, cg] = run("cpu");
    expect(torch.allclose(y.cpu(), cy)).toBe(true);
    expect(torch.allclose(g.cpu(), cg)).toBe(true);
  });

  it("torch.gather is one gather with the other dims as batching dims; index_add one scatter, its source gradient one gather", () => {
    const x = torch.randn(3, 5).to("xla");
    const text = torch.xla.get_stablehlo(
      torch.gather(
        x,
        1,
        long(
          [
            [0, 1],
            [2, 2],
            [4, 0],
          ],
          "xla",
        ),
      ),
    );
    expect(count(text, "gather")).toBe(1);
    expect(text).toMatch(/operand_batching_dims = \[0\], start_indices_batching_dims = \[0\], start_index_map = \[1\]/);
    for (const op of ["iota", "concatenate"]) expect(count(text, op), op).toBe(0);

    const src = torch.randn([3, 4], f64).to("xla").requires_grad_();
    const y = torch
      .zeros([5, 4], f64)
      .to("xla")
      .index_add(0, long([4, 0, 4], "xla"), src);
    expect(count(torch.xla.get_stablehlo(y), "scatter")).toBe(1);
    y.mul(torch.arange(20, f64).reshape(5, 4).to("xla")).sum().backward();
    const gtext = torch.xla.get_stablehlo(src.grad!);
    expect(count(gtext, "gather")).toBe(1);
    expect(src.grad!.cpu().tolist()).toEqual(
      torch
        .arange(20, f64)
        .reshape(5, 4)
        .index_select(0, long([4, 0, 4]))
        .tolist(),
    );
  });

  it("scatter_add with an index spanning the input off dim is one scatter with batching dims", () => {
    const x = torch.zeros(3, 4).to("xla");
    const idx = long(
      [
        [0, 0, 3, 1],
        [2, 2, 2, 2],
        [1, 0, 1, 0],
      ],
      "xla",
    );
    const y = x.scatter_add(1, idx, torch.ones(3, 4).to("xla"));
    const text = torch.xla.get_stablehlo(y);
    expect(count(text, "scatter")).toBe(1);
    expect(text).toMatch(/inserted_window_dims = \[1\], input_batching_dims = \[0\], scatter_indices_batching_dims = \[0\]/);
    for (const op of ["iota", "concatenate"]) expect(count(text, op), op).toBe(0);
    expect(y.cpu().tolist()).toEqual([
      [2, 1, 0, 1],
      [0, 0, 4, 0],
      [2, 2, 0, 0],
    ]);
  });

  it("x[idx] = rows and index_put(accumulate) write whole rows: one scatter, no coordinates", () => {
    const x = torch.zeros(6, 3).to("xla");
    x.setitem(long([5, -6], "xla"), torch.ones(2, 3).to("xla"));
    const text = torch.xla.get_stablehlo(x);
    expect(count(text, "scatter")).toBe(1);
    expect(text).toMatch(/update_window_dims = \[1\], inserted_window_dims = \[0\]/);
    for (const op of ["iota", "concatenate", "gather"]) expect(count(text, op), op).toBe(0);
    expect(x.cpu().sum(1).tolist()).toEqual([3, 0, 0, 0, 0, 3]);
    const y = torch.index_put(torch.zeros(4, 2).to("xla"), [long([1, 1, 3], "xla")], torch.ones(3, 2).to("xla"), { accumulate: true });
    expect(count(torch.xla.get_stablehlo(y), "scatter")).toBe(1);
    expect(y.cpu().tolist()).toEqual([
      [0, 0],
      [2, 2],
      [0, 0],
      [1, 1],
    ]);
  });

  it("x[idx] with one integer tensor is one gather", () => {
    const x = torch.randn(6, 3).to("xla");
    const text = torch.xla.get_stablehlo(x.getitem(long([5, 1], "xla")));
    expect(count(text, "gather")).toBe(1);
    expect(text).toMatch(/slice_sizes = array<i64: 1, 3>/);
  });
});

for (const dev of ["cpu", "xla"] as const) {
  describe(`gather_slices / scatter_slices on ${dev}`, () => {
    const x = torch.arange(20, f64).reshape(4, 5);

    it("gather reads 2-D windows and clamps each start into [0, dim - size] (the spec)", () => {
      // index vectors along dim 0 of the indices ([2, n]): starts (row, col) of 2x3 windows
      const starts = long(
        [
          [0, 3, -5],
          [1, 9, 2],
        ],
        dev,
      );
      const y = gather(x.to(dev), starts, G({ offset_dims: [1, 2], start_index_map: [0, 1], index_vector_dim: 0, slice_sizes: [2, 3] }));
      expect([...y.shape]).toEqual([3, 2, 3]);
      expect(y.cpu().tolist()).toEqual([
        // (0, 1)
        [
          [1, 2, 3],
          [6, 7, 8],
        ],
        // (3, 9) -> (2, 2)
        [
          [12, 13, 14],
          [17, 18, 19],
        ],
        // (-5, 2) -> (0, 2)
        [
          [2, 3, 4],
          [7, 8, 9],
        ],
      ]);
    });

    it("scatter adds windows, repeated ones summing, and skips the elements that fall outside", () => {
      const starts = long(
        [
          [0, 0, 3, -1],
          [1, 1, 4, 0],
        ],
        dev,
      );
      const u = torch.ones([4, 2, 2], f64).to(dev);
      const y = scatter(
        torch.zeros([4, 5], f64).to(dev),
        starts,
        u,
        S({ update_window_dims: [1, 2], scatter_dims_to_operand_dims: [0, 1], index_vector_dim: 0 }),
      );
      expect(y.cpu().tolist()).toEqual([
        // (0, 1) twice; (-1, 0): only its row 0 lands
        [1, 3, 2, 0, 0],
        [0, 2, 2, 0, 0],
        [0, 0, 0, 0, 0],
        // (3, 4): only (3, 4) lands
        [0, 0, 0, 0, 1],
      ]);
      const set = scatter(
        x.to(dev),
        starts,
        u.mul(-1),
        S({ update_window_dims: [1, 2], scatter_dims_to_operand_dims: [0, 1], index_vector_dim: 0, reduce: "none" }),
      );
      expect(set.cpu().tolist()).toEqual([
        [-1, -1, -1, 3, 4],
        [5, -1, -1, 8, 9],
        [10, 11, 12, 13, 14],
        [15, 16, 17, 18, -1],
      ]);
    });

    it("batching dims: one element per index along dim 1 (torch.gather's form), int32 indices", () => {
      const idx = torch
        .tensor(
          [
            [4, 0, 4],
            [1, 1, 2],
            [0, 3, 3],
            [2, 2, 2],
          ],
          { dtype: torch.int32 },
        )
        .to(dev);
      const a = G({
        collapsed_slice_dims: [1],
        operand_batching_dims: [0],
        start_indices_batching_dims: [0],
        start_index_map: [1],
        index_vector_dim: 2,
        slice_sizes: [1, 1],
      });
      expect(gather(x.to(dev), idx, a).cpu().tolist()).toEqual(torch.gather(x, 1, idx.cpu().to(torch.int64)).tolist());
    });

    it("complex, float16 and bool elements", () => {
      const z = torch.complex(torch.arange(6, f64), torch.arange(6, f64).neg()).reshape(3, 2).to(dev);
      const rows = z.index_select(0, long([2, 2, 0], dev));
      expect(torch.view_as_real(rows).cpu().tolist()).toEqual(torch.view_as_real(z.cpu().index_select(0, long([2, 2, 0]))).tolist());
      const added = torch
        .zeros([3, 2], { dtype: torch.complex128 })
        .to(dev)
        .index_add(0, long([1, 1], dev), z.getitem("0:2"));
      expect(torch.view_as_real(added).cpu().tolist()).toEqual([
        [
          [0, 0],
          [0, 0],
        ],
        [
          [2, -2],
          [4, -4],
        ],
        [
          [0, 0],
          [0, 0],
        ],
      ]);
      const h = torch.tensor([0.5, 0.25, 1], { dtype: torch.float16 }).to(dev);
      expect(
        h
          .index_add(0, long([0, 0, 2], dev), torch.tensor([1, 2, 3], { dtype: torch.float16 }).to(dev))
          .cpu()
          .tolist(),
      ).toEqual([3.5, 0.25, 4]);
      // each update's sum is rounded to the type (PyTorch 1.13 and XLA): 2048 + 1 + 1 + 1 stays 2048 in float16,
      // and 2048 + 8 + 8 + 8 in bfloat16 (rounding the exact sum once would give 2052 and 2080)
      const idx3 = long([0, 0, 0], dev);
      for (const [dtype, step] of [
        [torch.float16, 1],
        [torch.bfloat16, 8],
      ] as const) {
        const big = torch.tensor([2048, 0], { dtype }).to(dev);
        const ones = torch.tensor([step, step, step], { dtype }).to(dev);
        expect(big.index_add(0, idx3, ones).cpu().tolist()).toEqual([2048, 0]);
        expect(big.scatter_add(0, idx3, ones).cpu().tolist()).toEqual([2048, 0]);
      }
      const b = torch.tensor([true, false, false]).to(dev);
      expect(
        b
          .index_add(0, long([1, 1], dev), torch.tensor([true, true]).to(dev))
          .cpu()
          .tolist(),
      ).toEqual([true, true, false]);
    });

    it("VJPs: <gather(x), g> = <x, grad> with windows and batching dims, and scatter's both ways", () => {
      torch.manual_seed(5);
      const x0 = torch.randn([2, 5, 3], f64);
      const idx = long(
        [
          [[4], [0], [4], [2]],
          [[1], [1], [3], [0]],
        ],
        dev,
      );
      const a = G({
        offset_dims: [2],
        collapsed_slice_dims: [1],
        operand_batching_dims: [0],
        start_indices_batching_dims: [0],
        start_index_map: [1],
        index_vector_dim: 2,
        slice_sizes: [1, 1, 3],
      });
      const xl = x0.clone().to(dev).requires_grad_();
      const y = gather(xl, idx, a);
      expect([...y.shape]).toEqual([2, 4, 3]);
      const g = torch.randn([2, 4, 3], f64);
      y.mul(g.to(dev)).sum().backward();
      const r = torch.randn([2, 5, 3], f64);
      const lhs = Number(gather(r.to(dev), idx, a).mul(g.to(dev)).sum().item());
      expect(Number(xl.grad!.cpu().mul(r).sum().item())).toBeCloseTo(lhs, 10);

      const sa = S({
        update_window_dims: [2],
        inserted_window_dims: [1],
        input_batching_dims: [0],
        scatter_indices_batching_dims: [0],
        scatter_dims_to_operand_dims: [1],
        index_vector_dim: 2,
      });
      for (const reduce of ["add", "none"] as const) {
        // unique indices per batch for the overwriting form, as PyTorch requires of index_copy
        const ui =
          reduce === "none"
            ? long(
                [
                  [[4], [0], [2], [1]],
                  [[1], [3], [0], [2]],
                ],
                dev,
              )
            : idx;
        const base = x0.clone().to(dev).requires_grad_(),
          upd = torch.randn([2, 4, 3], f64).to(dev).requires_grad_();
        const out = scatter(base, ui, upd, { ...sa, reduce });
        const w = torch.randn([2, 5, 3], f64);
        out.mul(w.to(dev)).sum().backward();
        // updates: d/du <scatter(x, u), w> = gather(w); x: w (add) or w with the written windows zeroed (none)
        expect(torch.allclose(upd.grad!.cpu(), gather(w.to(dev), ui, G({ ...a })).cpu())).toBe(true);
        const mask = scatter(torch.ones([2, 5, 3], f64).to(dev), ui, torch.zeros([2, 4, 3], f64).to(dev), { ...sa, reduce: "none" });
        expect(torch.allclose(base.grad!.cpu(), reduce === "add" ? w : w.mul(mask.cpu()))).toBe(true);
      }
    });

    it("empty indices and an empty table", () => {
      const e = x.to(dev).index_select(1, torch.zeros([0], { dtype: torch.int64 }).to(dev));
      expect([...e.shape]).toEqual([4, 0]);
      const t = torch.zeros([0, 3], f64).to(dev);
      expect([...t.index_select(0, torch.zeros([0], { dtype: torch.int64 }).to(dev)).shape]).toEqual([0, 3]);
      expect(t.index_add(0, torch.zeros([0], { dtype: torch.int64 }).to(dev), torch.zeros([0, 3], f64).to(dev)).shape).toEqual([0, 3]);
    });

    it("bad dimension numbers are refused naming the primitive", () => {
      expect(() =>
        gather(x.to(dev), long([0], dev), G({ offset_dims: [0], start_index_map: [0], index_vector_dim: 1, slice_sizes: [1, 5] })),
      ).toThrow(/gather_slices: offset_dims \[0\] must have 2 entries/);
      expect(() =>
        scatter(
          x.to(dev),
          long([0], dev),
          torch.ones([1, 6], f64).to(dev),
          S({ update_window_dims: [1], inserted_window_dims: [0], scatter_dims_to_operand_dims: [0], index_vector_dim: 1 }),
        ),
      ).toThrow(/scatter_slices: update window dim 1 \(size 6\) exceeds operand dim 1 \(5\)/);
    });
  });
}

// The CPU runtime runs imported stablehlo.gather / stablehlo.scatter on the
// windowed kernels; the reference evaluator computes the same op as
// stablehlo.dynamic_gather (gather) or through a body the kernel does not take
// (scatter: the same update through one more op), so each module below
// compares the two paths on indices that clamp, straddle and fall outside.
describe("CPU runtime: the windowed kernels agree with the reference evaluator", () => {
  const T = (shape: number[], e = "f64") => `tensor<${shape.join("x")}x${e}>`;
  interface Form {
    x: number[];
    i: number[];
    dims: string;
    sizes: number[];
    out: number[];
    sdims: string;
    upd: number[];
  }
  const forms: Form[] = [
    {
      x: [3, 4, 2],
      i: [2, 3, 2],
      dims: "offset_dims = [2, 3], collapsed_slice_dims = [0], start_index_map = [1, 0], index_vector_dim = 2",
      sizes: [1, 2, 2],
      out: [2, 3, 2, 2],
      sdims: "update_window_dims = [2, 3], inserted_window_dims = [0], scatter_dims_to_operand_dims = [1, 0], index_vector_dim = 2",
      upd: [2, 3, 2, 2],
    },
    {
      x: [2, 5, 3],
      i: [2, 4, 1],
      dims: "offset_dims = [2], collapsed_slice_dims = [1], operand_batching_dims = [0], start_indices_batching_dims = [0], start_index_map = [1], index_vector_dim = 2",
      sizes: [1, 1, 2],
      out: [2, 4, 2],
      sdims:
        "update_window_dims = [2], inserted_window_dims = [1], input_batching_dims = [0], scatter_indices_batching_dims = [0], scatter_dims_to_operand_dims = [1], index_vector_dim = 2",
      upd: [2, 4, 2],
    },
    {
      x: [4, 6],
      i: [2, 5],
      dims: "offset_dims = [1, 2], start_index_map = [0, 1], index_vector_dim = 0",
      sizes: [2, 3],
      out: [5, 2, 3],
      sdims: "update_window_dims = [1, 2], scatter_dims_to_operand_dims = [0, 1], index_vector_dim = 0",
      upd: [5, 2, 3],
    },
  ];
  for (const [k, f] of forms.entries())
    it(`form ${k}: ${f.dims}`, () => {
      const text = `func.func @main(%x: ${T(f.x)}, %i: ${T(f.i, "i64")}, %u: ${T(f.upd)}) -> (${T(f.out)}, ${T(f.out)}, ${T(f.x)}, ${T(f.x)}, ${T(f.x)}, ${T(f.x)}) {
  %sz = stablehlo.constant dense<[${f.sizes.join(", ")}]> : tensor<${f.sizes.length}xi64>
  %a = "stablehlo.gather"(%x, %i) {dimension_numbers = #stablehlo.gather<${f.dims}>, slice_sizes = array<i64: ${f.sizes.join(", ")}>, indices_are_sorted = false} : (${T(f.x)}, ${T(f.i, "i64")}) -> ${T(f.out)}
  %b = "stablehlo.dynamic_gather"(%x, %i, %sz) {dimension_numbers = #stablehlo.gather<${f.dims}>, indices_are_sorted = false} : (${T(f.x)}, ${T(f.i, "i64")}, tensor<${f.sizes.length}xi64>) -> ${T(f.out)}
  %c = "stablehlo.scatter"(%x, %i, %u) ({
  ^bb0(%p: tensor<f64>, %q: tensor<f64>):
    %s = stablehlo.add %p, %q : tensor<f64>
    stablehlo.return %s : tensor<f64>
  }) {scatter_dimension_numbers = #stablehlo.scatter<${f.sdims}>, indices_are_sorted = false, unique_indices = false} : (${T(f.x)}, ${T(f.i, "i64")}, ${T(f.upd)}) -> ${T(f.x)}
  %d = "stablehlo.scatter"(%x, %i, %u) ({
  ^bb0(%p: tensor<f64>, %q: tensor<f64>):
    %z = stablehlo.constant dense<0.0> : tensor<f64>
    %s = stablehlo.add %p, %q : tensor<f64>
    %t = stablehlo.add %s, %z : tensor<f64>
    stablehlo.return %t : tensor<f64>
  }) {scatter_dimension_numbers = #stablehlo.scatter<${f.sdims}>, indices_are_sorted = false, unique_indices = false} : (${T(f.x)}, ${T(f.i, "i64")}, ${T(f.upd)}) -> ${T(f.x)}
  %e = "stablehlo.scatter"(%x, %i, %u) ({
  ^bb0(%p: tensor<f64>, %q: tensor<f64>):
    stablehlo.return %q : tensor<f64>
  }) {scatter_dimension_numbers = #stablehlo.scatter<${f.sdims}>, indices_are_sorted = false, unique_indices = false} : (${T(f.x)}, ${T(f.i, "i64")}, ${T(f.upd)}) -> ${T(f.x)}
  %g = "stablehlo.scatter"(%x, %i, %u) ({
  ^bb0(%p: tensor<f64>, %q: tensor<f64>):
    %z = stablehlo.constant dense<0.0> : tensor<f64>
    %t = stablehlo.add %q, %z : tensor<f64>
    stablehlo.return %t : tensor<f64>
  }) {scatter_dimension_numbers = #stablehlo.scatter<${f.sdims}>, indices_are_sorted = false, unique_indices = false} : (${T(f.x)}, ${T(f.i, "i64")}, ${T(f.upd)}) -> ${T(f.x)}
  func.return %a, %b, %c, %d, %e, %g : ${T(f.out)}, ${T(f.out)}, ${T(f.x)}, ${T(f.x)}, ${T(f.x)}, ${T(f.x)}
}`;
      torch.manual_seed(k);
      const x = torch.randn(f.x, f64).add(0.25);
      // starts from -2 to 6: some clamp (gather) or straddle/fall outside (scatter)
      const i = torch.randint(-2, 7, f.i);
      const u = torch.randn(f.upd, f64).add(0.5);
      const [a, b, c, d, e, g] = torch.xla.run_stablehlo(text, x, i, u);
      expect(a!.tolist()).toEqual(b!.tolist());
      expect(torch.allclose(c!, d!, { rtol: 1e-15, atol: 0 })).toBe(true);
      expect(e!.tolist()).toEqual(g!.tolist());
      expect(c!.sub(x).abs().sum().item()).toBeGreaterThan(0);
    });
});
