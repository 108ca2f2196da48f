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
  /** Readable structure, to explain recompiles. */
  readonly paramSigs: string[];
  readonly opSigs: string[];
}

export class GraphCache {
  private map = new Map<string, CacheEntry[]>();
  private count = 0;
  constructor(public capacity = 256) {}

  find(space: string, g: GraphBuilder): CacheEntry | undefined {
    const k = `${space}#${g.hash}:${g.tokenCount}`;
    const bucket = this.map.get(k);
    if (!bucket) return undefined;
    const e = bucket.find((e) => sameTokens(e.tokens, g));
    if (e) {
      this.map.delete(k);
      this.map.set(k, bucket);
    }
    return e;
  }
  add(space: string, g: GraphBuilder, described: { paramSigs: string[]; opSigs: string[] }): CacheEntry {
    const k = `${space}#${g.hash}:${g.tokenCount}`;
    const e: CacheEntry = { tokens: g.tokens.slice(0, g.tokenCount), variants: new Map(), learned: new Set(), ...described };
    const bucket = this.map.get(k) ?? [];
    bucket.push(e);
    this.map.delete(k);
    this.map.set(k, bucket);
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

function sameTokens(t: Int32Array, g: GraphBuilder): boolean {
  if (t.length !== g.tokenCount) return false;
  const u = g.tokens;
  for (let i = 0; i < t.length; i++) if (t[i] !== u[i]) return false;
  return true;
}
