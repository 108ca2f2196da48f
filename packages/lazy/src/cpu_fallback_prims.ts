// The primitives the xla device computes on the host (no StableHLO op computes
// them): cpu_fallback.ts runs their CPU kernel, lower.ts never sees them.
export const CPU_FALLBACK: ReadonlySet<string> = new Set(["qr", "eigh", "svd", "lu"]);
