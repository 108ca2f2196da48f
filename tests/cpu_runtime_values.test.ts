// The CPU runtime's per-execution values (runtime/exec_values.ts): values kept
// by position, and a released value's memory returned to the buffer pool only
// when the execution owns it and no live value views it. Checked across
// several executions of one executable, where memory wrongly pooled by one is
// overwritten by a later one's loops: a returned view of a released
// intermediate, a while that hands back its operand's buffer, a case whose
// branch returns a constant the evaluator keeps, and a donated parameter with
// a live view when its loop runs (computed into new memory instead).
import { describe, expect, it } from "vitest";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import type { CpuBuffer } from "../packages/cpu/src/runtime/index.js";

const rt = new CpuRuntime();
const f32 = (v: number[]) => rt.toDevice(new Float32Array(v), "float32", [v.length]);
const i32 = (v: number) => rt.toDevice(new Int32Array([v]), "int32", []);
const i64 = (v: number) => rt.toDevice(new BigInt64Array([BigInt(v)]), "int64", []);
const host = (b: unknown) => Array.from(rt.toHost(b as CpuBuffer) as Float32Array);

describe("CPU runtime: memory of released values across executions", () => {
  it("a returned view of a released intermediate keeps its values while later executions run", () => {
    const exe = rt.compile(
      parseModule(`module @m {
  func.func public @main(%x: tensor<4xf32>) -> (tensor<2x2xf32>, tensor<4xf32>) {
    %0 = stablehlo.multiply %x, %x : tensor<4xf32>
    %1 = stablehlo.reshape %0 : (tensor<4xf32>) -> tensor<2x2xf32>
    %2 = stablehlo.add %0, %x : tensor<4xf32>
    %3 = stablehlo.sine %2 : tensor<4xf32>
    %4 = stablehlo.multiply %3, %x : tensor<4xf32>
    return %1, %4 : tensor<2x2xf32>, tensor<4xf32>
  }
}`),
    );
    const outs = [1, 2, 3, 4].map((k) => rt.execute(exe, [f32([k, k + 1, k + 2, k + 3])]));
    outs.forEach((o, j) => {
      const k = j + 1;
      expect(host(o[0])).toEqual([k * k, (k + 1) ** 2, (k + 2) ** 2, (k + 3) ** 2]);
      expect(host(o[1])).toEqual([k, k + 1, k + 2, k + 3].map((v) => Math.fround(Math.fround(Math.sin(Math.fround(v * v + v))) * v)));
    });
  });

  it("constants (computed when built): returned, viewed, read by loops, the same values at every execution", () => {
    const exe = rt.compile(
      parseModule(`module @m {
  func.func public @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>) {
    %c = stablehlo.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
    %v = stablehlo.reshape %c : (tensor<4xf32>) -> tensor<2x2xf32>
    %0 = stablehlo.add %x, %c : tensor<4xf32>
    %1 = stablehlo.multiply %0, %c : tensor<4xf32>
    return %c, %v, %1 : tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>
  }
}`),
    );
    for (let run = 0; run < 3; run++) {
      const o = rt.execute(exe, [f32([run, run, run, run])]);
      expect(host(o[0])).toEqual([1, 2, 3, 4]);
      expect(host(o[1])).toEqual([1, 2, 3, 4]);
      expect(host(o[2])).toEqual([1, 2, 3, 4].map((c) => (run + c) * c));
    }
  });

  const LOOPS = `module @m {
  func.func public @main(%x: tensor<4xf32>, %n: tensor<i64>, %k: tensor<i32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
    %a = stablehlo.add %x, %x : tensor<4xf32>
    %c0 = stablehlo.constant dense<0> : tensor<i64>
    %i, %w = "stablehlo.while"(%c0, %a) ({
    ^bb0(%j: tensor<i64>, %v: tensor<4xf32>):
      %lt = stablehlo.compare LT, %j, %n, SIGNED : (tensor<i64>, tensor<i64>) -> tensor<i1>
      stablehlo.return %lt : tensor<i1>
    }, {
    ^bb0(%j2: tensor<i64>, %v2: tensor<4xf32>):
      %one = stablehlo.constant dense<1> : tensor<i64>
      %j3 = stablehlo.add %j2, %one : tensor<i64>
      %v3 = stablehlo.multiply %v2, %v2 : tensor<4xf32>
      stablehlo.return %j3, %v3 : tensor<i64>, tensor<4xf32>
    }) : (tensor<i64>, tensor<4xf32>) -> (tensor<i64>, tensor<4xf32>)
    %r = stablehlo.reshape %w : (tensor<4xf32>) -> tensor<4xf32>
    %b = stablehlo.subtract %a, %x : tensor<4xf32>
    %s = "stablehlo.case"(%k) ({
      %c = stablehlo.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
      stablehlo.return %c : tensor<4xf32>
    }, {
      %m = stablehlo.negate %x : tensor<4xf32>
      stablehlo.return %m : tensor<4xf32>
    }) : (tensor<i32>) -> tensor<4xf32>
    %t = stablehlo.add %s, %b : tensor<4xf32>
    %u = stablehlo.multiply %t, %x : tensor<4xf32>
    return %r, %u, %w : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  }
}`;

  it("a while handing back its operand's buffer (no trips) and a case returning a constant of its branch", () => {
    const exe = rt.compile(parseModule(LOOPS));
    for (let run = 0; run < 4; run++) {
      const x = [1, 2, 3, 4].map((v) => v + run);
      // no trips: the while's result is %a's own buffer, read again after the while
      const o = rt.execute(exe, [f32(x), i64(0), i32(0)]);
      expect(host(o[0])).toEqual(x.map((v) => 2 * v));
      expect(host(o[2])).toEqual(x.map((v) => 2 * v));
      // the case's constant (kept by the evaluator across executions) plus x, times x
      expect(host(o[1])).toEqual(x.map((v, i) => (i + 1 + v) * v));
      const t = rt.execute(exe, [f32(x), i64(1), i32(1)]);
      expect(host(t[0])).toEqual(x.map((v) => 4 * v * v));
      expect(host(t[1])).toEqual(x.map((v) => (-v + v) * v));
    }
  });

  it("a donated parameter viewed by a value read after its loop: computed into new memory, the view keeps the old values", () => {
    const exe = rt.compile(
      parseModule(`module @m {
  func.func public @main(%p: tensor<4xf32> {tf.aliasing_output = 0 : i32}) -> (tensor<4xf32>, tensor<2x2xf32>) {
    %0 = stablehlo.reshape %p : (tensor<4xf32>) -> tensor<2x2xf32>
    %1 = stablehlo.add %p, %p : tensor<4xf32>
    %2 = stablehlo.multiply %0, %0 : tensor<2x2xf32>
    return %1, %2 : tensor<4xf32>, tensor<2x2xf32>
  }
}`),
    );
    const p = f32([1, 2, 3, 4]);
    const out = rt.execute(exe, [p], [true]) as CpuBuffer[];
    expect(out[0]!.s.data).not.toBe((p as CpuBuffer).s.data);
    expect(host(out[0])).toEqual([2, 4, 6, 8]);
    expect(host(out[1])).toEqual([1, 4, 9, 16]);
    // with no view live then, the same loop computes in place
    const plain = rt.compile(
      parseModule(`module @m {
  func.func public @main(%p: tensor<4xf32> {tf.aliasing_output = 0 : i32}) -> (tensor<4xf32>) {
    %1 = stablehlo.add %p, %p : tensor<4xf32>
    return %1 : tensor<4xf32>
  }
}`),
    );
    const q = f32([1, 2, 3, 4]);
    const o2 = rt.execute(plain, [q], [true]) as CpuBuffer[];
    expect(o2[0]!.s.data).toBe((q as CpuBuffer).s.data);
    expect(host(o2[0])).toEqual([2, 4, 6, 8]);
  });
});
