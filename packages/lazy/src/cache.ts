// The graph cache: structural key -> compiled executable, least recently used
// evicted first. Keys include the runtime and its devices.
import type { Executable } from "@xlatorch/stablehlo";

export interface CacheEntry { exe: Executable; paramSigs: string[]; opSigs: string[] }

export class GraphCache {
  private map = new Map<string, CacheEntry>();
  constructor(public capacity = 256) {}
  get(key: string): CacheEntry | undefined {
    const e = this.map.get(key);
    if (e) { this.map.delete(key); this.map.set(key, e); }
    return e;
  }
  set(key: string, e: CacheEntry): void {
    this.map.set(key, e);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
  get size(): number { return this.map.size; }
  entries(): IterableIterator<CacheEntry> { return this.map.values(); }
  clear(): void { this.map.clear(); }
}
