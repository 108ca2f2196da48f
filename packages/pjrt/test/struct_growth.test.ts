// A plugin built from a newer header than the binding's may refuse our
// structs as too small. The binding grows them in place (zeroed appended
// fields), retries, and remembers the size for that plugin.
import { describe, expect, it } from "vitest";
import { loadPjrtApi } from "../src/api.js";
import { PJRT_Client_BufferFromHostBuffer_Args, PJRT_ExecuteOptions } from "../src/layout.js";
import { STRUCT_SLACK } from "../src/memory.js";
import { PjrtRuntime } from "../src/runtime.js";
import { NO_COMPILER_MESSAGE, buildFakePlugin, hasCompiler, inspect } from "./fake_plugin.js";

describe.skipIf(!hasCompiler)("struct_size growth for newer plugins", () => {
  it("retries with the size the plugin asks for, once per struct", () => {
    const p = buildFakePlugin({ FAKE_GROW: 16 });
    const fake = inspect(p);
    fake.reset();
    const errorsBefore = fake.created("error");
    const rt = PjrtRuntime.open({ pluginPath: p, env: {} });
    const exe = rt.compileText("module {}");
    for (let i = 0; i < 3; i++) {
      const a = rt.toDevice(new Float32Array([i, 2]), "float32", [2]);
      const [out] = rt.execute(exe, [a]);
      expect(Array.from(rt.toHost(out!) as Float32Array)).toEqual([i, 2]);
      rt.dispose(out!);
      rt.dispose(a);
    }
    rt.dispose();
    const api = loadPjrtApi(p);
    expect(api.structSizes.get("PJRT_Client_BufferFromHostBuffer_Args")).toBe(PJRT_Client_BufferFromHostBuffer_Args.size + 16);
    expect(api.structSizes.get("PJRT_ExecuteOptions")).toBe(PJRT_ExecuteOptions.size + 16);
    // One refusal per struct, then every call went through at the grown size.
    expect(fake.created("error") - errorsBefore).toBe(2);
    expect(fake.lines("grown PJRT_Client_BufferFromHostBuffer_Args").length).toBe(3);
    expect(fake.lines("grown PJRT_ExecuteOptions").length).toBe(3);
    expect(fake.live("error")).toBe(0);
  });

  it("gives up, with the plugin's message, when the growth exceeds the slack", () => {
    const p = buildFakePlugin({ FAKE_GROW: STRUCT_SLACK + 64 });
    const rt = PjrtRuntime.open({ pluginPath: p, env: {} });
    try {
      expect(() => rt.toDevice(new Float32Array(1), "float32", [1])).toThrow(
        /PJRT_Client_BufferFromHostBuffer failed \(INVALID_ARGUMENT\): Unexpected PJRT_Client_BufferFromHostBuffer_Args size/,
      );
    } finally {
      rt.dispose();
    }
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
