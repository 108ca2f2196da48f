// openPjrtRuntimeFromEnv: null when nothing is configured, an error when an
// explicit request cannot be met, a runtime when the environment names a plugin.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PjrtError } from "../src/errors.js";
import { clientOptionsFromEnv, openPjrtRuntimeFromEnv, PjrtRuntime } from "../src/runtime.js";
import type { FsProbe } from "../src/discovery.js";
import { NO_COMPILER_MESSAGE, buildFakePlugin, buildNotAPlugin, hasCompiler, inspect } from "./fake_plugin.js";

const emptyFs: FsProbe = { isFile: () => false, isDir: () => false, list: () => [] };

describe("openPjrtRuntimeFromEnv", () => {
  it("returns null when no plugin is configured", () => {
    expect(openPjrtRuntimeFromEnv({}, { probe: emptyFs })).toBeNull();
    expect(openPjrtRuntimeFromEnv({ PJRT_DEVICE: "CPU" }, { probe: emptyFs })).toBeNull();
  });

  it("throws NOT_FOUND when PJRT_DEVICE asks for a device no plugin provides", () => {
    try {
      openPjrtRuntimeFromEnv({ PJRT_DEVICE: "CUDA" }, { probe: emptyFs });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PjrtError);
      expect((e as PjrtError).codeName).toBe("NOT_FOUND");
      expect((e as PjrtError).message).toContain("PJRT_DEVICE=CUDA");
    }
  });

  it("names a user-set plugin path that does not exist", () => {
    // PJRT_DEVICE=CUDA also searches site-packages: an empty probe keeps a
    // machine with jax's CUDA plugin from satisfying the request.
    expect(() =>
      openPjrtRuntimeFromEnv({ PJRT_PLUGIN_LIBRARY_PATH: "/nonexistent/x.so", PJRT_DEVICE: "CUDA" }, { probe: emptyFs }),
    ).toThrow("PJRT_PLUGIN_LIBRARY_PATH names /nonexistent/x.so, which does not exist");
    // Without PJRT_DEVICE a broken path is an error too, not a quiet fallback to the CPU runtime.
    expect(() => openPjrtRuntimeFromEnv({ PJRT_PLUGIN_LIBRARY_PATH: "/nonexistent/x.so" })).toThrow(
      "PJRT_PLUGIN_LIBRARY_PATH names /nonexistent/x.so, which does not exist",
    );
    expect(() => openPjrtRuntimeFromEnv({ TPU_LIBRARY_PATH: "/nonexistent/libtpu.so" })).toThrow(
      "TPU_LIBRARY_PATH names /nonexistent/libtpu.so, which does not exist",
    );
    expect(() => PjrtRuntime.open({ env: { PJRT_PLUGIN_LIBRARY_PATH: "/nonexistent/x.so" } })).toThrow(
      "PJRT_PLUGIN_LIBRARY_PATH names /nonexistent/x.so, which does not exist",
    );
  });

  it("PjrtRuntime.open without a path and nothing configured explains why", () => {
    expect(() => PjrtRuntime.open({ env: {}, probe: emptyFs })).toThrow(/no PJRT plugin configured/);
  });
});

describe("XLATORCH_PJRT_OPTIONS", () => {
  it("parses a JSON object of client options", () => {
    expect(clientOptionsFromEnv({ XLATORCH_PJRT_OPTIONS: '{"preallocate":false,"memory_fraction":0.5}' })).toEqual({
      preallocate: false,
      memory_fraction: 0.5,
    });
    expect(clientOptionsFromEnv({})).toEqual({});
    expect(() => clientOptionsFromEnv({ XLATORCH_PJRT_OPTIONS: "[1]" })).toThrow(/JSON object/);
    expect(() => clientOptionsFromEnv({ XLATORCH_PJRT_OPTIONS: "{" })).toThrow(/not JSON/);
  });
});

describe.skipIf(!hasCompiler)("opening the fake plugin from the environment", () => {
  it("PJRT_PLUGIN_LIBRARY_PATH as a directory, PJRT_DEVICE picking by name", () => {
    const p = buildFakePlugin();
    const fake = inspect(p);
    fake.reset();
    const rt = openPjrtRuntimeFromEnv({
      PJRT_PLUGIN_LIBRARY_PATH: path.dirname(p),
      PJRT_DEVICE: "fake",
      XLATORCH_PJRT_OPTIONS: '{"preallocate":false}',
    });
    expect(rt).not.toBeNull();
    expect(rt!.platform).toBe("fake");
    expect(rt!.pluginPath).toBe(p);
    expect(fake.lines("Client_Create option")).toEqual(["Client_Create option preallocate bool 0 size=1"]);
    rt!.dispose();
  });

  it("a configured file that is not a PJRT plugin is named, with the reason", () => {
    const notPlugin = buildNotAPlugin();
    expect(() => openPjrtRuntimeFromEnv({ PJRT_PLUGIN_LIBRARY_PATH: notPlugin, PJRT_DEVICE: "CUDA" })).toThrow(
      `PJRT_PLUGIN_LIBRARY_PATH names ${notPlugin}, which is not a PJRT plugin: it does not export GetPjrtApi`,
    );
    expect(() => openPjrtRuntimeFromEnv({ TPU_LIBRARY_PATH: notPlugin })).toThrow(
      `TPU_LIBRARY_PATH names ${notPlugin}, which is not a PJRT plugin`,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-pjrt-notelf-"));
    const text = path.join(dir, "pjrt_c_api_cuda_plugin.so");
    fs.writeFileSync(text, "not an ELF file\n");
    try {
      const e = (() => {
        try {
          openPjrtRuntimeFromEnv({ PJRT_PLUGIN_LIBRARY_PATH: dir, PJRT_DEVICE: "CUDA" });
        } catch (err) {
          return err as PjrtError;
        }
        throw new Error("expected a PjrtError");
      })();
      expect(e).toBeInstanceOf(PjrtError);
      expect(e.codeName).toBe("FAILED_PRECONDITION");
      expect(e.path).toBe(text);
      // The loader's own reason follows (e.g. "file too short", "invalid ELF header").
      const named = `PJRT_PLUGIN_LIBRARY_PATH names ${text}, which cannot be loaded as a shared library: `;
      expect(e.detail.startsWith(named)).toBe(true);
      expect(e.detail.length).toBeGreaterThan(named.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a configured plugin that fails its version check throws instead of returning null", () => {
    const old = buildFakePlugin({ FAKE_MINOR: 12 });
    expect(() => openPjrtRuntimeFromEnv({ PJRT_PLUGIN_LIBRARY_PATH: old })).toThrow(/too old/);
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
