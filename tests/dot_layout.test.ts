// dot_general with transposed operands and the layout of its gradients.
// - Products of transposed views equal, bit for bit, the same products of their
//   contiguous copies (the dense path every layout took before the kernels read
//   strided operands in place) without a system BLAS (WebAssembly GEMM and
//   JavaScript kernel), float32 and float64, cpu and xla; with the BLAS (trans
//   flags, operands in place) within float tolerance of them.
// - F.linear's weight gradient (the transpose of the transposed product) is
//   taken by AccumulateGrad as the product itself: no view, no copy, the same
//   bits as the product computed directly; the aliasing cases that must still
//   copy do (values as PyTorch 1.13 gives them; integer data, so exact).
import { afterAll, describe, expect, it } from "vitest";
import { internals } from "@xlatorch/core";
import { blasInfo, blasPolicy, KERNELS } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { withWasm } from "./harness/env.js";
import { rng } from "./harness/rng";

const haveBlas = (() => {
  try {
    return blasInfo().active;
  } catch {
    return false;
  }
})();

/** The values' bit patterns (int32 / int64 views), so that -0 and NaN payloads count. */
const bits = (t: torch.Tensor): string[] =>
  (
    t
      .cpu()
      .contiguous()
      .view(t.dtype === torch.float64 ? torch.int64 : torch.int32)
      .reshape(-1)
      .tolist() as (number | bigint)[]
  ).map(String);

/** A [rows, cols] operand, stored transposed (a view) when `trans`. */
function operand(r: () => number, rows: number, cols: number, trans: boolean, dtype: torch.DType, device: string): torch.Tensor {
  const data = Array.from({ length: rows * cols }, () => r() * 2 - 1);
  const t = trans ? torch.tensor(data, { dtype }).reshape(cols, rows).t() : torch.tensor(data, { dtype }).reshape(rows, cols);
  return device === "cpu" ? t : t.to(device);
}

interface Mode {
  name: string;
  blas: boolean;
  wasm: string;
}
const modes: Mode[] = [
  { name: "WebAssembly GEMM (no BLAS)", blas: false, wasm: "always" },
  { name: "JavaScript kernel (no BLAS, XLATORCH_WASM=off)", blas: false, wasm: "off" },
  ...(haveBlas ? [{ name: "system BLAS", blas: true, wasm: "always" }] : []),
];

afterAll(() => {
  blasPolicy.enabled = true;
});

describe.each(["cpu", "xla"])("products of transposed operands on %s", (device) => {
  for (const mode of modes)
    for (const dtype of [torch.float32, torch.float64])
      it(`${mode.name}, ${dtype}: equal to the contiguous copies' product`, () => {
        blasPolicy.enabled = mode.blas;
        try {
          withWasm(mode.wasm, () => {
            const r = rng(dtype === torch.float32 ? 11 : 12);
            // odd sizes (tails of the 4-row and 8-column panels), and one large enough for the threaded split
            const shapes: [number, number, number][] = [
              [1, 1, 1],
              [3, 5, 2],
              [7, 9, 13],
              [17, 33, 9],
              [4, 1, 8],
              [64, 70, 40],
            ];
            for (const [M, K, N] of shapes)
              for (const ta of [false, true])
                for (const tb of [false, true]) {
                  const a = operand(r, M, K, ta, dtype, device),
                    b = operand(r, K, N, tb, dtype, device);
                  const got = a.matmul(b),
                    ref = a.contiguous().matmul(b.contiguous());
                  const what = `[${M},${K}]${ta ? "^T" : ""} @ [${K},${N}]${tb ? "^T" : ""}`;
                  if (mode.blas) expect(got.sub(ref).abs().max().item(), what).toBeLessThanOrEqual(1e-5 * K);
                  else expect(bits(got), what).toEqual(bits(ref));
                }
            // batched, with a transposed batch member layout
            const w = operand(r, 6, 15, false, dtype, device).reshape(2, 3, 15).transpose(1, 2);
            const v = operand(r, 3, 4, true, dtype, device);
            const got = torch.matmul(w, v),
              ref = torch.matmul(w.contiguous(), v.contiguous());
            if (mode.blas) expect(got.sub(ref).abs().max().item()).toBeLessThanOrEqual(1e-4);
            else expect(bits(got)).toEqual(bits(ref));
          });
        } finally {
          blasPolicy.enabled = true;
        }
      });
});

describe.each(["cpu", "xla"])("F.linear's weight gradient on %s", (device) => {
  it.each([torch.float32, torch.float64])("is the product itself (%s): no view, the direct product's bits", (dtype) => {
    const r = rng(5);
    const x = operand(r, 8, 12, false, dtype, device);
    const w = operand(r, 6, 12, false, dtype, device).requires_grad_(true);
    const b = operand(r, 1, 6, false, dtype, device).reshape(6).requires_grad_(true);
    const y = torch.nn.functional.linear(x, w, b);
    const g = operand(r, 8, 6, false, dtype, device);
    // on cpu, count the copies the backward makes (it made one of the [6, 12] gradient before)
    const table = KERNELS as unknown as Record<string, (...a: unknown[]) => unknown>;
    const copy = table.copy!;
    let copies = 0;
    table.copy = (...a: unknown[]) => {
      copies++;
      return copy(...a);
    };
    try {
      y.backward(g);
    } finally {
      table.copy = copy;
    }
    expect(copies).toBe(0);
    expect(internals(w.grad!)._base).toBe(null);
    expect(w.grad!.is_contiguous()).toBe(true);
    expect(bits(w.grad!)).toEqual(bits(g.t().matmul(x)));
    // a second backward adds into it in place, as PyTorch's
    const before = w.grad!;
    torch.nn.functional.linear(x, w, b).backward(g);
    expect(w.grad).toBe(before);
    expect(bits(w.grad!)).toEqual(bits(g.t().matmul(x).mul(2)));
  });

  it("is the leaf's own tensor: a shape change in place is allowed (the xla device refuses it on shared tensors)", () => {
    const x = torch.ones(2, 3, { device });
    const w = torch.ones(4, 3, { device, requires_grad: true });
    torch.nn.functional.linear(x, w).sum().backward();
    w.grad!.t_();
    expect(w.grad!.shape).toEqual([3, 4]);
    expect(w.grad!.tolist()).toEqual(Array(3).fill([2, 2, 2, 2]));
  });

  it("with create_graph keeps the gradient's history", () => {
    const x = torch.ones(2, 3, { device, requires_grad: true });
    const w = torch.ones(4, 3, { device, requires_grad: true });
    torch.nn.functional.linear(x, w).sum().backward({ create_graph: true });
    expect(w.grad!.requires_grad).toBe(true);
    expect(w.grad!.tolist()).toEqual(Array(4).fill([2, 2, 2]));
  });
});

describe.each(["cpu", "xla"])("aliasing cases that still copy, on %s", (device) => {
  it("a retained intermediate gradient and the leaf's are separate tensors (PyTorch's retain_grad copies)", () => {
    const w = torch.ones(3, { device, requires_grad: true });
    const y = w.clone();
    y.retain_grad();
    y.mul(2).sum().backward();
    w.grad!.add_(1);
    expect(y.grad!.tolist()).toEqual([2, 2, 2]);
    expect(w.grad!.tolist()).toEqual([3, 3, 3]);
  });

  it("two leaves whose gradients are whole views of one cotangent get separate tensors", () => {
    const a = torch.ones(2, 3, { device, requires_grad: true });
    const b = torch.ones(2, 3, { device, requires_grad: true });
    a.t()
      .add(b.t())
      .mul(torch.tensor([[1], [2], [3]], { device, dtype: torch.float32 }))
      .sum()
      .backward();
    a.grad!.mul_(5);
    expect(a.grad!.tolist()).toEqual([
      [5, 10, 15],
      [5, 10, 15],
    ]);
    expect(b.grad!.tolist()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("the caller's gradient, given as a view, is not taken over", () => {
    const x = torch.ones(2, 3, { device, requires_grad: true });
    const G = torch.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { device, dtype: torch.float32 },
    );
    x.t().backward(G.t());
    G.zero_();
    expect(x.grad!.tolist()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});
