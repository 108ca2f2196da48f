// What the CPU runtime's plan tests share: the plan an executable stores (as
// JSON), seeded float32 inputs and values as comparable bits
// (cpu_runtime_scalar_leaf and cpu_runtime_broadcast_leaf).
import type { CpuRuntime } from "@xlatorch/cpu";

/** The plan's fields the tests look at (runtime/plan.ts Plan, as serializeExecutable stores it). */
export interface PlanJson {
  steps: { op: number; loop?: { leaves: number[]; views?: (number[] | null)[]; wasm?: unknown } }[];
}
export const planOf = (rt: CpuRuntime, exe: ReturnType<CpuRuntime["compile"]>): PlanJson =>
  JSON.parse(new TextDecoder().decode(rt.serializeExecutable(exe))) as PlanJson;

/** n float32 values in [-3, 3) from a linear congruential generator seeded by `seed`. */
export function data(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * 3;
  }
  return a;
}

/** The values' bits (float32 as uint32, float64 as uint64 strings), other arrays' values as strings. */
export const bitsOf = (a: ArrayLike<number> | BigInt64Array): (number | string)[] =>
  a instanceof Float32Array
    ? Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length))
    : a instanceof Float64Array
      ? Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length), String)
      : Array.from(a as ArrayLike<number>, String);
