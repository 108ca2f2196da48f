// The FinalizationRegistry net: handles dropped without dispose() still have
// their PJRT objects destroyed, once, after garbage collection.
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { PjrtRuntime } from "../src/runtime.js";
import { NO_COMPILER_MESSAGE, buildFakePlugin, hasCompiler, inspect } from "./fake_plugin.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** Collects garbage until `done()` holds (finalisers run as later tasks). */
async function collectUntil(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !done(); i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
  return done();
}

describe.skipIf(!hasCompiler)("garbage-collection net", () => {
  it("destroys buffers and executables whose handles were dropped", async () => {
    const p = buildFakePlugin();
    const fake = inspect(p);
    const rt = PjrtRuntime.open({ pluginPath: p, env: {} });
    const base = { buffer: fake.live("buffer"), loaded: fake.live("loaded_executable") };
    (() => {
      for (let i = 0; i < 10; i++) rt.toDevice(new Float32Array(4), "float32", [4]);
      rt.compileText("module {}");
    })();
    expect(fake.live("buffer")).toBe(base.buffer + 10);
    expect(await collectUntil(() => fake.live("buffer") === base.buffer && fake.live("loaded_executable") === base.loaded)).toBe(true);
    expect(rt.client.liveObjects).toBe(0);
    rt.dispose();
    expect(fake.doubleDestroys()).toBe(0);
  });

  it("destroys a dropped runtime's client and what it still owned", async () => {
    const p = buildFakePlugin();
    const fake = inspect(p);
    const base = { client: fake.live("client"), buffer: fake.live("buffer") };
    (() => {
      const rt = PjrtRuntime.open({ pluginPath: p, env: {} });
      rt.toDevice(new Int32Array(3), "int32", [3]);
    })();
    expect(fake.live("client")).toBe(base.client + 1);
    expect(await collectUntil(() => fake.live("client") === base.client && fake.live("buffer") === base.buffer)).toBe(true);
    expect(fake.doubleDestroys()).toBe(0);
  });

  it("an input collected while its execution runs is destroyed only once the execution completes", async () => {
    const p = buildFakePlugin();
    const fake = inspect(p);
    const rt = PjrtRuntime.open({ pluginPath: p, env: {} });
    const exe = rt.compileText("module {}");
    const base = fake.live("buffer");
    fake.hold(true);
    fake.reset();
    try {
      const { out, inputId } = (() => {
        const a = rt.toDevice(new Float32Array([5, 6]), "float32", [2]);
        return { out: rt.execute(exe, [a])[0]!, inputId: a.id };
      })();
      // The net has run for the dropped input (its record is released) ...
      expect(await collectUntil(() => !rt.client.isLive(inputId))).toBe(true);
      // ... but destroying it waits for the execution that reads it.
      expect(fake.live("buffer")).toBe(base + 2);
      fake.completeEvents();
      rt.synchronize();
      expect(fake.live("buffer")).toBe(base + 1);
      expect(Array.from(rt.toHost(out) as Float32Array)).toEqual([5, 6]);
      expect(fake.log()).not.toContain("BAD");
    } finally {
      fake.hold(false);
      rt.dispose();
    }
    expect(fake.doubleDestroys()).toBe(0);
  });

  it("a runtime dropped with work in flight is still collected, after that work completes", async () => {
    const p = buildFakePlugin();
    const fake = inspect(p);
    const base = { client: fake.live("client"), buffer: fake.live("buffer"), event: fake.live("event") };
    fake.hold(true);
    try {
      (() => {
        const rt = PjrtRuntime.open({ pluginPath: p, env: {} });
        const a = rt.toDevice(new Int32Array(3), "int32", [3]);
        rt.execute(rt.compileText("module {}"), [a]);
      })();
      expect(
        await collectUntil(
          () => fake.live("client") === base.client && fake.live("buffer") === base.buffer && fake.live("event") === base.event,
        ),
      ).toBe(true);
      expect(fake.log()).not.toContain("BAD");
      expect(fake.doubleDestroys()).toBe(0);
    } finally {
      fake.hold(false);
    }
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
