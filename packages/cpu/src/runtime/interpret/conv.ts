// stablehlo.convolution in the reference evaluator, for what the convolution
// kernel does not take (integer and mixed element types, complex, window
// reversal): each result element is the spec's sum over its window, with
// strides, [low, high] padding, lhs/rhs dilation, feature and batch groups.
// Also stablehlo.dynamic_conv (its padding as an operand).
import { isComplex, type Attr, type Op } from "@xlatorch/stablehlo";
import type { Interp } from "./engine.js";
import { intBinary } from "./scalar.js";
import {
  alloc,
  type DenseValue,
  forEachIndex,
  getFloat,
  getInt,
  isIntLike,
  rounderOf,
  setFloat,
  setInt,
  stridesOf,
  Unsupported,
} from "./values.js";

const intsOr = (a: Attr | undefined, n: number, d: number): number[] =>
  a && a.kind === "ints" ? a.values : a && a.kind === "dense" ? a.values.map(Number) : Array<number>(n).fill(d);
const intOr = (a: Attr | undefined, d: number): number => (a && a.kind === "int" ? Number(a.value) : d);

function convolve(op: Op, lhs: DenseValue, rhs: DenseValue, padFlat: number[] | undefined): DenseValue {
  const a = op.attrs;
  const dn = a.dimension_numbers;
  if (!dn || dn.kind !== "conv") throw new Unsupported(op, "expects #stablehlo.conv dimension numbers");
  const n = dn.inputSpatialDimensions.length;
  const stride = intsOr(a.window_strides, n, 1),
    lhsDil = intsOr(a.lhs_dilation, n, 1),
    rhsDil = intsOr(a.rhs_dilation, n, 1);
  const rev = intsOr(a.window_reversal, n, 0);
  const pad = padFlat ?? intsOr(a.padding, 2 * n, 0);
  const fgc = intOr(a.feature_group_count, 1),
    bgc = intOr(a.batch_group_count, 1);
  const out = alloc(op.results[0]!.type, op);
  const e = out.type.element;
  const ls = lhs.type.shape,
    rs = rhs.type.shape,
    os = out.type.shape;
  const lst = stridesOf(ls),
    rst = stridesOf(rs);
  const cout = rs[dn.kernelOutputFeatureDimension]!;
  const cin = rs[dn.kernelInputFeatureDimension]!;
  const outBatch = os[dn.outputBatchDimension]!;
  const win = dn.kernelSpatialDimensions.map((d) => rs[d]!);
  const cplx = isComplex(e);
  // each product and sum in the result type (f16/bf16/f8 too), as the reference interpreter computes it
  const rnd = rounderOf(e);
  const read = (v: DenseValue, i: number): [number, number] =>
    isComplex(v.type.element)
      ? [v.data[2 * i] as number, v.data[2 * i + 1] as number]
      : [isIntLike(v.type.element) ? Number(getInt(v, i)) : getFloat(v, i), 0];
  forEachIndex(os, (oi, k) => {
    const b = oi[dn.outputBatchDimension]!,
      o = oi[dn.outputFeatureDimension]!;
    const fg = Math.floor(o / (cout / fgc)); // the feature group of this output feature
    const bg = Math.floor(o / (cout / bgc)); // its batch group
    const lb = bg * outBatch + b;
    let accI = 0n,
      re = 0,
      im = 0;
    const li = ls.map(() => 0),
      ri = rs.map(() => 0);
    li[dn.inputBatchDimension] = lb;
    ri[dn.kernelOutputFeatureDimension] = o;
    for (let c = 0; c < cin; c++) {
      li[dn.inputFeatureDimension] = fg * cin + c;
      ri[dn.kernelInputFeatureDimension] = c;
      forEachIndex(win, (w) => {
        for (let s = 0; s < n; s++) {
          // position in the padded, lhs-dilated input
          const p = oi[dn.outputSpatialDimensions[s]!]! * stride[s]! + w[s]! * rhsDil[s]! - pad[2 * s]!;
          if (p < 0 || p % lhsDil[s]! !== 0) return;
          const q = p / lhsDil[s]!;
          if (q >= ls[dn.inputSpatialDimensions[s]!]!) return;
          li[dn.inputSpatialDimensions[s]!] = q;
          ri[dn.kernelSpatialDimensions[s]!] = rev[s] ? win[s]! - 1 - w[s]! : w[s]!;
        }
        const x = li.reduce((t, v, d) => t + v * lst[d]!, 0),
          y = ri.reduce((t, v, d) => t + v * rst[d]!, 0);
        if (isIntLike(e)) accI = intBinary("add", accI, getInt(lhs, x) * getInt(rhs, y), e)!;
        else {
          const [p, q] = read(lhs, x),
            [r, s] = read(rhs, y);
          re = rnd(re + rnd(rnd(p * r) - rnd(q * s)));
          im = rnd(im + rnd(rnd(p * s) + rnd(q * r)));
        }
      });
    }
    if (isIntLike(e)) setInt(out, k, accI);
    else if (cplx) {
      out.data[2 * k] = re;
      out.data[2 * k + 1] = im;
    } else setFloat(out, k, re);
  });
  return out;
}

export const convOps: Record<string, Interp> = {
  "stablehlo.convolution": (op, [l, r]) => [convolve(op, l!, r!, undefined)],
  "stablehlo.dynamic_conv": (op, [l, r, padding]) => {
    const n = Array.from({ length: padding!.data.length }, (_, i) => Number(getInt(padding!, i)));
    return [convolve(op, l!, r!, n)];
  },
};
