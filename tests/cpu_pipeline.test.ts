// The pipelined chunk jobs of the worker pool (packages/cpu/src/wasm/threads.ts
// runPipelined): the eager float32 elementwise kernels and row reductions
// (simd_f32.ts) and the CPU runtime's fused loops (fused_module.ts) run every
// chunk of a call as one job, chunk u in slot u % 16, the calling thread
// copying chunks in ahead and results out behind. These cases wrap the ring
// of slots many times (more chunks than slots), end in odd tails, read
// strided and per-row operands and combine long rows' partial sums, and must
// be bit-identical for 1, 2 and 3 threads (1 thread: no job at all, the plain
// chunk loop).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  numThreads,
  type Strided,
  THREAD_MIN,
  threadStats,
  wasmElementwiseF32,
  wasmFusedF32,
  wasmReduceRowsF32,
  wasmSimdEnabled,
} from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { rng } from "./harness/rng";

const randArray = (r: () => number, n: number) => Float32Array.from({ length: n }, () => r() * 6 - 3);
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const dense = (data: Float32Array, shape: readonly number[], offset = 0): Strided => {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return { data, offset, strides } as Strided;
};
const scalar = (v: number): Strided => ({ data: Float32Array.of(v), offset: 0, strides: [0] }) as Strided;

const saved = { threads: numThreads(), ew: { ...THREAD_MIN }, wasm: process.env.XLATORCH_WASM };
beforeAll(() => {
  // split every call of two chunks or more, at the normal chunk sizes
  THREAD_MIN.arith = THREAD_MIN.transcendental = THREAD_MIN.reduce = 1;
  delete process.env.XLATORCH_WASM;
});
afterEach(() => torch.set_num_threads(saved.threads));
afterAll(() => {
  Object.assign(THREAD_MIN, saved.ew);
  if (saved.wasm === undefined) delete process.env.XLATORCH_WASM;
  else process.env.XLATORCH_WASM = saved.wasm;
});

/** f's result with 1, 2, 3 and again 1 thread(s); f returns null when its path did not take the call. */
function acrossThreads(f: () => Float32Array | null): Float32Array[] {
  return [1, 2, 3, 1].map((n) => {
    torch.set_num_threads(n);
    const r = f();
    expect(r, `the WebAssembly path took the call with ${n} thread(s)`).not.toBeNull();
    return r!;
  });
}
const expectSame = (outs: Float32Array[], what: string) => {
  for (const o of outs.slice(1)) expect(sameBits(o, outs[0]!), what).toBe(true);
};

const CHUNK = 16384;
type FusedTree = Parameters<typeof wasmFusedF32>[0];

describe("pipelined chunk jobs are bit-identical for every thread count", () => {
  it("eager elementwise: more chunks than slots, odd tails, strided, scalar and per-row operands", () => {
    expect(wasmSimdEnabled()).toBe(true);
    const r = rng(11);
    const jobs = threadStats.jobs;
    for (const n of [CHUNK * 17 + 5, CHUNK * 33 + 1, CHUNK * 40]) {
      const x = randArray(r, n + 3),
        y = randArray(r, n);
      const run = (prim: string, ins: Strided[], shape = [n]) =>
        acrossThreads(() => {
          const out = new Float32Array(n);
          return wasmElementwiseF32(prim, ins, shape, out) ? out : null;
        });
      expectSame(run("tanh", [dense(x, [n], 3)]), `tanh ${n}`);
      expectSame(run("exp", [dense(x, [n])]), `exp ${n}`);
      expectSame(run("add", [dense(x, [n], 1), dense(y, [n])]), `add ${n}`);
      expectSame(run("multiply", [dense(y, [n]), scalar(2)]), `multiply by a scalar ${n}`);
    }
    // a transposed operand of a transcendental op is gathered chunk by chunk
    const [R, C] = [517, 1031];
    const t = randArray(r, R * C);
    const tr: Strided = { data: t, offset: 0, strides: [1, R] } as Strided;
    const outs = acrossThreads(() => {
      const out = new Float32Array(R * C);
      return wasmElementwiseF32("tanh", [tr], [C, R], out) ? out : null;
    });
    expectSame(outs, "tanh of a transposed operand");
    // the gathered values are the transposed ones: the same as tanh of a dense copy
    const copy = new Float32Array(R * C);
    for (let i = 0; i < C; i++) for (let j = 0; j < R; j++) copy[i * R + j] = t[i + j * R]!;
    torch.set_num_threads(1);
    const ref = new Float32Array(R * C);
    expect(wasmElementwiseF32("tanh", [dense(copy, [C, R])], [C, R], ref)).toBe(true);
    expect(sameBits(outs[0]!, ref), "transposed tanh equals tanh of the dense copy").toBe(true);
    // x - row value over rows of 9000: whole rows per chunk, more chunks than slots
    const rows = 700,
      len = 9000;
    const xs = randArray(r, rows * len),
      rv = randArray(r, rows);
    expectSame(
      acrossThreads(() => {
        const out = new Float32Array(rows * len);
        const ins = [dense(xs, [rows, len]), { data: rv, offset: 0, strides: [1, 0] } as Strided];
        return wasmElementwiseF32("subtract", ins, [rows, len], out) ? out : null;
      }),
      "x - row value",
    );
    expect(threadStats.jobs).toBeGreaterThan(jobs);
  });

  it("row reductions: long rows' partial results combined in chunk order", () => {
    const r = rng(12);
    for (const [rows, len] of [
      [1, CHUNK * 20 + 3],
      [3, CHUNK * 7 + 11],
      [40000, 9],
    ] as const) {
      const x = randArray(r, rows * len + 1);
      for (const op of ["sum", "max", "min"] as const)
        expectSame(
          acrossThreads(() => {
            const out = new Float32Array(rows);
            return wasmReduceRowsF32(op, x, 1, rows, len, out) ? out : null;
          }),
          `${op} ${rows}x${len}`,
        );
    }
  });

  it("fused loops: tanh(x*2+1) over dense and strided leaves, equal to the eager kernels", () => {
    const r = rng(13);
    const tree: FusedTree = ["tanh", ["add", ["multiply", 0, 1], 2]];
    for (const n of [CHUNK * 17 + 3, CHUNK * 24 + 1]) {
      const x = randArray(r, n);
      const ins = [dense(x, [n]), scalar(2), scalar(1)];
      const outs = acrossThreads(() => {
        const out = new Float32Array(n);
        return wasmFusedF32(tree, ins, [n], out) ? out : null;
      });
      expectSame(outs, `fused ${n}`);
      // the eager kernels op by op, on one thread (the same lane code)
      torch.set_num_threads(1);
      const two = new Float32Array(n),
        lin = new Float32Array(n),
        th = new Float32Array(n);
      expect(wasmElementwiseF32("multiply", [dense(x, [n]), scalar(2)], [n], two)).toBe(true);
      expect(wasmElementwiseF32("add", [dense(two, [n]), scalar(1)], [n], lin)).toBe(true);
      expect(wasmElementwiseF32("tanh", [dense(lin, [n])], [n], th)).toBe(true);
      expect(sameBits(outs[0]!, th), `fused ${n} equals eager`).toBe(true);
    }
    // two leaves, one of them transposed (gathered per chunk)
    const [R, C] = [601, 977];
    const a = randArray(r, R * C),
      b = randArray(r, R * C);
    const ins = [dense(a, [C, R]), { data: b, offset: 0, strides: [1, C] } as Strided];
    const sum: FusedTree = ["tanh", ["add", 0, 1]];
    expectSame(
      acrossThreads(() => {
        const out = new Float32Array(R * C);
        return wasmFusedF32(sum, ins, [C, R], out) ? out : null;
      }),
      "fused over a transposed leaf",
    );
  });

  it("through torch: the chain on cpu and xla, 1 and 2 threads", () => {
    torch.manual_seed(3);
    const x = torch.randn([CHUNK * 18 + 7]);
    const outs = acrossThreads(() => Float32Array.from(torch.tanh(x.mul(2).add(1)).tolist() as number[]));
    expectSame(outs, "eager chain");
    const xx = x.to("xla");
    const lazy = acrossThreads(() => {
      const y = torch.tanh(xx.mul(2).add(1));
      torch.xla.sync(y);
      return Float32Array.from(y.cpu().tolist() as number[]);
    });
    expectSame(lazy, "xla chain");
    expect(sameBits(lazy[0]!, outs[0]!), "xla equals eager").toBe(true);
  });
});
