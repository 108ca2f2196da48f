// stablehlo.dynamic_slice / dynamic_update_slice -> the dynamic primitives'
// kernels (kernels/dynamic.ts), for translate.ts: the start indices are the
// kernel's trailing 0-d inputs, clamped there as the spec says.
import type { Op } from "@xlatorch/stablehlo";

interface Call {
  kernel: string;
  attrs: unknown;
  operands: number;
}

export function dynamicSliceCall(op: Op): Call {
  const a = op.attrs.slice_sizes;
  const sizes = a && a.kind === "ints" ? a.values : a && a.kind === "dense" ? a.values.map(Number) : op.results[0]!.type.shape;
  return { kernel: "dynamic_slice", attrs: { sizes }, operands: op.operands.length };
}

export const dynamicUpdateSliceCall = (op: Op): Call => ({ kernel: "dynamic_update_slice", attrs: {}, operands: op.operands.length });
