// glibc malloc's thresholds for a process that runs the CPU kernels.
//
// A result below the storage pool's 4 MiB (wasm/simd_f32.ts WASM_MIN.pool) is a plain typed array, whose
// bytes Node takes from malloc (calloc). glibc serves a block of 128 KiB or more with its own mmap until a
// mapped block is freed, then raises that threshold (its dynamic threshold) and sets the trim threshold to
// twice it: the heap's free top beyond that goes back to the system at each free, so a training step's
// activations, freed and allocated again, are faulted in fresh at every allocation. An [8, 32, 256] float32
// array (256 KiB) allocated and dropped in a loop cost 74-91 us of CPU, where adding two of them costs
// ~10 us and copying one ~6 us; with a 64 MiB trim threshold, 22-30 us (bench/malloc_tuning_ab.ts,
// bench/results/issue11_malloc_s27.md: the trim threshold is what matters, the mmap one alone did not). The mmap
// threshold is fixed at 32 MiB too, so blocks up to that size come from the heap from the first one on (a
// fixed threshold also stops the dynamic one). What this costs: RSS may keep up to 64 MiB of free heap
// beyond the live blocks. The pool's own memory is WebAssembly memory, not malloc's, and is unaffected.
//
// Only on Linux with glibc, through koffi (loaded lazily, as the system BLAS is: blas.ts): elsewhere, or
// where koffi or libc.so.6 cannot be loaded, nothing changes and nothing is said. XLATORCH_MALLOC=off
// leaves malloc as it is. The thresholds are the process's: set once, when the cpu device registers.
import { createRequire } from "node:module";
import type * as Koffi from "koffi";

/** mallopt's parameters (glibc's malloc.h). */
const M_TRIM_THRESHOLD = -1,
  M_MMAP_THRESHOLD = -3;
/** Blocks below this come from the heap: glibc's largest allowed mmap threshold on 64-bit hosts (HEAP_MAX_SIZE / 2). */
export const MMAP_THRESHOLD = 32 << 20;
/** Free heap top kept before glibc trims it. */
export const TRIM_THRESHOLD = 64 << 20;

/** Whether to tune: on Linux unless XLATORCH_MALLOC is off (or 0). */
export function mallocTuningWanted(env: Record<string, string | undefined>, platform: string): boolean {
  const v = (env.XLATORCH_MALLOC ?? "").trim().toLowerCase();
  return platform === "linux" && v !== "off" && v !== "0";
}

/** What this process set: null until tuneMalloc() ran, else the thresholds (0 where none was set) and why not. */
export let mallocTuning: { mmapThreshold: number; trimThreshold: number; reason: string } | null = null;

/** Sets glibc's mmap and trim thresholds once for this process, where it can (see the file's comment). */
export function tuneMalloc(): void {
  if (mallocTuning !== null) return;
  const none = (reason: string) => {
    mallocTuning = { mmapThreshold: 0, trimThreshold: 0, reason };
  };
  if (typeof process !== "object" || !mallocTuningWanted(process.env ?? {}, process.platform)) return none("off or not Linux");
  let koffi: typeof Koffi;
  try {
    koffi = createRequire(import.meta.url)("koffi") as typeof Koffi;
  } catch {
    return none("koffi cannot be loaded");
  }
  try {
    const libc = koffi.load("libc.so.6");
    // glibc's own symbol: another libc (musl has no libc.so.6 and other mallopt parameters) is left alone
    libc.func("const char *gnu_get_libc_version()");
    const mallopt = libc.func("int mallopt(int param, int value)") as (param: number, value: number) => number;
    // (mallopt returns 1 on success, 0 for a value glibc refuses: then that threshold stays)
    const mmap = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) === 1 ? MMAP_THRESHOLD : 0;
    const trim = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) === 1 ? TRIM_THRESHOLD : 0;
    mallocTuning = { mmapThreshold: mmap, trimThreshold: trim, reason: "glibc" };
  } catch {
    none("not glibc");
  }
}
