// A system BLAS for float32/float64 dot_general, through koffi.
//
// Discovery is a pure function of an env record and a filesystem probe (as the
// PJRT plugin discovery in packages/pjrt), so every rule is testable:
// 1. XLATORCH_BLAS=off (or 0, false, none): no BLAS.
// 2. XLATORCH_BLAS=/path/lib.so: that library; a path that does not exist, or
//    a library that cannot be loaded or lacks cblas_sgemm/cblas_dgemm, throws
//    an error naming the path (at the first float dot_general, or blasInfo()).
// 3. Otherwise the usual library locations (LD_LIBRARY_PATH, DYLD_LIBRARY_PATH,
//    CONDA_PREFIX/lib, the system and /usr/local library directories, Debian's
//    openblas-{pthread,openmp,serial} directories, oneAPI MKL, Homebrew's
//    openblas, Accelerate on macOS) for OpenBLAS, MKL (libmkl_rt), BLIS, or a
//    libblas.so.3 that resolves to one of them (Debian's alternatives link; the
//    reference BLAS is never picked). The first that loads and has both
//    cblas_sgemm and cblas_dgemm is used; nothing found means the JavaScript
//    kernels, silently.
// koffi is loaded lazily with require, so the package still loads where there
// is no native module (a bundle for the browser): BLAS is then simply absent.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type * as Koffi from "koffi";

export type Env = Readonly<Record<string, string | undefined>>;

export interface FsProbe {
  isFile(p: string): boolean;
  /** The path with symlinks resolved, or the path itself when it cannot be resolved. */
  realpath(p: string): string;
}

export const nodeFsProbe: FsProbe = {
  isFile: (p) => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  },
  realpath: (p) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  },
};

export interface BlasCandidate {
  readonly path: string;
  readonly source: "XLATORCH_BLAS" | "search";
}

export interface BlasDiscovery {
  /** Libraries to try, in order (one when XLATORCH_BLAS names it). */
  readonly candidates: readonly BlasCandidate[];
  /** XLATORCH_BLAS=off */
  readonly disabled: boolean;
  /** Set when XLATORCH_BLAS names something unusable: the error to throw. */
  readonly error?: string;
  readonly reason: string;
}

const OFF = new Set(["off", "0", "false", "none", "no"]);
const ACCELERATE = "/System/Library/Frameworks/Accelerate.framework/Accelerate";

/** Library file names that are an optimised BLAS with the CBLAS interface, in preference order. */
export function blasFileNames(platform: string): string[] {
  if (platform === "darwin")
    return ["libopenblas.0.dylib", "libopenblas.dylib", "libmkl_rt.2.dylib", "libmkl_rt.dylib", "libblis.4.dylib", "libblis.dylib"];
  if (platform === "win32") return ["libopenblas.dll", "openblas.dll", "mkl_rt.2.dll", "mkl_rt.dll"];
  return [
    "libopenblas.so.0",
    "libopenblas.so",
    "libopenblasp.so.0",
    "libmkl_rt.so.2",
    "libmkl_rt.so",
    "libblis.so.4",
    "libblis.so",
    "libblas.so.3",
  ];
}

/** Directories searched, in order. */
export function blasSearchDirs(env: Env, platform: string, arch: string): string[] {
  const split = (v: string | undefined) => (v ?? "").split(platform === "win32" ? ";" : ":").filter(Boolean);
  const dirs: string[] = [];
  if (platform === "win32") return [...split(env.PATH)];
  dirs.push(...split(env.LD_LIBRARY_PATH));
  if (platform === "darwin") dirs.push(...split(env.DYLD_LIBRARY_PATH), "/opt/homebrew/opt/openblas/lib", "/usr/local/opt/openblas/lib");
  if (env.CONDA_PREFIX) dirs.push(path.join(env.CONDA_PREFIX, "lib"));
  const multiarch = {
    x64: "x86_64-linux-gnu",
    arm64: "aarch64-linux-gnu",
    ppc64: "powerpc64le-linux-gnu",
    s390x: "s390x-linux-gnu",
    riscv64: "riscv64-linux-gnu",
  }[arch];
  for (const base of ["/usr/local/lib", ...(multiarch ? [`/usr/lib/${multiarch}`] : []), "/usr/lib64", "/usr/lib"]) {
    dirs.push(base);
    for (const v of ["openblas-pthread", "openblas-openmp", "openblas-serial", "openblas"]) dirs.push(path.join(base, v));
  }
  dirs.push(
    "/opt/OpenBLAS/lib",
    "/opt/intel/oneapi/mkl/latest/lib/intel64",
    "/opt/intel/oneapi/mkl/latest/lib",
    "/opt/intel/mkl/lib/intel64",
  );
  return [...new Set(dirs)];
}

/** A libblas.so.3 is taken only when it resolves to an optimised BLAS (not the reference one). */
const OPTIMISED = /openblas|mkl|blis|atlas/i;

export function discoverBlas(
  env: Env,
  probe: FsProbe = nodeFsProbe,
  platform: string = process.platform,
  arch: string = process.arch,
): BlasDiscovery {
  const named = env.XLATORCH_BLAS?.trim();
  if (named && OFF.has(named.toLowerCase()))
    return { candidates: [], disabled: true, reason: `XLATORCH_BLAS=${named} disables the system BLAS` };
  if (named) {
    // macOS system libraries live in the dyld shared cache, not on disk: try to load those anyway.
    if (!probe.isFile(named) && !(platform === "darwin" && named.startsWith("/System/"))) {
      return {
        candidates: [],
        disabled: false,
        error: `XLATORCH_BLAS names ${named}, which does not exist (set it to a BLAS library such as libopenblas.so.0, or to "off")`,
        reason: "XLATORCH_BLAS names a missing file",
      };
    }
    return { candidates: [{ path: named, source: "XLATORCH_BLAS" }], disabled: false, reason: `XLATORCH_BLAS=${named}` };
  }
  const out: BlasCandidate[] = [];
  const seen = new Set<string>();
  const names = blasFileNames(platform);
  for (const name of names) {
    for (const dir of blasSearchDirs(env, platform, arch)) {
      const p = path.join(dir, name);
      if (!probe.isFile(p)) continue;
      const real = probe.realpath(p);
      if (name.startsWith("libblas") && !OPTIMISED.test(real)) continue;
      if (seen.has(real)) continue;
      seen.add(real);
      out.push({ path: p, source: "search" });
    }
  }
  if (platform === "darwin") out.push({ path: ACCELERATE, source: "search" });
  return {
    candidates: out,
    disabled: false,
    reason: out.length ? `found ${out.map((c) => c.path).join(", ")}` : "no BLAS library found in the usual locations",
  };
}

// ---------------------------------------------------------------- loading

/** CBLAS enums. */
export const ROW_MAJOR = 101,
  NO_TRANS = 111,
  TRANS = 112;

type Gemm = (
  order: number,
  ta: number,
  tb: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array | Float64Array,
  lda: number,
  b: Float32Array | Float64Array,
  ldb: number,
  beta: number,
  c: Float32Array | Float64Array,
  ldc: number,
) => void;

type Gemv = (
  order: number,
  trans: number,
  m: number,
  n: number,
  alpha: number,
  a: Float32Array | Float64Array,
  lda: number,
  x: Float32Array | Float64Array,
  incx: number,
  beta: number,
  y: Float32Array | Float64Array,
  incy: number,
) => void;

type Dot = (n: number, x: Float32Array | Float64Array, incx: number, y: Float32Array | Float64Array, incy: number) => number;

export interface Blas {
  readonly path: string;
  readonly vendor: string;
  readonly sgemm: Gemm;
  readonly dgemm: Gemm;
  /**
   * The matrix-vector and vector-vector products (null when the library lacks them): PyTorch's CPU
   * mv/dot call these (sgemv/sdot), whose kernels sum in another order than gemm's.
   */
  readonly gemv: { readonly s: Gemv; readonly d: Gemv; readonly sdot: Dot; readonly ddot: Dot } | null;
}

export interface BlasInfo {
  /** Whether float32/float64 dot_general calls the system BLAS. */
  readonly active: boolean;
  readonly path: string | null;
  /** "OpenBLAS", "MKL", "BLIS", "Accelerate" or "BLAS". */
  readonly vendor: string | null;
  /** OpenBLAS's build configuration (openblas_get_config), when it is OpenBLAS. */
  readonly config?: string;
  /** OpenBLAS's thread count (openblas_get_num_threads), when it is OpenBLAS. */
  readonly threads?: number;
  readonly reason: string;
}

function vendorOf(p: string, lib: { func: (s: string) => unknown } | null): string {
  const real = nodeFsProbe.realpath(p);
  if (/Accelerate/.test(real)) return "Accelerate";
  if (/mkl/i.test(real)) return "MKL";
  if (/blis/i.test(real)) return "BLIS";
  if (/openblas/i.test(real)) return "OpenBLAS";
  try {
    lib?.func("const char *openblas_get_config(void)");
    return "OpenBLAS";
  } catch {
    return "BLAS";
  }
}

/** setThreads: openblas_set_num_threads, returning openblas_get_num_threads() after it (0 if unknown). */
let state: { blas: Blas | null; info: BlasInfo; error?: Error; setThreads?: (n: number) => number } | undefined;

/** The thread count torch.set_num_threads asked for, applied to OpenBLAS when it loads (and at once if loaded). */
let requestedThreads: number | undefined;

/**
 * torch.set_num_threads(n) for the system BLAS: OpenBLAS has its own threads,
 * so it gets openblas_set_num_threads(n) as PyTorch's does; other BLAS
 * libraries keep their own setting.
 */
export function setBlasThreads(n: number): void {
  requestedThreads = n;
  if (state?.setThreads) {
    // the info reports what OpenBLAS then says (it caps the count at its build's MAX_THREADS)
    const threads = state.setThreads(n);
    state.info = { ...state.info, ...(threads ? { threads } : {}) };
    gemmThreadsNow = threads || n;
  }
}

/** The count OpenBLAS is set to now (per product, by gemmThreads); 0 before it loads. */
let gemmThreadsNow = 0;

/**
 * Sets OpenBLAS's thread count for one product of `work` multiply-adds
 * (m·n·k): one thread per blasPolicy.minWorkPerThread, at most the count
 * torch.set_num_threads (or OpenBLAS's own default) gave. OpenBLAS splits
 * every product above 262,144 multiply-adds, and waking its threads costs more
 * than a small product: on 2 cores a 256×64×64 product between other kernels
 * took 0.29 ms threaded against 0.09 ms on one thread, and nanoGPT's step
 * (39 products, all under 4.2M) spent 11.7 ms in them against 3.6 ms.
 * openblas_set_num_threads is called only when the count changes.
 */
export function gemmThreads(work: number): void {
  const s = state;
  if (!s?.setThreads) return;
  const max = s.info.threads ?? 1;
  const want = Math.max(1, Math.min(max, Math.floor(work / blasPolicy.minWorkPerThread)));
  if (want !== gemmThreadsNow) {
    s.setThreads(want);
    gemmThreadsNow = want;
  }
}

function load(env: Env): { blas: Blas | null; info: BlasInfo; error?: Error; setThreads?: (n: number) => number } {
  const d = discoverBlas(env);
  const none = (reason: string) => ({ blas: null, info: { active: false, path: null, vendor: null, reason } });
  if (d.disabled) return none(d.reason);
  if (d.error) return { ...none(d.error), error: new Error(d.error) };
  if (!d.candidates.length) return none(d.reason);
  let koffi: typeof Koffi;
  try {
    // loaded lazily (and only when a BLAS is wanted): koffi is a native module that may be missing or fail to load
    koffi = createRequire(import.meta.url)("koffi") as typeof Koffi;
  } catch (e) {
    const why = `koffi (the FFI module) cannot be loaded: ${(e as Error).message.split("\n")[0]}`;
    const named = d.candidates[0]!.source === "XLATORCH_BLAS";
    return named ? { ...none(why), error: new Error(`XLATORCH_BLAS=${d.candidates[0]!.path}: ${why}`) } : none(why);
  }
  const problems: string[] = [];
  for (const c of d.candidates) {
    let lib: Koffi.LibraryHandle;
    try {
      lib = koffi.load(c.path);
    } catch (e) {
      problems.push(`${c.path} cannot be loaded: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    let sgemm: Gemm, dgemm: Gemm;
    try {
      sgemm = lib.func(
        "void cblas_sgemm(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int)",
      );
      dgemm = lib.func(
        "void cblas_dgemm(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int)",
      );
    } catch {
      problems.push(`${c.path} has no cblas_sgemm/cblas_dgemm`);
      continue;
    }
    let gemv: Blas["gemv"] = null;
    try {
      gemv = {
        s: lib.func("void cblas_sgemv(int, int, int, int, float, const float *, int, const float *, int, float, float *, int)"),
        d: lib.func("void cblas_dgemv(int, int, int, int, double, const double *, int, const double *, int, double, double *, int)"),
        sdot: lib.func("float cblas_sdot(int, const float *, int, const float *, int)"),
        ddot: lib.func("double cblas_ddot(int, const double *, int, const double *, int)"),
      };
    } catch {
      /* a CBLAS without them: products stay in gemm */
    }
    const vendor = vendorOf(c.path, lib);
    let config: string | undefined, threads: number | undefined, setThreads: ((n: number) => number) | undefined;
    if (vendor === "OpenBLAS") {
      try {
        const set = lib.func("void openblas_set_num_threads(int)") as (n: number) => void;
        let get: () => number = () => 0;
        try {
          get = lib.func("int openblas_get_num_threads(void)") as () => number;
        } catch {
          /* older OpenBLAS */
        }
        setThreads = (n) => {
          set(n);
          return Number(get());
        };
        if (requestedThreads !== undefined) set(requestedThreads);
      } catch {
        /* older OpenBLAS */
      }
      try {
        config = String(lib.func("const char *openblas_get_config(void)")());
      } catch {
        /* older OpenBLAS */
      }
      try {
        threads = Number(lib.func("int openblas_get_num_threads(void)")());
      } catch {
        /* older OpenBLAS */
      }
    }
    const info: BlasInfo = {
      active: true,
      path: c.path,
      vendor,
      ...(config ? { config } : {}),
      ...(threads ? { threads } : {}),
      reason: c.source === "XLATORCH_BLAS" ? `XLATORCH_BLAS=${c.path}` : `found ${c.path}`,
    };
    return { blas: { path: c.path, vendor, sgemm, dgemm, gemv }, info, ...(setThreads ? { setThreads } : {}) };
  }
  const why = problems.join("; ");
  if (d.candidates[0]!.source === "XLATORCH_BLAS") {
    return { ...none(why), error: new Error(`XLATORCH_BLAS names ${d.candidates[0]!.path}, which is not a usable BLAS library: ${why}`) };
  }
  return none(`no usable BLAS library (${why})`);
}

/**
 * The system BLAS, or null (none, disabled, or koffi unavailable). Discovered
 * once per process, from process.env at the first call; throws (every time) if
 * XLATORCH_BLAS names something unusable.
 */
export function systemBlas(): Blas | null {
  state ??= load(process.env);
  if (state.error) throw state.error;
  return state.blas;
}

/** Whether the system BLAS is active, which library, and why (throws as systemBlas does). */
export function blasInfo(): BlasInfo {
  systemBlas();
  return state!.info;
}

/**
 * What a worker thread needs to call the same library (kernels/conv.ts's blocks on the pool):
 * koffi's module path and the library's, or null without a system BLAS.
 */
export function blasForWorkers(): { koffi: string; lib: string } | null {
  const blas = systemBlas();
  if (!blas) return null;
  try {
    return { koffi: createRequire(import.meta.url).resolve("koffi"), lib: blas.path };
  } catch {
    return null;
  }
}

/** Forget the discovery, so the next call reads process.env again (tests). */
export function _resetBlas(): void {
  state = undefined;
  gemmThreadsNow = 0;
}

/**
 * When dot_general uses the BLAS found. A call through koffi costs about a
 * microsecond; a batched product of tiny matrices runs faster in JavaScript, so
 * BLAS is used when there is one product (batch 1) or each product has at
 * least `minBatchedWork` multiply-adds (m·n·k). `enabled: false` keeps every
 * product in JavaScript (the oracle test compares the two paths).
 * `minWorkPerThread`: the multiply-adds per OpenBLAS thread (gemmThreads).
 */
export const blasPolicy = { enabled: true, minBatchedWork: 4096, minWorkPerThread: 1 << 23 };

/** gemm calls made so far (every product through BLAS counts one). */
export const blasStats = { gemmCalls: 0 };
