// What crosses the FFI boundary, checked by the test-double plugin
// (fake_plugin/fake_pjrt_plugin.c): struct sizes, dtype codes, dims, pointer
// arrays, program format and bytes, compile options, and object lifetimes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printModule, type DTypeName, type HostArray, type Module } from "@xlatorch/stablehlo";
import { PjrtError } from "../src/errors.js";
import { PjrtBuffer, PjrtExecutable } from "../src/client.js";
import { BufferType } from "../src/layout.js";
import { PjrtRuntime } from "../src/runtime.js";
import { NO_COMPILER_MESSAGE, buildFakePlugin, hasCompiler, inspect, type FakeInspector } from "./fake_plugin.js";

const SAMPLES: { dtype: DTypeName; code: number; data: HostArray }[] = [
  { dtype: "float32", code: BufferType.F32, data: new Float32Array([1.5, -2, 3.25, 4, 5, 6]) },
  { dtype: "float64", code: BufferType.F64, data: new Float64Array([Math.PI, -1e300, 0, 1, 2, 3]) },
  { dtype: "float16", code: BufferType.F16, data: new Uint16Array([0x3c00, 0xc000, 0x7bff, 0, 1, 0x8000]) },
  { dtype: "bfloat16", code: BufferType.BF16, data: new Uint16Array([0x3f80, 0xc000, 0x7f7f, 0, 1, 0x8000]) },
  { dtype: "int8", code: BufferType.S8, data: new Int8Array([-128, 127, 0, 1, -1, 5]) },
  { dtype: "uint8", code: BufferType.U8, data: new Uint8Array([0, 255, 1, 2, 3, 4]) },
  { dtype: "int16", code: BufferType.S16, data: new Int16Array([-32768, 32767, 0, 1, -1, 7]) },
  { dtype: "int32", code: BufferType.S32, data: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, 1, -1, 9]) },
  { dtype: "int64", code: BufferType.S64, data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, 1n, -1n, 11n]) },
  { dtype: "bool", code: BufferType.PRED, data: new Uint8Array([1, 0, 0, 1, 1, 0]) },
];

const IDENTITY = `module @m {
  func.func public @main(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
    return %a : tensor<2x3xf32>
  }
}
`;

describe.skipIf(!hasCompiler)("FFI marshalling against the fake plugin", () => {
  let rt: PjrtRuntime;
  let fake: FakeInspector;

  beforeAll(() => {
    const p = buildFakePlugin();
    fake = inspect(p);
    fake.reset();
    rt = PjrtRuntime.open({ pluginPath: p, env: {}, clientOptions: { memory_fraction: 0.5, preallocate: false } });
  });
  afterAll(() => rt?.dispose());

  it("initialises the plugin once and creates a client with typed options", () => {
    expect(fake.initialized()).toBe(1);
    const opts = fake.lines("Client_Create option");
    expect(opts).toContain("Client_Create option memory_fraction float 0.5 size=1");
    expect(opts).toContain("Client_Create option preallocate bool 0 size=1");
    expect(fake.lines("Client_Create num_options")).toEqual(["Client_Create num_options=2"]);
  });

  it("passes string, int64, int64 list, float and bool options", () => {
    fake.reset();
    const other = PjrtRuntime.open({
      pluginPath: buildFakePlugin(),
      env: {},
      clientOptions: { allocator: "platform", node_id: 3, visible_devices: [0, 1], ratio: 0.25, flag: true },
    });
    other.dispose();
    expect(fake.lines("Client_Create option")).toEqual([
      "Client_Create option allocator string platform size=8",
      "Client_Create option node_id int64 3 size=1",
      "Client_Create option visible_devices int64list [0,1] size=2",
      "Client_Create option ratio float 0.25 size=1",
      "Client_Create option flag bool 1 size=1",
    ]);
    expect(fake.initialized()).toBe(1); // still once: same library
  });

  it("a rejected client option is a PjrtError naming PJRT_Client_Create", () => {
    try {
      PjrtRuntime.open({ pluginPath: buildFakePlugin(), env: {}, clientOptions: { fake_reject: 1 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PjrtError);
      const err = e as PjrtError;
      expect(err.message).toBe("PJRT_Client_Create failed (INVALID_ARGUMENT): fake: unknown client option fake_reject");
      expect(err.code).toBe(3);
      expect(err.call).toBe("PJRT_Client_Create");
    }
  });

  it("reports platform, version and addressable devices", () => {
    expect(rt.platform).toBe("fake");
    expect(rt.platformVersion).toBe("fake 0.105");
    expect(rt.devices).toEqual(["fake:0", "fake:1"]);
    expect(rt.deviceInfo.map((d) => d.kind)).toEqual(["Fake Device", "Fake Device"]);
    expect(rt.apiVersion).toEqual({ major: 0, minor: 105 });
  });

  it("compiles StableHLO text as format mlir with the code bytes and the 17 option bytes", () => {
    fake.reset();
    const exe = rt.compileText(IDENTITY);
    expect(fake.lines("Client_Compile")).toEqual([
      `Client_Compile format=mlir code_size=${Buffer.byteLength(IDENTITY)} options=1a0f08ffffffffffffffffff0120012801`,
    ]);
    expect(fake.lastCode()).toBe(IDENTITY);
    expect(exe.numOutputs).toBe(1);
    // GetExecutable's PJRT_Executable is destroyed right after NumOutputs.
    expect(fake.live("executable")).toBe(0);
    rt.dispose(exe);
  });

  it("sends non-ASCII program text as UTF-8", () => {
    const text = `${IDENTITY}// ünïcødé ✓\n`;
    rt.dispose(rt.compileText(text));
    expect(fake.lastCode()).toBe(text);
  });

  it("compile options are parameters of the runtime", () => {
    fake.reset();
    const other = PjrtRuntime.open({
      pluginPath: buildFakePlugin(),
      env: {},
      compileOptions: { numReplicas: 2, numPartitions: 3, deviceOrdinal: 0 },
    });
    other.dispose(other.compileText(IDENTITY));
    other.dispose();
    expect(fake.lines("Client_Compile")[0]).toMatch(/options=1a0420022803$/);
  });

  it("compile errors are PjrtErrors naming PJRT_Client_Compile", () => {
    try {
      rt.compileText("module { fake.compile_error }");
      expect.unreachable();
    } catch (e) {
      const err = e as PjrtError;
      expect(err).toBeInstanceOf(PjrtError);
      expect(err.message).toBe(
        "PJRT_Client_Compile failed (INVALID_ARGUMENT): fake: cannot compile: the program contains fake.compile_error",
      );
      expect(err.codeName).toBe("INVALID_ARGUMENT");
      expect(err.detail).toContain("fake.compile_error");
    }
    expect(fake.live("error")).toBe(0); // every PJRT_Error destroyed
  });

  for (const s of SAMPLES) {
    it(`moves ${s.dtype} to the device with type code ${s.code} and back unchanged`, () => {
      fake.reset();
      const b = rt.toDevice(s.data, s.dtype, [2, 3]);
      expect(b.dtype).toBe(s.dtype);
      expect(b.shape).toEqual([2, 3]);
      const bytes = s.data.byteLength;
      expect(fake.lines("BufferFromHostBuffer")).toEqual([
        `BufferFromHostBuffer type=${s.code} dims=[2,3] strides=null num_strides=0 semantics=1 device=0 memory=null layout=null bytes=${bytes}`,
      ]);
      // The fake reads host memory only when the done event completes, which
      // the binding observed (IsReady) and then awaited, before freeing it.
      expect(fake.lines("Event_Await").length).toBe(1);
      expect(fake.log()).not.toContain("BAD");
      const back = rt.toHost(b);
      expect(back.constructor).toBe(s.data.constructor);
      expect(Array.from(back as ArrayLike<number | bigint>)).toEqual(Array.from(s.data as ArrayLike<number | bigint>));
      expect(fake.lines("Buffer_ToHostBuffer")).toEqual([
        `Buffer_ToHostBuffer query size=${bytes}`,
        `Buffer_ToHostBuffer copy size=${bytes}`,
      ]);
      rt.dispose(b);
    });
  }

  it("handles scalars, empty arrays and higher ranks", () => {
    fake.reset();
    const scalar = rt.toDevice(new Float32Array([7]), "float32", []);
    const empty = rt.toDevice(new Int32Array(0), "int32", [0, 4]);
    const r4 = rt.toDevice(
      new Float64Array(24).map((_, i) => i),
      "float64",
      [1, 2, 3, 4],
    );
    expect(fake.lines("BufferFromHostBuffer").map((l) => l.match(/dims=\[[^\]]*\]/)![0])).toEqual([
      "dims=[]",
      "dims=[0,4]",
      "dims=[1,2,3,4]",
    ]);
    expect(Array.from(rt.toHost(scalar) as Float32Array)).toEqual([7]);
    expect((rt.toHost(empty) as Int32Array).length).toBe(0);
    expect(Array.from(rt.toHost(r4) as Float64Array)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    for (const b of [scalar, empty, r4]) rt.dispose(b);
  });

  it("rejects host arrays of the wrong type or size before calling the plugin", () => {
    expect(() => rt.toDevice(new Float64Array(6), "float32", [2, 3])).toThrow(/Float32Array/);
    expect(() => rt.toDevice(new Int32Array(1), "int64", [1])).toThrow(/BigInt64Array/);
    expect(() => rt.toDevice(new Float32Array(5), "float32", [2, 3])).toThrow(/5 elements/);
  });

  it("executes with argument and output pointer arrays; outputs carry dtype and shape", () => {
    const exe = rt.compileText(`${IDENTITY}// fake-outputs: 3\n`);
    expect(exe.numOutputs).toBe(3);
    const a = rt.toDevice(new Float32Array([1, 2, 3, 4, 5, 6]), "float32", [2, 3]);
    const b = rt.toDevice(new BigInt64Array([10n, 20n]), "int64", [2]);
    fake.reset();
    const outs = rt.execute(exe, [a, b]);
    expect(fake.lines("LoadedExecutable_Execute")).toEqual([
      "LoadedExecutable_Execute num_devices=1 num_args=2 num_outputs=3 launch_id=0 execute_device=null events=set",
    ]);
    expect(outs.map((o) => [o.dtype, o.shape])).toEqual([
      ["float32", [2, 3]],
      ["int64", [2]],
      ["float32", [2, 3]],
    ]);
    expect(Array.from(rt.toHost(outs[0]!) as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(rt.toHost(outs[1]!) as BigInt64Array)).toEqual([10n, 20n]);
    for (const o of [...outs, a, b, exe]) rt.dispose(o);
  });

  it("executes a program without arguments", () => {
    const exe = rt.compileText(IDENTITY);
    const [out] = rt.execute(exe, []);
    expect(out!.dtype).toBe("float32");
    expect(out!.shape).toEqual([]);
    rt.dispose(out!);
    rt.dispose(exe);
  });

  it("execution errors are PjrtErrors naming PJRT_LoadedExecutable_Execute", () => {
    const exe = rt.compileText(`${IDENTITY}// fake.execute_error\n`);
    const a = rt.toDevice(new Float32Array(6), "float32", [2, 3]);
    expect(() => rt.execute(exe, [a])).toThrow(
      "PJRT_LoadedExecutable_Execute failed (INTERNAL): fake: execution failed as the program asked",
    );
    rt.dispose(a);
    rt.dispose(exe);
    expect(fake.live("error")).toBe(0);
  });

  it("a disposed buffer cannot be used, and disposing twice is a no-op", () => {
    const exe = rt.compileText(IDENTITY);
    const a = rt.toDevice(new Float32Array(6), "float32", [2, 3]);
    const liveBefore = fake.live("buffer");
    rt.dispose(a);
    expect(fake.live("buffer")).toBe(liveBefore - 1);
    expect(a.disposed).toBe(true);
    rt.dispose(a);
    a.dispose();
    expect(fake.live("buffer")).toBe(liveBefore - 1);
    expect(() => rt.execute(exe, [a])).toThrow(/already disposed/);
    expect(() => rt.toHost(a)).toThrow(/already disposed/);
    rt.dispose(exe);
    rt.dispose(exe);
    expect(() => rt.execute(exe, [])).toThrow(/already disposed/);
    expect(fake.doubleDestroys()).toBe(0);
  });

  it("rejects objects that are not from a PJRT runtime", () => {
    const exe = rt.compileText(IDENTITY);
    expect(() => rt.execute({ numOutputs: 1 }, [])).toThrow(TypeError);
    expect(() => rt.execute(exe, [{ dtype: "float32", shape: [1] }])).toThrow(TypeError);
    expect(() => rt.toHost({ dtype: "float32", shape: [1] })).toThrow(TypeError);
    rt.dispose(exe);
  });

  it("puts buffers on another device and runs there when asked", () => {
    fake.reset();
    const other = PjrtRuntime.open({ pluginPath: buildFakePlugin(), env: {}, device: 1 });
    const exe = other.compileText(IDENTITY);
    const a = other.toDevice(new Float32Array([1]), "float32", [1]);
    const [out] = other.execute(exe, [a]);
    expect(fake.lines("BufferFromHostBuffer")[0]).toContain("device=1");
    expect(fake.lines("LoadedExecutable_Execute")[0]).toContain("execute_device=set");
    // Portable executable for device ordinal 1 (ExecutePortable in XLA's wrapper).
    expect(fake.lines("Client_Compile")[0]).toMatch(/options=1a060801200128012001$/);
    expect(Array.from(other.toHost(out!) as Float32Array)).toEqual([1]);
    other.dispose();
    expect(() => PjrtRuntime.open({ pluginPath: buildFakePlugin(), env: {}, device: 5 })).toThrow(/device 5/);
  });

  it("closing a runtime destroys every live object exactly once, then the client", () => {
    const p = buildFakePlugin();
    const before = { buffer: fake.live("buffer"), loaded: fake.live("loaded_executable"), client: fake.live("client") };
    const other = PjrtRuntime.open({ pluginPath: p, env: {} });
    const exe = other.compileText(IDENTITY);
    const bufs = [1, 2, 3].map((n) => other.toDevice(new Float32Array(n), "float32", [n]));
    other.dispose(bufs[0]!);
    expect(other.client.liveObjects).toBe(3);
    other.dispose();
    expect(fake.live("buffer")).toBe(before.buffer);
    expect(fake.live("loaded_executable")).toBe(before.loaded);
    expect(fake.live("client")).toBe(before.client);
    // Everything after close is a no-op or a clear error, never a second destroy.
    other.dispose();
    other.dispose(bufs[1]!);
    exe.dispose();
    expect(() => other.toDevice(new Float32Array(1), "float32", [1])).toThrow(/already destroyed/);
    expect(fake.doubleDestroys()).toBe(0);
    expect(fake.live("event")).toBe(0);
  });

  it("compile(module) prints the module with the printer it was given", () => {
    const other = PjrtRuntime.open({
      pluginPath: buildFakePlugin(),
      env: {},
      printModule: () => IDENTITY,
    });
    const exe = other.compile({ name: "m", funcs: [] } as never);
    expect(exe).toBeInstanceOf(PjrtExecutable);
    expect(fake.lastCode()).toBe(IDENTITY);
    other.dispose();
  });

  it("compile(module) defaults to @xlatorch/stablehlo's printModule", () => {
    const m = { name: "m", funcs: [] } as unknown as Module;
    rt.dispose(rt.compile(m));
    expect(fake.lastCode()).toBe(printModule(m));
    expect(fake.lastCode()).toContain("module @m");
  });

  it("returns PjrtBuffer handles that implement DeviceBuffer", () => {
    const b = rt.toDevice(new Float32Array(1), "float32", [1]);
    expect(b).toBeInstanceOf(PjrtBuffer);
    expect(Object.isFrozen(b.shape)).toBe(true);
    rt.dispose(b);
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
