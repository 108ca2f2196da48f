// Eager cpu against one fused xla module, bit for bit, for tests of the CPU
// runtime's fused loops (cpu_runtime_fma_f64, cpu_runtime_f64_chain).
import { expect } from "vitest";
import * as torch from "xlatorch";
import { fusedWasmStats } from "@xlatorch/cpu";

type T = torch.Tensor;

/**
 * Deterministic values over seven decades (times `scale`) as a `dtype` tensor of `shape`, with NaN, ±Inf,
 * ±0, huge and denormal values every 5th element when `special`.
 */
export function specialData(shape: number[], seed: number, special: boolean, dtype = torch.float32, scale = 1): T {
  const n = shape.reduce((p, q) => p * q, 1);
  const a = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * 10 ** ((s % 7) - 3) * scale;
  }
  if (special) {
    const sp = [Number.NaN, Infinity, -Infinity, 0, -0, 3e38, -3e38, 1e-45, -1e-40, 1.5e-38];
    for (let i = seed % 5; i < n; i += 5) a[i] = sp[(i + seed) % sp.length]!;
  }
  return torch.tensor(Array.from(a)).to(dtype).reshape(shape);
}

/** A float32 tensor's values as strings, -0 apart from 0. */
export function bitsOf(t: T): string[] {
  return Array.from(t.contiguous()._host() as Float32Array, (v) => (Object.is(v, -0) ? "-0" : String(v)));
}

/** fn on eager cpu and on xla (one fused module); whether a fused WebAssembly loop ran there. */
export function onBoth(fn: (...xs: T[]) => T, xs: T[]): { eager: string[]; lazy: string[]; wasm: boolean } {
  const before = fusedWasmStats.groups;
  const y = fn(...xs.map((x) => x.to("xla")));
  torch.xla.sync(y);
  return { eager: bitsOf(fn(...xs)), lazy: bitsOf(y.cpu()), wasm: fusedWasmStats.groups > before };
}

/**
 * fn on both fused loops (WebAssembly forced, then XLATORCH_WASM=off) equals eager cpu bit for bit, and the
 * eager values take more than `distinct` distinct bit patterns (a wrong lane order or a dropped half would show).
 */
export function expectBothLoops(fn: (...xs: T[]) => T, xs: T[], distinct: number): void {
  process.env.XLATORCH_WASM = "always";
  const w = onBoth(fn, xs);
  expect(w.wasm).toBe(true);
  expect(w.lazy).toEqual(w.eager);
  process.env.XLATORCH_WASM = "off";
  const j = onBoth(fn, xs);
  expect(j.wasm).toBe(false);
  expect(j.lazy).toEqual(j.eager);
  expect(new Set(w.eager).size).toBeGreaterThan(distinct);
}
