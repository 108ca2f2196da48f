// Tensor storage in the kernels' WebAssembly memory (packages/cpu/src/wasm/
// storage_pool.ts): large float32 elementwise results (eager kernels) and the
// CPU runtime's large float32 values (its fused loops, the xla device) are
// allocated there, written by the kernel in place and read in place by the
// next kernel. The
// values must be bit-identical to the copying path (XLATORCH_POOL=off) for
// every layout the kernels take (dense, scalar, per-row, repeated rows with
// lengths not a multiple of 4, transposed, offset views), for 1, 2 and 3
// threads; live arrays must never be overwritten by a reused block; and a
// long synchronous loop must give its blocks back (the pool stays bounded);
// compiled steps whose parameters were made by pooled eager ops still donate
// them and give the unpooled losses.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { fusedPoolStats, storagePoolStats, wasmSimdEnabled } from "@xlatorch/cpu";
import * as torch from "xlatorch";

const saved = { threads: torch.get_num_threads(), pool: process.env.XLATORCH_POOL, wasm: process.env.XLATORCH_WASM };
const restore = (name: string, v: string | undefined) => {
  if (v === undefined) delete process.env[name];
  else process.env[name] = v;
};
afterEach(() => {
  torch.set_num_threads(saved.threads);
  restore("XLATORCH_POOL", saved.pool);
  restore("XLATORCH_WASM", saved.wasm);
});

/** f() computed with the pool on and off: [pooled values, copied values, allocations the pooled run made]. */
function both(f: () => torch.Tensor): [Float32Array, Float32Array, number] {
  process.env.XLATORCH_POOL = "off";
  const ref = host(f());
  delete process.env.XLATORCH_POOL;
  const before = storagePoolStats()?.allocations ?? 0;
  const got = host(f());
  return [got, ref, (storagePoolStats()?.allocations ?? 0) - before];
}

const host = (t: torch.Tensor) => Float32Array.from(t.flatten().tolist() as number[]);
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

const enabled = wasmSimdEnabled() && typeof SharedArrayBuffer === "function";

describe.runIf(enabled)("storage pool: values equal the copying path", () => {
  beforeAll(() => torch.manual_seed(7));
  const R = 4051,
    C = 259; // 1,049,209 values: above the pool's threshold (4 MiB), rows not a multiple of 4
  const a = torch.randn(R, C),
    b = torch.randn(R, C),
    row = torch.randn(R, 1),
    col = torch.randn(C);

  const cases: [string, () => torch.Tensor][] = [
    ["dense chain with scalars", () => torch.tanh(a.mul(2).add(1))],
    ["two dense operands, both pooled", () => a.mul(1.5).sub(b.add(0.25)).mul(a.exp())],
    ["per-row operand", () => a.add(1).sub(row.mul(1)).add(row)],
    ["repeated row, length not a multiple of 4", () => a.mul(3).add(col).mul(col.add(1))],
    ["transposed operand of a transcendental", () => torch.exp(a.mul(0.5).t())],
    [
      "offset view of a pooled array",
      () =>
        a
          .mul(2)
          .narrow(0, 3, R - 3)
          .add(b.narrow(0, 0, R - 3)),
    ],
    ["reductions of pooled arrays", () => torch.stack([a.mul(2).sum(1), a.add(1).amax(1), a.sub(1).amin(1)])],
    ["a full sum of a pooled array", () => a.mul(a).sum().reshape([1])],
    ["in-place ops on pooled arrays", () => a.mul(2).add_(1).mul_(b).tanh_()],
    ["a long row split in chunks", () => torch.sigmoid(a.reshape([-1]).mul(0.3))],
    // with a system BLAS the 1024x1024 product itself is pooled (kernels/dot_blas.ts)
    ["a product of 4 MiB, then an op on it", () => torch.matmul(a.narrow(0, 0, 1024), b.narrow(0, 0, 1024).t()).add(1)],
  ];

  // "always": every size split into 64-value chunks across the threads (the kernels' test mode), so rows
  // of every length meet chunk ends on different threads
  for (const wasm of ["default", "always"])
    for (const threads of [1, 2, 3]) {
      for (const [name, f] of cases) {
        it(`${name}, ${threads} thread(s), ${wasm} sizes`, () => {
          torch.set_num_threads(threads);
          restore("XLATORCH_WASM", wasm === "always" ? "always" : saved.wasm);
          const [got, ref, allocations] = both(f);
          expect(allocations).toBeGreaterThan(0);
          expect(got.length).toBe(ref.length);
          expect(bits(got)).toEqual(bits(ref));
        });
      }
    }
});

describe.runIf(enabled)("storage pool: lifetimes", () => {
  it("never overwrites a live array, and gives blocks back inside a synchronous loop", () => {
    torch.manual_seed(3);
    const x = torch.randn(1 << 20);
    const kept = x.mul(2).add(1);
    const keptBits = Uint32Array.from(bits(host(kept)));
    const stats = storagePoolStats()!;
    const released0 = stats.released,
      collections0 = stats.collections;
    let last = 0;
    // 4 MiB a result, 3 results a step: 3 GiB in all, more than the pool may ever hold
    for (let i = 0; i < 250; i++) last = Number(torch.tanh(x.mul(2).add(i)).sum().item());
    expect(Number.isFinite(last)).toBe(true);
    expect(stats.released - released0).toBeGreaterThan(500);
    expect(stats.collections - collections0).toBeGreaterThan(0);
    // the array kept alive all along still holds its values
    expect(bits(host(kept))).toEqual(keptBits);
    expect(stats.fallbacks).toBe(0);
  });

  it("a kept result's values survive later results of the same size", () => {
    torch.manual_seed(5);
    const x = torch.randn(1 << 20);
    const keep: [torch.Tensor, Uint32Array][] = [];
    for (let i = 0; i < 40; i++) {
      const y = x.add(i);
      if (i % 4 === 0) keep.push([y, Uint32Array.from(bits(host(y)))]);
    }
    for (const [y, b] of keep) expect(bits(host(y))).toEqual(b);
  });
});

describe.runIf(enabled)("storage pool: the CPU runtime (xla device, compiled steps)", () => {
  const R = 2029,
    C = 517; // 1,048,993 values
  for (const wasm of ["default", "always"])
    for (const threads of [1, 2]) {
      it(`fused loops write and read pooled values, ${threads} thread(s), ${wasm} sizes`, () => {
        torch.set_num_threads(threads);
        restore("XLATORCH_WASM", wasm === "always" ? "always" : saved.wasm);
        torch.manual_seed(11);
        const a = torch.randn(R, C),
          b = torch.randn(R, C);
        const run = () => {
          const x = a.to("xla"),
            y = b.to("xla");
          let h = torch.tanh(x.mul(2).add(1));
          for (let i = 0; i < 4; i++) {
            h = torch.tanh(h.mul(y).add(x.mul(0.5)));
            torch.xla.sync();
          }
          return h.cpu();
        };
        const before = fusedPoolStats()?.allocations ?? 0;
        const [got, ref] = [run(), ((process.env.XLATORCH_POOL = "off"), run())];
        delete process.env.XLATORCH_POOL;
        expect((fusedPoolStats()?.allocations ?? 0) - before).toBeGreaterThan(0);
        expect(bits(host(got))).toEqual(bits(host(ref)));
      });
    }

  for (const device of ["cpu", "xla"]) {
    it(`a compiled SGD step on ${device} donates its pooled parameters and matches the unpooled losses`, () => {
      // every float32 result pooled, whatever its size (the weights are 131,072 values)
      restore("XLATORCH_WASM", "always");
      const train = () => {
        torch.manual_seed(2);
        // 512x256 = 131,072 weights, made by eager ops (randn * 0.05): pooled arrays, on cpu
        const w1 = new torch.nn.Parameter(torch.randn(512, 256).mul(0.05).to(device)),
          w2 = new torch.nn.Parameter(torch.randn(256, 512).mul(0.05).to(device));
        const model = (v: torch.Tensor) => torch.tanh(v.matmul(w1.t())).matmul(w2.t());
        const opt = new torch.optim.SGD([w1, w2], { lr: 0.05, momentum: 0.9 });
        const x = torch.randn(64, 256).to(device),
          y = torch.randn(64, 256).to(device);
        const compiled = torch.compile((xb: torch.Tensor, yb: torch.Tensor) => {
          opt.zero_grad();
          const loss = torch.nn.functional.mse_loss(model(xb), yb);
          loss.backward();
          opt.step();
          return loss;
        });
        const step = () => compiled(x, y);
        const losses: number[] = [];
        for (let i = 0; i < 4; i++) losses.push(Number(step().item()));
        const d0 = torch.xla.metrics().donatedBuffers;
        for (let i = 0; i < 6; i++) losses.push(Number(step().item()));
        const d1 = torch.xla.metrics().donatedBuffers;
        return { losses, donated: d1 - d0 };
      };
      const a0 = (storagePoolStats()?.allocations ?? 0) + (fusedPoolStats()?.allocations ?? 0);
      const pooled = train();
      const allocated = (storagePoolStats()?.allocations ?? 0) + (fusedPoolStats()?.allocations ?? 0) - a0;
      process.env.XLATORCH_POOL = "off";
      const plain = train();
      delete process.env.XLATORCH_POOL;
      expect(allocated).toBeGreaterThan(0);
      expect(pooled.losses).toEqual(plain.losses);
      // every call donates its two parameters and two momentum buffers, pooled or not
      expect(pooled.donated).toBe(plain.donated);
      expect(pooled.donated).toBeGreaterThanOrEqual(6 * 2);
    });
  }
});
