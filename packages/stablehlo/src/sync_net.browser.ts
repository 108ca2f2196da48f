// The browser twin of sync_net.ts: no V8 flags to set, so the net is a plain
// FinalizationRegistry whose callbacks run when the event loop turns;
// `synchronous` is false, and pools that need a synchronous release (the CPU
// kernels' storage pool) are not used.
import type { SyncNet } from "./sync_net.js";

export type { SyncNet } from "./sync_net.js";

export function makeSyncNet<T>(callback: (held: T) => void): SyncNet<T> {
  const registry = new FinalizationRegistry<T>(callback);
  return {
    register: (target, held, token) => registry.register(target, held, token),
    unregister: (token) => registry.unregister(token),
    reclaim() {},
    collect() {},
    synchronous: false,
  };
}

export function collectBound(liveAfterLast: number): number {
  return Math.max(256 * 2 ** 20, liveAfterLast);
}
