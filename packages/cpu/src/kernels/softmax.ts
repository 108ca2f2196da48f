// The CPU kernels of core's softmax and softmax_backward (prims_softmax.ts):
// the composition's kernels called in its order on the same layouts (a
// reduced value broadcast along `dim` as a stride-0 view, as broadcast_in_dim
// gives it), so the values are its bits by construction: the primitive saves
// the autograd nodes, wrappers, reshapes and broadcasts of the 20 primitive
// calls it replaces.
import { contiguousStrides, numelOf, type AVal, type DType, type Shape, type SoftmaxAttrs } from "@xlatorch/core";
import { contiguous, type Strided } from "../strided.js";
import { type FusedTree, wasmFusedF32, wasmFusedReduceF32 } from "../wasm/fused_module.js";
import { resultF32 } from "../wasm/simd_f32.js";
import { elementwiseKernels as EW } from "./elementwise.js";
import { reduceKernels } from "./reduce.js";
import type { Kernel } from "./types.js";

/** `s`, a row-major array of `shape` less `dim`, viewed over `shape` (stride 0 along `dim`). */
function along(s: Strided, shape: Shape, dim: number): Strided {
  const st = contiguousStrides(shape.filter((_, i) => i !== dim));
  const strides = shape.map((_, i) => (i === dim ? 0 : st[i < dim ? i : i - 1]!));
  return { data: s.data, offset: s.offset, strides };
}

function ops(shape: Shape, dtype: DType, dim: number) {
  const full: AVal = { shape, dtype };
  const reduced: AVal = { shape: shape.filter((_, i) => i !== dim), dtype };
  return {
    bin: (p: string, a: Strided, b: Strided) => EW[p]!([a, b], [full, full], {}, [full])[0]!,
    un: (p: string, a: Strided) => EW[p]!([a], [full], {}, [full])[0]!,
    reduce: (op: "max" | "sum", a: Strided) => along(reduceKernels.reduce!([a], [full], { op, dims: [dim] }, [reduced])[0]!, shape, dim),
  };
}

/** The keepdim form of a value `along` gave: its array, row-major over `shape` with a 1 at `dim`. */
const keepdim = (s: Strided, shape: Shape, dim: number): Strided => ({
  data: s.data,
  offset: s.offset,
  strides: contiguousStrides(shape.map((d, i) => (i === dim ? 1 : d))),
});

/**
 * float32 over the last dim: chains of those kernels as one fused WebAssembly loop each
 * (wasm/fused_module.ts: the eager kernels' lane code from the eager thresholds on, and a reduction
 * with its elementwise prologue in the reduce kernel's row order), fewer passes for the same bits;
 * null where that path declines (the kernels one by one then).
 */
function fused(tree: FusedTree, ins: Strided[], shape: Shape): Strided | null {
  const n = numelOf(shape);
  const out = resultF32(n) ?? new Float32Array(n);
  return wasmFusedF32(tree, ins, shape, out) ? contiguous(out, shape) : null;
}
const EXP_SUB: FusedTree = ["exp", ["subtract", 0, 1]];
/** -((g * y) / s), summed along the rows */
const TO_S: FusedTree = ["neg", ["divide", ["multiply", 0, 1], 2]];
/** (g / s + t) * e */
const GRAD_X: FusedTree = ["multiply", ["add", ["divide", 0, 1], 2], 3];
const f32Last = (a: AVal, dim: number) => a.dtype.name === "float32" && dim === a.shape.length - 1;

export const softmaxKernels: Record<string, Kernel> = {
  // m = max(x), e = exp(x - m), s = sum(e), y = e / s
  softmax: ([x], [a], { dim }: SoftmaxAttrs) => {
    const shape = a!.shape;
    const k = ops(shape, a!.dtype, dim);
    const m = k.reduce("max", x!);
    const e = (f32Last(a!, dim) ? fused(EXP_SUB, [x!, m], shape) : null) ?? k.un("exp", k.bin("subtract", x!, m));
    const s = k.reduce("sum", e);
    return [k.bin("divide", e, s), e, keepdim(s, shape, dim)];
  },
  // (g / s + sum(-((g * y) / s))) * e
  softmax_backward: ([g, y, e, s], [a], { dim }: SoftmaxAttrs) => {
    const shape = a!.shape;
    const k = ops(shape, a!.dtype, dim);
    const sb: Strided = { data: s!.data, offset: s!.offset, strides: shape.map((_, i) => (i === dim ? 0 : s!.strides[i]!)) };
    if (f32Last(a!, dim)) {
      const len = shape[dim]!;
      const t = wasmFusedReduceF32(TO_S, [g!, y!, sb], shape, "sum", len);
      if (t) {
        const gx = fused(GRAD_X, [g!, sb, along(contiguous(t, [t.length]), shape, dim), e!], shape);
        if (gx) return [gx];
      }
    }
    const toE = k.bin("divide", g!, sb);
    const toS = k.reduce("sum", k.un("neg", k.bin("divide", k.bin("multiply", g!, y!), sb)));
    return [k.bin("multiply", k.bin("add", toE, toS), e!)];
  },
};
