// The CPU runtime's kernel steps take their results' memory from its buffer
// pool (kernels/result_memory.ts): a pooled array holds an earlier value, so
// a kernel that takes one must write every element. Here the pool's arrays of
// the results' sizes hold NaN (left by an earlier executable's released
// intermediates), and a dot_general (BLAS gemm, or the WebAssembly/JS kernel
// under XLATORCH_BLAS=off), a sum reduction, a concatenate and a zero pad must
// still give exact values, from an array the pool handed out.
import { describe, expect, it } from "vitest";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import type { CpuBuffer } from "../packages/cpu/src/runtime/index.js";

const rt = new CpuRuntime();
const f32 = (v: number[], shape: number[]) => rt.toDevice(new Float32Array(v), "float32", shape);
const host = (b: unknown) => Array.from(rt.toHost(b as CpuBuffer) as Float32Array);
const held = (n: number) => rt.pooledArrays().get(n) ?? 0;

/** Leaves NaN-filled free arrays of 8 and 4 elements in the pool (released intermediates of loops). */
function poison(): void {
  const exe = rt.compile(
    parseModule(`module @m {
  func.func public @main(%x: tensor<8xf32>, %y: tensor<4xf32>) -> (tensor<16xf32>, tensor<8xf32>) {
    %0 = stablehlo.multiply %x, %x : tensor<8xf32>
    %5 = stablehlo.add %x, %x : tensor<8xf32>
    %2 = stablehlo.multiply %y, %y : tensor<4xf32>
    %3 = stablehlo.concatenate %2, %2, dim = 0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
    %1 = stablehlo.concatenate %0, %5, dim = 0 : (tensor<8xf32>, tensor<8xf32>) -> tensor<16xf32>
    return %1, %3 : tensor<16xf32>, tensor<8xf32>
  }
}`),
  );
  for (let k = 0; k < 3; k++) rt.execute(exe, [f32(new Array(8).fill(Number.NaN), [8]), f32(new Array(4).fill(Number.NaN), [4])]);
}

describe("CPU runtime: kernel results in pooled memory", () => {
  it("dot_general and reduce write every value of the NaN-filled arrays they take from the pool", () => {
    const exe = rt.compile(
      parseModule(`module @m {
  func.func public @main(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> (tensor<2x4xf32>, tensor<4xf32>) {
    %d = stablehlo.dot_general %a, %b, contracting_dims = [1] x [0] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
    %zero = stablehlo.constant dense<0.0> : tensor<f32>
    %s = stablehlo.reduce(%b init: %zero) applies stablehlo.add across dimensions = [0] : (tensor<3x4xf32>, tensor<f32>) -> tensor<4xf32>
    return %d, %s : tensor<2x4xf32>, tensor<4xf32>
  }
}`),
    );
    const a = [1, 2, 3, 4, 5, 6],
      b = [1, 0, -1, 2, 3, 1, 0, -2, 5, 4, 2, 1];
    // (small integers: every order of the sums gives these exactly)
    const dot = [0, 1].flatMap((i) => [0, 1, 2, 3].map((j) => [0, 1, 2].reduce((s, k) => s + a[i * 3 + k]! * b[k * 4 + j]!, 0)));
    const sum = [0, 1, 2, 3].map((j) => b[j]! + b[4 + j]! + b[8 + j]!);
    for (let run = 0; run < 3; run++) {
      poison();
      const before8 = held(8),
        before4 = held(4);
      expect(before8).toBeGreaterThan(0);
      expect(before4).toBeGreaterThan(0);
      const [d, s] = rt.execute(exe, [f32(a, [2, 3]), f32(b, [3, 4])]);
      // each result took a (NaN-filled) free array: the pool holds one fewer of each size
      expect(held(8)).toBe(before8 - 1);
      expect(held(4)).toBe(before4 - 1);
      expect(host(d)).toEqual(dot);
      expect(host(s)).toEqual(sum);
    }
  });

  it("concatenate and pad write every value of the NaN-filled arrays they take (pad's zeros included)", () => {
    const exe = rt.compile(
      parseModule(`module @m {
  func.func public @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
    %c = stablehlo.concatenate %a, %b, dim = 0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
    %zero = stablehlo.constant dense<0.0> : tensor<f32>
    %p = stablehlo.pad %a, %zero, low = [3], high = [1], interior = [0] : (tensor<4xf32>, tensor<f32>) -> tensor<8xf32>
    return %c, %p : tensor<8xf32>, tensor<8xf32>
  }
}`),
    );
    for (let run = 0; run < 3; run++) {
      poison();
      const before = held(8);
      expect(before).toBeGreaterThan(1);
      const [c, p] = rt.execute(exe, [f32([1, 2, 3, 4], [4]), f32([5, 6, 7, 8], [4])]);
      expect(held(8)).toBe(before - 2);
      expect(host(c)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(host(p)).toEqual([0, 0, 0, 1, 2, 3, 4, 0]);
    }
  });
});
