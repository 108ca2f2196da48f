// The CPU runtime's release path with each position's free list looked up
// when the executable is built (runtime.ts freeAt): a released value's memory
// goes to the list of its own dtype and size, and memory of another size (a
// view's root) goes by its length. Checked over many executions of one
// executable whose float32 and int32 values have the same element count, with
// every execution's results held: memory given to the wrong list would be
// taken by a loop of the other dtype or size and computed wrong, or
// overwrite a held result. Also: constants between steps (steps that do
// nothing, left out of the execution) whose neighbours' releases still run.
import { describe, expect, it } from "vitest";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import type { CpuBuffer } from "../packages/cpu/src/runtime/index.js";

const rt = new CpuRuntime();
const f32 = (v: number[]) => rt.toDevice(new Float32Array(v), "float32", [v.length]);
const i32 = (v: number[]) => rt.toDevice(new Int32Array(v), "int32", [v.length]);
const host = (b: unknown) => Array.from(rt.toHost(b as CpuBuffer) as Float32Array | Int32Array);
const fr = Math.fround;

// %a, %b (4 values each, float32 and int32) are read by two loops each, so each is its own loop and released
// at its last read; %p (6 values) is viewed by the slice %s, whose release gives %p's memory by its length
const MODULE = `module @m {
  func.func public @main(%x: tensor<4xf32>, %y: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xi32>) {
    %a = stablehlo.multiply %x, %x : tensor<4xf32>
    %b = stablehlo.add %y, %y : tensor<4xi32>
    %c1 = stablehlo.constant dense<3.0> : tensor<f32>
    %a2 = stablehlo.add %a, %x : tensor<4xf32>
    %b2 = stablehlo.multiply %b, %y : tensor<4xi32>
    %c2 = stablehlo.constant dense<2> : tensor<4xi32>
    %p = stablehlo.pad %a2, %c1, low = [1], high = [1], interior = [0] : (tensor<4xf32>, tensor<f32>) -> tensor<6xf32>
    %s = stablehlo.slice %p [1:5] : (tensor<6xf32>) -> tensor<4xf32>
    %a3 = stablehlo.subtract %a, %s : tensor<4xf32>
    %b3 = stablehlo.subtract %b, %b2 : tensor<4xi32>
    %a4 = stablehlo.multiply %a3, %a2 : tensor<4xf32>
    %b4 = stablehlo.add %b3, %c2 : tensor<4xi32>
    %b5 = stablehlo.multiply %b4, %b2 : tensor<4xi32>
    return %a4, %b5, %a2, %b2 : tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xi32>
  }
}`;

describe("CPU runtime: released memory goes to its own dtype's and size's free list", () => {
  it("float32 and int32 values of one size, a view of a larger kernel result, results held across 40 executions", () => {
    const exe = rt.compile(parseModule(MODULE));
    const held: { x: number[]; y: number[]; out: CpuBuffer[] }[] = [];
    for (let run = 0; run < 40; run++) {
      const x = [1.5, -2, 0.25, 3].map((v) => v + run);
      const y = [1, -3, 7, 2].map((v) => v * (run + 1));
      held.push({ x, y, out: rt.execute(exe, [f32(x), i32(y)]) as CpuBuffer[] });
    }
    for (const { x, y, out } of held) {
      const a = x.map((v) => fr(v * v));
      const a2 = a.map((v, i) => fr(v + x[i]!));
      // %s is %a2 itself (the pad's interior): a3 = a - a2
      const a4 = a.map((v, i) => fr(fr(v - a2[i]!) * a2[i]!));
      const b = y.map((v) => 2 * v);
      const b2 = b.map((v, i) => Math.imul(v, y[i]!));
      const b5 = b.map((v, i) => Math.imul(v - b2[i]! + 2, b2[i]!));
      expect(host(out[0])).toEqual(a4);
      expect(host(out[1])).toEqual(b5);
      expect(host(out[2])).toEqual(a2);
      expect(host(out[3])).toEqual(b2);
      expect(out[1]!.dtype).toBe("int32");
      expect((out[1] as CpuBuffer).s.data).toBeInstanceOf(Int32Array);
    }
  });
});

// A kernel's result (a reverse's memory, 6 values: reverse copies into a new array, taking none from the
// pool, where pad and concatenate now do) is given to the pool at every execution and no step of that size
// takes memory from it, so the list of that size only grows: it must stop at the pool's bound
// (runtime.ts keepAtMost), in arrays as well as in elements. Bounded by elements alone, a tiny size's list
// kept up to 262,144 / 6 arrays, and nanoGPT's heap on xla grew by 6 MiB over 7,000 steps.
const BOUND_MODULE = `module @m {
  func.func public @main(%x: tensor<4xf32>, %z: tensor<6xf32>) -> tensor<4xf32> {
    %a = stablehlo.multiply %x, %x : tensor<4xf32>
    %p = stablehlo.reverse %z, dims = [0] : tensor<6xf32>
    %s = stablehlo.slice %p [1:5] : (tensor<6xf32>) -> tensor<4xf32>
    %a3 = stablehlo.subtract %a, %s : tensor<4xf32>
    return %a3 : tensor<4xf32>
  }
}`;
describe("CPU runtime: the buffer pool's free lists are bounded in arrays", () => {
  it("a size given back at every execution and never taken keeps at most 256 arrays", () => {
    const own = new CpuRuntime();
    const exe = own.compile(parseModule(BOUND_MODULE));
    const x = own.toDevice(new Float32Array([1, 2, 3, 4]), "float32", [4]);
    const z = own.toDevice(new Float32Array([1, 2, 3, 4, 5, 6]), "float32", [6]);
    for (let run = 0; run < 600; run++)
      expect(Array.from(own.toHost(own.execute(exe, [x, z])[0]!) as Float32Array)).toEqual([-4, 0, 6, 14]);
    const held = own.pooledArrays();
    // the reverse's size is given back 600 times: it is the one list that reaches the bound
    expect(held.get(6)).toBe(256);
    for (const count of held.values()) expect(count).toBeLessThanOrEqual(256);
  });
});
