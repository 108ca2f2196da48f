// Loader and version-check error paths: each must be a PjrtError naming the
// path (and both versions where versions are involved), and the process must
// carry on afterwards.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPjrtApi } from "../src/api.js";
import { PjrtError } from "../src/errors.js";
import { PJRT_HEADER_VERSION, PJRT_MIN_SUPPORTED_MINOR } from "../src/layout.js";
import { PjrtRuntime } from "../src/runtime.js";
import { NO_COMPILER_MESSAGE, buildFakePlugin, buildNotAPlugin, hasCompiler } from "./fake_plugin.js";

function thrown(f: () => unknown): PjrtError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PjrtError);
    return e as PjrtError;
  }
  throw new Error("expected a PjrtError");
}

describe("loading errors", () => {
  it("a missing file is NOT_FOUND and names the path", () => {
    const p = path.join("/nonexistent", "pjrt_c_api_cuda_plugin.so");
    const e = thrown(() => loadPjrtApi(p));
    expect(e.code).toBe(5);
    expect(e.codeName).toBe("NOT_FOUND");
    expect(e.path).toBe(p);
    expect(e.message).toContain(p);
  });

  it("a file that is not a shared library fails to load, naming the path", () => {
    const p = new URL("./fake_plugin/fake_pjrt_plugin.c", import.meta.url).pathname;
    const e = thrown(() => loadPjrtApi(p));
    expect(e.codeName).toBe("FAILED_PRECONDITION");
    expect(e.message).toContain(p);
  });

  it("PjrtRuntime.open with an explicit missing path throws, leaving the process alive", () => {
    const e = thrown(() => PjrtRuntime.open({ pluginPath: "/nope/libtpu.so" }));
    expect(e.message).toContain("/nope/libtpu.so");
    expect(1 + 1).toBe(2);
  });
});

describe.skipIf(!hasCompiler)("loading errors with built libraries", () => {
  it("a library without GetPjrtApi is 'not a PJRT plugin'", () => {
    const p = buildNotAPlugin();
    const e = thrown(() => loadPjrtApi(p));
    expect(e.codeName).toBe("INVALID_ARGUMENT");
    expect(e.message).toContain("not a PJRT plugin");
    expect(e.message).toContain(p);
  });

  it("a plugin reporting too old a minor version is refused, naming both versions", () => {
    const p = buildFakePlugin({ FAKE_MINOR: 40 });
    const e = thrown(() => loadPjrtApi(p));
    expect(e.codeName).toBe("FAILED_PRECONDITION");
    expect(e.message).toContain(p);
    expect(e.message).toContain("0.40");
    expect(e.message).toContain("too old");
    expect(e.message).toContain(`${PJRT_HEADER_VERSION.major}.${PJRT_HEADER_VERSION.minor}`);
    expect(e.message).toContain(`0.${PJRT_MIN_SUPPORTED_MINOR}`);
  });

  it("a plugin of another major version is refused", () => {
    const p = buildFakePlugin({ FAKE_MAJOR: 1, FAKE_MINOR: 2 });
    const e = thrown(() => loadPjrtApi(p));
    expect(e.message).toContain("1.2");
    expect(e.message).toContain("incompatible major");
  });

  it("accepts the oldest supported and newer minor versions", () => {
    expect(loadPjrtApi(buildFakePlugin({ FAKE_MINOR: PJRT_MIN_SUPPORTED_MINOR })).version).toEqual({
      major: 0,
      minor: PJRT_MIN_SUPPORTED_MINOR,
    });
    const newer = loadPjrtApi(buildFakePlugin({ FAKE_MINOR: 130 }));
    expect(newer.version.minor).toBe(130);
    expect(newer.has("PJRT_Client_Compile")).toBe(true);
  });

  it("reads struct_size and the version of a good plugin", () => {
    const api = loadPjrtApi(buildFakePlugin());
    expect(api.version).toEqual({ major: 0, minor: 105 });
    expect(api.structSize).toBe(40 + 8 * 73);
    expect(loadPjrtApi(buildFakePlugin())).toBe(api); // one load per library
  });

  it("a function beyond the plugin's struct_size is not called", () => {
    // The table stops before slot 70 (PJRT_Buffer_ToHostBuffer).
    const p = buildFakePlugin({ FAKE_TABLE_SLOTS: 70 });
    const api = loadPjrtApi(p);
    expect(api.has("PJRT_Buffer_ToHostBuffer")).toBe(false);
    expect(api.has("PJRT_Buffer_Destroy")).toBe(true);
    const rt = PjrtRuntime.open({ pluginPath: p });
    try {
      const b = rt.toDevice(new Float32Array([1, 2]), "float32", [2]);
      const e = thrown(() => rt.toHost(b));
      expect(e.codeName).toBe("UNIMPLEMENTED");
      expect(e.call).toBe("PJRT_Buffer_ToHostBuffer");
      expect(e.message).toContain("beyond the plugin's PJRT_Api table");
      expect(e.message).toContain(p);
      rt.dispose(b);
    } finally {
      rt.dispose();
    }
  });

  it("a NULL function pointer is reported, not called", () => {
    const p = buildFakePlugin({ FAKE_NULL_SLOT: 20 }); // PJRT_Client_Compile
    const rt = PjrtRuntime.open({ pluginPath: p });
    try {
      const e = thrown(() => rt.compileText("module {}"));
      expect(e.codeName).toBe("UNIMPLEMENTED");
      expect(e.message).toContain("does not implement PJRT_Client_Compile");
    } finally {
      rt.dispose();
    }
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
