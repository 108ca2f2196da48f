// Builds the test-double PJRT plugin (fake_plugin/fake_pjrt_plugin.c) with
// the system C compiler into a temporary directory, and reads its call log.
// Only the tests use it.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import koffi from "koffi";

const SOURCE = fileURLToPath(new URL("./fake_plugin/fake_pjrt_plugin.c", import.meta.url));
const CC = process.env.CC ?? "cc";

// One directory per version of the C source (and user), reused across runs and
// shared by concurrently running test files; each library is written under a
// temporary name and renamed into place, so a reader never sees half a file.
function tmpDir(): string {
  const hash = crypto.createHash("sha1").update(fs.readFileSync(SOURCE)).update(CC).digest("hex").slice(0, 12);
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  const dir = path.join(os.tmpdir(), `xlatorch-pjrt-fake-${hash}-${uid}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** True when a C compiler can build shared libraries here. */
export const hasCompiler: boolean = (() => {
  const r = spawnSync(CC, ["--version"], { encoding: "utf8" });
  return r.status === 0;
})();

export const NO_COMPILER_MESSAGE =
  `skipped: no C compiler (${CC}) to build the fake PJRT plugin; ` + "install gcc/clang or set CC to run the FFI marshalling tests";

function compile(name: string, source: string, defines: Record<string, number>): string {
  const out = path.join(tmpDir(), name);
  if (fs.existsSync(out)) return out;
  const flags = Object.entries(defines).map(([k, v]) => `-D${k}=${v}`);
  const partial = `${out}.${process.pid}.tmp`;
  const r = spawnSync(CC, ["-shared", "-fPIC", "-O1", "-fvisibility=hidden", ...flags, "-o", partial, source], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`building ${name} failed:\n${r.stderr}`);
  fs.renameSync(partial, out);
  return out;
}

/** The fake plugin; `defines` select a variant (FAKE_MINOR, FAKE_TABLE_SLOTS, ...). */
export function buildFakePlugin(defines: Record<string, number> = {}): string {
  const tag = Object.entries(defines)
    .map(([k, v]) => `${k.toLowerCase()}${v}`)
    .join("_");
  return compile(`pjrt_c_api_fake${tag ? "_" + tag : ""}_plugin.so`, SOURCE, defines);
}

/** A shared library that is not a PJRT plugin (no GetPjrtApi). */
export function buildNotAPlugin(): string {
  const src = path.join(tmpDir(), `not_a_plugin.${process.pid}.c`);
  fs.writeFileSync(src, "int not_pjrt(void) { return 42; }\n");
  try {
    return compile("libnot_a_plugin.so", src, {});
  } finally {
    fs.rmSync(src, { force: true });
  }
}

export interface FakeInspector {
  log(): string;
  lines(prefix: string): string[];
  reset(): void;
  live(kind: "error" | "event" | "client" | "loaded_executable" | "executable" | "buffer"): number;
  created(kind: "error" | "event" | "client" | "loaded_executable" | "executable" | "buffer"): number;
  doubleDestroys(): number;
  /** Executable_Serialize results whose deleter has not run. */
  serializedLive(): number;
  initialized(): number;
  lastCode(): string;
  /** Size (field "") or offset of a field as the C compiler lays it out; -1 if the fake does not list it. */
  layout(struct: string, field: string): number;
  /** While on, Event_IsReady reports unfinished events as not ready (the device is "busy"). */
  hold(on: boolean): void;
  /** Completes every event made so far (the device catches up). */
  completeEvents(): void;
}

/** Test-only exports of a loaded fake plugin. */
export function inspect(pluginPath: string): FakeInspector {
  const lib = koffi.load(pluginPath);
  const log = lib.func("const char *FakePjrt_Log(void)") as () => string;
  const reset = lib.func("void FakePjrt_ResetLog(void)") as () => void;
  const live = lib.func("int64_t FakePjrt_Live(const char *kind)") as (k: string) => number | bigint;
  const created = lib.func("int64_t FakePjrt_Created(const char *kind)") as (k: string) => number | bigint;
  const dbl = lib.func("int64_t FakePjrt_DoubleDestroys(void)") as () => number | bigint;
  const serLive = lib.func("int64_t FakePjrt_SerializedLive(void)") as () => number | bigint;
  const init = lib.func("int64_t FakePjrt_Initialized(void)") as () => number | bigint;
  const lastCode = lib.func("const char *FakePjrt_LastCode(void)") as () => string;
  const layout = lib.func("int64_t FakePjrt_Layout(const char *s, const char *f)") as (s: string, f: string) => number | bigint;
  const hold = lib.func("void FakePjrt_Hold(int on)") as (on: number) => void;
  const completeEvents = lib.func("void FakePjrt_CompleteEvents(void)") as () => void;
  return {
    log: () => log(),
    lines: (prefix) =>
      log()
        .split("\n")
        .filter((l) => l.startsWith(prefix)),
    reset: () => reset(),
    live: (k) => Number(live(k)),
    created: (k) => Number(created(k)),
    doubleDestroys: () => Number(dbl()),
    serializedLive: () => Number(serLive()),
    initialized: () => Number(init()),
    lastCode: () => lastCode(),
    layout: (s, f) => Number(layout(s, f)),
    hold: (on) => hold(on ? 1 : 0),
    completeEvents: () => completeEvents(),
  };
}
