// The directory of the persistent compile cache: where it is, reading an
// entry, writing one atomically, and least-recently-used eviction.
//
// Writers write `.<key>.<pid>.<random>.tmp` in the cache directory and rename
// it over `<key>.xlcc`: rename is atomic within a directory, so a reader (or
// a second writer of the same key) sees a whole file, old or new, never half
// of one. A hit touches the file's mtime; when the directory grows beyond its
// bound, the files with the oldest mtimes go first.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const DEFAULT_MAX_BYTES = 1024 ** 3;
export const ENTRY_EXT = ".xlcc";
/** Temporary files older than this are debris of a killed writer. */
const STALE_TMP_MS = 10 * 60 * 1000;

export interface CacheConfig {
  dir: string;
  maxBytes: number;
}

/**
 * The cache's settings from the environment, or null when it is off:
 * XLATORCH_CACHE_DIR (`off` disables; default $XDG_CACHE_HOME/xlatorch or
 * ~/.cache/xlatorch) and XLATORCH_CACHE_MAX_BYTES (default 1 GiB).
 * `warn` reports a setting it cannot use.
 */
export function configFromEnv(env: NodeJS.ProcessEnv, warn: (msg: string) => void): CacheConfig | null {
  const raw = env.XLATORCH_CACHE_DIR;
  if (raw !== undefined && raw.trim().toLowerCase() === "off") return null;
  let dir = raw?.trim() || "";
  if (!dir) {
    const xdg = env.XDG_CACHE_HOME?.trim();
    if (xdg && path.isAbsolute(xdg)) dir = path.join(xdg, "xlatorch");
    else {
      let home = "";
      try {
        home = os.homedir();
      } catch {
        /* no home: no default cache */
      }
      if (!home) return null;
      dir = path.join(home, ".cache", "xlatorch");
    }
  }
  let maxBytes = DEFAULT_MAX_BYTES;
  const m = env.XLATORCH_CACHE_MAX_BYTES;
  if (m !== undefined && m.trim() !== "") {
    const n = Number(m);
    if (Number.isSafeInteger(n) && n >= 0) maxBytes = n;
    else warn(`XLATORCH_CACHE_MAX_BYTES=${JSON.stringify(m)} is not a byte count; using ${DEFAULT_MAX_BYTES}`);
  }
  return { dir: path.resolve(dir), maxBytes };
}

export const entryPath = (dir: string, key: string): string => path.join(dir, key + ENTRY_EXT);

/** The file's bytes, or null when there is none. Other errors throw. */
export function readFileOrNull(file: string): Uint8Array | null {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** Marks an entry as just used (least-recently-used eviction goes by mtime). */
export function touch(file: string): void {
  const t = new Date();
  try {
    fs.utimesSync(file, t, t);
  } catch {
    /* evicted or replaced meanwhile: nothing to keep fresh */
  }
}

export function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    /* already gone (another process removed or replaced it) */
  }
}

/** Writes `bytes` as the entry `key` (temporary file, then rename) and evicts down to the bound. */
export function writeEntryFile(cfg: CacheConfig, key: string, bytes: Uint8Array): void {
  if (bytes.length > cfg.maxBytes) return; // it alone would overflow the bound
  fs.mkdirSync(cfg.dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(cfg.dir, `.${key}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    fs.writeFileSync(tmp, bytes, { mode: 0o600 });
    fs.renameSync(tmp, entryPath(cfg.dir, key));
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
  noteWritten(cfg, key, bytes.length);
}

/**
 * The directory's size as this process last scanned it plus what it wrote
 * since, per cache directory. Scanning it at every write made each compile
 * cost a stat of every entry: a cache grown to 40,000 small modules took
 * longer to bound than to compile (the OpInfo report ran for 20 minutes
 * instead of 20 seconds). A process scans at its first write, then only when
 * its estimate would pass the bound or after SCAN_EVERY writes (other
 * processes write to the same directory too).
 */
const estimates = new Map<string, { bytes: number; writes: number }>();
const SCAN_EVERY = 64;
function noteWritten(cfg: CacheConfig, key: string, n: number): void {
  const e = estimates.get(cfg.dir);
  if (e !== undefined && e.writes < SCAN_EVERY && e.bytes + n <= cfg.maxBytes) {
    e.bytes += n;
    e.writes++;
    return;
  }
  estimates.set(cfg.dir, { bytes: evict(cfg, key), writes: 0 });
}

/**
 * Removes the least recently used entries until the directory's entries
 * total at most `maxBytes` (never `keep`, the entry just written), and
 * temporary files a killed writer left behind. Returns the total left.
 */
export function evict(cfg: CacheConfig, keep?: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(cfg.dir);
  } catch {
    return 0;
  }
  const now = Date.now();
  const entries: { file: string; size: number; mtime: number }[] = [];
  let total = 0;
  for (const name of names) {
    const file = path.join(cfg.dir, name);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    if (name.endsWith(".tmp")) {
      if (name.startsWith(".") && now - st.mtimeMs > STALE_TMP_MS) removeQuietly(file);
      continue;
    }
    if (!name.endsWith(ENTRY_EXT)) continue;
    total += st.size;
    if (keep === undefined || name !== keep + ENTRY_EXT) entries.push({ file, size: st.size, mtime: st.mtimeMs });
  }
  if (total <= cfg.maxBytes) return total;
  entries.sort((a, b) => a.mtime - b.mtime);
  for (const e of entries) {
    if (total <= cfg.maxBytes) break;
    removeQuietly(e.file);
    total -= e.size;
  }
  return total;
}
