// matmul of batched operands (ops/linalg.ts batchedProduct): one dot_general over
// every batch dim, operands read in place when their [batch, rows, cols] reshape
// would be a view or their columns are contiguous (the heads of attention), in
// place of PyTorch's expand, reshape (a copy for such heads) and bmm. The product
// and both gradients must be the bits of that composition, written out here as
// the reference, on cpu and xla, through the system BLAS (a NoTrans operand read
// with a wider leading dimension), the WebAssembly GEMM and the JavaScript
// kernel; and the heads' product must copy neither operand.
import { afterAll, describe, expect, it } from "vitest";
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

const bits = (t: torch.Tensor): string[] =>
  (
    t
      .cpu()
      .contiguous()
      .view(t.dtype === torch.float64 ? torch.int64 : torch.int32)
      .reshape(-1)
      .tolist() as (number | bigint)[]
  ).map(String);

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const randn = (r: () => number, shape: number[], dtype: torch.DType, device: string) =>
  torch
    .tensor(
      Array.from({ length: numel(shape) }, () => r() * 2 - 1),
      { dtype },
    )
    .reshape(shape)
    .to(device);

/** PyTorch's batched matmul as it was composed: expand, reshape to [batch, rows, cols] (copying when it must), bmm, view back. */
function reference(a: torch.Tensor, b: torch.Tensor): torch.Tensor {
  const batch = torch.broadcast_shapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const nb = numel(batch);
  const ae = a.expand([...batch, ...a.shape.slice(-2)]).reshape(nb, a.shape.at(-2)!, a.shape.at(-1)!);
  const be = b.expand([...batch, ...b.shape.slice(-2)]).reshape(nb, b.shape.at(-2)!, b.shape.at(-1)!);
  return torch.bmm(ae, be).view([...batch, a.shape.at(-2)!, b.shape.at(-1)!]);
}

/** Operand layouts: leaves (made requiring grad) and the operands viewed from them, so gradients flow back through the views. */
type Case = [
  string,
  (r: () => number, d: torch.DType, dev: string) => { leaves: torch.Tensor[]; ops: (l: torch.Tensor[]) => [torch.Tensor, torch.Tensor] },
];
/** attention's heads of a [B, T, 3 * nh * hs] projection: q, k, v as [B, nh, T, hs] views */
const heads = (x: torch.Tensor, nh: number, hs: number) => {
  const [B, T] = x.shape as [number, number];
  return x.split(nh * hs, 2).map((t) => t.view(B, T, nh, hs).transpose(1, 2));
};
const cases: Case[] = [
  [
    "attention weights @ v heads",
    (r, d, dev) => ({ leaves: [randn(r, [2, 3, 5, 5], d, dev), randn(r, [2, 5, 36], d, dev)], ops: ([a, x]) => [a!, heads(x!, 3, 4)[2]!] }),
  ],
  [
    "q heads @ k heads^T",
    (r, d, dev) => ({
      leaves: [randn(r, [2, 7, 18], d, dev)],
      ops: ([x]) => {
        const [q, k] = heads(x!, 2, 3);
        return [q!, k!.transpose(-2, -1)];
      },
    }),
  ],
  [
    "contiguous 3-D bmm",
    (r, d, dev) => ({ leaves: [randn(r, [4, 6, 5], d, dev), randn(r, [4, 5, 3], d, dev)], ops: ([a, b]) => [a!, b!] }),
  ],
  [
    "broadcast batch",
    (r, d, dev) => ({ leaves: [randn(r, [2, 1, 4, 6], d, dev), randn(r, [3, 6, 5], d, dev)], ops: ([a, b]) => [a!, b!] }),
  ],
  [
    "transposed batch member",
    (r, d, dev) => ({ leaves: [randn(r, [2, 9, 4], d, dev), randn(r, [2, 9, 8], d, dev)], ops: ([a, b]) => [a!.transpose(1, 2), b!] }),
  ],
  [
    "sliced rows (a wider row stride)",
    (r, d, dev) => ({ leaves: [randn(r, [3, 4, 11], d, dev), randn(r, [3, 6, 33], d, dev)], ops: ([a, b]) => [a!.narrow(2, 2, 6), b!] }),
  ],
  [
    "large q heads @ k heads^T (BLAS-sized batch members)",
    (r, d, dev) => ({
      leaves: [randn(r, [2, 32, 96], d, dev)],
      ops: ([x]) => {
        const [q, k] = heads(x!, 2, 16);
        return [q!, k!.transpose(-2, -1)];
      },
    }),
  ],
  [
    "large attention (BLAS-sized batch members)",
    (r, d, dev) => ({
      leaves: [randn(r, [2, 2, 32, 32], d, dev), randn(r, [2, 32, 96], d, dev)],
      ops: ([a, x]) => [a!, heads(x!, 2, 16)[1]!],
    }),
  ],
];

const modes = [
  { name: "WebAssembly GEMM (no BLAS)", blas: false, wasm: "always" },
  { name: "JavaScript kernel (no BLAS, XLATORCH_WASM=off)", blas: false, wasm: "off" },
  ...(haveBlas ? [{ name: "system BLAS", blas: true, wasm: "always" }] : []),
];

afterAll(() => {
  blasPolicy.enabled = true;
});

describe.each(["cpu", "xla"])("batched matmul on %s", (device) => {
  for (const mode of modes)
    for (const dtype of [torch.float32, torch.float64])
      it(`${mode.name}, ${dtype}: the product and its gradients are the composition's bits`, () => {
        blasPolicy.enabled = mode.blas;
        try {
          withWasm(mode.wasm, () => {
            const r = rng(dtype === torch.float32 ? 21 : 22);
            for (const [what, make] of cases) {
              const { leaves, ops } = make(r, dtype, device);
              const run = (f: (a: torch.Tensor, b: torch.Tensor) => torch.Tensor, ct: torch.Tensor | null) => {
                const ls = leaves.map((l) => l.detach().requires_grad_(true));
                const [a, b] = ops(ls);
                const y = f(a, b);
                const g = ct ?? randn(r, [...y.shape], dtype, device);
                y.backward(g);
                return { y, g, grads: ls.map((l) => l.grad!) };
              };
              const got = run(torch.matmul, null);
              const ref = run(reference, got.g);
              expect(bits(got.y), `${what}: product`).toEqual(bits(ref.y));
              got.grads.forEach((g, i) => expect(bits(g), `${what}: gradient of leaf ${i}`).toEqual(bits(ref.grads[i]!)));
            }
          });
        } finally {
          blasPolicy.enabled = true;
        }
      });
});

describe("batched matmul's operands on cpu", () => {
  it("attention weights @ v heads copies neither operand; q @ k^T copies k^T only", () => {
    const r = rng(7);
    const att = randn(r, [2, 3, 8, 8], torch.float32, "cpu").requires_grad_(true);
    const qkv = randn(r, [2, 8, 3 * 3 * 4], torch.float32, "cpu").requires_grad_(true);
    const v = qkv.split(12, 2)[2]!.view(2, 8, 3, 4).transpose(1, 2);
    const table = KERNELS as unknown as Record<string, (...a: unknown[]) => unknown>;
    const copy = table.copy!;
    let copies = 0;
    table.copy = (...a: unknown[]) => {
      copies++;
      return copy(...a);
    };
    let y: torch.Tensor;
    try {
      y = att.matmul(v);
      expect(copies).toBe(0);
    } finally {
      table.copy = copy;
    }
    expect(y.shape).toEqual([2, 3, 8, 4]);
    // q @ k^T: q read in place, k^T (columns not contiguous) copied once, as the reshape copied it
    const [q, k] = qkv
      .split(12, 2)
      .slice(0, 2)
      .map((t) => t.view(2, 8, 3, 4).transpose(1, 2));
    table.copy = (...a: unknown[]) => {
      copies++;
      return copy(...a);
    };
    try {
      q!.matmul(k!.transpose(-2, -1));
      expect(copies).toBe(1);
    } finally {
      table.copy = copy;
    }
    expect(y.grad_fn!.name).toBe("UnsafeViewBackward0");
    // the product's values against a row-by-row sum in float64
    const A = att.detach().tolist() as number[][][][],
      V = v.detach().tolist() as number[][][][],
      Y = y.detach().tolist() as number[][][][];
    for (let b = 0; b < 2; b++)
      for (let h = 0; h < 3; h++)
        for (let i = 0; i < 8; i++)
          for (let j = 0; j < 4; j++) {
            let s = 0;
            for (let k = 0; k < 8; k++) s += A[b]![h]![i]![k]! * V[b]![h]![k]![j]!;
            expect(Y[b]![h]![i]![j]!).toBeCloseTo(s, 5);
          }
  });
});
