// float64 test inputs for the CPU runtime's float64 sums (cpu_runtime_fused_sums,
// cpu_runtime_fused_sum_f64), and their results compared bit for bit.

/** Deterministic values over seven decades, with NaN, ±Inf, ±0 and a subnormal sprinkled in unless `special` is false. */
export function f64Data(n: number, seed: number, special = true): Float64Array {
  const a = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * 10 ** ((i + seed) % 7);
  }
  const sp = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1e-310];
  if (special) for (let i = seed % 11; i < n; i += 37) a[i] = sp[i % sp.length]!;
  return a;
}

/** The float64 bit patterns of `a`, as hex strings (so -0, NaN payloads and rounding compare exactly). */
export function f64Bits(a: ArrayLike<number>): string[] {
  const f = a instanceof Float64Array ? a : Float64Array.from(a);
  return Array.from(new BigUint64Array(f.buffer, f.byteOffset, f.length), (b) => b.toString(16));
}
