// The persistent compile cache (XLATORCH_CACHE_DIR), end to end in child
// processes: a second run compiles nothing; a flipped byte, a truncated file,
// a file of another format version, a foreign file and two processes racing
// on one key all end in the same results, with a warning where an entry was
// bad. In-process: the entry format, `off`, least-recently-used eviction and
// an entry copied under another key.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule, printModule, type Executable } from "@xlatorch/stablehlo";
import {
  cacheKey,
  diskCompileCache,
  ENTRY_FORMAT_VERSION,
  entryPath,
  EntryError,
  evict,
  readEntry,
  writeEntry,
} from "../../packages/xlatorch/src/compile_cache/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const child = fileURLToPath(new URL("./persistent_cache_child.ts", import.meta.url));
const run = promisify(execFile);

interface ChildResult {
  xla: number[];
  cpu: number[];
  uncachedCompiles: number;
  hits: number;
  misses: number;
  stderr: string;
}

async function runChild(dir: string): Promise<ChildResult> {
  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", child], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, XLATORCH_CACHE_DIR: dir, XLATORCH_QUIET: "1", TSX_TSCONFIG_PATH: "tsconfig.json" },
  });
  const line = stdout.trim().split("\n").at(-1)!;
  return { ...(JSON.parse(line) as Omit<ChildResult, "stderr">), stderr };
}

const entries = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".xlcc"))
    .map((f) => path.join(dir, f));
const keyOf = (file: string) => path.basename(file, ".xlcc");

describe("persistent compile cache across processes", () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-cache-test-"));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  let reference: ChildResult;
  let warm: string; // a directory a first run filled
  beforeAll(async () => {
    warm = tmp();
    reference = await runChild(warm);
  }, 120_000);

  it("the first run compiles and stores every module; the second compiles nothing", async () => {
    expect(reference.misses).toBeGreaterThan(0);
    expect(reference.uncachedCompiles).toBe(reference.misses);
    expect(reference.hits).toBe(0);
    for (let i = 0; i < reference.xla.length; i++) expect(reference.xla[i]).toBeCloseTo(reference.cpu[i]!, 5);
    expect(entries(warm)).toHaveLength(reference.misses);
    const second = await runChild(warm);
    expect(second.uncachedCompiles).toBe(0);
    expect(second.misses).toBe(0);
    expect(second.hits).toBe(reference.misses);
    expect(second.xla).toEqual(reference.xla);
    expect(second.stderr).not.toMatch(/persistent compile cache/);
  }, 120_000);

  /** Copies the warm cache, damages every entry with `damage`, runs, and checks the outcome. */
  async function damaged(damage: (file: string, i: number) => void, message: RegExp): Promise<void> {
    const dir = tmp();
    for (const f of entries(warm)) fs.copyFileSync(f, path.join(dir, path.basename(f)));
    const files = entries(dir);
    files.forEach(damage);
    const r = await runChild(dir);
    expect(r.xla).toEqual(reference.xla);
    expect(r.uncachedCompiles).toBe(files.length);
    expect(r.misses).toBe(files.length);
    expect(r.hits).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => l.includes("persistent compile cache"));
    expect(warnings).toHaveLength(files.length); // once per bad entry
    for (const w of warnings) expect(w).toMatch(message);
    // rewritten whole: a further run loads everything
    for (const f of entries(dir)) expect(() => readEntry(fs.readFileSync(f), keyOf(f))).not.toThrow();
    const again = await runChild(dir);
    expect(again.uncachedCompiles).toBe(0);
    expect(again.xla).toEqual(reference.xla);
  }

  it("a flipped byte is detected, reported, removed and recompiled", async () => {
    await damaged((f, i) => {
      const b = fs.readFileSync(f);
      const at = (b.length >> 1) + i; // inside the payload
      b[at] = b[at]! ^ 0x20;
      fs.writeFileSync(f, b);
    }, /CRC-32 .* \(corrupted or truncated\); removed it and compiling again/);
  }, 120_000);

  it("a truncated file is detected, reported, removed and recompiled", async () => {
    await damaged((f, i) => {
      const b = fs.readFileSync(f);
      fs.writeFileSync(f, b.subarray(0, i % 2 ? b.length - 3 : b.length >> 1));
    }, /(runs past the end|CRC-32|no CRC-32).*removed it and compiling again/);
  }, 120_000);

  it("a file of another format version is detected, reported, removed and recompiled", async () => {
    await damaged(
      (f) => {
        const e = readEntry(fs.readFileSync(f), keyOf(f));
        fs.writeFileSync(f, writeEntry({ ...e, payload: e.payload.slice() }, ENTRY_FORMAT_VERSION + 1));
      },
      new RegExp(`format version ${ENTRY_FORMAT_VERSION + 1}; this xlatorch reads version ${ENTRY_FORMAT_VERSION}`),
    );
  }, 120_000);

  it("a foreign file under an entry's name is detected, reported, removed and recompiled", async () => {
    await damaged((f) => fs.writeFileSync(f, "PK\u0003\u0004 not a cache entry"), /not an xlatorch compile cache entry/);
  }, 120_000);

  it("two processes racing on the same keys both compute the right results and leave whole entries", async () => {
    const dir = tmp();
    const [a, b] = await Promise.all([runChild(dir), runChild(dir)]);
    expect(a.xla).toEqual(reference.xla);
    expect(b.xla).toEqual(reference.xla);
    expect(a.stderr + b.stderr).not.toMatch(/persistent compile cache/);
    const files = entries(dir);
    expect(files).toHaveLength(reference.misses);
    for (const f of files) expect(() => readEntry(fs.readFileSync(f), keyOf(f))).not.toThrow();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const third = await runChild(dir);
    expect(third.uncachedCompiles).toBe(0);
    expect(third.xla).toEqual(reference.xla);
  }, 120_000);
});

const MODULE = `module @m {
  func.func public @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
    %0 = stablehlo.multiply %a, %b : tensor<4xf32>
    %1 = stablehlo.add %0, %a : tensor<4xf32>
    %2 = stablehlo.exponential %1 : tensor<4xf32>
    return %2 : tensor<4xf32>
  }
}
`;

describe("persistent compile cache in process", () => {
  const saved = { dir: process.env.XLATORCH_CACHE_DIR, max: process.env.XLATORCH_CACHE_MAX_BYTES };
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-cache-unit-"));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (saved.dir === undefined) delete process.env.XLATORCH_CACHE_DIR;
    else process.env.XLATORCH_CACHE_DIR = saved.dir;
    if (saved.max === undefined) delete process.env.XLATORCH_CACHE_MAX_BYTES;
    else process.env.XLATORCH_CACHE_MAX_BYTES = saved.max;
  });

  const rt = new CpuRuntime();
  const module = parseModule(MODULE);
  const run = (exe: Executable) =>
    Array.from(
      rt.toHost(
        rt.execute(exe, [
          rt.toDevice(new Float32Array([1, 2, 3, 4]), "float32", [4]),
          rt.toDevice(new Float32Array([0.5, -1, 0, 2]), "float32", [4]),
        ])[0]!,
      ) as Float32Array,
    );

  it("an entry round-trips; its checks name what is wrong", () => {
    const e = { key: "k".repeat(64), platform: "cpu-runtime", identity: "id", payload: new Uint8Array([1, 2, 3, 250]) };
    const bytes = writeEntry(e);
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe("XLCC");
    expect(readEntry(bytes, e.key)).toEqual({ ...e, payload: e.payload });
    expect(() => readEntry(bytes, "x".repeat(64))).toThrow(/holds key kkkk/);
    expect(() => readEntry(bytes.subarray(0, 7), e.key)).toThrow(EntryError);
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes.slice();
      c[i] = c[i]! ^ 1;
      expect(() => readEntry(c, e.key)).toThrow(EntryError); // the CRC-32 covers every byte
    }
  });

  it("a miss stores the CPU runtime's plan; a hit loads it and computes the same values", () => {
    process.env.XLATORCH_CACHE_DIR = dir;
    const first = diskCompileCache.lookup(rt, module, () => rt.compile(module));
    expect(first.outcome).toBe("miss");
    let compiled = 0;
    const second = diskCompileCache.lookup(rt, module, () => {
      compiled++;
      return rt.compile(module);
    });
    expect(second.outcome).toBe("hit");
    expect(compiled).toBe(0);
    expect(run(second.exe)).toEqual(run(first.exe));
  });

  it("XLATORCH_CACHE_DIR=off neither reads nor writes", () => {
    process.env.XLATORCH_CACHE_DIR = "off";
    const before = fs.readdirSync(dir).length;
    expect(diskCompileCache.lookup(rt, parseModule(MODULE.replace("exponential", "tanh")), () => rt.compile(module)).outcome).toBe("off");
    expect(fs.readdirSync(dir).length).toBe(before);
  });

  it("an entry copied under another key's name is refused and recompiled", () => {
    process.env.XLATORCH_CACHE_DIR = dir;
    const other = parseModule(MODULE.replace("exponential", "negate"));
    const key = cacheKey(rt.cacheIdentity(), printModule(other));
    const source = fs.readdirSync(dir).find((f) => f.endsWith(".xlcc"))!;
    fs.copyFileSync(path.join(dir, source), entryPath(dir, key));
    const r = diskCompileCache.lookup(rt, other, () => rt.compile(other));
    expect(r.outcome).toBe("miss");
    expect(run(r.exe)).toEqual(run(rt.compile(other)));
  });

  it("keeps the directory under XLATORCH_CACHE_MAX_BYTES, evicting the least recently used", () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-cache-lru-"));
    try {
      const names = ["a", "b", "c", "d"].map((n) => entryPath(d, n.repeat(64)));
      names.forEach((f, i) => {
        fs.writeFileSync(f, new Uint8Array(100));
        const t = new Date(Date.now() - (10 - i) * 60_000); // a oldest ... d newest
        fs.utimesSync(f, t, t);
      });
      const stale = path.join(d, ".x.1.y.tmp");
      fs.writeFileSync(stale, "debris");
      fs.utimesSync(stale, new Date(0), new Date(0));
      // a is used now: b becomes the oldest
      fs.utimesSync(names[0]!, new Date(), new Date());
      evict({ dir: d, maxBytes: 250 });
      expect(names.map((f) => fs.existsSync(f))).toEqual([true, false, false, true]);
      expect(fs.existsSync(stale)).toBe(false);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it("a hit touches the entry (LRU by mtime) and writes respect the bound", () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-cache-bound-"));
    process.env.XLATORCH_CACHE_DIR = d;
    try {
      diskCompileCache.lookup(rt, module, () => rt.compile(module));
      const [f] = fs.readdirSync(d).map((n) => path.join(d, n));
      const old = new Date(Date.now() - 3_600_000);
      fs.utimesSync(f!, old, old);
      expect(diskCompileCache.lookup(rt, module, () => rt.compile(module)).outcome).toBe("hit");
      expect(fs.statSync(f!).mtimeMs).toBeGreaterThan(old.getTime() + 1000);
      process.env.XLATORCH_CACHE_MAX_BYTES = String(Math.floor(fs.statSync(f!).size * 1.5)); // room for one entry
      const m2 = parseModule(MODULE.replace("exponential", "sqrt"));
      diskCompileCache.lookup(rt, m2, () => rt.compile(m2));
      const left = fs.readdirSync(d).filter((n) => n.endsWith(".xlcc"));
      expect(left).toHaveLength(1); // the older entry made room for the new one
      expect(path.join(d, left[0]!)).not.toBe(f);
    } finally {
      delete process.env.XLATORCH_CACHE_MAX_BYTES;
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
