// torch.xla.metrics(): counters and timings of the lazy device, and a report.

/** Why a trace was cut (see trace.ts and docs/ARCHITECTURE.md). */
export type CutReason = "host read" | "state write" | "size bound" | "sync" | "op" | "mode" | "recompute" | "cpu fallback" | "compile";
export const CUT_REASONS: readonly CutReason[] = [
  "host read",
  "state write",
  "size bound",
  "sync",
  "op",
  "mode",
  "recompute",
  "cpu fallback",
  "compile",
];

export interface CutRecord {
  reason: CutReason;
  /** For host reads: the user's file:line. */
  where: string | null;
  nodes: number;
  outputs: number;
  /** Structural key of the executed graph (hash of its structure and outputs). */
  key: string;
}

export interface Metrics {
  opsRecorded: number;
  uncachedCompiles: number;
  cachedCompiles: number;
  executions: number;
  transfersToDevice: number;
  bytesToDevice: number;
  transfersFromDevice: number;
  bytesFromDevice: number;
  traceMs: number;
  lowerMs: number;
  compileMs: number;
  executeMs: number;
  lastRecompileReason: string | null;
  /** Executables loaded from the persistent compile cache instead of compiled (XLATORCH_CACHE_DIR). */
  persistentCacheHits: number;
  /** Modules looked up in the persistent compile cache and not found there (then compiled and stored). */
  persistentCacheMisses: number;
  /** Time reading, checking, loading and writing persistent cache entries (compiling on a miss is in compileMs). */
  persistentCacheMs: number;
  /** Optimizer steps seen (optimizer.step() calls). */
  steps: number;
  /** Executions by the reason their trace was cut. */
  cuts: Record<CutReason, number>;
  /** Values returned by a cut before anything asked for them (later reads cost nothing). */
  valuesMaterializedEarly: number;
  /** Values computed inside an executed graph, not returned, needed later and computed again (the graph then learns to return it). */
  recomputes: number;
  /** The most recent cuts, oldest first. */
  recentCuts: CutRecord[];
  /** torch.compile: calls traced and compiled, calls replayed, replays refused by a guard, calls run eagerly (warm-up, breaks, limits). */
  compiledCaptures: number;
  compiledReplays: number;
  compiledGuardFailures: number;
  compiledEagerCalls: number;
  /** torch.compile: calls run in pieces after a graph break, and compiled backwards run (aot.ts). */
  compiledSplitCalls: number;
  compiledBackwards: number;
  /**
   * torch.compile replays: arguments given up to the result that replaces them
   * (buffer donation, donation.ts), and of those on a cpu call, results found
   * computed in the tensor's own storage (no allocation, no copy back).
   */
  donatedBuffers: number;
  donatedInPlace: number;
  /**
   * cpu torch.compile replays: results the CPU runtime computed straight into the storage of the cpu tensor they
   * are stored into (an undonated written tensor such as a zeroed-then-accumulated .grad: no copy back).
   */
  storedInPlace: number;
  /** Primitives computed on the host for want of a lowering (cpu_fallback.ts), by primitive: {qr: 3}. */
  cpuFallbacks: Record<string, number>;
}

export const RECENT_CUTS = 64;
export const metrics: Metrics = fresh();

function fresh(): Metrics {
  return {
    opsRecorded: 0,
    uncachedCompiles: 0,
    cachedCompiles: 0,
    executions: 0,
    transfersToDevice: 0,
    bytesToDevice: 0,
    transfersFromDevice: 0,
    bytesFromDevice: 0,
    traceMs: 0,
    lowerMs: 0,
    compileMs: 0,
    executeMs: 0,
    lastRecompileReason: null,
    persistentCacheHits: 0,
    persistentCacheMisses: 0,
    persistentCacheMs: 0,
    steps: 0,
    cuts: Object.fromEntries(CUT_REASONS.map((r) => [r, 0])) as Record<CutReason, number>,
    valuesMaterializedEarly: 0,
    recomputes: 0,
    recentCuts: [],
    compiledCaptures: 0,
    compiledReplays: 0,
    compiledGuardFailures: 0,
    compiledEagerCalls: 0,
    compiledSplitCalls: 0,
    compiledBackwards: 0,
    donatedBuffers: 0,
    donatedInPlace: 0,
    storedInPlace: 0,
    cpuFallbacks: {},
  };
}

export function noteCut(c: CutRecord): void {
  metrics.cuts[c.reason]++;
  metrics.recentCuts.push(c);
  if (metrics.recentCuts.length > RECENT_CUTS) metrics.recentCuts.shift();
}

export function resetMetrics(): void {
  Object.assign(metrics, fresh());
}
export function snapshot(): Metrics {
  return {
    ...metrics,
    cuts: { ...metrics.cuts },
    recentCuts: metrics.recentCuts.map((c) => ({ ...c })),
    cpuFallbacks: { ...metrics.cpuFallbacks },
  };
}

export function metricsReport(runtime: string, mode: string): string {
  const m = metrics;
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  const cuts =
    CUT_REASONS.filter((r) => m.cuts[r] > 0)
      .map((r) => `${r} ${m.cuts[r]}`)
      .join(", ") || "none";
  const reads = new Map<string, number>();
  for (const c of m.recentCuts) if (c.where) reads.set(c.where, (reads.get(c.where) ?? 0) + 1);
  return [
    `xla metrics (runtime: ${runtime}, execution mode: ${mode})`,
    `  ops recorded:           ${m.opsRecorded}`,
    `  compiles (uncached):    ${m.uncachedCompiles}`,
    `  compiles (cache hits):  ${m.cachedCompiles}`,
    `  executions:             ${m.executions}`,
    ...(m.steps > 0 ? [`  optimizer steps:        ${m.steps} (${(m.executions / m.steps).toFixed(2)} executions per step)`] : []),
    `  cuts by reason:         ${cuts}`,
    ...[...reads].map(([w, n]) => `    host read at ${w} (${n} of the last ${m.recentCuts.length} cuts)`),
    `  values materialised early: ${m.valuesMaterializedEarly}`,
    `  values recomputed:      ${m.recomputes}`,
    ...(m.compiledCaptures + m.compiledEagerCalls > 0
      ? [
          `  torch.compile:          ${m.compiledCaptures} captures, ${m.compiledReplays} replays, ${m.compiledGuardFailures} guard failures, ${m.compiledEagerCalls} eager calls, ${m.compiledSplitCalls} calls in pieces, ${m.compiledBackwards} compiled backwards`,
        ]
      : []),
    ...(Object.keys(m.cpuFallbacks).length
      ? [
          `  cpu fallbacks:          ${Object.entries(m.cpuFallbacks)
            .map(([p, n]) => `${p} ${n}`)
            .join(", ")}`,
        ]
      : []),
    `  host->device transfers: ${m.transfersToDevice} (${m.bytesToDevice} bytes)`,
    `  device->host transfers: ${m.transfersFromDevice} (${m.bytesFromDevice} bytes)`,
    `  time tracing/keying:    ${ms(m.traceMs)}`,
    `  time lowering:          ${ms(m.lowerMs)}`,
    `  time compiling:         ${ms(m.compileMs)}`,
    `  time executing:         ${ms(m.executeMs)}`,
    ...(m.persistentCacheHits + m.persistentCacheMisses > 0
      ? [`  persistent cache:       ${m.persistentCacheHits} hits, ${m.persistentCacheMisses} misses (${ms(m.persistentCacheMs)})`]
      : []),
    ...(m.lastRecompileReason ? [`  last recompile:         ${m.lastRecompileReason}`] : []),
  ].join("\n");
}
