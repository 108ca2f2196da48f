// The storage pool's collection bound (packages/cpu/src/wasm/storage_pool.ts): how many bytes of results
// may pile up before the pool asks for a full collection, which is also how much memory the pool takes
// (a WebAssembly memory never shrinks). The bound doubles while collections take over 5% of the time
// between them, up to collectionLimits, and halves again once they take under 1.25%. The pools here run on
// their own small memories with an injected clock and a 1 MiB unscaled bound, so the scale each
// collection leaves is set by the test, not by the machine's speed or load.
import { afterEach, describe, expect, it } from "vitest";
import { wasmSimdEnabled } from "@xlatorch/cpu";
import { collectionLimits, collectionScale, StoragePool } from "../packages/cpu/src/wasm/storage_pool.js";

const MiB = 2 ** 20;
const saved = process.env.XLATORCH_PJRT_GC_BYTES;
afterEach(() => {
  if (saved === undefined) delete process.env.XLATORCH_PJRT_GC_BYTES;
  else process.env.XLATORCH_PJRT_GC_BYTES = saved;
});

describe("storage pool: the collection bound's scale", () => {
  it("doubles while collections take over 5% of the time between them, up to the limit, and halves under 1.25%", () => {
    const max = collectionLimits.maxScale;
    // a 25 ms collection every 125 ms (the eager tanh chain on 4M values with the 256 MiB bound): 20%
    expect(collectionScale(1, 25, 125)).toBe(2);
    expect(collectionScale(2, 25, 400)).toBe(Math.min(4, max));
    expect(collectionScale(max, 25, 250)).toBe(max);
    // 2% of the time: kept
    expect(collectionScale(2, 20, 1000)).toBe(2);
    // 1% of the time: halved, never under 1
    expect(collectionScale(2, 10, 1000)).toBe(1);
    expect(collectionScale(1, 1, 1000)).toBe(1);
  });

  it("is at most 2x by default (bench/results/issue11_pool_s19.md)", () => {
    expect(collectionLimits.maxScale).toBe(2);
  });
});

const enabled = wasmSimdEnabled() && typeof SharedArrayBuffer === "function";

/** A clock whose every collection takes gcMs, sinceMs after the previous one ended (the pool reads it twice a collection). */
function fakeClock() {
  let calls = 0,
    t = 1000;
  const c = { gcMs: 25, sinceMs: 100, now: () => (calls++ % 2 === 0 ? (t += c.sinceMs) : (t += c.gcMs)) };
  return c;
}

/** A pool on its own 16 MiB shared memory whose unscaled bound is 1 MiB. */
function smallPool(now: () => number): StoragePool {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 256, shared: true });
  return new StoragePool(memory, 65536, 256 * 65536, { now, baseBound: () => MiB });
}

/** n results of exactly one 64 KiB block each (16,368 values and the 64 bytes of padding), each dropped at once. */
function churn(pool: StoragePool, n: number): void {
  for (let i = 0; i < n; i++) expect(pool.allocResultF32(16368)).not.toBeNull();
}

describe.runIf(enabled)("storage pool: the bound follows the collections' share of the time (injected clock)", () => {
  it("grows while collections are costly, takes memory only up to the bound, and shrinks back once they are cheap", () => {
    const clock = fakeClock();
    const pool = smallPool(clock.now);
    expect(pool.bound()).toBe(MiB);
    // collections at 25 ms of every 125: the bound doubles, up to the limit
    churn(pool, 200);
    const max = collectionLimits.maxScale;
    expect(pool.bound()).toBe(max * MiB);
    // 200 blocks of 64 KiB (12.5 MiB) went through a pool that took about the bound's worth of memory
    const held = pool.stats.held;
    expect(pool.stats.collections).toBeGreaterThanOrEqual(200 / (16 * max + 1) - 1);
    expect(held).toBeGreaterThanOrEqual(max * MiB);
    expect(held).toBeLessThanOrEqual((max + 1) * MiB);
    // more of the same: no more memory (the blocks come back at each collection)
    churn(pool, 200);
    expect(pool.stats.held).toBeLessThanOrEqual(held + 4 * 65536);
    // collections at 1 ms of every 1,001: the bound halves at each, back to the unscaled one
    clock.gcMs = 1;
    clock.sinceMs = 1000;
    churn(pool, 100);
    expect(pool.bound()).toBe(MiB);
    expect(pool.stats.fallbacks).toBe(0);
  });

  it("stays at most collectionLimits.maxScaledBytes whatever the scale", () => {
    const limits = { ...collectionLimits };
    try {
      collectionLimits.maxScaledBytes = 1.5 * MiB;
      collectionLimits.maxScale = 4;
      const pool = smallPool(fakeClock().now);
      churn(pool, 200);
      expect(pool.bound()).toBe(1.5 * MiB);
    } finally {
      Object.assign(collectionLimits, limits);
    }
  });

  it("an explicit XLATORCH_PJRT_GC_BYTES is taken as it is (no scale)", () => {
    process.env.XLATORCH_PJRT_GC_BYTES = String(MiB);
    const pool = smallPool(fakeClock().now);
    churn(pool, 200);
    expect(pool.stats.collections).toBeGreaterThanOrEqual(10);
    expect(pool.bound()).toBe(MiB);
  });
});
