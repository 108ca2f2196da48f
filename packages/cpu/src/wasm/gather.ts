// Strided operands gathered into a dense WebAssembly chunk, shared by the
// fused loops (fused_module.ts) and the eager unary kernels (simd_f32.ts), so
// that a transposed or expanded operand reaches the same lane code as a
// dense one.
import type { Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";

/** The arrays gathered from and into (of one kind, or bool bytes or float32 values into float32). */
type Dst = Float32Array | Uint8Array | Float64Array;

/**
 * Copies elements [at, at + len) of the strided view `s` over `shape` (row-major order) to dst[d0...]
 * (bool bytes into a Uint8Array stay bytes: the select kernel's predicate, select_module.ts; float64 values
 * into a Float64Array: the fused loops' float64 leaves, fused_module.ts).
 */
export function gather(s: Strided, viewShape: Shape, at: number, len: number, dst: Dst, d0: number): void {
  const src = s.data as Dst;
  const [shape, st] = merged(viewShape, s.strides);
  const nd = shape.length;
  if (nd === 2 && st[0] === 0 && st[1] === 1 && len > shape[1]!) return periodic(src, s.offset, shape[1]!, at, len, dst, d0);
  const idx = new Array<number>(nd).fill(0);
  let rem = at,
    p = s.offset;
  for (let d = nd - 1; d >= 0; d--) {
    idx[d] = rem % shape[d]!;
    rem = Math.floor(rem / shape[d]!);
    p += idx[d]! * st[d]!;
  }
  const last = nd - 1,
    inner = shape[last]!,
    t = st[last]!;
  let k = 0;
  while (k < len) {
    const m = Math.min(inner - idx[last]!, len - k);
    // short runs element by element: a subarray() per run costs more than the copy
    if (t === 1 && m >= 64) dst.set(src.subarray(p, p + m), d0 + k);
    else if (t === 0) dst.fill(src[p]!, d0 + k, d0 + k + m);
    else for (let j = 0; j < m; j++) dst[d0 + k + j] = src[p + j * t]!;
    k += m;
    p += m * t;
    idx[last]! += m;
    if (idx[last] === inner) {
      p -= inner * t;
      idx[last] = 0;
      for (let d = last - 1; d >= 0; d--) {
        idx[d]!++;
        p += st[d]!;
        if (idx[d]! < shape[d]!) break;
        p -= st[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
  }
}

/**
 * One dense row of `inner` values repeated (a bias or weight expanded over the rows before it, merged to
 * strides [0, 1]): the first row's worth copied, then the filled part copied after itself, doubling (the
 * values repeat every `inner`, and the filled length stays a multiple of it), instead of a copy per row.
 */
function periodic(src: Dst, off: number, inner: number, at: number, len: number, dst: Dst, d0: number): void {
  const start = at % inner;
  dst.set(src.subarray(off + start, off + inner), d0);
  dst.set(src.subarray(off, off + start), d0 + inner - start);
  let filled = inner;
  while (filled < len) {
    const c = Math.min(filled, len - filled);
    dst.copyWithin(d0 + filled, d0, d0 + c);
    filled += c;
  }
}

/**
 * The view's dims with each run of dims that steps through memory as one dim merged, and dims of size 1
 * dropped: the same elements in the same order, in longer runs. A causal mask [1, 1, T, T] expanded to
 * [B, H, T, T] (strides [0, 0, T, 1]) becomes [B * H, T * T] (strides [0, 1]): runs of T * T values
 * copied as blocks instead of runs of T copied element by element.
 */
function merged(shape: Shape, strides: readonly number[]): [number[], number[]] {
  const sh: number[] = [],
    ss: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!,
      t = strides[d]!;
    if (n === 1) continue;
    const k = sh.length - 1;
    if (k >= 0 && ss[k] === t * n) {
      sh[k]! *= n;
      ss[k] = t;
    } else {
      sh.push(n);
      ss.push(t);
    }
  }
  if (sh.length === 0) return [[1], [0]];
  return [sh, ss];
}
