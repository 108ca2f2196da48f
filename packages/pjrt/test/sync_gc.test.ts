// Device buffers dropped inside a synchronous loop go back to the plugin
// during the loop (sync_net.ts), not only after it returns to the event loop.
import { afterEach, describe, expect, it } from "vitest";
import { PjrtRuntime } from "../src/runtime.js";
import { makeSyncNet } from "@xlatorch/stablehlo";
import { NO_COMPILER_MESSAGE, buildFakePlugin, hasCompiler, inspect } from "./fake_plugin.js";

const saved = process.env.XLATORCH_PJRT_GC_BYTES;
afterEach(() => {
  if (saved === undefined) delete process.env.XLATORCH_PJRT_GC_BYTES;
  else process.env.XLATORCH_PJRT_GC_BYTES = saved;
});

describe("the synchronous net", () => {
  it("runs callbacks of collected targets inside the same synchronous job", () => {
    let called = 0;
    const net = makeSyncNet<number>(() => called++);
    expect(net.synchronous).toBe(true);
    (() => {
      for (let i = 0; i < 1000; i++) net.register({ i }, i, {});
    })();
    net.collect();
    expect(called).toBe(1000);
  });
});

describe.skipIf(!hasCompiler)("device buffers in a synchronous loop", () => {
  it("stay bounded: the client collects when live device bytes grow past the bound", () => {
    process.env.XLATORCH_PJRT_GC_BYTES = String(1 << 20);
    const p = buildFakePlugin();
    const fake = inspect(p);
    const rt = PjrtRuntime.open({ pluginPath: p, env: {} });
    const base = fake.live("buffer");
    let peak = 0;
    const exe = rt.compileText("module {}");
    let x = rt.toDevice(new Float32Array(16384), "float32", [16384]);
    // 2,000 steps of 64 KiB each (125 MiB in all), each step's buffer replacing the last, never yielding
    for (let i = 0; i < 2000; i++) {
      x = rt.execute(exe, [x])[0]!;
      if (i % 50 === 0) fake.reset(); // the fake plugin's call log would grow otherwise
      peak = Math.max(peak, fake.live("buffer") - base);
    }
    rt.synchronize();
    // the bound is 16 buffers' worth; what the scavenger has not seen yet waits for the next collection
    expect(peak).toBeLessThan(64);
    expect(Array.from(rt.toHost(x) as Float32Array).length).toBe(16384);
    rt.dispose();
    expect(fake.doubleDestroys()).toBe(0);
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
