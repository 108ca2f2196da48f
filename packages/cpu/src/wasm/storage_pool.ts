// Tensor storage inside a kernel module's WebAssembly memory.
//
// A float32 kernel result allocated here is written by the kernel where it
// stays (no copy out into a JavaScript array), and a later kernel of the same
// memory reads it in place (no copy in). The array handed out is an ordinary
// Float32Array (a view of the shared memory), so every JavaScript kernel reads
// it unchanged; only code that reinterprets `.buffer` from offset 0 must not
// see one (see docs/ARCHITECTURE.md "The memory model").
//
// A block goes back to its free list when the garbage collector has found the
// array dead: a FinalizationRegistry whose callbacks run synchronously through
// V8's cleanupSome() (@xlatorch/stablehlo's sync_net.ts, as PJRT buffers are
// freed), called before every allocation. The collector does not count this
// memory, so the pool asks for a full collection when its live bytes have
// grown by PJRT's bound (sync_net.ts collectBound: max(256 MiB, the bytes
// live after the last one)). The caller allocates a plain array (the copying path) where the pool has no room, no
// synchronous release exists (browsers, XLATORCH_SYNC_GC=off), or the memory
// is not shared: growing an unshared memory detaches its buffer, and with it
// every array already handed out.
import { markStorage } from "@xlatorch/core";
import { collectBound, makeSyncNet, type SyncNet } from "@xlatorch/stablehlo";

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

export class StoragePool {
  /** free blocks by size in bytes */
  private readonly free = new Map<number, number[]>();
  /** the arrays handed out, with their blocks (lookups of an operand's address) */
  private readonly owned = new WeakMap<object, Block>();
  private top: number;
  private live = 0;
  private liveAtCollect = 0;
  private readonly release: SyncNet<Block> | null;
  readonly stats = { allocations: 0, reused: 0, released: 0, collections: 0, fallbacks: 0 };

  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
    private readonly maxBytes: number,
  ) {
    this.top = Math.ceil(base / GRAIN) * GRAIN;
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
    // the bound PJRT buffers use (sync_net.ts): max(256 MiB, the bytes live after the last collection)
    if (this.live - this.liveAtCollect > collectBound(this.liveAtCollect)) {
      this.release.collect();
      this.stats.collections++;
      this.liveAtCollect = this.live;
    }
    let at = this.free.get(bytes)?.pop();
    if (at === undefined) {
      at = this.grab(bytes);
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
    this.stats.allocations++;
    return a;
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
    return at;
  }

  private give(b: Block): void {
    this.live -= b.bytes;
    this.stats.released++;
    let list = this.free.get(b.bytes);
    if (!list) this.free.set(b.bytes, (list = []));
    list.push(b.at);
  }
}
