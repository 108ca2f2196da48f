// The WebAssembly SIMD GEMM (packages/cpu/src/wasm/gemm.ts) that float32
// dot_general runs on when no system BLAS takes the call: directly against a
// float64 reference on random shapes (edge sizes that are not multiples of the
// 4x8 tile, K=0, empty dims, batches), and through torch on cpu and xla against
// the JavaScript kernel (XLATORCH_WASM=off) with transposed, batched and
// broadcast operands.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blasPolicy, gemmF32, wasmGemmEnabled, wasmGemmStats } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { rng } from "./harness/rng";

/** C = A @ B per batch, in float64 from the float32 inputs; also sum |a||b| for the error bound. */
function reference(A: Float32Array, B: Float32Array, batch: number, M: number, K: number, N: number) {
  const c = new Float64Array(batch * M * N),
    mag = new Float64Array(batch * M * N);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < M; i++)
      for (let k = 0; k < K; k++) {
        const a = A[(t * M + i) * K + k]!;
        for (let j = 0; j < N; j++) {
          const b = B[(t * K + k) * N + j]!;
          c[(t * M + i) * N + j] += a * b;
          mag[(t * M + i) * N + j] += Math.abs(a * b);
        }
      }
  return { c, mag };
}

const EDGE = [1, 3, 5, 7, 8, 17, 33];

describe("WebAssembly SIMD gemm", () => {
  it("is available in Node 20 and on unless XLATORCH_WASM=off", () => {
    expect(wasmGemmEnabled()).toBe(true);
    const saved = process.env.XLATORCH_WASM;
    process.env.XLATORCH_WASM = "off";
    try {
      expect(wasmGemmEnabled()).toBe(false);
      expect(gemmF32(new Float32Array(1), new Float32Array(1), new Float32Array(1), 1, 1, 1, 1)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.XLATORCH_WASM;
      else process.env.XLATORCH_WASM = saved;
    }
  });

  it("matches a float64 reference on edge sizes, random shapes, K=0 and batches", () => {
    const r = rng(11);
    const cases: [number, number, number, number][] = [];
    for (const M of EDGE) for (const N of EDGE) cases.push([1, M, 1 + Math.floor(r() * 40), N]);
    for (const K of [0, 1, 3, 255, 256, 257, 600]) cases.push([1, 5, K, 9]);
    cases.push([3, 7, 33, 17], [4, 1, 5, 1], [2, 0, 3, 4], [2, 4, 3, 0], [0, 4, 4, 4], [1, 130, 70, 90], [2, 70, 300, 20]); // the last two cross the row (64) and k (256) blocks
    for (let t = 0; t < 20; t++)
      cases.push([1 + Math.floor(r() * 3), 1 + Math.floor(r() * 70), Math.floor(r() * 90), 1 + Math.floor(r() * 70)]);
    for (const [batch, M, K, N] of cases) {
      const A = Float32Array.from({ length: batch * M * K }, () => r() * 2 - 1);
      const B = Float32Array.from({ length: batch * K * N }, () => r() * 2 - 1);
      const out = new Float32Array(batch * M * N).fill(Number.NaN);
      expect(gemmF32(A, B, out, batch, M, K, N)).toBe(true);
      const { c, mag } = reference(A, B, batch, M, K, N);
      for (let i = 0; i < out.length; i++) {
        // float32 summation of K products: error within ~K ulps of sum |a*b|
        const tol = 2 * (K + 2) * 2 ** -24 * mag[i]! + 1e-30;
        if (!(Math.abs(out[i]! - c[i]!) <= tol)) expect.fail(`[${batch},${M},${K},${N}] element ${i}: wasm ${out[i]} vs ${c[i]}`);
      }
    }
  });

  it("propagates NaN and infinity as a product does", () => {
    const A = Float32Array.from([1, Number.NaN, 2, 3, Number.POSITIVE_INFINITY, 1]);
    const B = Float32Array.from([1, 1, 1]);
    const out = new Float32Array(2);
    gemmF32(A, B, out, 1, 2, 3, 1);
    expect(Number.isNaN(out[0])).toBe(true);
    expect(out[1]).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("float32 dot_general through torch without a BLAS: wasm kernel vs the JavaScript kernel", () => {
  beforeAll(() => {
    blasPolicy.enabled = false;
  });
  afterAll(() => {
    blasPolicy.enabled = true;
  });
  const exprs = (a: any, b: any, w: any, v: any) => [
    a.matmul(b.t()),
    torch.nn.functional.linear(a, b),
    a.t().matmul(a),
    torch.bmm(w.transpose(1, 2), w),
    torch.matmul(w, v), // batch broadcast over v
    torch.matmul(a.select(0, 0), b.t()), // vector @ matrix
    torch.matmul(a, a.new_zeros(a.shape[1], 0)),
    torch.matmul(a.new_zeros(3, 0), a.new_zeros(0, 5)),
  ];
  it.each(["cpu", "xla"])("matmul, linear, bmm, broadcast batch and empty dims on %s", (device) => {
    torch.manual_seed(0);
    const a = torch.randn(37, 19),
      b = torch.randn(13, 19),
      w = torch.randn(3, 19, 9),
      v = torch.randn(9, 5);
    const on = (t: any) => (device === "cpu" ? t : t.to("xla"));
    const calls0 = wasmGemmStats.calls;
    const wasm = exprs(on(a), on(b), on(w), on(v)).map((t: any) => t.cpu());
    expect(wasmGemmStats.calls).toBeGreaterThanOrEqual(calls0 + 6);
    const saved = process.env.XLATORCH_WASM;
    process.env.XLATORCH_WASM = "off";
    let js: any[];
    try {
      const calls1 = wasmGemmStats.calls;
      js = exprs(on(a), on(b), on(w), on(v)).map((t: any) => t.cpu());
      expect(wasmGemmStats.calls).toBe(calls1);
    } finally {
      if (saved === undefined) delete process.env.XLATORCH_WASM;
      else process.env.XLATORCH_WASM = saved;
    }
    const ref = exprs(a.double(), b.double(), w.double(), v.double());
    for (let i = 0; i < ref.length; i++) {
      expect(wasm[i].dtype).toBe(torch.float32);
      expect(wasm[i].shape).toEqual(ref[i].shape);
      expect(wasm[i].shape).toEqual(js[i]!.shape);
      if (ref[i].numel() === 0) continue;
      expect(wasm[i].double().sub(ref[i]).abs().max().item()).toBeLessThan(1e-4);
      expect(wasm[i].sub(js[i]).abs().max().item()).toBeLessThan(1e-4);
    }
  });

  it("float32 gradients through the wasm kernel", () => {
    torch.manual_seed(1);
    const a = torch.randn(6, 5, { requires_grad: true }),
      b = torch.randn(5, 7, { requires_grad: true });
    a.matmul(b).sin().sum().backward();
    const a64 = a.detach().double().requires_grad_(),
      b64 = b.detach().double().requires_grad_();
    a64.matmul(b64).sin().sum().backward();
    expect(a.grad!.double().sub(a64.grad!).abs().max().item()).toBeLessThan(1e-4);
    expect(b.grad!.double().sub(b64.grad!).abs().max().item()).toBeLessThan(1e-4);
  });
});
