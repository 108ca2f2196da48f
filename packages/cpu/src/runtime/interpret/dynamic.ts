// The dynamic-shape ops on static shapes: their shape operands must agree
// with the result type (checked), then they are their static counterparts.
// Also get_dimension_size, reduce_precision and chlo.mulhi.
import { numelOf } from "@xlatorch/core";
import type { Attr, Op } from "@xlatorch/stablehlo";
import type { Interp } from "./engine.js";
import { layoutOps } from "./layout.js";
import { alloc, type DenseValue, getFloat, getInt, intInfo, roundFloat, setFloat, setInt, Unsupported } from "./values.js";

const intsOf = (v: DenseValue): number[] => Array.from({ length: numelOf(v.type.shape) }, (_, i) => Number(getInt(v, i)));
const intsAttr = (values: number[]): Attr => ({ kind: "ints", values });

function checkShape(op: Op, shape: DenseValue): void {
  const want = op.results[0]!.type.shape;
  const got = intsOf(shape);
  if (got.length !== want.length || got.some((d, i) => d !== want[i]))
    throw new Unsupported(
      op,
      `output shape [${got.join(", ")}] differs from the result type's [${want.join(", ")}] (dynamic shapes are not supported)`,
    );
}

const withAttrs = (op: Op, name: string, operands: number, attrs: Record<string, Attr>): Op => ({
  ...op,
  name,
  operands: op.operands.slice(0, operands),
  attrs: { ...op.attrs, ...attrs },
});

export const dynamicOps: Record<string, Interp> = {
  "stablehlo.dynamic_iota": (op, [shape], ctx) => {
    checkShape(op, shape!);
    return layoutOps["stablehlo.iota"]!(withAttrs(op, "stablehlo.iota", 0, {}), [], ctx);
  },
  "stablehlo.dynamic_reshape": (op, [x, shape], ctx) => {
    checkShape(op, shape!);
    return layoutOps["stablehlo.reshape"]!(withAttrs(op, "stablehlo.reshape", 1, {}), [x!], ctx);
  },
  "stablehlo.dynamic_broadcast_in_dim": (op, [x, shape], ctx) => {
    checkShape(op, shape!);
    return layoutOps["stablehlo.broadcast_in_dim"]!(withAttrs(op, "stablehlo.broadcast_in_dim", 1, {}), [x!], ctx);
  },
  "stablehlo.dynamic_pad": (op, [x, v, lo, hi, interior], ctx) =>
    layoutOps["stablehlo.pad"]!(
      withAttrs(op, "stablehlo.pad", 2, {
        edge_padding_low: intsAttr(intsOf(lo!)),
        edge_padding_high: intsAttr(intsOf(hi!)),
        interior_padding: intsAttr(intsOf(interior!)),
      }),
      [x!, v!],
      ctx,
    ),
  "stablehlo.dynamic_gather": (op, [x, idx, sizes], ctx) =>
    layoutOps["stablehlo.gather"]!(withAttrs(op, "stablehlo.gather", 2, { slice_sizes: intsAttr(intsOf(sizes!)) }), [x!, idx!], ctx),
  "stablehlo.get_dimension_size": (op, [x]) => {
    const a = op.attrs.dimension;
    const d = a && a.kind === "int" ? Number(a.value) : 0;
    const out = alloc(op.results[0]!.type, op);
    setInt(out, 0, BigInt(x!.type.shape[d]!));
    return [out];
  },
  "stablehlo.reduce_precision": (op, [x]) => {
    const bits = (k: string) => {
      const a = op.attrs[k];
      if (!a || a.kind !== "int") throw new Unsupported(op, `expects ${k}`);
      return Number(a.value);
    };
    const e = bits("exponent_bits"),
      m = bits("mantissa_bits");
    const out = alloc(op.results[0]!.type, op);
    const n = numelOf(out.type.shape);
    for (let i = 0; i < n; i++) {
      const v = getFloat(x!, i);
      // NaN stays NaN, except with no mantissa bits to keep it one: then infinity (XLA's rule)
      setFloat(out, i, Number.isNaN(v) ? (m === 0 ? Infinity : v) : roundFloat(v, e, m));
    }
    return [out];
  },
  // the high half of the double-width product
  "chlo.mulhi": (op, [a, b]) => {
    const out = alloc(op.results[0]!.type, op);
    const { bits } = intInfo(out.type.element);
    const n = numelOf(out.type.shape);
    for (let i = 0; i < n; i++) setInt(out, i, (getInt(a!, i) * getInt(b!, i)) >> BigInt(bits));
    return [out];
  },
};
