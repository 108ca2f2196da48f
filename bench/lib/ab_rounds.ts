// Two sides (old and new) of a bench A/B run K times each per round, the
// order swapping every round so drift and a loaded machine fall on both
// alike; wall and process-CPU ms per run, and their summary line. Shared by
// runtime_exec_ab.ts and runtime_trace_ab.ts.
import { median } from "./timing.js";

export type AbName = "old" | "new";
export interface AbSide {
  name: AbName;
  run: () => void;
}
/** Per round: [wall ms, process CPU ms] per run of each side. */
export type AbRow = Record<AbName, [number, number]>;

export function alternateRounds(sides: readonly [AbSide, AbSide], rounds: number, k: number): AbRow[] {
  const rows: AbRow[] = [];
  for (let r = 0; r < rounds; r++) {
    const row: AbRow = { old: [0, 0], new: [0, 0] };
    for (const s of r % 2 ? [sides[1], sides[0]] : sides) {
      const c0 = process.cpuUsage(),
        t0 = performance.now();
      for (let i = 0; i < k; i++) s.run();
      const u = process.cpuUsage(c0);
      row[s.name] = [(performance.now() - t0) / k, (u.user + u.system) / 1000 / k];
    }
    rows.push(row);
  }
  return rows;
}

/** Medians over the rounds: each side's wall and CPU ms and the per-round new/old ratios. */
export function abSummary(rows: readonly AbRow[]): string {
  const m = (f: (r: AbRow) => number) => median(rows.map(f)).toFixed(3);
  return `wall ms old ${m((r) => r.old[0])} new ${m((r) => r.new[0])}, per-round new/old ${m((r) => r.new[0] / r.old[0])}; process CPU ms old ${m((r) => r.old[1])} new ${m((r) => r.new[1])}, per-round ${m((r) => r.new[1] / r.old[1])}`;
}
