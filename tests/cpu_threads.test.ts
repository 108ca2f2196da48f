// The worker pool (packages/cpu/src/wasm/threads.ts): the WebAssembly GEMM,
// elementwise and reduction kernels split across 2 and 3 threads give results
// bit-identical to one thread, on random shapes with tails (rows not a
// multiple of the 4-row panels, columns not a multiple of 8, sizes not a
// multiple of the 4-lane vectors or of the copy chunk), empty tensors,
// scalar / per-row / repeated operands and long rows; torch.set_num_threads
// validation (PyTorch's messages); the default (the core count, or
// XLATORCH_NUM_THREADS); and a process that ran threaded kernels exits on its
// own (the workers are unref()'d).
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  _resetBlas,
  blasInfo,
  GEMM_THREAD_MIN,
  gemmF32,
  numThreads,
  type Strided,
  THREAD_MIN,
  threadStats,
  wasmElementwiseF32,
  wasmReduceRowsF32,
  wasmSimdEnabled,
  wasmGemmEnabled,
} from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { rng } from "./harness/rng";

const root = fileURLToPath(new URL("..", import.meta.url));
const child = fileURLToPath(new URL("./cpu_threads_child.ts", import.meta.url));
const run = promisify(execFile);

const randArray = (r: () => number, n: number) => Float32Array.from({ length: n }, () => r() * 4 - 2);
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

const saved = { threads: numThreads(), gemm: GEMM_THREAD_MIN.work, ew: { ...THREAD_MIN }, wasm: process.env.XLATORCH_WASM };
beforeAll(() => {
  // split everything this suite computes, whatever its size
  GEMM_THREAD_MIN.work = 1;
  THREAD_MIN.arith = THREAD_MIN.transcendental = THREAD_MIN.reduce = 1;
  // the size thresholds of the WebAssembly path itself stay as the process has them, except "off"
  if (process.env.XLATORCH_WASM?.toLowerCase() === "off") delete process.env.XLATORCH_WASM;
});
afterEach(() => torch.set_num_threads(saved.threads));
afterAll(() => {
  GEMM_THREAD_MIN.work = saved.gemm;
  Object.assign(THREAD_MIN, saved.ew);
  if (saved.wasm === undefined) delete process.env.XLATORCH_WASM;
  else process.env.XLATORCH_WASM = saved.wasm;
});

/** f's result with 1, 2 and 3 threads (and 1 again): all must be bit-identical. */
function acrossThreads(f: () => Float32Array): Float32Array[] {
  return [1, 2, 3, 1].map((n) => {
    torch.set_num_threads(n);
    return f();
  });
}

describe("threaded WebAssembly kernels match one thread bit for bit", () => {
  it("GEMM: row panels split across threads, tails and empty operands", () => {
    expect(wasmGemmEnabled()).toBe(true);
    const r = rng(1);
    const shapes: [number, number, number, number][] = [
      [1, 64, 64, 64],
      [1, 37, 300, 19],
      [2, 130, 513, 77],
      [3, 9, 5, 1],
      [1, 257, 17, 33],
      [1, 0, 7, 5],
      [1, 6, 0, 5],
      [1, 6, 7, 0],
      [0, 6, 7, 5],
    ];
    const jobs = threadStats.jobs;
    for (const [b, M, K, N] of shapes) {
      const A = randArray(r, b * M * K),
        B = randArray(r, b * K * N);
      const outs = acrossThreads(() => {
        const out = new Float32Array(b * M * N).fill(Number.NaN);
        expect(gemmF32(A, B, out, b, M, K, N)).toBe(true);
        return out;
      });
      for (const o of outs.slice(1)) expect(sameBits(o, outs[0]!), `${b}x${M}x${K}x${N}`).toBe(true);
      if (M * N > 0 && K === 0) expect(outs[0]!.every((v) => v === 0)).toBe(true);
    }
    expect(threadStats.jobs).toBeGreaterThan(jobs);
  });

  it("workers take tasks (not only the calling thread)", () => {
    torch.set_num_threads(2);
    const r = rng(2);
    const M = 256,
      A = randArray(r, M * M);
    const out = new Float32Array(M * M);
    const before = threadStats.workerTasks;
    // a worker that is still starting, or descheduled, leaves its tasks to the caller: try a few times
    for (let i = 0; i < 50 && threadStats.workerTasks === before; i++) gemmF32(A, A, out, 1, M, M, M);
    expect(threadStats.workerTasks).toBeGreaterThan(before);
    expect(threadStats.workers).toBeGreaterThanOrEqual(1);
  });

  it("elementwise: dense, scalar, per-row and repeated operands, tails and chunk crossings", () => {
    expect(wasmSimdEnabled()).toBe(true);
    const r = rng(3);
    const dense = (data: Float32Array, shape: number[]): Strided => {
      const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
      return { data, offset: 0, strides } as Strided;
    };
    const cases: { prim: string; shape: number[]; ins: (shape: number[]) => Strided[] }[] = [];
    for (const n of [0, 1, 5, 1023, 4096 + 3, 16384 * 2 + 5, 16384 * 5]) {
      cases.push({ prim: "tanh", shape: [n], ins: (s) => [dense(randArray(r, n), s)] });
      cases.push({ prim: "add", shape: [n], ins: (s) => [dense(randArray(r, n), s), dense(randArray(r, n), s)] });
      cases.push({
        prim: "multiply",
        shape: [n],
        ins: (s) => [dense(randArray(r, n), s), { data: randArray(r, 1), offset: 0, strides: [0] } as Strided],
      });
    }
    for (const [rows, len] of [
      [3000, 7],
      [40, 16385],
      [9, 40000],
      [1, 70001],
    ]) {
      // x - row value (softmax's shape) and x + bias (a repeated row)
      cases.push({
        prim: "subtract",
        shape: [rows, len],
        ins: (s) => [dense(randArray(r, rows * len), s), { data: randArray(r, rows), offset: 0, strides: [1, 0] } as Strided],
      });
      cases.push({
        prim: "add",
        shape: [rows, len],
        ins: (s) => [dense(randArray(r, rows * len), s), { data: randArray(r, len), offset: 0, strides: [0, 1] } as Strided],
      });
    }
    for (const { prim, shape, ins } of cases) {
      const operands = ins(shape);
      const n = shape.reduce((a, b) => a * b, 1);
      const outs = acrossThreads(() => {
        const out = new Float32Array(n);
        // too small for the WebAssembly path at this process's thresholds: nothing to compare
        if (!wasmElementwiseF32(prim, operands, shape, out)) return new Float32Array(0);
        return out;
      });
      for (const o of outs.slice(1)) expect(sameBits(o, outs[0]!), `${prim} ${shape}`).toBe(true);
    }
  });

  it("reductions: rows split across threads, long rows combined in the same order", () => {
    const r = rng(4);
    for (const [rows, len] of [
      [1, 1 << 20],
      [1, 16384 * 3 + 7],
      [3, 100003],
      [1024, 4096],
      [5000, 5],
      [2, 300],
    ]) {
      const x = randArray(r, rows * len + 3);
      for (const op of ["sum", "max", "min"] as const) {
        const outs = acrossThreads(() => {
          const out = new Float32Array(rows);
          if (!wasmReduceRowsF32(op, x, 3, rows, len, out)) return new Float32Array(0);
          return out;
        });
        for (const o of outs.slice(1)) expect(sameBits(o, outs[0]!), `${op} ${rows}x${len}`).toBe(true);
      }
    }
  });

  it("torch ops on cpu: matmul, tanh, softmax and sum agree across thread counts", () => {
    torch.manual_seed(0);
    const a = torch.randn([130, 70]),
      b = torch.randn([70, 90]);
    const outs = acrossThreads(() => {
      const y = torch.softmax(torch.tanh(torch.matmul(a, b).mul(2).add(1)), -1);
      return Float32Array.from(torch.cat([y.reshape([-1]), y.sum(-1)]).tolist() as number[]);
    });
    for (const o of outs.slice(1)) expect(sameBits(o, outs[0]!)).toBe(true);
  });
});

describe("torch.set_num_threads / get_num_threads", () => {
  it("sets and reads the count", () => {
    torch.set_num_threads(3);
    expect(torch.get_num_threads()).toBe(3);
    expect(numThreads()).toBe(3);
    torch.set_num_threads(1);
    expect(torch.get_num_threads()).toBe(1);
  });

  it("takes no keywords, as PyTorch's C functions (TypeError: torch.set_num_threads() takes no keyword arguments)", () => {
    expect(() => torch.set_num_threads({ num: 1 } as never)).toThrow("torch.set_num_threads() takes no keyword arguments");
    expect(() => torch.set_num_interop_threads({ num: 1 } as never)).toThrow("torch.set_num_interop_threads() takes no keyword arguments");
    expect(torch.get_num_threads()).toBe(saved.threads);
  });

  it("requires a positive int, as PyTorch does", () => {
    // PyTorch 1.13: RuntimeError: set_num_threads expects a positive integer
    expect(() => torch.set_num_threads(0)).toThrow("set_num_threads expects a positive integer");
    expect(() => torch.set_num_threads(-2)).toThrow("set_num_threads expects a positive integer");
    expect(() => torch.set_num_interop_threads(0)).toThrow("set_num_interop_threads expects a positive integer");
    // PyTorch: "set_num_threads expects an int, but got float"; here the one parser's TypeError, naming the op
    expect(() => torch.set_num_threads(2.5)).toThrow(/set_num_threads.*int.*float/);
    expect(() => torch.set_num_threads("2" as never)).toThrow(/set_num_threads.*int.*str/);
    expect(() => torch.set_num_threads(true as never)).toThrow("set_num_threads expects an int, but got bool");
    expect(() => (torch.set_num_threads as () => void)()).toThrow(/set_num_threads/);
    expect(torch.get_num_threads()).toBe(saved.threads);
  });

  it("sets OpenBLAS's thread count too, when the system BLAS is OpenBLAS (at once, or when it loads)", () => {
    if (blasInfo().vendor !== "OpenBLAS") return;
    torch.set_num_threads(1);
    expect(blasInfo().threads).toBe(1);
    torch.set_num_threads(2);
    expect(blasInfo().threads).toBe(2);
    torch.set_num_threads(1);
    _resetBlas();
    expect(blasInfo().threads).toBe(1);
  });

  it("runs a small product on one OpenBLAS thread and a large one on all, with the same values", () => {
    if (blasInfo().vendor !== "OpenBLAS") return;
    // OpenBLAS's own view of its count, read through the library itself (the same handle the backend loaded)
    type Lib = { func: (signature: string) => () => number };
    const koffi = createRequire(`${root}packages/cpu/package.json`)("koffi") as { load: (path: string) => Lib };
    const get = koffi.load(blasInfo().path!).func("int openblas_get_num_threads(void)");
    torch.set_num_threads(2);
    const product = (m: number, k: number, n: number) => {
      const a = torch.randn([m, k], { generator: new torch.Generator().manual_seed(m) });
      const b = torch.randn([k, n], { generator: new torch.Generator().manual_seed(n) });
      const out = torch.matmul(a, b);
      return { out, threads: get(), ref: torch.mm(a.double(), b.double()) };
    };
    const small = product(256, 64, 64); // 1M multiply-adds < blasPolicy.minWorkPerThread
    expect(small.threads).toBe(1);
    const large = product(512, 256, 256); // 33.6M: two threads' worth
    expect(large.threads).toBe(2);
    expect(product(64, 64, 64).threads).toBe(1);
    for (const { out, ref } of [small, large]) expect(torch.allclose(out.double(), ref, { rtol: 1e-4, atol: 1e-4 })).toBe(true);
    torch.set_num_threads(1);
    expect(product(512, 256, 256).threads).toBe(1);
    expect(blasInfo().threads).toBe(1);
  });

  it("set_num_interop_threads records the number", () => {
    expect(torch.get_num_interop_threads()).toBeGreaterThanOrEqual(1);
    torch.set_num_interop_threads(2);
    expect(torch.get_num_interop_threads()).toBe(2);
  });
});

describe("processes", () => {
  const runChild = async (args: string[], env: Record<string, string | undefined>) => {
    const e: Record<string, string | undefined> = {
      ...process.env,
      XLATORCH_QUIET: "1",
      TSX_TSCONFIG_PATH: "tsconfig.json",
      XLATORCH_BLAS: "off",
      ...env,
    };
    for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    const { stdout } = await run(process.execPath, ["--import", "tsx", child, ...args], {
      cwd: root,
      encoding: "utf8",
      env: e,
      timeout: 50000,
    });
    return JSON.parse(stdout.trim().split("\n").at(-1)!) as { initial: number; cores: number; workers: number; jobs: number };
  };

  it("exit on their own after threaded kernels; default = cores, or XLATORCH_NUM_THREADS", async () => {
    const [ran, named] = await Promise.all([
      runChild(["run"], { XLATORCH_NUM_THREADS: undefined, XLATORCH_WASM: undefined }),
      runChild([], { XLATORCH_NUM_THREADS: "3" }),
    ]);
    expect(ran.initial).toBe(ran.cores);
    expect(ran.jobs).toBeGreaterThan(0);
    expect(ran.workers).toBe(1);
    expect(named.initial).toBe(3);
    // no kernel ran: no worker was started (they start at the first large kernel, not at import)
    expect(named.workers).toBe(0);
  }, 60000);
});
