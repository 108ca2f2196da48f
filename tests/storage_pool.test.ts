// Tensor storage in the kernels' WebAssembly memory (packages/cpu/src/wasm/
// storage_pool.ts): large float32 elementwise results are allocated there,
// written by the kernel in place and read in place by the next kernel. The
// values must be bit-identical to the copying path (XLATORCH_POOL=off) for
// every layout the kernels take (dense, scalar, per-row, repeated rows with
// lengths not a multiple of 4, transposed, offset views), for 1, 2 and 3
// threads; live arrays must never be overwritten by a reused block; and a
// long synchronous loop must give its blocks back (the pool stays bounded).
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { storagePoolStats, wasmSimdEnabled } from "@xlatorch/cpu";
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
  const R = 517,
    C = 259; // 133,903 values: above the pool's threshold, rows not a multiple of 4
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
    const x = torch.randn(1 << 18);
    const kept = x.mul(2).add(1);
    const keptBits = Uint32Array.from(bits(host(kept)));
    const stats = storagePoolStats()!;
    const released0 = stats.released,
      collections0 = stats.collections;
    let last = 0;
    // 1 MiB a result, 3 results a step: 3 GiB in all, more than the pool may ever hold
    for (let i = 0; i < 1000; i++) last = Number(torch.tanh(x.mul(2).add(i)).sum().item());
    expect(Number.isFinite(last)).toBe(true);
    expect(stats.released - released0).toBeGreaterThan(2000);
    expect(stats.collections - collections0).toBeGreaterThan(0);
    // the array kept alive all along still holds its values
    expect(bits(host(kept))).toEqual(keptBits);
    expect(stats.fallbacks).toBe(0);
  });

  it("a kept result's values survive later results of the same size", () => {
    torch.manual_seed(5);
    const x = torch.randn(1 << 17);
    const keep: [torch.Tensor, Uint32Array][] = [];
    for (let i = 0; i < 40; i++) {
      const y = x.add(i);
      if (i % 4 === 0) keep.push([y, Uint32Array.from(bits(host(y)))]);
    }
    for (const [y, b] of keep) expect(bits(host(y))).toEqual(b);
  });
});
