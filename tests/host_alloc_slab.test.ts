// DType.alloc carves arrays of 65 bytes to 1 KiB from shared 8 KiB slabs
// (core/src/dtype.ts): each must still behave as a fresh array of its own.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { bool, complex64, complex128, float32, float64, int8, int32, int64, storageKey, uint8, type DType } from "@xlatorch/core";

const DTYPES: DType[] = [float32, float64, int32, int64, int8, uint8, bool, complex64, complex128];

describe("small host arrays from slabs", () => {
  it("are zeroed, of the asked length, aligned, and never overlap one another", () => {
    const arrays = [];
    for (let round = 0; round < 40; round++)
      for (const d of DTYPES)
        for (const n of [1, 9, 17, 33, 64, 100, 127, 128, 129, 300]) {
          const a = d.alloc(n);
          const len = d.is_complex ? 2 * n : n;
          expect(a.length).toBe(len);
          expect(a.byteOffset % 8).toBe(0);
          let zero = true;
          for (let i = 0; i < a.length; i++) zero &&= a[i] === 0 || a[i] === 0n;
          expect(zero).toBe(true);
          // mark the region so an overlap with a later array would show as a non-zero start
          if (a instanceof BigInt64Array) a.fill(-1n);
          else a.fill(1 as never);
          arrays.push(a);
        }
    // regions over one buffer are disjoint
    const byBuffer = new Map<ArrayBufferLike, [number, number][]>();
    for (const a of arrays) {
      const r = byBuffer.get(a.buffer) ?? [];
      r.push([a.byteOffset, a.byteOffset + a.byteLength]);
      byBuffer.set(a.buffer, r);
    }
    let shared = 0;
    for (const rs of byBuffer.values()) {
      rs.sort((p, q) => p[0] - q[0]);
      for (let i = 1; i < rs.length; i++) expect(rs[i]![0]).toBeGreaterThanOrEqual(rs[i - 1]![1]);
      if (rs.length > 1) shared++;
    }
    expect(shared).toBeGreaterThan(0);
  });

  it("only between 65 bytes and 1 KiB: smaller and larger arrays own their buffer", () => {
    expect(float32.alloc(16).buffer.byteLength).toBe(64);
    expect(float32.alloc(257).buffer.byteLength).toBe(1028);
    expect(float64.alloc(200).buffer.byteLength).toBe(1600);
    expect(float32.alloc(17).buffer.byteLength).toBe(8192);
    expect(float32.alloc(256).buffer.byteLength).toBe(8192);
  });

  it("tensors over neighbouring regions keep their own values through ops, in-place writes and copies", () => {
    const xs = Array.from({ length: 50 }, (_, i) => torch.full([5, 7], i, { dtype: torch.float32 }));
    const ys = xs.map((x, i) => x.mul(2).add(i));
    ys.forEach((y) => y.add_(1));
    xs[3]!.copy_(xs[4]!);
    ys.forEach((y, i) => expect(y.sum().item()).toBe(35 * (3 * i + 1)));
    expect(xs[3]!.sum().item()).toBe(35 * 4);
    expect(xs[2]!.sum().item()).toBe(35 * 2);
    // the host copy is the tensor's values only, not its slab
    const arr = ys[1]!.tolist() as number[][];
    expect(arr.flat()).toEqual(new Array(35).fill(4));
  });

  it("each array of a slab is its own storage for aliasing checks; a view over its bytes is the same one", () => {
    const a = float32.alloc(20),
      b = float32.alloc(20);
    expect(a.buffer).toBe(b.buffer);
    expect(storageKey(a)).not.toBe(storageKey(b));
    expect(storageKey(a)).toBe(storageKey(a));
    expect(storageKey(a.subarray(5, 9))).toBe(storageKey(a));
    expect(storageKey(new Int32Array(b.buffer, b.byteOffset + 12, 3))).toBe(storageKey(b));
    expect(storageKey(new Uint8Array(b.buffer, b.byteOffset + b.byteLength - 1, 1))).toBe(storageKey(b));
    const big = float32.alloc(4096);
    expect(storageKey(big)).toBe(big.buffer);
  });
});
