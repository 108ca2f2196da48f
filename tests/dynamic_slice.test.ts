// The dynamic_slice / dynamic_update_slice primitives (core's prims_dynamic.ts):
// values with StableHLO's clamped starts on cpu and xla, their VJPs, the
// emitted StableHLO (one stablehlo.dynamic_slice for narrow with a tensor
// start, a dynamic_update_slice in its backward), and a KV-cache decoding loop
// on xla that writes and reads at a moving position: its step compiles once
// for all positions and computes what the cpu device computes.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { P, bind1, type Tensor } from "@xlatorch/core";
import { pinFused } from "./harness/modes";

const i64 = (v: number, dev: string) => torch.tensor(v, { dtype: torch.int64 }).to(dev);
const ds = (x: Tensor, starts: Tensor[], sizes: number[]) => bind1(P.dynamic_slice, [x, ...starts], { sizes });
const dus = (x: Tensor, u: Tensor, starts: Tensor[]) => bind1(P.dynamic_update_slice, [x, u, ...starts]);

for (const dev of ["cpu", "xla"] as const) {
  describe(`dynamic_slice / dynamic_update_slice on ${dev}`, () => {
    const x = torch.arange(20, { dtype: torch.float64 }).reshape([4, 5]);

    it("slice at in-range starts, and at starts clamped into [0, dim - size]", () => {
      const xd = x.to(dev);
      expect(
        ds(xd, [i64(1, dev), i64(2, dev)], [2, 3])
          .cpu()
          .tolist(),
      ).toEqual([
        [7, 8, 9],
        [12, 13, 14],
      ]);
      // 9 -> 5 - 3 = 2 and -4 -> 0 (the spec's clamp: never a read outside the operand)
      expect(
        ds(xd, [i64(-4, dev), i64(9, dev)], [1, 3])
          .cpu()
          .tolist(),
      ).toEqual([[2, 3, 4]]);
      // int32 starts, a full-size slice (every start clamps to 0)
      const s32 = torch.tensor(3, { dtype: torch.int32 }).to(dev);
      expect(ds(xd, [s32, s32], [4, 5]).cpu().tolist()).toEqual(x.tolist());
      // zero-size slice
      expect([...ds(xd, [i64(2, dev), i64(1, dev)], [0, 2]).shape]).toEqual([0, 2]);
    });

    it("update at in-range and clamped starts; the operand is not modified", () => {
      const xd = x.to(dev);
      const u = torch.tensor([[-1, -2]], { dtype: torch.float64 }).to(dev);
      // column 7 clamps to 5 - 2 = 3
      const y = dus(xd, u, [i64(3, dev), i64(7, dev)]);
      const want = x.tolist() as number[][];
      want[3] = [15, 16, 17, -1, -2];
      expect(y.cpu().tolist()).toEqual(want);
      expect(xd.cpu().tolist()).toEqual(x.tolist());
      const y2 = dus(xd, u, [i64(-2, dev), i64(1, dev)]);
      expect((y2.cpu().tolist() as number[][])[0]).toEqual([0, -1, -2, 3, 4]);
    });

    it("other dtypes: int64, bool, float16 and (cpu) complex", () => {
      const xi = torch.arange(6).reshape([2, 3]).to(dev);
      expect(
        ds(xi, [i64(1, dev), i64(1, dev)], [1, 2])
          .cpu()
          .tolist(),
      ).toEqual([[4, 5]]);
      const xb = torch.tensor([true, false, true, false]).to(dev);
      expect(
        dus(xb, torch.tensor([true, true]).to(dev), [i64(1, dev)])
          .cpu()
          .tolist(),
      ).toEqual([true, true, true, false]);
      const xh = torch.tensor([0.5, 1.5, 2.5], { dtype: torch.float16 }).to(dev);
      expect(
        ds(xh, [i64(2, dev)], [2])
          .cpu()
          .tolist(),
      ).toEqual([1.5, 2.5]);
      if (dev === "cpu") {
        const z = torch.complex(torch.tensor([1, 2, 3], { dtype: torch.float32 }), torch.tensor([-1, -2, -3], { dtype: torch.float32 }));
        const w = ds(z, [i64(1, dev)], [2]);
        expect(torch.real(w).tolist()).toEqual([2, 3]);
        expect(torch.imag(w).tolist()).toEqual([-2, -3]);
        const v = dus(z, torch.complex(torch.tensor([9], { dtype: torch.float32 }), torch.tensor([8], { dtype: torch.float32 })), [
          i64(5, dev),
        ]);
        expect(torch.imag(v).tolist()).toEqual([-1, -2, 8]);
      }
    });

    it("gradients: slice -> update into zeros; update -> (operand with the block zeroed, block of g)", () => {
      const xd = x.clone().to(dev).requires_grad_();
      const g = torch.arange(6, { dtype: torch.float64 }).reshape([2, 3]).add(1);
      // start 9 clamps to 2: the gradient lands where the forward read
      ds(xd, [i64(2, dev), i64(9, dev)], [2, 3])
        .mul(g.to(dev))
        .sum()
        .backward();
      expect(xd.grad!.cpu().tolist()).toEqual([
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 1, 2, 3],
        [0, 0, 4, 5, 6],
      ]);

      const a = x.clone().to(dev).requires_grad_();
      const u = torch.ones([2, 2], { dtype: torch.float64 }).to(dev).requires_grad_();
      const w = torch.arange(20, { dtype: torch.float64 }).reshape([4, 5]).to(dev);
      dus(a, u, [i64(1, dev), i64(-1, dev)])
        .mul(w)
        .sum()
        .backward();
      // column -1 clamps to 0: the block is rows 1-2, columns 0-1
      expect(a.grad!.cpu().tolist()).toEqual([
        [0, 1, 2, 3, 4],
        [0, 0, 7, 8, 9],
        [0, 0, 12, 13, 14],
        [15, 16, 17, 18, 19],
      ]);
      expect(u.grad!.cpu().tolist()).toEqual([
        [5, 6],
        [10, 11],
      ]);
    });

    it("double backward through narrow with a tensor start", () => {
      const a = torch.tensor([1, 2, 3, 4], { dtype: torch.float64 }).to(dev).requires_grad_();
      const y = torch.narrow(a.mul(a), 0, i64(1, dev), 2).sum();
      const [g] = torch.autograd.grad([y], [a], { create_graph: true });
      expect(g!.cpu().tolist()).toEqual([0, 4, 6, 0]);
      const [gg] = torch.autograd.grad([g!.sum()], [a]);
      expect(gg!.cpu().tolist()).toEqual([0, 2, 2, 0]);
    });
  });
}

describe("narrow with a tensor start on xla", () => {
  it("takes a cpu start for an xla input, and stays a view of it", () => {
    const x = torch.arange(12, { dtype: torch.float32 }).reshape([3, 4]).to("xla");
    const y = torch.narrow(x, 1, torch.tensor(-2), 2);
    expect(y.device.type).toBe("xla");
    expect(y.cpu().tolist()).toEqual([
      [2, 3],
      [6, 7],
      [10, 11],
    ]);
    y.fill_(0);
    expect((x.cpu().tolist() as number[][])[1]).toEqual([4, 5, 0, 0]);
  });

  it("a start computed on the device cannot be checked without a host read: it is clamped as dynamic_slice does", () => {
    const x = torch.arange(6, { dtype: torch.float32 }).to("xla");
    // 2 * 4 = 8 is past the end: the block [4, 6) is read (PyTorch would raise; the value is not at hand)
    const far = torch.narrow(x, 0, torch.tensor(4).to("xla").mul(2), 2);
    expect(far.cpu().tolist()).toEqual([4, 5]);
    // a negative computed start counts from the end first, as PyTorch's
    const neg = torch.narrow(x, 0, torch.tensor(-1).to("xla").mul(3), 2);
    expect(neg.cpu().tolist()).toEqual([3, 4]);
  });
});

describe("the CPU runtime on stablehlo.dynamic_slice / dynamic_update_slice text", () => {
  // start indices as parameters of any integer type, clamped into [0, dim - size] per dim
  const text = `func.func @main(%x: tensor<3x4xf32>, %u: tensor<2x2xf32>, %i: tensor<i32>, %j: tensor<i32>) -> (tensor<2x3xf32>, tensor<3x4xf32>) {
  %0 = stablehlo.dynamic_slice %x, %i, %j, sizes = [2, 3] : (tensor<3x4xf32>, tensor<i32>, tensor<i32>) -> tensor<2x3xf32>
  %1 = stablehlo.dynamic_update_slice %x, %u, %i, %j : (tensor<3x4xf32>, tensor<2x2xf32>, tensor<i32>, tensor<i32>) -> tensor<3x4xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<3x4xf32>
}`;
  const x = torch.arange(12, { dtype: torch.float32 }).reshape([3, 4]);
  const u = torch.tensor(
    [
      [-1, -2],
      [-3, -4],
    ],
    { dtype: torch.float32 },
  );
  const run = (i: number, j: number) =>
    torch.xla
      .run_stablehlo(text, x, u, torch.tensor(i, { dtype: torch.int32 }), torch.tensor(j, { dtype: torch.int32 }))
      .map((t: Tensor) => t.tolist());

  it("in-range starts", () => {
    const [a, b] = run(1, 1);
    expect(a).toEqual([
      [5, 6, 7],
      [9, 10, 11],
    ]);
    expect(b).toEqual([
      [0, 1, 2, 3],
      [4, -1, -2, 7],
      [8, -3, -4, 11],
    ]);
  });

  it("starts past either end are clamped, never read or written outside", () => {
    const [a, b] = run(7, -5);
    // rows: 7 -> 3 - 2 = 1; columns: -5 -> 0
    expect(a).toEqual([
      [4, 5, 6],
      [8, 9, 10],
    ]);
    expect(b).toEqual([
      [0, 1, 2, 3],
      [-1, -2, 6, 7],
      [-3, -4, 10, 11],
    ]);
    const [c] = run(-1, 100);
    expect(c).toEqual([
      [1, 2, 3],
      [5, 6, 7],
    ]);
  });
});

describe("StableHLO of narrow with a tensor start", () => {
  it("is one stablehlo.dynamic_slice whose start is a parameter, and the backward a dynamic_update_slice", () => {
    const x = torch.randn([6, 4], { dtype: torch.float64 }).to("xla").requires_grad_();
    torch.xla.sync();
    const t = i64(2, "xla");
    const y = torch.narrow(x, 0, t, 3);
    const fwd = torch.xla.get_stablehlo(y);
    expect(fwd.match(/stablehlo\.dynamic_slice/g)?.length).toBe(1);
    expect(fwd).not.toMatch(/stablehlo\.slice\b/);
    expect(fwd).toMatch(/sizes = \[3, 4\]/);
    // the position is not baked in as a constant: no i64 constant 2 in the module
    expect(fwd).not.toMatch(/constant dense<2> : tensor<i64>/);
    y.mul(y).sum().backward();
    const bwd = torch.xla.get_stablehlo(x.grad!);
    expect(bwd).toMatch(/stablehlo\.dynamic_update_slice/);
  });
});

describe("a KV-cache decoding loop on xla", () => {
  pinFused();

  /**
   * 50 decoding steps of a one-head attention with a cache [T, D] written at position t
   * (through the narrowed view) and read back masked to positions <= t. Returns every step's output.
   */
  function decode(dev: string, steps: number, onStep?: (t: number) => void): number[][] {
    torch.manual_seed(7);
    const D = 8,
      T = 64;
    const wq = torch.randn([D, D], { dtype: torch.float64 }).div(3).to(dev);
    const wk = torch.randn([D, D], { dtype: torch.float64 }).div(3).to(dev);
    const wv = torch.randn([D, D], { dtype: torch.float64 }).div(3).to(dev);
    let h = torch.randn([1, D], { dtype: torch.float64 }).to(dev);
    const kc = torch.zeros([T, D], { dtype: torch.float64 }).to(dev);
    const vc = torch.zeros([T, D], { dtype: torch.float64 }).to(dev);
    const positions = torch.arange(T).to(dev);
    const outs: number[][] = [];
    for (let t = 0; t < steps; t++) {
      const pos = torch.tensor(t).to(dev);
      kc.narrow(0, pos, 1).copy_(h.matmul(wk));
      vc.narrow(0, pos, 1).copy_(h.matmul(wv));
      const q = h.matmul(wq);
      const scores = q.matmul(kc.t()).div(Math.sqrt(D));
      const masked = scores.masked_fill(positions.gt(pos).unsqueeze(0), -Infinity);
      const att = torch.softmax(masked, -1).matmul(vc);
      // the newest key read back through a narrow at the moving position too
      h = torch.tanh(att.add(kc.narrow(0, pos, 1)));
      if (dev === "xla") torch.xla.sync();
      outs.push((h.cpu().tolist() as number[][])[0]!);
      onStep?.(t);
    }
    return outs;
  }

  it("compiles its step once for all 50 positions and matches the cpu device", () => {
    const want = decode("cpu", 50);
    const compiles: number[] = [];
    const got = decode("xla", 50, () => compiles.push(torch.xla.metrics().uncachedCompiles));
    // after warm-up (the first steps compile the step graph), no step compiles again
    const warm = compiles[2]!;
    expect(compiles.slice(2).every((c) => c === warm)).toBe(true);
    got.forEach((row, t) => row.forEach((v, j) => expect(v, `step ${t}, feature ${j}`).toBeCloseTo(want[t]![j]!, 10)));
  });
});
