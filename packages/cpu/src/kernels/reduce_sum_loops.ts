// The float sums of the reduce kernel (reduce.ts) as one loop per array type.
// reduce.ts's row loops read `ArrayLike<number>`: one closure for every element
// type, so V8's element loads there see Float32Array, Float64Array and the
// integer arrays alike and go megamorphic (~4-5 ns per element on layer_norm's
// float64 [8, 32, 64] sums, against ~1 ns here). These functions are the same
// loops, in the same order, each compiled for one array type: the same sums,
// bit for bit. float64 accumulators, as reduce.ts; the caller encodes them.
// Each writes its sums into `out` (n values, the caller's: reduce.ts reuses
// one scratch array, since a new one per call cost more than a small sum).

/** out[r] = sum of v[at + r * inner + i], i in order (sum over trailing dims of a row-major block). */
export function sumRows64(v: Float64Array, at: number, outer: number, inner: number, out: Float64Array): Float64Array {
  for (let r = 0; r < outer; r++) {
    let s = 0;
    for (let i = at + r * inner, e = i + inner; i < e; i++) s += v[i]!;
    out[r] = s;
  }
  return out;
}
/** sumRows64 for a Float32Array (each value widened exactly). */
export function sumRows32(v: Float32Array, at: number, outer: number, inner: number, out: Float64Array): Float64Array {
  for (let r = 0; r < outer; r++) {
    let s = 0;
    for (let i = at + r * inner, e = i + inner; i < e; i++) s += v[i]!;
    out[r] = s;
  }
  return out;
}

/**
 * Sums over leading dims walk the rows once per four columns, keeping four running sums in registers
 * (each column still adds its rows in order from 0: the same sums as `out[j] += v[q]` row by row, ~2.5x
 * faster on a Linear's bias gradient, [8, 32, 192] over dims 0 and 1). Past this many rows the four
 * columns' cache lines would not stay cached between blocks, so taller inputs keep the row-by-row loop.
 */
const BLOCK_ROWS = 4096;

/** out[j] = sum over r of v[at + r * n + j], r in order (sum over leading dims of a row-major block). */
export function sumLeading64(v: Float64Array, at: number, count: number, n: number, out: Float64Array): Float64Array {
  if (count > BLOCK_ROWS) {
    out.fill(0);
    for (let r = 0; r < count; r++) for (let j = 0, q = at + r * n; j < n; j++, q++) out[j] += v[q]!;
    return out;
  }
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let r = 0, q = at + j; r < count; r++, q += n) {
      s0 += v[q]!;
      s1 += v[q + 1]!;
      s2 += v[q + 2]!;
      s3 += v[q + 3]!;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < n; j++) {
    let s = 0;
    for (let r = 0, q = at + j; r < count; r++, q += n) s += v[q]!;
    out[j] = s;
  }
  return out;
}
/** sumLeading64 for a Float32Array. */
export function sumLeading32(v: Float32Array, at: number, count: number, n: number, out: Float64Array): Float64Array {
  if (count > BLOCK_ROWS) {
    out.fill(0);
    for (let r = 0; r < count; r++) for (let j = 0, q = at + r * n; j < n; j++, q++) out[j] += v[q]!;
    return out;
  }
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let r = 0, q = at + j; r < count; r++, q += n) {
      s0 += v[q]!;
      s1 += v[q + 1]!;
      s2 += v[q + 2]!;
      s3 += v[q + 3]!;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < n; j++) {
    let s = 0;
    for (let r = 0, q = at + j; r < count; r++, q += n) s += v[q]!;
    out[j] = s;
  }
  return out;
}
