// V8's old-generation growing factor for a process that runs the CPU kernels.
//
// The eager device's results below the storage pool's 4 MiB (wasm/simd_f32.ts WASM_MIN.pool) are plain
// typed arrays, whose bytes V8 counts as external memory, and V8 counts the external bytes allocated since
// the last mark-compact against the old generation's limit. After each mark-compact V8 sets that limit to
// the live heap times a growing factor it picks from the collector's speed against the program's
// old-generation allocation rate; for a training loop (its JavaScript objects mostly die young) it picks
// 1.1-1.3, and the limit sits ~24 MB above a 30 MB heap. Incremental marking starts once the headroom is
// under the young generation's capacity (16 MB), which a step's live activations cross within the step
// (nanoGPT tiny: 13 MiB of plain arrays a step): from then on every mark-compact is followed by the next
// ~100 ms later, and stays so (each recomputes the same small factor). Whether a process falls into that
// depends on when its first mark-compact of the loop comes; a run of cheap full collections before (the
// storage pool's, bench/run.ts's tanh case) makes it likely. Measured (bench/results/issue11_eager_targets_s21.md):
// nanoGPT tiny after the tanh chain, 200 eager steps, 38-65 mark-compacts and 29-43 ms CPU a step with V8's
// factor against 0-4 and 19-28 ms with a factor of 2. A fixed factor of 2 (V8's own range is 1.1-4) gives
// a 30 MB heap ~46 MB of headroom: the live heap may grow to about twice its size before a collection.
//
// XLATORCH_HEAP_GROWING_PERCENT sets another factor (1 + percent / 100); 0 or off leaves V8's choice. A
// --heap-growing-percent given to node itself (command line or NODE_OPTIONS) is left as it is.
import v8 from "node:v8";

/**
 * The percent to set: XLATORCH_HEAP_GROWING_PERCENT (a positive integer; 0 or off: none), else 100; none when
 * node was given --heap-growing-percent (in `execArgv` or NODE_OPTIONS) or the variable is not a number.
 */
export function heapGrowingPercentFor(env: Record<string, string | undefined>, execArgv: readonly string[]): number {
  if ([...execArgv, env.NODE_OPTIONS ?? ""].some((a) => a.includes("heap-growing-percent"))) return 0;
  const v = (env.XLATORCH_HEAP_GROWING_PERCENT ?? "").trim().toLowerCase();
  const pct = v === "" ? 100 : v === "off" ? 0 : Number(v);
  return Number.isInteger(pct) && pct > 0 ? pct : 0;
}

/** The percent this process set (0: none, V8's own factor). */
export let heapGrowingPercent = 0;

/** Sets V8's growing factor once for this process (heapGrowingPercentFor), where node:v8 allows it. */
export function tuneHeapGrowth(): void {
  if (typeof process !== "object" || typeof v8?.setFlagsFromString !== "function") return;
  const pct = heapGrowingPercentFor(process.env ?? {}, process.execArgv ?? []);
  if (pct === 0 || pct === heapGrowingPercent) return;
  try {
    v8.setFlagsFromString(`--heap-growing-percent=${pct}`);
    heapGrowingPercent = pct;
  } catch {
    // an engine without the flag: V8's own factor
  }
}
