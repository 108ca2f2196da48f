// Strided operands gathered into a dense WebAssembly chunk, shared by the
// fused loops (fused_module.ts) and the eager unary kernels (simd_f32.ts), so
// that a transposed or expanded operand reaches the same lane code as a
// dense one.
import type { Shape } from "@xlatorch/core";
import type { Strided } from "../strided.js";

/** Copies elements [at, at + len) of the strided view `s` over `shape` (row-major order) to dst[d0...]. */
export function gather(s: Strided, shape: Shape, at: number, len: number, dst: Float32Array, d0: number): void {
  const src = s.data as Float32Array | Uint8Array;
  const nd = shape.length,
    st = s.strides;
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
