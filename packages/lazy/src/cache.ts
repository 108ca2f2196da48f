// The graph cache: a graph's structure -> its compiled executables. Lookup is
// by the rolling hash built while recording, confirmed by comparing the exact
// token arrays, so a hash collision can never run the wrong executable. One
// structure may have several executables, one per set of returned values.
// Least recently used structures are evicted first; keys include the runtime.
import type { Executable } from "@xlatorch/stablehlo";
import type { GraphBuilder } from "./graph.js";

export interface CacheEntry {
  readonly tokens: Int32Array;
  /** Executables by returned node positions ("3,17,40"). */
  readonly variants: Map<string, Executable>;
  /** Positions this graph computed without returning that were needed later: returned from now on. */
  readonly learned: Set<number>;
  /** The runtime space it was compiled for (part of the key). */
  readonly space: string;
  /** The variant used last, by its returned positions: a periodic program asks for the same one at every step (execute.ts). */
  lastPositions: Int32Array | null;
  lastExe: Executable | null;
  /** Readable structure, to explain recompiles. */
  readonly paramSigs: string[];
  readonly opSigs: string[];
}

export class GraphCache {
  /** Buckets by the graph's hash and length (numbers: no key string per cut); the runtime space is compared in the bucket. */
  private map = new Map<number, CacheEntry[]>();
  private count = 0;
  /** The most recently used bucket's key: a periodic program hits it at every cut, which then needs no reordering. */
  private mru = 0;
  constructor(public capacity = 256) {}

  find(space: string, g: GraphBuilder): CacheEntry | undefined {
    const k = keyOf(g);
    const bucket = this.map.get(k);
    if (!bucket) return undefined;
    let e: CacheEntry | undefined;
    for (let i = 0; i < bucket.length; i++) {
      const c = bucket[i]!;
      if (c.space === space && sameTokens(c.tokens, g)) {
        e = c;
        break;
      }
    }
    if (e && k !== this.mru) {
      this.map.delete(k);
      this.map.set(k, bucket);
      this.mru = k;
    }
    return e;
  }
  add(space: string, g: GraphBuilder, described: { paramSigs: string[]; opSigs: string[] }): CacheEntry {
    const k = keyOf(g);
    const e: CacheEntry = {
      tokens: g.tokens.slice(0, g.tokenCount),
      variants: new Map(),
      learned: new Set(),
      space,
      lastPositions: null,
      lastExe: null,
      ...described,
    };
    const bucket = this.map.get(k) ?? [];
    bucket.push(e);
    this.map.delete(k);
    this.map.set(k, bucket);
    this.mru = k;
    this.count++;
    while (this.count > this.capacity) {
      const [oldest, b] = this.map.entries().next().value!;
      this.count -= b.length;
      this.map.delete(oldest);
    }
    return e;
  }
  get size(): number {
    return this.count;
  }
  *entries(): IterableIterator<CacheEntry> {
    for (const b of this.map.values()) yield* b;
  }
  clear(): void {
    this.map.clear();
    this.count = 0;
  }
}

const keyOf = (g: GraphBuilder): number => (g.hash ^ Math.imul(g.tokenCount, 0x9e3779b1)) | 0;

function sameTokens(t: Int32Array, g: GraphBuilder): boolean {
  if (t.length !== g.tokenCount) return false;
  const u = g.tokens;
  for (let i = 0; i < t.length; i++) if (t[i] !== u[i]) return false;
  return true;
}
