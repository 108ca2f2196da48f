// Warm-up, then the median of several repetitions (mirrored in torch_bench.py).
import type { Timing } from "./types.js";

export interface TimingPolicy {
  /** Warm-up calls (the first one also compiles jit'd code). */
  warmup: number;
  minReps: number;
  maxReps: number;
  /** Stop adding repetitions past this much measured time (ms), once minReps are done. */
  budgetMs: number;
}

export const FULL: TimingPolicy = { warmup: 3, minReps: 5, maxReps: 50, budgetMs: 3000 };
export const QUICK: TimingPolicy = { warmup: 1, minReps: 3, maxReps: 10, budgetMs: 600 };

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function measure(run: () => unknown | Promise<unknown>, p: TimingPolicy): Promise<Timing> {
  // A slow case (over 1 s a call) gets one warm-up: it has nothing left to warm.
  let warm = 0,
    minReps = p.minReps;
  for (; warm < p.warmup; warm++) {
    const t0 = performance.now();
    await run();
    if (performance.now() - t0 > 1000) {
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
