// PJRT_Executable_Serialize / PJRT_Executable_DeserializeAndLoad, the PJRT
// half of the persistent compile cache, against the test-double plugin: what
// crosses the FFI boundary (struct sizes, the deleter called once, the
// temporary PJRT_Executable destroyed) and a round trip through the cache.
// The fake's "serialisation" is a few bytes of its own; a real plugin's
// executables are not exercised here.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseModule } from "@xlatorch/stablehlo";
import { PjrtError } from "../src/errors.js";
import { PjrtRuntime } from "../src/runtime.js";
import { diskCompileCache } from "../../xlatorch/src/compile_cache/index.js";
import { NO_COMPILER_MESSAGE, buildFakePlugin, hasCompiler, inspect, type FakeInspector } from "./fake_plugin.js";

const TWO_OUT = `module @two {
  func.func public @main(%a: tensor<3xf32>, %b: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
    // fake-outputs:2
    return %a, %b : tensor<3xf32>, tensor<3xf32>
  }
}
`;

describe.skipIf(!hasCompiler)("PJRT executable serialisation against the fake plugin", () => {
  let rt: PjrtRuntime;
  let fake: FakeInspector;

  beforeAll(() => {
    const p = buildFakePlugin();
    fake = inspect(p);
    rt = PjrtRuntime.open({ pluginPath: p, env: {} });
  });
  afterAll(() => rt?.dispose());

  it("serialises through GetExecutable, copies the bytes, runs the deleter once and destroys the PJRT_Executable", () => {
    const exe = rt.compileText(TWO_OUT);
    const liveExecutables = fake.live("executable");
    fake.reset();
    const bytes = rt.serializeExecutable(exe);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe("FAKEEXE1");
    expect(bytes.length).toBe(18);
    expect(fake.lines("Executable_Serialize")).toEqual(["Executable_Serialize size=18"]);
    expect(fake.lines("Serialized_Delete")).toHaveLength(1);
    expect(fake.serializedLive()).toBe(0);
    expect(fake.live("executable")).toBe(liveExecutables);
    expect(fake.doubleDestroys()).toBe(0);
    // the copy outlives the plugin's block
    expect(Array.from(bytes.subarray(8, 10))).toEqual([2, 0]);
  });

  it("deserialises into a loaded executable that runs like the compiled one", () => {
    const bytes = rt.serializeExecutable(rt.compileText(TWO_OUT));
    fake.reset();
    const loaded = rt.loadExecutable(bytes, parseModule(TWO_OUT));
    expect(fake.lines("Executable_DeserializeAndLoad")).toEqual(["Executable_DeserializeAndLoad size=18 overridden_options=0"]);
    expect(fake.lines("Client_Compile")).toEqual([]);
    expect(loaded.numOutputs).toBe(2);
    expect(loaded.name).toBe("two");
    const a = rt.toDevice(new Float32Array([1, 2, 3]), "float32", [3]);
    const b = rt.toDevice(new Float32Array([4, 5, 6]), "float32", [3]);
    const [x, y] = rt.execute(loaded, [a, b]);
    expect(Array.from(rt.toHost(x!) as Float32Array)).toEqual([1, 2, 3]);
    expect(Array.from(rt.toHost(y!) as Float32Array)).toEqual([4, 5, 6]);
    const before = fake.live("loaded_executable");
    rt.dispose(loaded);
    expect(fake.live("loaded_executable")).toBe(before - 1);
  });

  it("bytes the plugin refuses are a PjrtError, leaking nothing", () => {
    const before = fake.live("loaded_executable");
    expect(() => rt.loadExecutable(new Uint8Array([1, 2, 3]), parseModule(TWO_OUT))).toThrow(PjrtError);
    expect(() => rt.loadExecutable(new Uint8Array([1, 2, 3]), parseModule(TWO_OUT))).toThrow(
      /not a serialized fake executable \(3 bytes\)/,
    );
    expect(() => rt.loadExecutable(new Uint8Array(0), parseModule(TWO_OUT))).toThrow(/no bytes/);
    expect(fake.live("loaded_executable")).toBe(before);
    expect(fake.live("error")).toBe(0);
  });

  it("names platform, plugin, API version, device kind and compile options as its cache identity", () => {
    const id = JSON.parse(rt.cacheIdentity()!) as Record<string, string | number>;
    expect(id.platform).toBe("fake");
    expect(id.platformVersion).toBe("fake 0.105");
    expect(id.api).toBe("0.105");
    expect(id.deviceKind).toBe("Fake Device");
    expect(id.compileOptions).toBe("1a0f08ffffffffffffffffff0120012801");
    expect(String(id.plugin)).toContain(fs.realpathSync(buildFakePlugin()));
    const other = PjrtRuntime.open({ pluginPath: buildFakePlugin(), env: {}, compileOptions: { numReplicas: 2 } });
    try {
      expect(other.cacheIdentity()).not.toBe(rt.cacheIdentity());
    } finally {
      other.dispose();
    }
  });

  it("a plugin without Executable_Serialize has no cache identity (the cache is not used)", () => {
    const p = buildFakePlugin({ FAKE_NULL_SLOT: 49 });
    const other = PjrtRuntime.open({ pluginPath: p, env: {} });
    try {
      expect(other.cacheIdentity()).toBeNull();
    } finally {
      other.dispose();
    }
  });

  it("the persistent compile cache stores a PJRT executable and a second lookup deserialises instead of compiling", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-pjrt-cache-"));
    const saved = process.env.XLATORCH_CACHE_DIR;
    process.env.XLATORCH_CACHE_DIR = dir;
    try {
      const module = parseModule(TWO_OUT);
      fake.reset();
      const first = diskCompileCache.lookup(rt, module, () => rt.compile(module));
      expect(first.outcome).toBe("miss");
      expect(fake.lines("Client_Compile")).toHaveLength(1);
      expect(fake.lines("Executable_Serialize")).toHaveLength(1);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith(".xlcc"))).toHaveLength(1);
      fake.reset();
      const second = diskCompileCache.lookup(rt, module, () => rt.compile(module));
      expect(second.outcome).toBe("hit");
      expect(fake.lines("Client_Compile")).toEqual([]);
      expect(fake.lines("Executable_DeserializeAndLoad")).toHaveLength(1);
      expect(second.exe.numOutputs).toBe(first.exe.numOutputs);
    } finally {
      if (saved === undefined) delete process.env.XLATORCH_CACHE_DIR;
      else process.env.XLATORCH_CACHE_DIR = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
