// Warm-up, then the median of several repetitions (mirrored in torch_bench.py).
import type { Timing } from "./types.js";

export interface TimingPolicy {
  /** Warm-up calls (the first one also compiles jit'd code). */
  warmup: number;
  minReps: number;
  maxReps: number;
  /** Stop adding repetitions past this much measured time (ms), once minReps are done. */
  budgetMs: number;
  /**
   * After the `warmup` calls, more warm-up calls until this much time (ms) has
   * gone on warm-up, at most MAX_WARMUP calls: `--warmup-ms` of run.ts, 0 (off)
   * by default. The same rule for every peer (torch_bench.py mirrors it):
   * JIT-compiled peers (xlatorch's JavaScript, V8's WebAssembly tiers) reach
   * their steady state, which 3 calls do not give them.
   */
  warmupMs?: number;
}

/** The most warm-up calls `warmupMs` adds. */
export const MAX_WARMUP = 500;

export const FULL: TimingPolicy = { warmup: 3, minReps: 5, maxReps: 50, budgetMs: 3000 };
export const QUICK: TimingPolicy = { warmup: 1, minReps: 3, maxReps: 10, budgetMs: 600 };

/** FULL or QUICK, with `warmupMs` of time-based warm-up when above 0. */
export const policyOf = (quick: boolean, warmupMs = 0): TimingPolicy => ({
  ...(quick ? QUICK : FULL),
  ...(warmupMs > 0 ? { warmupMs } : {}),
});

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function measure(run: () => unknown | Promise<unknown>, p: TimingPolicy): Promise<Timing> {
  // A slow case (over 1 s a call) gets one warm-up: it has nothing left to warm.
  let warm = 0,
    minReps = p.minReps;
  let spent = 0;
  for (; warm < p.warmup || (spent < (p.warmupMs ?? 0) && warm < MAX_WARMUP); warm++) {
    const t0 = performance.now();
    await run();
    const dt = performance.now() - t0;
    spent += dt;
    if (dt > 1000) {
      warm++;
      minReps = Math.min(minReps, 3);
      break;
    }
  }
  const times: number[] = [];
  let total = 0;
  while (times.length < p.maxReps && (times.length < minReps || total < p.budgetMs)) {
    const t0 = performance.now();
    await run();
    const dt = performance.now() - t0;
    times.push(dt);
    total += dt;
  }
  return { median_ms: median(times), min_ms: Math.min(...times), reps: times.length, warmup: warm };
}
