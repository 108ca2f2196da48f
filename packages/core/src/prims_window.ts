// The accelerator-shaped window primitives, one StableHLO op each: convolution
// (stablehlo.convolution with its full attribute set), reduce_window (sum, max,
// min pooling) and select_and_scatter (max pooling's backward: PyTorch's select, add
// scatter). Shape rules here; CPU kernels in cpu/src/kernels/{conv,window}.ts,
// lowerings in lazy/src/lower_window.ts, VJPs in vjps_window.ts.
import { definePrimitive, type AVal, type Primitive } from "./primitive.js";

export const WINDOW_PRIMS = ["convolution", "reduce_window", "select_and_scatter"] as const;

/**
 * StableHLO's convolution. The specs name the dims of each operand: lhs_spec = [batch, feature,
 * ...spatial], rhs_spec = [output feature, input feature, ...spatial], out_spec = [batch, feature,
 * ...spatial] (JAX's ConvDimensionNumbers), so [0, 1, 2, 3] everywhere is NCHW/OIHW/NCHW.
 */
export interface ConvAttrs {
  window_strides: number[];
  /** [low, high] per spatial dim (negative crops). */
  padding: [number, number][];
  lhs_dilation: number[];
  rhs_dilation: number[];
  feature_group_count: number;
  batch_group_count: number;
  lhs_spec: number[];
  rhs_spec: number[];
  out_spec: number[];
}

/** The window of reduce_window / select_and_scatter: per dim of the operand. */
export interface WindowAttrs {
  window_dimensions: number[];
  window_strides: number[];
  base_dilations: number[];
  window_dilations: number[];
  /** [low, high] per dim, filled with the reduction's identity. */
  padding: [number, number][];
}
export type WindowReduceOp = "sum" | "max" | "min";

const dilate = (n: number, d: number) => (n === 0 ? 0 : (n - 1) * d + 1);
/** Windows along one dim: StableHLO's (padded dilated base - dilated window) / stride + 1, or 0. */
export function windowCount(n: number, k: number, stride: number, lo: number, hi: number, baseDil = 1, winDil = 1): number {
  const padded = dilate(n, baseDil) + lo + hi,
    win = dilate(k, winDil);
  return padded === 0 || win > padded ? 0 : Math.floor((padded - win) / stride) + 1;
}

/** convolution's result: batch N / batch_group_count, feature = the kernel's output features. */
export function convShape(lhs: readonly number[], rhs: readonly number[], a: ConvAttrs): number[] {
  const out = Array<number>(lhs.length).fill(0);
  out[a.out_spec[0]!] = lhs[a.lhs_spec[0]!]! / a.batch_group_count;
  out[a.out_spec[1]!] = rhs[a.rhs_spec[0]!]!;
  for (let i = 0; i < lhs.length - 2; i++) {
    out[a.out_spec[i + 2]!] = windowCount(
      lhs[a.lhs_spec[i + 2]!]!,
      rhs[a.rhs_spec[i + 2]!]!,
      a.window_strides[i]!,
      a.padding[i]![0],
      a.padding[i]![1],
      a.lhs_dilation[i]!,
      a.rhs_dilation[i]!,
    );
  }
  return out;
}

export const windowShape = (x: readonly number[], w: WindowAttrs): number[] =>
  x.map((n, d) =>
    windowCount(
      n,
      w.window_dimensions[d]!,
      w.window_strides[d]!,
      w.padding[d]![0],
      w.padding[d]![1],
      w.base_dilations[d]!,
      w.window_dilations[d]!,
    ),
  );

export function defineWindowPrims(P: Record<string, Primitive>): void {
  P.convolution = definePrimitive<ConvAttrs>({
    name: "convolution",
    abstract: ([l, r], a): AVal[] => [{ shape: convShape(l!.shape, r!.shape, a), dtype: l!.dtype }],
  });
  P.reduce_window = definePrimitive<WindowAttrs & { op: WindowReduceOp }>({
    name: "reduce_window",
    abstract: ([x], a) => [{ shape: windowShape(x!.shape, a), dtype: x!.dtype }],
  });
  /**
   * (operand, source): source[w] added at the first maximum of operand's window w, or its last NaN
   * (PyTorch's max pooling: a later element is taken when greater or NaN); padding is never selected.
   */
  P.select_and_scatter = definePrimitive<WindowAttrs>({
    name: "select_and_scatter",
    abstract: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
  });
}
