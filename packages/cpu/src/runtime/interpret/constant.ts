// A dense attribute (stablehlo.constant's value, check.expect_*_const's
// expected value) as a DenseValue; a splat is repeated to every element.
import { numelOf } from "@xlatorch/core";
import { isComplex, type Attr, type Op } from "@xlatorch/stablehlo";
import { alloc, type DenseValue, set, Unsupported } from "./values.js";

export function constantValue(op: Op, a: Attr | undefined): DenseValue {
  if (!a || a.kind !== "dense") throw new Unsupported(op, "expects a dense<...> value");
  const out = alloc(a.type, op);
  const n = numelOf(a.type.shape);
  if (isComplex(a.type.element)) {
    // complex values are (re, im) pairs, interleaved
    const splat = a.values.length === 2;
    for (let i = 0; i < 2 * n; i++) out.data[i] = Number(a.values[splat ? i % 2 : i]);
    return out;
  }
  const splat = a.values.length === 1;
  for (let i = 0; i < n; i++) {
    const v = a.values[splat ? 0 : i]!;
    set(out, i, typeof v === "boolean" ? (v ? 1n : 0n) : v);
  }
  return out;
}
