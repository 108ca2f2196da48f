// The compile step of runGraph (execute.ts): a module the in-memory graph cache
// does not hold is compiled here, or loaded from the persistent compile cache
// when one is installed (packages/xlatorch installs it; see
// docs/ARCHITECTURE.md, "The persistent compile cache"). The metrics count
// uncached compiles, persistent-cache hits and misses, and their times.
import type { Executable, Module, Runtime } from "@xlatorch/stablehlo";
import { metrics } from "./metrics.js";

/** What a persistent cache did for one module. */
export type PersistentOutcome = "hit" | "miss" | "off";

export interface PersistentCompileCache {
  /**
   * The executable for `module` on `rt`: loaded from the cache ("hit"), or
   * made by `compile` and stored ("miss"), or made by `compile` without the
   * cache ("off": disabled, or a runtime whose executables cannot be stored).
   * Never throws for a cache problem: those are warnings and recompiles.
   */
  lookup(rt: Runtime, module: Module, compile: () => Executable): { exe: Executable; outcome: PersistentOutcome };
}

let persistent: PersistentCompileCache | null = null;

/** Installs (or with null removes) the persistent compile cache. */
export function setPersistentCompileCache(c: PersistentCompileCache | null): void {
  persistent = c;
}
export const persistentCompileCache = (): PersistentCompileCache | null => persistent;

const now = () => performance.now();

/** Compiles `module` on `rt` (through the persistent cache when one is installed), counting metrics. */
export function compileModule(rt: Runtime, module: Module): Executable {
  const compile = (): Executable => {
    const t = now();
    const exe = rt.compile(module);
    metrics.compileMs += now() - t;
    metrics.uncachedCompiles++;
    return exe;
  };
  if (!persistent) return compile();
  const t0 = now();
  const compileMs0 = metrics.compileMs;
  const { exe, outcome } = persistent.lookup(rt, module, compile);
  if (outcome === "hit") metrics.persistentCacheHits++;
  else if (outcome === "miss") metrics.persistentCacheMisses++;
  if (outcome !== "off") metrics.persistentCacheMs += now() - t0 - (metrics.compileMs - compileMs0);
  return exe;
}
