// Asynchronous dispatch against the fake plugin: toDevice and execute return
// without waiting for the device; host copies and inputs outlive the work that
// reads them; device errors surface, once, at the next host read or
// synchronize(), naming the executable.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_IN_FLIGHT } from "../src/client.js";
import { PjrtError } from "../src/errors.js";
import { PjrtRuntime, symbolNameOf } from "../src/runtime.js";
import { NO_COMPILER_MESSAGE, buildFakePlugin, hasCompiler, inspect, type FakeInspector } from "./fake_plugin.js";

const IDENTITY = `module @identity {
  func.func public @main(%a: tensor<3xf32>) -> tensor<3xf32> {
    return %a : tensor<3xf32>
  }
}
`;
const FAILING = `module @failing {
  func.func public @main(%a: tensor<3xf32>) -> tensor<3xf32> {
    return %a : tensor<3xf32>
  }
}
// fake.device_error
`;

function thrown(f: () => unknown): PjrtError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PjrtError);
    return e as PjrtError;
  }
  throw new Error("expected a PjrtError");
}

const values = (rt: PjrtRuntime, b: Parameters<PjrtRuntime["toHost"]>[0]) => Array.from(rt.toHost(b) as Float32Array);

describe.skipIf(!hasCompiler)("asynchronous dispatch", () => {
  let rt: PjrtRuntime;
  let fake: FakeInspector;

  beforeAll(() => {
    const p = buildFakePlugin();
    fake = inspect(p);
    rt = PjrtRuntime.open({ pluginPath: p, env: {} });
  });
  afterEach(() => {
    fake.hold(false);
    rt.synchronize(); // leaves nothing in flight (and no unreported error) for the next test
  });
  afterAll(() => rt?.dispose());

  it("an execution whose event is not ready at dispatch stays in flight; toHost still reads its result", () => {
    fake.hold(true);
    const exe = rt.compileText(IDENTITY);
    fake.reset();
    const a = rt.toDevice(new Float32Array([1, 2, 3]), "float32", [3]);
    const [out] = rt.execute(exe, [a]);
    // Nothing waited: both the transfer and the execution are still running.
    expect(fake.lines("Event_Await")).toEqual([]);
    expect(fake.lines("LoadedExecutable_Execute")[0]).toContain("events=set");
    expect(rt.client.inFlight).toBe(2);
    expect(values(rt, out!)).toEqual([1, 2, 3]);
    rt.synchronize();
    expect(rt.client.inFlight).toBe(0);
    expect(fake.log()).not.toContain("BAD");
    for (const x of [out!, a, exe]) rt.dispose(x);
  });

  it("keeps the host copy until the transfer's event fires, and frees it on a later call", () => {
    const liveEvents = fake.live("event");
    fake.hold(true);
    fake.reset();
    const src = new Float32Array([4, 5, 6]);
    const a = rt.toDevice(src, "float32", [3]);
    src.fill(0); // the caller's array is free again at once: the binding sent its own copy
    expect(fake.lines("Event_Await")).toEqual([]);
    expect(fake.live("event")).toBe(liveEvents + 1);
    expect(rt.client.inFlight).toBe(1);

    fake.completeEvents(); // the DMA happens now, reading the binding's copy
    expect(fake.live("event")).toBe(liveEvents + 1); // not yet seen by the binding
    const b = rt.toDevice(new Float32Array([7, 8, 9]), "float32", [3]);
    // The next dispatch polled, saw the first event ready, destroyed it; the new one is in flight.
    expect(fake.live("event")).toBe(liveEvents + 1);
    expect(rt.client.inFlight).toBe(1);
    expect(fake.log()).not.toContain("BAD");
    expect(values(rt, a)).toEqual([4, 5, 6]);
    expect(values(rt, b)).toEqual([7, 8, 9]);
    rt.dispose(a);
    rt.dispose(b);
  });

  it("synchronize() waits for every transfer and execution", () => {
    const liveEvents = fake.live("event");
    fake.hold(true);
    const exe = rt.compileText(IDENTITY);
    const bufs = [1, 2, 3].map((v) => rt.toDevice(new Float32Array([v, v, v]), "float32", [3]));
    const outs = bufs.flatMap((b) => rt.execute(exe, [b]));
    expect(rt.client.inFlight).toBe(6);
    expect(fake.live("event")).toBe(liveEvents + 6);
    fake.reset();
    rt.synchronize();
    expect(fake.lines("Event_Await").length).toBe(6);
    expect(rt.client.inFlight).toBe(0);
    expect(fake.live("event")).toBe(liveEvents);
    expect(fake.log()).not.toContain("BAD");
    expect(outs.map((o) => values(rt, o)[0])).toEqual([1, 2, 3]);
    for (const x of [...outs, ...bufs, exe]) rt.dispose(x);
  });

  it("inputs and executable disposed mid-flight are destroyed only once the execution completes", () => {
    fake.hold(true);
    const exe = rt.compileText(IDENTITY);
    const a = rt.toDevice(new Float32Array([1, 1, 2]), "float32", [3]);
    const [out] = rt.execute(exe, [a]);
    const live = { buffer: fake.live("buffer"), loaded: fake.live("loaded_executable") };
    rt.dispose(a);
    rt.dispose(exe);
    expect(a.disposed).toBe(true);
    expect(exe.disposed).toBe(true);
    expect(() => rt.execute(exe, [out!])).toThrow(/already disposed/);
    // Still pinned by the running execution.
    expect(fake.live("buffer")).toBe(live.buffer);
    expect(fake.live("loaded_executable")).toBe(live.loaded);
    fake.completeEvents();
    rt.synchronize();
    expect(fake.live("buffer")).toBe(live.buffer - 1);
    expect(fake.live("loaded_executable")).toBe(live.loaded - 1);
    expect(fake.log()).not.toContain("BAD");
    expect(values(rt, out!)).toEqual([1, 1, 2]);
    rt.dispose(out!);
    expect(fake.doubleDestroys()).toBe(0);
  });

  it("a device error surfaces at the next toHost, naming the executable, and only once", () => {
    fake.hold(true);
    const exe = rt.compileText(FAILING);
    expect(exe.name).toBe("failing");
    const a = rt.toDevice(new Float32Array([1, 2, 3]), "float32", [3]);
    const [out] = rt.execute(exe, [a]); // queued: no error yet
    const e = thrown(() => rt.toHost(out!));
    expect(e.message).toBe('running executable "failing" failed (INTERNAL): fake: device fault while running the program');
    expect(e.codeName).toBe("INTERNAL");
    expect(e.call).toBe('running executable "failing"');
    // Reported once: later reads of other buffers and synchronize() are clean.
    expect(values(rt, a)).toEqual([1, 2, 3]);
    expect(() => rt.synchronize()).not.toThrow();
    expect(fake.live("error")).toBe(0);
    for (const x of [out!, a, exe]) rt.dispose(x);
  });

  it("a device error seen while polling surfaces at the next host read, even of another buffer", () => {
    const exe = rt.compileText(FAILING, "step 7");
    const a = rt.toDevice(new Float32Array([1, 2, 3]), "float32", [3]);
    const [out] = rt.execute(exe, [a]); // the fake completes it, with its error, when polled
    expect(rt.client.inFlight).toBe(0);
    expect(() => rt.toHost(a)).toThrow('running executable "step 7" failed (INTERNAL)');
    expect(values(rt, a)).toEqual([1, 2, 3]);
    for (const x of [out!, a, exe]) rt.dispose(x);
  });

  it("synchronize() throws the first unreported device error, once", () => {
    fake.hold(true);
    const exe = rt.compileText(FAILING);
    const a = rt.toDevice(new Float32Array(3), "float32", [3]);
    const outs = [rt.execute(exe, [a])[0]!, rt.execute(exe, [a])[0]!];
    expect(() => rt.synchronize()).toThrow(/running executable "failing" failed/);
    expect(() => rt.synchronize()).toThrow(/running executable "failing" failed/); // the second execution's
    expect(() => rt.synchronize()).not.toThrow();
    for (const x of [...outs, a, exe]) rt.dispose(x);
  });

  it("bounds the work in flight, waiting for the oldest beyond MAX_IN_FLIGHT", () => {
    fake.hold(true);
    const exe = rt.compileText(IDENTITY);
    const a = rt.toDevice(new Float32Array(3), "float32", [3]);
    fake.reset();
    for (let i = 0; i < MAX_IN_FLIGHT + 10; i++) rt.dispose(rt.execute(exe, [a])[0]!);
    expect(rt.client.inFlight).toBe(MAX_IN_FLIGHT);
    expect(fake.lines("Event_Await").length).toBe(11); // the transfer, then the 10 oldest executions
    expect(fake.log()).not.toContain("BAD");
    rt.dispose(a);
    rt.dispose(exe);
  });

  it("closing waits for work in flight before destroying anything", () => {
    const p = buildFakePlugin();
    const base = { buffer: fake.live("buffer"), event: fake.live("event"), client: fake.live("client") };
    const other = PjrtRuntime.open({ pluginPath: p, env: {} });
    fake.hold(true);
    const exe = other.compileText(FAILING);
    const a = other.toDevice(new Float32Array([1, 2, 3]), "float32", [3]);
    other.execute(exe, [a]);
    other.dispose(); // the device error has no one to go to: dropped
    expect(fake.live("buffer")).toBe(base.buffer);
    expect(fake.live("event")).toBe(base.event);
    expect(fake.live("client")).toBe(base.client);
    expect(fake.log()).not.toContain("BAD");
    expect(fake.doubleDestroys()).toBe(0);
    expect(() => other.synchronize()).toThrow(/already destroyed/);
  });
});

describe.skipIf(!hasCompiler)("executable names", () => {
  it("come from the argument, the module's name, its first function, or a count", () => {
    const rt = PjrtRuntime.open({ pluginPath: buildFakePlugin(), env: {} });
    try {
      expect(rt.compileText(IDENTITY).name).toBe("identity");
      expect(rt.compileText(IDENTITY, "mine").name).toBe("mine");
      expect(rt.compileText("func.func private @helper() {}").name).toBe("helper");
      expect(rt.compileText("module {}").name).toMatch(/^module #\d+$/);
      expect(rt.compile({ name: "lowered", funcs: [] } as never).name).toBe("lowered");
    } finally {
      rt.dispose();
    }
  });

  it("symbolNameOf reads plain and quoted symbols", () => {
    expect(symbolNameOf('module @"odd name" {}')).toBe("odd name");
    expect(symbolNameOf("module @jit_f.1 attributes {x = 1} {}")).toBe("jit_f.1");
    expect(symbolNameOf("module {\n  func.func public @main() {}\n}")).toBe("main");
    expect(symbolNameOf("module {}")).toBeUndefined();
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
