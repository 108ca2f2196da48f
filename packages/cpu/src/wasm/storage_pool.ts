// Tensor storage inside a kernel module's WebAssembly memory.
//
// A float32 kernel result allocated here is written by the kernel where it
// stays (no copy out into a JavaScript array), and a later kernel of the same
// memory reads it in place (no copy in). The array handed out is an ordinary
// Float32Array (a view of the shared memory), so every JavaScript kernel reads
// it unchanged; only code that reinterprets `.buffer` from offset 0 must not
// see one (see docs/ARCHITECTURE.md "The memory model").
//
// A block goes back to the free memory (whole pages: free extents, merged
// with their free neighbours and cut to any size, free_extents.ts; smaller
// blocks: a list per size) when the garbage collector has found the array
// dead: a FinalizationRegistry whose callbacks run synchronously through
// V8's cleanupSome() (@xlatorch/stablehlo's sync_net.ts, as PJRT buffers are
// freed), called before every allocation. The collector does not count this
// memory, so the pool asks for a full collection when its live bytes have
// grown by PJRT's bound (sync_net.ts collectBound: max(256 MiB, the bytes
// live after the last one)), scaled up while collections cost more than a
// share of the time between them (collectionScale, below). The caller allocates a plain array (the copying path) where the pool has no room, no
// synchronous release exists (browsers, XLATORCH_SYNC_GC=off), or the memory
// is not shared: growing an unshared memory detaches its buffer, and with it
// every array already handed out.
import { markStorage } from "@xlatorch/core";
import { collectBound, makeSyncNet, type SyncNet } from "@xlatorch/stablehlo";
import { FreeExtents } from "./free_extents.js";

/** Blocks are multiples of this many bytes (one WebAssembly page) from one page up, of SMALL below. */
const GRAIN = 65536,
  SMALL = 64;
/** Bytes after each array that a kernel's last vector may write (padding). */
const PAD = 64;

/** XLATORCH_POOL=off (or 0, false, no, none): every result in a plain array (read at each allocation: tests switch it). */
export function poolSwitchedOff(): boolean {
  const v = typeof process === "object" ? process.env?.XLATORCH_POOL?.toLowerCase() : undefined;
  return v === "off" || v === "0" || v === "false" || v === "no" || v === "none";
}

interface Block {
  at: number;
  bytes: number;
}

/** Collections may take this share of the time between them before the bound grows (and a quarter of it before it shrinks). */
const GC_SHARE = 0.05;
/**
 * The largest factor on collectBound's bound, and the most a scaled bound may be (half the pools' 2 GiB of
 * memory); mutable for benches that measure what each limit costs (bench/pool_bound_ab.ts).
 */
export const collectionLimits = { maxScale: 2, maxScaledBytes: 2 ** 30 };

/**
 * The factor on collectBound's bound after a collection that took `gcMs` of the `sinceMs` since the previous one
 * ended, given the factor `scale` it was asked under. A full collection costs about the same whatever the pool
 * holds (it walks the JavaScript heap: 15-25 ms in a bench process), so a loop that allocates pool bytes fast
 * pays it often: the eager tanh(x*2+1) chain on 4M values makes 48 MiB a call and collected every ~5 calls,
 * about a quarter of its time. Doubling the bound while collections take more than GC_SHARE of the time halves
 * their share (up to collectionLimits.maxScale, so the pool's memory stays bounded); halving it once they take under a quarter of
 * that gives the memory back to loops whose work dwarfs them. Only memory reuse changes: every value is the same.
 */
export function collectionScale(scale: number, gcMs: number, sinceMs: number): number {
  if (gcMs > GC_SHARE * sinceMs) return Math.min(collectionLimits.maxScale, scale * 2);
  if (gcMs < (GC_SHARE / 4) * sinceMs) return Math.max(1, scale / 2);
  return scale;
}

/** What a test injects: the clock collections are timed by, and the unscaled bound (sync_net.ts collectBound). */
export interface PoolOptions {
  now?: () => number;
  baseBound?: (liveAfterLast: number) => number;
}

export class StoragePool {
  /** free blocks below one page, by size in bytes; whole pages are free extents (free_extents.ts) */
  private readonly free = new Map<number, number[]>();
  private readonly extents = new FreeExtents();
  /** the arrays handed out, with their blocks (lookups of an operand's address) */
  private readonly owned = new WeakMap<object, Block>();
  private top: number;
  private readonly base: number;
  private live = 0;
  private liveAtCollect = 0;
  /** collectionScale's factor, and when the last collection ended (performance.now ms; 0 before the first) */
  private scale = 1;
  private lastCollectEnd = 0;
  private readonly release: SyncNet<Block> | null;
  /** counters; held: bytes of the memory the pool has taken (a WebAssembly memory never shrinks), live: bytes of blocks handed out and not yet given back */
  readonly stats = { allocations: 0, reused: 0, released: 0, collections: 0, fallbacks: 0, held: 0, live: 0 };

  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
    private readonly maxBytes: number,
    private readonly opts: PoolOptions = {},
  ) {
    this.top = this.base = Math.ceil(base / GRAIN) * GRAIN;
    const net = makeSyncNet<Block>((b) => this.give(b));
    const shared = typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer;
    this.release = net.synchronous && shared ? net : null;
  }

  /** The byte address of `a` in the memory, when the pool made it; else -1. */
  addressOf(a: object): number {
    const b = this.owned.get(a);
    return b === undefined ? -1 : b.at;
  }

  /**
   * A Float32Array of n values in the memory for a kernel's result, or null (no room: the caller allocates a
   * plain one). Its values are unspecified (a reused block keeps its last values): the kernel writes them all.
   */
  allocResultF32(n: number): Float32Array | null {
    if (!this.release) return null;
    this.release.reclaim();
    const want = n * 4 + PAD;
    const bytes = want >= GRAIN ? Math.ceil(want / GRAIN) * GRAIN : Math.ceil(want / SMALL) * SMALL;
    // the bound PJRT buffers use (sync_net.ts): max(256 MiB, the bytes live after the last collection), scaled
    if (this.live - this.liveAtCollect > this.bound()) this.collect();
    let at = this.take(bytes);
    if (at < 0) {
      at = this.grab(bytes);
      // no room: a collection may give blocks back (a larger bound lets the pool fill up first), unless nothing
      // was allocated since the last one (then every allocation of a full pool would collect)
      if (at < 0 && this.live > this.liveAtCollect && this.collect()) {
        const back = this.take(bytes);
        if (back >= 0) this.stats.reused++;
        at = back >= 0 ? back : this.grab(bytes);
      }
      if (at < 0) {
        this.stats.fallbacks++;
        return null;
      }
    } else this.stats.reused++;
    const a = new Float32Array(this.memory.buffer, at, n);
    const block = { at, bytes };
    this.owned.set(a, block);
    // the block, not the shared buffer, is this array's storage for every aliasing check (core's storage_key.ts)
    markStorage(a, block);
    this.release.register(a, block, block);
    this.live += bytes;
    this.stats.live = this.live;
    this.stats.allocations++;
    return a;
  }

  /** collectBound's bound times the scale (at most collectionLimits.maxScaledBytes); an explicit XLATORCH_PJRT_GC_BYTES is taken as it is. */
  bound(): number {
    const b = (this.opts.baseBound ?? collectBound)(this.liveAtCollect);
    const fixed = typeof process === "object" && Number(process.env?.XLATORCH_PJRT_GC_BYTES) > 0;
    return fixed ? b : Math.max(b, Math.min(b * Math.min(this.scale, collectionLimits.maxScale), collectionLimits.maxScaledBytes));
  }

  /** A full collection (then its callbacks give blocks back), timed for collectionScale; false without a net. */
  private collect(): boolean {
    if (!this.release) return false;
    const now = this.opts.now ?? (() => performance.now());
    const t0 = now();
    this.release.collect();
    const t1 = now();
    if (this.lastCollectEnd > 0) this.scale = collectionScale(this.scale, t1 - t0, t0 - this.lastCollectEnd);
    this.lastCollectEnd = t1;
    this.stats.collections++;
    this.liveAtCollect = this.live;
    return true;
  }

  /** A free block of `bytes` (a free extent, cut to size, from a page up), or -1. */
  private take(bytes: number): number {
    if (bytes >= GRAIN) return this.extents.take(bytes);
    return this.free.get(bytes)?.pop() ?? -1;
  }

  private grab(bytes: number): number {
    if (this.top + bytes > this.maxBytes) return -1;
    const need = this.top + bytes - this.memory.buffer.byteLength;
    if (need > 0) {
      try {
        this.memory.grow(Math.ceil(need / 65536));
      } catch {
        return -1;
      }
    }
    const at = this.top;
    this.top += bytes;
    // the most the pool has taken: a lower top (free_extents.ts) leaves the memory as large
    this.stats.held = Math.max(this.stats.held, this.top - this.base);
    return at;
  }

  private give(b: Block): void {
    this.live -= b.bytes;
    this.stats.live = this.live;
    this.stats.released++;
    if (b.bytes >= GRAIN) {
      this.top = this.extents.put(b.at, b.bytes, this.top);
      return;
    }
    let list = this.free.get(b.bytes);
    if (!list) this.free.set(b.bytes, (list = []));
    list.push(b.at);
  }
}
