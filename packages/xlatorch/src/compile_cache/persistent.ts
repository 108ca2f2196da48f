// The persistent compile cache: compiled executables on disk, so that a second
// process running the same program loads them instead of compiling again (see
// docs/ARCHITECTURE.md, "The persistent compile cache").
//
// Key: SHA-256 over the entry format version, xlatorch's version, the
// runtime's cacheIdentity() (platform, plugin and its version, device kind,
// compile options; for the CPU runtime its plan format and code fingerprint)
// and the module's StableHLO text. Entry: a FlatBuffer (entry.ts) holding the
// key and the runtime's serialised executable under a CRC-32.
//
// Nothing the cache meets may crash the program or change a result: an entry
// that is corrupt, truncated, foreign, of another format version, or that the
// runtime refuses to load is reported once, removed and compiled again; a
// directory that cannot be written is reported once and the program runs on
// uncached.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import type { PersistentCompileCache, PersistentOutcome } from "@xlatorch/lazy";
import { printModule, type Executable, type Module, type Runtime } from "@xlatorch/stablehlo";
import { ENTRY_FORMAT_VERSION, readEntry, writeEntry } from "./entry.js";
import { configFromEnv, entryPath, readFileOrNull, removeQuietly, touch, writeEntryFile, type CacheConfig } from "./store.js";

const warned = new Set<string>();
/** Prints a warning once per process for each `tag`. */
function warnOnce(tag: string, msg: string): void {
  if (warned.has(tag)) return;
  warned.add(tag);
  console.warn(`[xlatorch] persistent compile cache: ${msg}`);
}

/** xlatorch's version (packages/xlatorch/package.json), part of every key. */
export const XLATORCH_VERSION: string = (() => {
  for (const rel of ["../../package.json", "../package.json"]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "xlatorch" && pkg.version) return pkg.version;
    } catch {
      /* not here: the other layout (sources or dist) */
    }
  }
  return "unknown";
})();

type PersistableRuntime = Runtime & Required<Pick<Runtime, "cacheIdentity" | "serializeExecutable" | "loadExecutable">>;
const persistable = (rt: Runtime): rt is PersistableRuntime =>
  typeof rt.cacheIdentity === "function" && typeof rt.serializeExecutable === "function" && typeof rt.loadExecutable === "function";

/** The key of `moduleText` on a runtime of `identity`: hex SHA-256. */
export function cacheKey(identity: string, moduleText: string): string {
  return createHash("sha256")
    .update(`xlatorch persistent compile cache\nentry format ${ENTRY_FORMAT_VERSION}\nxlatorch ${XLATORCH_VERSION}\n`)
    .update(`runtime ${identity}\n`)
    .update(moduleText)
    .digest("hex");
}

/** The cache's settings now (read from process.env on every lookup, so tests and users may change them). */
export function currentConfig(): CacheConfig | null {
  return configFromEnv(process.env, (m) => warnOnce(`env:${m}`, m));
}

export const diskCompileCache: PersistentCompileCache = {
  lookup(rt: Runtime, module: Module, compile: () => Executable): { exe: Executable; outcome: PersistentOutcome } {
    const cfg = currentConfig();
    if (!cfg || !persistable(rt)) return { exe: compile(), outcome: "off" };
    let identity: string | null;
    try {
      identity = rt.cacheIdentity();
    } catch (e) {
      warnOnce(
        `identity:${rt.platform}`,
        `the ${rt.platform} runtime cannot name its identity (${(e as Error).message}); compiling without the cache`,
      );
      identity = null;
    }
    if (identity === null) return { exe: compile(), outcome: "off" };
    let key: string;
    try {
      key = cacheKey(identity, printModule(module));
    } catch (e) {
      warnOnce(
        `key:${(e as Error).message}`,
        `cannot print a module for its key (${(e as Error).message}); compiling it without the cache`,
      );
      return { exe: compile(), outcome: "off" };
    }
    const file = entryPath(cfg.dir, key);

    let bytes: Uint8Array | null = null;
    try {
      bytes = readFileOrNull(file);
    } catch (e) {
      warnOnce(`read:${cfg.dir}`, `cannot read ${file}: ${(e as Error).message}; compiling`);
    }
    if (bytes) {
      try {
        const entry = readEntry(bytes, key);
        const exe = rt.loadExecutable(entry.payload, module);
        touch(file);
        return { exe, outcome: "hit" };
      } catch (e) {
        warnOnce(`bad:${file}`, `${file}: ${(e as Error).message}; removed it and compiling again`);
        removeQuietly(file);
      }
    }

    const exe = compile();
    store(cfg, rt, key, identity, exe);
    return { exe, outcome: "miss" };
  },
};

function store(cfg: CacheConfig, rt: PersistableRuntime, key: string, identity: string, exe: Executable): void {
  let payload: Uint8Array | null;
  try {
    payload = rt.serializeExecutable(exe);
  } catch (e) {
    warnOnce(
      `serialize:${rt.platform}`,
      `the ${rt.platform} runtime could not serialise an executable (${(e as Error).message}); it is not stored`,
    );
    return;
  }
  if (!payload) return;
  try {
    writeEntryFile(cfg, key, writeEntry({ key, platform: rt.platform, identity, payload }));
  } catch (e) {
    warnOnce(
      `write:${cfg.dir}`,
      `cannot write to ${cfg.dir} (${(e as Error).message}); executables are not stored (set XLATORCH_CACHE_DIR to a writable directory, or to off)`,
    );
  }
}
