// torch.xla.metrics(): counters and timings of the lazy device, and a report.
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
}

export const metrics: Metrics = fresh();

function fresh(): Metrics {
  return {
    opsRecorded: 0, uncachedCompiles: 0, cachedCompiles: 0, executions: 0,
    transfersToDevice: 0, bytesToDevice: 0, transfersFromDevice: 0, bytesFromDevice: 0,
    traceMs: 0, lowerMs: 0, compileMs: 0, executeMs: 0, lastRecompileReason: null,
  };
}

export function resetMetrics(): void { Object.assign(metrics, fresh()); }
export function snapshot(): Metrics { return { ...metrics }; }

export function metricsReport(runtime: string): string {
  const m = metrics;
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  return [
    `xla metrics (runtime: ${runtime})`,
    `  ops recorded:           ${m.opsRecorded}`,
    `  compiles (uncached):    ${m.uncachedCompiles}`,
    `  compiles (cache hits):  ${m.cachedCompiles}`,
    `  executions:             ${m.executions}`,
    `  host->device transfers: ${m.transfersToDevice} (${m.bytesToDevice} bytes)`,
    `  device->host transfers: ${m.transfersFromDevice} (${m.bytesFromDevice} bytes)`,
    `  time tracing/keying:    ${ms(m.traceMs)}`,
    `  time lowering:          ${ms(m.lowerMs)}`,
    `  time compiling:         ${ms(m.compileMs)}`,
    `  time executing:         ${ms(m.executeMs)}`,
    ...(m.lastRecompileReason ? [`  last recompile:         ${m.lastRecompileReason}`] : []),
  ].join("\n");
}
