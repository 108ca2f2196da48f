// glibc's malloc thresholds, which the cpu device raises as it registers (packages/cpu/src/malloc_tuning.ts):
// a result array of 1 MiB then comes from malloc's heap instead of a fresh mmap (whose pages are faulted in
// at every allocation). Checked in child processes, one tuned and one with XLATORCH_MALLOC=off, by glibc's
// own count of mapped blocks (mallinfo2().hblks) across 8 kept 1 MiB results.
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { MMAP_THRESHOLD, mallocTuningWanted, TRIM_THRESHOLD } from "../packages/cpu/src/malloc_tuning.js";

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const child = resolve(root, "tests/malloc_tuning_child.ts");

interface Seen {
  tuning: { mmapThreshold: number; trimThreshold: number; reason: string } | null;
  mapped: number;
  sum: number;
}
const runChild = async (malloc: string | undefined): Promise<Seen> => {
  const env: Record<string, string | undefined> = {
    ...process.env,
    XLATORCH_QUIET: "1",
    TSX_TSCONFIG_PATH: "tsconfig.json",
    XLATORCH_MALLOC: malloc,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const { stdout } = await run(process.execPath, ["--import", "tsx", child], { cwd: root, encoding: "utf8", env, timeout: 50000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Seen;
};

describe("malloc tuning", () => {
  it("is wanted on Linux unless XLATORCH_MALLOC is off or 0", () => {
    expect(mallocTuningWanted({}, "linux")).toBe(true);
    expect(mallocTuningWanted({ XLATORCH_MALLOC: "on" }, "linux")).toBe(true);
    for (const v of ["off", "OFF", " 0 "]) expect(mallocTuningWanted({ XLATORCH_MALLOC: v }, "linux")).toBe(false);
    expect(mallocTuningWanted({}, "darwin")).toBe(false);
    expect(mallocTuningWanted({}, "win32")).toBe(false);
  });

  it.runIf(process.platform === "linux")("keeps 1 MiB results off mmap; XLATORCH_MALLOC=off leaves glibc's thresholds", async () => {
    const [tuned, off] = await Promise.all([runChild(undefined), runChild("off")]);
    // the values are the same either way: 1 + 2 + ... + 8 times 256 * 1024 elements
    expect(tuned.sum).toBe(36 * 256 * 1024);
    expect(off.sum).toBe(tuned.sum);
    expect(tuned.tuning).toEqual({ mmapThreshold: MMAP_THRESHOLD, trimThreshold: TRIM_THRESHOLD, reason: "glibc" });
    expect(off.tuning).toEqual({ mmapThreshold: 0, trimThreshold: 0, reason: "off or not Linux" });
    // glibc maps each 1 MiB block by itself at its default threshold (128 KiB); tuned, none is mapped
    expect(off.mapped).toBeGreaterThanOrEqual(8);
    expect(tuned.mapped).toBe(0);
  });
});
