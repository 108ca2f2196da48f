// The system BLAS path of dot_general against the JavaScript kernel (the
// oracle), on random shapes, layouts (transposed, padded, strided, broadcast
// batch dims), batch dims, empty and 1-sized dims, float32 and float64; BLAS
// discovery rules; XLATORCH_BLAS errors. The comparisons run only where a BLAS
// library is found (CI installs libopenblas0, see .ci/run); the rest always runs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { float32, float64, type AVal, type DType, type DotDims } from "@xlatorch/core";
import { _resetBlas, blasInfo, blasPolicy, blasStats, discoverBlas, KERNELS, type BlasFsProbe, type Strided } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { rng } from "./harness/rng";

const off = (process.env.XLATORCH_BLAS ?? "").toLowerCase() === "off";
const info = (() => {
  try {
    return blasInfo();
  } catch {
    return null;
  }
})();
const haveBlas = !!info?.active;

interface Operand {
  s: Strided;
  a: AVal;
}
type Tag = ["b" | "f" | "c", number];

/**
 * An operand with logical dims `tags` (in that order), stored in a random
 * physical order, maybe with a padded dim, a step-2 dim, a broadcast (stride 0)
 * batch dim and a leading offset.
 */
function makeOperand(r: () => number, tags: Tag[], size: (t: Tag) => number, dtype: DType): Operand {
  const shape = tags.map(size);
  const nd = shape.length;
  const pick = (p: number) => r() < p;
  const bcast = tags.map((t) => t[0] === "b" && pick(0.2));
  const step = shape.map(() => (pick(0.15) ? 2 : 1));
  const pad = shape.map(() => (pick(0.15) ? 1 + Math.floor(r() * 3) : 0));
  const order = [...Array(nd).keys()];
  if (pick(0.6))
    for (let i = nd - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  // physical strides: innermost last in `order`
  const strides = new Array<number>(nd).fill(0);
  let span = 1;
  for (let i = nd - 1; i >= 0; i--) {
    const d = order[i]!;
    const n = bcast[d] ? 1 : shape[d]!;
    strides[d] = bcast[d] ? 0 : span * step[d]!;
    span *= n * step[d]! + pad[d]!;
  }
  const offset = Math.floor(r() * 3);
  const data = dtype.alloc(offset + span + 2) as Float32Array | Float64Array;
  for (let i = 0; i < data.length; i++) data[i] = r() * 2 - 1;
  return { s: { data, offset, strides }, a: { shape, dtype } };
}

const SIZES = [0, 1, 1, 2, 3, 4, 5, 7, 8, 13, 17, 33];

function randomCase(seed: number, dtype: DType) {
  const r = rng(seed);
  const count = () => Math.floor(r() * 3);
  const size = () => (r() < 0.05 ? 0 : SIZES[1 + Math.floor(r() * (SIZES.length - 1))]!);
  const nb = count(),
    nlf = count(),
    nrf = count(),
    nc = count();
  const bs = Array.from({ length: nb }, size),
    lfs = Array.from({ length: nlf }, size);
  const rfs = Array.from({ length: nrf }, size),
    cs = Array.from({ length: nc }, size);
  const shuffle = (t: Tag[]) => {
    for (let i = t.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [t[i], t[j]] = [t[j]!, t[i]!];
    }
    return t;
  };
  const lt = shuffle([...bs.map((_, i): Tag => ["b", i]), ...lfs.map((_, i): Tag => ["f", i]), ...cs.map((_, i): Tag => ["c", i])]);
  const rt = shuffle([...bs.map((_, i): Tag => ["b", i]), ...rfs.map((_, i): Tag => ["f", i]), ...cs.map((_, i): Tag => ["c", i])]);
  const lhs = makeOperand(r, lt, ([k, i]) => (k === "b" ? bs : k === "f" ? lfs : cs)[i]!, dtype);
  const rhs = makeOperand(r, rt, ([k, i]) => (k === "b" ? bs : k === "f" ? rfs : cs)[i]!, dtype);
  const pos = (t: Tag[], k: string, i: number) => t.findIndex((x) => x[0] === k && x[1] === i);
  const dd: DotDims = {
    lhs_batch: bs.map((_, i) => pos(lt, "b", i)),
    rhs_batch: bs.map((_, i) => pos(rt, "b", i)),
    lhs_contract: cs.map((_, i) => pos(lt, "c", i)),
    rhs_contract: cs.map((_, i) => pos(rt, "c", i)),
  };
  // output: batch, lhs free (in lhs dim order), rhs free (in rhs dim order)
  const free = (t: Tag[], sh: readonly number[]) => t.map((x, d) => (x[0] === "f" ? sh[d]! : -1)).filter((n) => n >= 0);
  const out: AVal = { shape: [...bs, ...free(lt, lhs.a.shape), ...free(rt, rhs.a.shape)], dtype };
  const K = cs.reduce((a, b) => a * b, 1);
  return {
    lhs,
    rhs,
    dd,
    out,
    K,
    desc: `lhs ${JSON.stringify(lhs.a.shape)} strides ${JSON.stringify(lhs.s.strides)}, rhs ${JSON.stringify(rhs.a.shape)} strides ${JSON.stringify(rhs.s.strides)}, ${JSON.stringify(dd)}`,
  };
}

/** Output values in row-major order. */
function read(s: Strided, shape: readonly number[]): number[] {
  const out: number[] = [];
  const idx = shape.map(() => 0);
  const n = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    out.push(Number(s.data[s.offset + idx.reduce((o, v, d) => o + v * s.strides[d]!, 0)]));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function run(c: ReturnType<typeof randomCase>, viaBlas: boolean): number[] {
  const prev = blasPolicy.enabled;
  blasPolicy.enabled = viaBlas;
  try {
    const [o] = KERNELS.dot_general!([c.lhs.s, c.rhs.s], [c.lhs.a, c.rhs.a], c.dd, [c.out]);
    return read(o!, c.out.shape);
  } finally {
    blasPolicy.enabled = prev;
  }
}

describe.skipIf(!haveBlas)(`dot_general: system BLAS (${info?.vendor ?? "none"}) vs the JavaScript kernel`, () => {
  const prevMin = blasPolicy.minBatchedWork;
  afterEach(() => {
    blasPolicy.minBatchedWork = prevMin;
  });

  for (const dtype of [float32, float64]) {
    it(`${dtype.name}: 400 random shapes, layouts, batch dims, empty and 1-sized dims`, () => {
      blasPolicy.minBatchedWork = 0; // every product through BLAS, tiny batched ones included
      const calls0 = blasStats.gemmCalls;
      for (let seed = 1; seed <= 400; seed++) {
        const c = randomCase(seed * 7919 + (dtype === float32 ? 0 : 1), dtype);
        const js = run(c, false),
          blas = run(c, true);
        expect(blas.length, c.desc).toBe(js.length);
        // inputs in [-1, 1): |error| of a K-term sum stays within a few ulps of K
        const tol = (dtype === float32 ? 4 * 2 ** -23 : 4 * 2 ** -52) * Math.max(1, c.K);
        for (let i = 0; i < js.length; i++) {
          if (!(Math.abs(blas[i]! - js[i]!) <= tol)) expect.fail(`seed ${seed} element ${i}: BLAS ${blas[i]} vs JS ${js[i]} (${c.desc})`);
        }
      }
      expect(blasStats.gemmCalls).toBeGreaterThan(calls0 + 200);
    });
  }

  it("matmul, linear and bmm through torch on cpu and xla (the CPU runtime runs the same kernel)", () => {
    torch.manual_seed(0);
    const a = torch.randn(64, 48),
      b = torch.randn(40, 48),
      w = torch.randn(3, 48, 32);
    const calls0 = blasStats.gemmCalls;
    const exprs = (x: any, y: any, z: any) => [
      x.matmul(y.t()),
      torch.nn.functional.linear(x, y),
      x.t().matmul(x),
      torch.bmm(z.transpose(1, 2), z),
    ];
    const cpu = exprs(a, b, w);
    expect(blasStats.gemmCalls).toBeGreaterThanOrEqual(calls0 + 6);
    const calls1 = blasStats.gemmCalls;
    const xla = exprs(a.to("xla"), b.to("xla"), w.to("xla")).map((t: any) => t.cpu());
    expect(blasStats.gemmCalls).toBeGreaterThanOrEqual(calls1 + 6);
    blasPolicy.enabled = false;
    try {
      const ref = exprs(a.double(), b.double(), w.double());
      for (let i = 0; i < ref.length; i++) {
        expect(cpu[i].double().sub(ref[i]).abs().max().item()).toBeLessThan(1e-4);
        expect(xla[i].double().sub(ref[i]).abs().max().item()).toBeLessThan(1e-4);
      }
    } finally {
      blasPolicy.enabled = true;
    }
  });

  it("torch.__config__ names the library", () => {
    expect(torch.__config__.show()).toContain(info!.path!);
    expect(torch.__config__.blas().active).toBe(true);
  });
});

describe("BLAS discovery", () => {
  const files = (...ps: string[]): BlasFsProbe => ({ isFile: (p) => ps.includes(p), realpath: (p) => p });

  it("XLATORCH_BLAS=off disables it; a named path is the only candidate; a missing one is an error naming it", () => {
    expect(discoverBlas({ XLATORCH_BLAS: "off" }, files("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"), "linux", "x64")).toMatchObject({
      disabled: true,
      candidates: [],
    });
    expect(discoverBlas({ XLATORCH_BLAS: "/opt/b/libmkl_rt.so" }, files("/opt/b/libmkl_rt.so"), "linux", "x64").candidates).toEqual([
      { path: "/opt/b/libmkl_rt.so", source: "XLATORCH_BLAS" },
    ]);
    const d = discoverBlas({ XLATORCH_BLAS: "/nope/libblas.so" }, files(), "linux", "x64");
    expect(d.error).toContain("/nope/libblas.so");
  });

  it("searches LD_LIBRARY_PATH, then the system directories; OpenBLAS before MKL; a reference libblas.so.3 is never taken", () => {
    const probe: BlasFsProbe = {
      isFile: (p) =>
        [
          "/my/lib/libmkl_rt.so.2",
          "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
          "/usr/lib/x86_64-linux-gnu/libblas.so.3",
          "/usr/lib64/libblas.so.3",
        ].includes(p),
      realpath: (p) =>
        p === "/usr/lib64/libblas.so.3"
          ? "/usr/lib64/blas/libblas.so.3"
          : p === "/usr/lib/x86_64-linux-gnu/libblas.so.3"
            ? "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"
            : p,
    };
    const d = discoverBlas({ LD_LIBRARY_PATH: "/my/lib" }, probe, "linux", "x64");
    expect(d.candidates.map((c) => c.path)).toEqual([
      "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
      "/my/lib/libmkl_rt.so.2",
      "/usr/lib/x86_64-linux-gnu/libblas.so.3",
    ]);
    expect(discoverBlas({}, files(), "linux", "x64")).toMatchObject({ candidates: [], disabled: false });
    expect(discoverBlas({}, files(), "darwin", "arm64").candidates.map((c) => c.path)).toEqual([
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
    ]);
  });

  describe("XLATORCH_BLAS naming something unusable throws an error naming the path", () => {
    const saved = process.env.XLATORCH_BLAS;
    afterEach(() => {
      if (saved === undefined) delete process.env.XLATORCH_BLAS;
      else process.env.XLATORCH_BLAS = saved;
      _resetBlas();
    });
    const matmul = () => torch.matmul(torch.ones(3, 4), torch.ones(4, 2));

    it("a path that does not exist", () => {
      process.env.XLATORCH_BLAS = "/no/such/dir/libopenblas.so.0";
      _resetBlas();
      expect(matmul).toThrow(/XLATORCH_BLAS names \/no\/such\/dir\/libopenblas\.so\.0, which does not exist/);
      expect(() => torch.__config__.show()).toThrow(/\/no\/such\/dir\/libopenblas\.so\.0/);
      // integer products never touch BLAS
      expect(torch.matmul(torch.ones(2, 2, { dtype: torch.int64 }), torch.ones(2, 2, { dtype: torch.int64 })).tolist()).toEqual([
        [2, 2],
        [2, 2],
      ]);
    });

    it("a file that is not a library", () => {
      const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-blas-")), "libfake.so");
      fs.writeFileSync(f, "not a library");
      process.env.XLATORCH_BLAS = f;
      _resetBlas();
      expect(matmul).toThrow(new RegExp(`XLATORCH_BLAS names ${f.replace(/[.]/g, "\\.")}, which is not a usable BLAS library`));
    });

    const libm = [
      "/lib/x86_64-linux-gnu/libm.so.6",
      "/usr/lib/x86_64-linux-gnu/libm.so.6",
      "/lib64/libm.so.6",
      "/usr/lib/aarch64-linux-gnu/libm.so.6",
    ].find((p) => fs.existsSync(p));
    it.skipIf(!libm)("a library without cblas_sgemm", () => {
      process.env.XLATORCH_BLAS = libm!;
      _resetBlas();
      expect(matmul).toThrow(/has no cblas_sgemm/);
      expect(matmul).toThrow(libm!);
    });

    it("off: the JavaScript kernels, and __config__ says so", () => {
      process.env.XLATORCH_BLAS = "off";
      _resetBlas();
      const calls0 = blasStats.gemmCalls;
      expect(matmul().tolist()).toEqual([
        [4, 4],
        [4, 4],
        [4, 4],
      ]);
      expect(blasStats.gemmCalls).toBe(calls0);
      expect(torch.__config__.blas().active).toBe(false);
      expect(torch.__config__.show()).toContain("BLAS_INFO=none");
    });
  });
});

it("the BLAS state matches the environment", () => {
  if (off) expect(info?.active).toBe(false);
});
