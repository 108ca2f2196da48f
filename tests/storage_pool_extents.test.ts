// The storage pool's free memory in whole pages (packages/cpu/src/wasm/free_extents.ts): a dead block
// merges with its free neighbours, a result takes the exact size first, else the front of the smallest
// larger extent, and an extent that reaches the pool's top lowers it. Then a pool whose results change
// size from one loop to the next reuses the memory it took (a WebAssembly memory never shrinks), and
// blocks still alive are never handed out again.
import { describe, expect, it } from "vitest";
import { wasmSimdEnabled } from "@xlatorch/cpu";
import { FreeExtents } from "../packages/cpu/src/wasm/free_extents.js";
import { StoragePool } from "../packages/cpu/src/wasm/storage_pool.js";

const P = 65536;

describe("storage pool: free extents", () => {
  it("merges a block with its free neighbours and gives an extent at the top back to the top", () => {
    const f = new FreeExtents();
    // blocks [0,1) [1,3) [3,4) [4,6) pages, top at 6 pages
    expect(f.put(1 * P, 2 * P, 6 * P)).toBe(6 * P);
    expect(f.put(3 * P, 1 * P, 6 * P)).toBe(6 * P);
    // [1,4) is one extent now
    expect(f.count).toBe(1);
    expect(f.bytes).toBe(3 * P);
    expect(f.take(3 * P)).toBe(1 * P);
    expect(f.count).toBe(0);
    // back again, then [0,1): [0,4)
    f.put(1 * P, 3 * P, 6 * P);
    f.put(0, P, 6 * P);
    expect(f.count).toBe(1);
    // [4,6) reaches the top: everything is the top's again
    expect(f.put(4 * P, 2 * P, 6 * P)).toBe(0);
    expect(f.count).toBe(0);
    expect(f.bytes).toBe(0);
  });

  it("takes the exact size first, else the front of the smallest larger extent, and keeps the rest", () => {
    const f = new FreeExtents();
    // free: [0,5) [6,8) [9,10) [11,14), live blocks between them, top at 20 pages
    f.put(0, 5 * P, 20 * P);
    f.put(6 * P, 2 * P, 20 * P);
    f.put(9 * P, P, 20 * P);
    f.put(11 * P, 3 * P, 20 * P);
    expect(f.take(P)).toBe(9 * P);
    // no 1-page extent left: the front of [6,8), whose second page stays free
    expect(f.take(P)).toBe(6 * P);
    expect(f.take(P)).toBe(7 * P);
    // 4 pages: only [0,5) holds them; [4,5) stays
    expect(f.take(4 * P)).toBe(0);
    expect(f.take(2 * P)).toBe(11 * P);
    expect(f.take(2 * P)).toBe(-1);
    expect(f.bytes).toBe(2 * P);
    // two 1-page extents again, [4,5) and [13,14): the last one freed first
    expect(f.take(P)).toBe(13 * P);
    expect(f.take(P)).toBe(4 * P);
    expect(f.take(P)).toBe(-1);
  });
});

const enabled = wasmSimdEnabled() && typeof SharedArrayBuffer === "function";

describe.runIf(enabled)("storage pool: results that change size reuse the memory taken", () => {
  it("takes about one bound of memory for loops of five sizes, never overwriting a live array", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 512, shared: true });
    // a 2 MiB bound whatever the clock: collections when 2 MiB of results have piled up
    const pool = new StoragePool(memory, P, 512 * P, { now: () => 0, baseBound: () => 2 * 2 ** 20 });
    const kept: [Float32Array, number][] = [];
    let held = 0,
      keptBytes = 0;
    for (const [phase, pages] of [3, 2, 5, 1, 4].entries()) {
      const n = (pages * P - 64) / 4;
      for (let i = 0; i < 120; i++) {
        const a = pool.allocResultF32(n)!;
        a.fill(phase * 1000 + i);
        // one result in 40 kept alive to the end
        if (i % 40 === 0) {
          kept.push([a, phase * 1000 + i]);
          keptBytes += pages * P;
        }
      }
      if (phase === 0) held = pool.stats.held;
    }
    // the first loop's memory, the results kept and a little more (pieces between kept ones); with a free
    // list per size each loop took its own bound's worth (about 2 MiB each, 10 MiB in all, and the kept 2.8)
    expect(pool.stats.held).toBeLessThanOrEqual(held + keptBytes + 2 ** 20);
    expect(pool.stats.collections).toBeGreaterThan(10);
    expect(pool.stats.fallbacks).toBe(0);
    for (const [a, v] of kept) {
      expect(a[0]).toBe(v);
      expect(a[a.length - 1]).toBe(v);
      expect(a.every((x) => x === v)).toBe(true);
    }
  });
});
