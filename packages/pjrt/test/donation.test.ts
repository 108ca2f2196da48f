// Buffer donation through PJRT, checked against the test-double plugin (no
// real plugin runs here): a module whose @main marks parameters
// `tf.aliasing_output` is executed with the aliased arguments the caller keeps
// listed in PJRT_ExecuteOptions.non_donatable_input_indices (PJRT donates an
// aliased input unless told not to), and a donated argument is consumed: it
// refuses reads and further executions, and its handle is destroyed once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nonDonatable } from "../src/client.js";
import { aliasedParams, PjrtRuntime } from "../src/runtime.js";
import { NO_COMPILER_MESSAGE, buildFakePlugin, hasCompiler, inspect, type FakeInspector } from "./fake_plugin.js";

const ALIASED = `module @m {
  func.func public @main(%p: tensor<2xf32> {tf.aliasing_output = 0 : i32}, %g: tensor<2xf32>, %m: tensor<2xf32> {tf.aliasing_output = 1 : i32}) -> (tensor<2xf32>, tensor<2xf32>) {
    %0 = stablehlo.subtract %p, %g : tensor<2xf32>
    %1 = stablehlo.add %m, %g : tensor<2xf32>
    return %0, %1 : tensor<2xf32>, tensor<2xf32>
  }
}
`;

describe("which parameters the text marks", () => {
  it("reads tf.aliasing_output from @main's parameter list", () => {
    expect(aliasedParams(ALIASED)).toEqual([0, 2]);
    expect(aliasedParams(ALIASED.replaceAll(/ \{tf\.aliasing_output = \d : i32\}/g, ""))).toEqual([]);
    expect(nonDonatable([2, 0], undefined, 3)).toEqual([0, 2]);
    expect(nonDonatable([0, 2], [true, false, false], 3)).toEqual([2]);
    expect(nonDonatable([0, 2], [true, true, true], 3)).toEqual([]);
  });
});

describe.skipIf(!hasCompiler)("donation against the fake plugin", () => {
  let rt: PjrtRuntime;
  let fake: FakeInspector;
  beforeAll(() => {
    const p = buildFakePlugin();
    fake = inspect(p);
    rt = PjrtRuntime.open({ pluginPath: p, env: {} });
  });
  afterAll(() => rt?.dispose());

  const arg = () => rt.toDevice(new Float32Array([1, 2]), "float32", [2]);

  it("lists every aliased argument the caller keeps as non-donatable", () => {
    const exe = rt.compileText(ALIASED);
    const [p, g, m] = [arg(), arg(), arg()];
    fake.reset();
    const outs = rt.execute(exe, [p, g, m]);
    expect(fake.lines("Execute non_donatable")).toEqual(["Execute non_donatable=0,2"]);
    fake.reset();
    const outs2 = rt.execute(exe, [p, g, m], [false, true, true]); // g is not aliased: nothing to give
    expect(fake.lines("Execute non_donatable")).toEqual(["Execute non_donatable=0"]);
    expect(Array.from(rt.toHost(p) as Float32Array)).toEqual([1, 2]);
    for (const b of [...outs, ...outs2, p, g, m, exe]) rt.dispose(b);
  });

  it("a donated argument is consumed: no read, no second use, one destroy", () => {
    const exe = rt.compileText(ALIASED);
    const [p, g, m] = [arg(), arg(), arg()];
    fake.reset();
    const outs = rt.execute(exe, [p, g, m], [true, false, true]);
    expect(fake.lines("Execute non_donatable")).toEqual([]);
    expect(fake.lines("LoadedExecutable_Execute")).toHaveLength(1);
    expect(() => rt.toHost(p)).toThrow(/donated to an execution/);
    expect(() => rt.execute(exe, [p, g, m])).toThrow(/donated to an execution/);
    expect(Array.from(rt.toHost(g) as Float32Array)).toEqual([1, 2]);
    const live = fake.live("buffer");
    rt.dispose(p);
    rt.dispose(p);
    expect(fake.live("buffer")).toBe(live - 1);
    for (const b of [...outs, g, m, exe]) rt.dispose(b);
    expect(fake.doubleDestroys()).toBe(0);
  });

  it("refuses to donate a buffer passed twice", () => {
    const exe = rt.compileText(ALIASED);
    const [p, g] = [arg(), arg()];
    expect(() => rt.execute(exe, [p, g, p], [true, false, false])).toThrow(/donated but also passed as argument 2/);
    expect(Array.from(rt.toHost(p) as Float32Array)).toEqual([1, 2]);
    for (const b of [p, g, exe]) rt.dispose(b);
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
