// The garbage-collection net for memory the collector does not see (PJRT
// device buffers, @xlatorch/pjrt; tensor storage in the CPU kernels'
// WebAssembly memory, @xlatorch/cpu's wasm/storage_pool.ts), made to work
// inside a synchronous loop.
//
// A FinalizationRegistry's callbacks run as tasks of the event loop, after the
// garbage collector has found their targets dead. A training loop written as
// PyTorch's are (`for (...) { loss.backward(); opt.step(); }`) never returns
// to the event loop, so with a plain registry no device buffer dropped inside
// it is destroyed until it ends: measured on the xla device, a 2-layer MLP
// with Adam left 28 more buffers alive per step (84,121 after 3,000 steps, all
// still alive when the loop finished). Through PJRT every one is device
// memory; in the CPU kernels' storage pool every one is a block of the
// kernels' memory that no later result could reuse.
//
// V8 still implements the proposal's `cleanupSome()` (run the callbacks of
// targets already collected, now) behind --harmony-weak-refs-with-cleanup-some.
// The flag takes effect for contexts created after it is set, so the registry
// comes from a fresh `vm` context. PJRT objects then go back to the plugin at
// the next allocation after the collector found them dead (scavenges happen
// all the time in an allocating loop). Handles that reached the old generation
// wait for a full collection, which the collector schedules by the JavaScript
// heap alone, blind to device memory; so the client also asks for one when
// its live device bytes have grown by a bound since the last (`collect()`),
// as Java's direct buffers do, and once more before giving up on an
// allocation the plugin refused for lack of memory.
//
// Where either flag is unavailable (another engine, a V8 without the flag, or
// XLATORCH_SYNC_GC=off) the net is a plain FinalizationRegistry, and reclaim()
// and collect() do nothing.
import v8 from "node:v8";
import vm from "node:vm";

export interface SyncNet<T> {
  register(target: object, held: T, token: object): void;
  unregister(token: object): void;
  /** Runs the callbacks of targets the collector has already found dead (no collection). */
  reclaim(): void;
  /** A full collection, then reclaim(). */
  collect(): void;
  /** Whether reclaim() can run callbacks synchronously here. */
  readonly synchronous: boolean;
}

type Registry<T> = FinalizationRegistry<T> & { cleanupSome?: (cb?: (held: T) => void) => void };

interface Engine {
  Registry: new <T>(cb: (held: T) => void) => Registry<T>;
  gc: (() => void) | null;
}

let engine: Engine | null = null;

function theEngine(): Engine {
  if (engine) return engine;
  const off = ["off", "0", "false", "no"].includes((process.env.XLATORCH_SYNC_GC ?? "").toLowerCase());
  engine = { Registry: FinalizationRegistry as Engine["Registry"], gc: null };
  if (off) return engine;
  try {
    v8.setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
    v8.setFlagsFromString("--expose-gc");
    const ctx = vm.createContext({});
    const R = vm.runInContext("FinalizationRegistry", ctx) as Engine["Registry"];
    if (typeof (R.prototype as { cleanupSome?: unknown }).cleanupSome === "function") engine.Registry = R;
    const gc = vm.runInContext("typeof gc === 'function' ? gc : null", ctx) as (() => void) | null;
    engine.gc = gc;
  } catch {
    // an engine without these flags: the plain registry
  }
  return engine;
}

export function makeSyncNet<T>(callback: (held: T) => void): SyncNet<T> {
  const e = theEngine();
  const registry = new e.Registry<T>(callback);
  const synchronous = typeof registry.cleanupSome === "function";
  const reclaim = (): void => {
    if (synchronous) registry.cleanupSome!();
  };
  return {
    register: (target, held, token) => registry.register(target, held, token),
    unregister: (token) => registry.unregister(token),
    reclaim,
    collect() {
      if (!synchronous || !e.gc) return;
      e.gc();
      reclaim();
    },
    synchronous,
  };
}

/**
 * Live device bytes may grow by this much since the last full collection
 * before the client asks for another: XLATORCH_PJRT_GC_BYTES, else 256 MiB or
 * the bytes live after the last collection, whichever is larger (so a
 * collection costs at most about one per doubling of what is really live).
 */
export function collectBound(liveAfterLast: number): number {
  const env = Number(process.env.XLATORCH_PJRT_GC_BYTES);
  if (Number.isFinite(env) && env > 0) return env;
  return Math.max(256 * 2 ** 20, liveAfterLast);
}
