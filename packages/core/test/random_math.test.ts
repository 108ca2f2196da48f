// The arithmetic under the samplers: fused multiply-add, the C library's
// log/sin/cos (double and float) as PyTorch's CPU kernels get them, the AVX2
// float32 log/sincos, libstdc++-ordered topk, and the samplers' argument checks.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fma32, fma64, fma64Exact } from "../src/random/fma.js";
import { cos, log, sin } from "../src/random/libm.js";
import { cosf, logf, sinf } from "../src/random/libmf.js";
import { log256, sincos256 } from "../src/random/float32math.js";
import { topkIndices } from "../src/random/topk.js";
import { bf16FromFloat, halfFromFloat, halfToFloat } from "../src/random/dtypes.js";
import { Generator, bernoulli, multinomial, normal, randint, random_, randperm, uniform, exponential } from "../src/random/index.js";

const fixture = JSON.parse(readFileSync(new URL("../../../tests/fixtures/rng.json", import.meta.url), "utf8")) as {
  libm: Record<string, { x: string; y: string }>;
};

function vec(hex: string, bytes: 4 | 8): Float32Array | Float64Array {
  const b = Buffer.from(hex, "hex");
  const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  return bytes === 8 ? new Float64Array(ab) : new Float32Array(ab);
}

/** A small deterministic PRNG for test inputs (not the one under test). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe("fma", () => {
  it("fma64 equals the exact BigInt result, including near-ties and cancellation", () => {
    const r = lcg(7);
    const F = new Float64Array(1);
    const U = new Uint32Array(F.buffer);
    const dbl = (emin: number, emax: number): number => {
      U[0] = (r() * 2 ** 32) >>> 0;
      U[1] = (((r() * 2 ** 32) >>> 0) & 0x800fffff) | ((Math.floor(emin + r() * (emax - emin)) + 1023) << 20);
      return F[0];
    };
    let bad = 0;
    for (let i = 0; i < 40000; i++) {
      const a = dbl(-20, 20);
      const b = dbl(-20, 20);
      const c =
        i % 3 === 0
          ? dbl(-45, 45)
          : i % 3 === 1
            ? -(a * b) * (1 + (r() - 0.5) * 2 ** -48)
            : -(a * b) + a * b * 2 ** -53 * Math.floor(r() * 4 - 2);
      if (!Object.is(fma64(a, b, c), fma64Exact(a, b, c))) bad++;
    }
    expect(bad).toBe(0);
    expect(fma64(0.1, 10, -1)).toBe(5.551115123125783e-17); // the exact residue, not 0
  });

  it("fma32 rounds once", () => {
    const f = Math.fround;
    // (1 + 2^-12)^2 - 2^-11 = 1 + 2^-24 exactly: a tie, to even
    expect(fma32(f(1 + 2 ** -12), f(1 + 2 ** -12), -(2 ** -11))).toBe(1);
    // 3 (1 + 2^-23) (1 + 2^-22) - 3 needs the product unrounded
    expect(fma32(f(3 * (1 + 2 ** -23)), f(1 + 2 ** -22), -3)).toBe(exactFloat32(f(3 * (1 + 2 ** -23)), f(1 + 2 ** -22), -3));
    const r = lcg(3);
    let bad = 0;
    for (let i = 0; i < 40000; i++) {
      const a = f((r() * 4 - 2) * 2 ** Math.floor(r() * 8 - 4));
      const b = f(r() * 4 - 2);
      const c = i % 2 ? f(r() * 4 - 2) : f(-a * b * (1 + (r() - 0.5) * 2 ** -20));
      if (!Object.is(fma32(a, b, c), exactFloat32(a, b, c))) bad++;
    }
    // products of 12-bit values with small addends: many exact float32 midpoints
    for (let i = 0; i < 40000; i++) {
      const a = 1 + Math.floor(r() * 4096) / 4096;
      const b = 1 + Math.floor(r() * 4096) / 4096;
      const c = f((r() < 0.5 ? -1 : 1) * 2 ** -Math.floor(r() * 30) * (Math.floor(r() * 16) / 16));
      if (!Object.is(fma32(a, b, c), exactFloat32(a, b, c))) bad++;
    }
    expect(bad).toBe(0);
  });
});

/** RN_float32(a * b + c) by exact BigInt arithmetic (normal range). */
function exactFloat32(a: number, b: number, c: number): number {
  const dec = (x: number): [bigint, number] => {
    // float32 x = m * 2^e exactly, |m| < 2^24
    if (x === 0) return [0n, 0];
    const e = Math.floor(Math.log2(Math.abs(x))) - 23;
    let m = x / 2 ** e;
    while (!Number.isInteger(m)) m *= 2;
    return [BigInt(m), e - Math.log2(m / (x / 2 ** e))];
  };
  const [ma, ea] = dec(a);
  const [mb, eb] = dec(b);
  const [mc, ec] = dec(c);
  const ep = ea + eb;
  const e0 = Math.min(ep, ec);
  let m = ((ma * mb) << BigInt(ep - e0)) + (mc << BigInt(ec - e0));
  if (m === 0n) return 0;
  const neg = m < 0n;
  if (neg) m = -m;
  let e = e0;
  const sh = m.toString(2).length - 24;
  if (sh > 0) {
    const S = BigInt(sh);
    const q = m >> S;
    const rem = m - (q << S);
    const half = 1n << (S - 1n);
    m = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
    e += sh;
  }
  const v = Number(m) * 2 ** e;
  return neg ? -v : v;
}

describe("C library functions (glibc 2.36 x86-64, recorded in rng.json)", () => {
  for (const [name, fn, bytes] of [
    ["log", log, 8],
    ["sin", sin, 8],
    ["cos", cos, 8],
    ["logf", logf, 4],
    ["sinf", sinf, 4],
    ["cosf", cosf, 4],
  ] as const) {
    it(`${name} matches bit for bit`, () => {
      const xs = vec(fixture.libm[name].x, bytes);
      const ys = vec(fixture.libm[name].y, bytes);
      const bad: string[] = [];
      for (let i = 0; i < xs.length; i++) {
        const got = bytes === 4 ? Math.fround(fn(xs[i])) : fn(xs[i]);
        if (!Object.is(got, ys[i])) bad.push(`${name}(${xs[i]}) = ${got}, want ${ys[i]}`);
      }
      expect(bad).toEqual([]);
      expect(xs.length).toBeGreaterThan(500);
    });
  }
});

describe("AVX2 float32 math", () => {
  it("log256 and sincos256 are close to the true values", () => {
    const sc = [0, 0];
    for (let i = 1; i < 2000; i++) {
      const x = Math.fround(i / 2000);
      expect(Math.abs(log256(x) - Math.log(x))).toBeLessThan(3e-7 * Math.max(1, Math.abs(Math.log(x))));
      const t = Math.fround(x * 2 * Math.PI);
      sincos256(t, sc);
      expect(Math.abs(sc[0] - Math.sin(t))).toBeLessThan(3e-7);
      expect(Math.abs(sc[1] - Math.cos(t))).toBeLessThan(3e-7);
    }
    expect(Number.isNaN(log256(0))).toBe(true);
  });
});

describe("topk order among ties", () => {
  it("keeps values sorted and picks the libstdc++ order", () => {
    // partial_sort path (k * 64 <= n) and nth_element + sort path
    const v = Array.from({ length: 200 }, (_, i) => (i * 7) % 5);
    const a = Array.from(topkIndices(v, 3));
    const b = Array.from(topkIndices(v, 30));
    expect(a.every((i) => v[i] === 4)).toBe(true);
    expect(b.slice(0, 30).every((i, j, arr) => j === 0 || v[arr[j - 1]] >= v[i])).toBe(true);
    expect(new Set(b).size).toBe(30);
  });
});

describe("half / bfloat16 conversions", () => {
  it("round to nearest even, with overflow to infinity", () => {
    expect(halfFromFloat(1)).toBe(0x3c00);
    expect(halfFromFloat(65504)).toBe(0x7bff);
    expect(halfFromFloat(65520)).toBe(0x7c00);
    expect(halfFromFloat(Math.fround(1 + 2 ** -11))).toBe(0x3c00); // tie to even
    expect(halfFromFloat(Math.fround(1 + 3 * 2 ** -11))).toBe(0x3c02);
    expect(halfFromFloat(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal
    expect(halfFromFloat(Math.fround(3 * 2 ** -25))).toBe(2);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfFromFloat(NaN)).toBe(0x7e00);
    expect(bf16FromFloat(Math.fround(1 + 2 ** -8))).toBe(0x3f80);
    expect(bf16FromFloat(Math.fround(1 + 3 * 2 ** -8))).toBe(0x3f82);
    expect(bf16FromFloat(NaN)).toBe(0x7fc0);
  });
});

describe("argument checks (PyTorch's messages)", () => {
  const g = new Generator().manual_seed(0);
  it("rejects what PyTorch rejects", () => {
    expect(() => uniform(g, 3, "float32", 2, 1)).toThrow(/from=2 > to=1/);
    expect(() => uniform(g, 3, "int32")).toThrow(/not supported/);
    expect(() => uniform(g, 3, "float16", 0, 70000)).toThrow(/out of bounds/);
    expect(() => normal(g, 3, "float32", 0, -1)).toThrow(/std >= 0.0/);
    expect(() => randint(g, 3, "int64", 5, 5)).toThrow(/from=5 >= to=5/);
    expect(() => randint(g, 3, "int32", 0, 2 ** 40)).toThrow(/to - 1 is out of bounds/);
    expect(() => randint(g, 3, "uint8", -1, 10)).toThrow(/from is out of bounds/);
    expect(() => random_(g, 3, "int32", -(2n ** 63n), null)).toThrow(/handles only int64/);
    expect(() => bernoulli(g, 1.5, 3)).toThrow(/\[0, 1\]/);
    expect(() => bernoulli(g, 0.5, 3, "float16")).toThrow(/not supported/);
    expect(() => exponential(g, 3, "int32")).toThrow(/not supported/);
    expect(() => randperm(g, 300, "uint8")).toThrow(/greater than/);
    expect(() => multinomial(g, new Float32Array([1, 2]), 2, 3, false)).toThrow(/without replacement/);
    expect(() => multinomial(g, new Float32Array([0, 0]), 2, 1, false)).toThrow(/sum of probabilities/);
    expect(() => multinomial(g, new Float32Array([1, -1]), 2, 1, false)).toThrow(/element < 0/);
    expect(() => multinomial(g, new Uint16Array([1, 2]), 2, 1, false, "float16")).toThrow(/half/);
  });

  it("random_ bounds and default ranges", () => {
    const h = new Generator().manual_seed(1);
    for (const v of random_(h, 200, "int8")) expect(v >= 0 && v < 128).toBe(true);
    for (const v of random_(h, 200, "bool")) expect(v === 0 || v === 1).toBe(true);
    for (const v of random_(h, 200, "float16")) expect(halfToFloat(v) <= 2048).toBe(true);
    for (const v of random_(h, 200, "int64", 10, 13)) expect(v >= 10n && v < 13n).toBe(true);
    for (const v of random_(h, 200, "int32", -(2 ** 31), 2 ** 31)) expect(Number.isInteger(v)).toBe(true);
  });
});
