// The bulk samplers draw the Mersenne Twister a chunk at a time (MT19937.fill);
// these tests hold them to the per-value path bit for bit: the same values and
// the same generator state afterwards (state words, left/next, cached normals),
// across 624-word regenerations, chunk boundaries, and interleaved scalar draws.
import { describe, expect, it } from "vitest";
import { fma32, fma64 } from "../packages/core/src/random/fma.js";
import {
  Generator,
  MT19937,
  bernoulli,
  exponential,
  normal,
  normalDouble,
  randint,
  random_,
  randperm,
  uniform,
  uniformDouble,
  uniformFloat,
  type RandomDType,
} from "../packages/core/src/random/index.js";

const SEEDS = [0, 1, 5489, 2 ** 32 + 7];
// single draws before the bulk one: fresh, mid-state, and just before / at / after a regeneration
const PREFIXES = [0, 1, 2, 622, 623, 624, 625, 1247, 1248];

/** A generator whose engine.fill is the per-word loop of random(): the reference path. */
function scalarTwin(g: Generator): Generator {
  const r = g.clone();
  r.engine.fill = function (out: Uint32Array, offset: number, count: number): void {
    for (let i = 0; i < count; i++) out[offset + i] = this.random();
  };
  return r;
}

const bytesOf = (a: ArrayLike<unknown> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) =>
  Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

function expectSameState(a: Generator, b: Generator): void {
  expect(Array.from(a.get_state())).toEqual(Array.from(b.get_state()));
}

describe("MT19937.fill", () => {
  it("gives random()'s outputs and leaves the engine where random() does", () => {
    let checked = 0;
    for (const seed of SEEDS) {
      for (const k0 of PREFIXES) {
        for (const count of [0, 1, 2, 623, 624, 625, 1000, 1248, 1249, 5000]) {
          const a = new MT19937(seed);
          for (let i = 0; i < k0; i++) a.random();
          const b = a.clone();
          const out = new Uint32Array(count + 6).fill(0xdeadbeef);
          a.fill(out, 3, count);
          const ref = Array.from({ length: count }, () => b.random());
          expect(Array.from(out.subarray(3, 3 + count))).toEqual(ref);
          // nothing outside [offset, offset + count) is written
          expect([out[0], out[1], out[2], out[count + 3], out[count + 4], out[count + 5]]).toEqual(Array(6).fill(0xdeadbeef));
          const da = a.data();
          const db = b.data();
          expect([da.left, da.next, Array.from(da.state)]).toEqual([db.left, db.next, Array.from(db.state)]);
          // the next draws agree too
          expect([a.random(), a.random()]).toEqual([b.random(), b.random()]);
          checked++;
        }
      }
    }
    expect(checked).toBe(SEEDS.length * PREFIXES.length * 10);
  });

  it("interleaves with single draws", () => {
    const a = new MT19937(42);
    const b = new MT19937(42);
    const got: number[] = [];
    const want: number[] = [];
    const buf = new Uint32Array(700);
    for (const [single, bulk] of [
      [1, 623],
      [0, 624],
      [3, 700],
      [621, 2],
      [1, 1],
      [0, 0],
      [5, 650],
    ]) {
      for (let i = 0; i < single; i++) {
        got.push(a.random());
        want.push(b.random());
      }
      a.fill(buf, 0, bulk);
      got.push(...buf.subarray(0, bulk));
      for (let i = 0; i < bulk; i++) want.push(b.random());
    }
    expect(got).toEqual(want);
    expect(a.data()).toEqual(b.data());
  });
});

// MT19937's tempering, written out from the reference algorithm (Matsumoto and Nishimura)
const temperRef = (y: number): number => {
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return (y ^ (y >>> 18)) >>> 0;
};

describe("MT19937 restored states", () => {
  it("outputs the tempered words of a state given to setData, mid-block, by random() and fill()", () => {
    const a = new MT19937(77);
    for (let i = 0; i < 300; i++) a.random();
    const d = a.data();
    const want = Array.from({ length: 624 - d.next }, (_, k) => temperRef(d.state[d.next + k]));
    const b = new MT19937(5); // other words kept with another state: setData must replace them
    b.random();
    b.setData(d);
    expect(Array.from({ length: want.length }, () => b.random())).toEqual(want);
    const c = new MT19937(6);
    c.setData(d);
    const out = new Uint32Array(want.length + 700);
    c.fill(out, 0, out.length);
    expect(Array.from(out.subarray(0, want.length))).toEqual(want);
    const ref = a.clone();
    expect(Array.from(out)).toEqual(Array.from({ length: out.length }, () => ref.random()));
  });

  it("reads 0 past the last word of a restored state whose next + left overruns it (as before: an absent word tempers to 0)", () => {
    const a = new MT19937(123);
    for (let i = 0; i < 619; i++) a.random(); // next = 619, left = 6
    const d = a.data();
    const odd = { ...d, next: 620, left: 10 }; // accepted (PyTorch checks only the ranges)
    const b = new MT19937();
    b.setData(odd);
    const c = new MT19937();
    c.setData(odd);
    const words = Array.from({ length: 9 }, () => b.random());
    expect(words).toEqual([...[620, 621, 622, 623].map((j) => temperRef(d.state[j])), 0, 0, 0, 0, 0]);
    const out = new Uint32Array(9 + 5);
    c.fill(out, 0, out.length);
    expect(Array.from(out.subarray(0, 9))).toEqual(words);
    // the 10th draw regenerates, and both agree after it
    expect(Array.from(out.subarray(9))).toEqual(Array.from({ length: 5 }, () => b.random()));
  });

  it("state is a copy: writing into it does not change the stream", () => {
    const a = new MT19937(9);
    const b = new MT19937(9);
    a.random();
    b.random();
    const s = a.state;
    s.fill(0);
    expect(a.state).not.toEqual(s);
    expect(Array.from({ length: 1000 }, () => a.random())).toEqual(Array.from({ length: 1000 }, () => b.random()));
  });
});

// sizes: below and at the 16-element normal block, the chunk of 4096 words (2048 double draws), several regenerations
const SIZES = [1, 15, 16, 17, 31, 623, 1250, 2047, 2048, 2049, 4095, 4096, 4097, 10_001];
const FLOATS: RandomDType[] = ["float32", "float64", "float16", "bfloat16"];
const BERNOULLI_OUT: RandomDType[] = ["float32", "float64", "bfloat16", "int8", "uint8", "int16", "int32", "int64", "bool"];

/** Runs draw on a generator and on its scalar twin after `k0` single draws and a cached normal, then checks values and states. */
function sameAsScalar(seed: number, k0: number, draw: (g: Generator) => ArrayLike<unknown>): void {
  const g = new Generator(seed);
  for (let i = 0; i < k0; i++) g.random();
  normalDouble(g); // leaves a cached normal: the bulk paths must keep it as the scalar ones do
  const r = scalarTwin(g);
  const a = draw(g) as Float32Array;
  const b = draw(r) as Float32Array;
  expect(a.constructor).toBe(b.constructor);
  expect(bytesOf(a)).toEqual(bytesOf(b));
  expectSameState(g, r);
  // a single draw after the bulk one agrees (the stream stands at the same word)
  expect([uniformDouble(g), normalDouble(g)]).toEqual([uniformDouble(r), normalDouble(r)]);
}

describe("bulk samplers = the per-word path", () => {
  it("bernoulli with a number p, every output dtype", () => {
    for (const dt of BERNOULLI_OUT) for (const n of SIZES) sameAsScalar(7, n % 5 === 0 ? 623 : 3, (g) => bernoulli(g, 0.1, n, dt));
  });

  it("bernoulli with probability arrays (float64, float32, bfloat16; full and broadcast)", () => {
    for (const n of [1, 17, 2049, 4097, 5000]) {
      const p64 = Float64Array.from({ length: n }, (_, i) => (i * 0.37) % 1);
      const p32 = Float32Array.from(p64);
      const pbf = Uint16Array.from(p32, (v) => new Uint32Array(new Float32Array([v]).buffer)[0] >>> 16);
      for (const dt of ["float32", "int64", "bfloat16", "bool"] as RandomDType[]) {
        sameAsScalar(11, 622, (g) => bernoulli(g, p64, n, dt));
        sameAsScalar(11, 622, (g) => bernoulli(g, p32, n, dt));
        sameAsScalar(11, 622, (g) => bernoulli(g, pbf, n, dt));
        sameAsScalar(12, 0, (g) => bernoulli(g, new Float32Array([0.3]), n, dt));
      }
    }
  });

  it("uniform, normal, exponential, random_, randint, randperm", () => {
    for (const n of SIZES) {
      for (const dt of FLOATS) {
        sameAsScalar(3, 624, (g) => uniform(g, n, dt, -2, 5));
        sameAsScalar(4, 1, (g) => normal(g, n, dt, 0.3, 2.7));
        sameAsScalar(5, 0, (g) => exponential(g, n, dt, 1.5));
      }
      for (const dt of ["int64", "int32", "int16", "int8", "uint8", "bool", "float32", "float64", "float16", "bfloat16"] as RandomDType[]) {
        sameAsScalar(6, 2, (g) => random_(g, n, dt));
        sameAsScalar(6, 2, (g) => randint(g, n, dt, dt === "bool" || dt === "uint8" ? 0 : -3, dt === "bool" ? 2 : 100));
      }
      sameAsScalar(8, 5, (g) => randperm(g, n, "int64"));
      // a base beyond 2^52 (bigint arithmetic) and a range of 2^32 or more (64-bit draws)
      sameAsScalar(9, 7, (g) => randint(g, n, "int64", 2n ** 60n, 2n ** 60n + 1000n));
      sameAsScalar(9, 7, (g) => randint(g, n, "int64", 0, 2n ** 40n));
    }
  });
});

// The composition of words into values, written out per value (the loops the bulk fills replaced).
describe("bulk samplers = the per-value formulas", () => {
  it("bernoulli(p) is uniformDouble < p per element", () => {
    for (const seed of SEEDS) {
      for (const n of [5, 2048, 2049, 9000]) {
        const g = new Generator(seed);
        g.random();
        const r = g.clone();
        const got = bernoulli(g, 0.1, n, "float32");
        const want = Float32Array.from({ length: n }, () => (uniformDouble(r) < 0.1 ? 1 : 0));
        expect(Array.from(got)).toEqual(Array.from(want));
        expectSameState(g, r);
        // a sanity check that the mask is not degenerate
        const ones = got.reduce((s, v) => s + v, 0);
        if (n >= 2048) expect(ones / n).toBeGreaterThan(0.07);
        if (n >= 2048) expect(ones / n).toBeLessThan(0.13);
      }
    }
  });

  it("bernoulli(p) at p on and beside the drawn uniforms, and at the ends", () => {
    const g0 = new Generator(2024);
    const u = Array.from({ length: 64 }, () => uniformDouble(g0));
    const ps = [0, 1, 0.5, 2 ** -53, 3 * 2 ** -53, 1 - 2 ** -53, 5e-324, 1e-300, 1 / 3];
    // p equal to a value drawn below (u < p false there), and one ulp either side of it
    const F = new Float64Array(1);
    const B = new BigInt64Array(F.buffer);
    const step = (x: number, d: bigint) => ((F[0] = x), (B[0] += d), F[0]);
    for (const k of [3, 17, 40]) ps.push(u[k], step(u[k], 1n), step(u[k], -1n));
    for (const p of ps) {
      const g = new Generator(2024);
      const r = g.clone();
      const got = bernoulli(g, p, 64, "float32");
      const want = Float32Array.from({ length: 64 }, () => (uniformDouble(r) < p ? 1 : 0));
      expect(Array.from(got)).toEqual(Array.from(want));
      expectSameState(g, r);
    }
    // the boundary cases do hit both outcomes at the boundary element
    const at = (p: number, k: number) => bernoulli(new Generator(2024), p, 64, "float32")[k];
    expect([at(u[17], 17), at(step(u[17], 1n), 17), at(step(u[17], -1n), 17)]).toEqual([0, 1, 0]);
  });

  it("bernoulli(float32 p) is uniformFloat < p; uniform is fma(u, to - from, from)", () => {
    const g = new Generator(99);
    const r = g.clone();
    const p = Float32Array.from({ length: 3000 }, (_, i) => (i % 10) / 10);
    const got = bernoulli(g, p, 3000, "float32");
    expect(Array.from(got)).toEqual(Array.from(p, (pv) => (uniformFloat(r) < pv ? 1 : 0)));
    const u32 = uniform(g, 5000, "float32", -1, 3);
    expect(Array.from(u32)).toEqual(Array.from({ length: 5000 }, () => fma32(uniformFloat(r), 4, -1)));
    const u64 = uniform(g, 3000, "float64", -1, 3);
    expect(Array.from(u64)).toEqual(Array.from({ length: 3000 }, () => fma64(uniformDouble(r), 4, -1)));
    expectSameState(g, r);
  });
});
