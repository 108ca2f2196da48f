// Lowerings of core's prims_norm.ts. layer_norm emits the StableHLO ops of the
// composition it replaced, op for op as lower.ts lowered each (sums of float16/
// bfloat16 accumulate in f32; N and eps are constants of the element type), so
// the xla device computes what it computed before. layer_norm_backward is
// ATen's formula in f64 (prims_norm.ts), as the CPU kernel evaluates it.
import type { AVal, DType, LayerNormAttrs, LayerNormBackwardAttrs } from "@xlatorch/core";
import { elementTypeOf, type Builder, type ElementType, type Value } from "@xlatorch/stablehlo";
import { lowerReduce } from "./lower_reduce.js";

type Lowering<A> = (b: Builder, ins: Value[], attrs: A, outs: readonly AVal[], inAvals: readonly AVal[]) => Value[];

const et = (d: DType): ElementType => elementTypeOf(d.name);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** The reduce primitive's lowering of a sum (lower_reduce.ts: half types accumulate in f32). */
const sumOver = (b: Builder, x: Value, dims: readonly number[], dtype: DType): Value => lowerReduce(b, x, dtype, "sum", dims);

const layerNorm: Lowering<LayerNormAttrs> = (b, [x, ...params], { axis, eps, weight, bias }, [, so], [xa]) => {
  const dtype = xa!.dtype;
  const e = et(dtype);
  const shape = xa!.shape.slice();
  const stat = so!.shape.slice();
  const inner = range(axis, shape.length);
  const all = range(0, shape.length);
  const n = shape.slice(axis).reduce((p, q) => p * q, 1);
  const per = (v: Value) => b.broadcastInDim(v, shape, all);
  const full = (c: number, s: number[]) => b.constant(c, { shape: s, element: e });
  // x.mean(dims, keepdim): reduce, reshape, divide by N
  const mean = b.divide(b.reshape(sumOver(b, x!, inner, dtype), stat), full(n, stat));
  // x.var(dims, unbiased=false, keepdim): the same mean, then the mean of squared deviations
  const d = b.subtract(x!, per(mean));
  const variance = b.divide(b.reshape(sumOver(b, b.multiply(d, d), inner, dtype), stat), full(n, stat));
  const rstd = b.rsqrt(b.add(variance, full(eps, stat)));
  const nrm = b.multiply(b.negate(rstd), mean);
  const [w, bi] = [weight ? params[0]! : null, bias ? params[+weight]! : null];
  const perParam = (v: Value) => b.broadcastInDim(v, shape, inner);
  // ATen's fma: float32's as f64 multiply, add and convert back; other types multiply and add in the type
  const fma = (p: Value, q: Value, r: Value): Value =>
    dtype.name === "float32"
      ? b.convert(b.add(b.multiply(b.convert(p, "f64"), b.convert(q, "f64")), b.convert(r, "f64")), "f32")
      : b.add(b.multiply(p, q), r);
  let y = fma(x!, per(rstd), per(nrm));
  if (w && bi) y = fma(y, perParam(w), perParam(bi));
  else if (w) y = b.multiply(y, perParam(w));
  else if (bi) y = b.add(y, perParam(bi));
  return [y, mean, rstd];
};

const layerNormBackward: Lowering<LayerNormBackwardAttrs> = (b, ins, { axis, weight, mask }, _outs, inAvals) => {
  const xa = inAvals[1]!;
  const e = et(xa.dtype);
  const shape = xa.shape.slice();
  const lead = shape.slice(0, axis);
  const inner = range(axis, shape.length);
  const n = shape.slice(axis).reduce((p, q) => p * q, 1);
  const f64 = (v: Value) => (e === "f64" ? v : b.convert(v, "f64"));
  const back = (v: Value) => (e === "f64" ? v : b.convert(v, e));
  // g and x in float64, and g * w, emitted again for each use: each has one reader, so the CPU runtime
  // computes it inside that reader's loop (or the sum it feeds, fused_reduce.ts) instead of storing a
  // float64 copy that several loops read back. The same exact converts and products, so the same values
  // (and XLA's CSE merges the copies again).
  const g = () => f64(ins[0]!);
  const x = () => f64(ins[1]!);
  // the statistics per row (their normalized dims are 1s)
  const [mu, a] = [b.reshape(f64(ins[2]!), lead), b.reshape(f64(ins[3]!), lead)];
  const w = weight ? b.broadcastInDim(f64(ins[4]!), shape, inner) : null;
  const perRow = (v: Value) => b.broadcastInDim(v, shape, range(0, axis));
  const c = (v: number, s: number[]) => b.constant(v, { shape: s, element: "f64" });
  const out: Value[] = [];
  if (mask[0]) {
    const gw = () => (w ? b.multiply(g(), w) : g());
    const ds = b.reduceWith("add", b.multiply(gw(), x()), inner);
    const db = b.reduceWith("add", gw(), inner);
    const scale = c(1 / n, lead);
    // b = (db * mean - ds) * a * a * a * scale, c = -b * mean - db * a * scale
    const bb = b.multiply(b.multiply(b.multiply(b.multiply(b.subtract(b.multiply(db, mu), ds), a), a), a), scale);
    const cc = b.subtract(b.multiply(b.negate(bb), mu), b.multiply(b.multiply(db, a), scale));
    const ag = b.multiply(perRow(a), g());
    const dx = b.add(b.add(w ? b.multiply(ag, w) : ag, b.multiply(perRow(bb), x())), perRow(cc));
    out.push(back(dx));
  }
  // over the rows (with axis 0 there is one row, and nothing to sum)
  const sumRows = (v: Value) => (axis === 0 ? v : b.reduceWith("add", v, range(0, axis)));
  if (mask[1]) out.push(back(sumRows(b.multiply(b.multiply(g(), b.subtract(x(), perRow(mu))), perRow(a)))));
  if (mask[2]) out.push(back(sumRows(g())));
  return out;
};

export const NORM_LOWERINGS = { layer_norm: layerNorm, layer_norm_backward: layerNormBackward };
