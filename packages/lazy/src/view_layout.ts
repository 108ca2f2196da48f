// The strides and storage offset an xla tensor would have on a strided device.
// The lazy device holds values, not storage, but the op surface decides by
// strides whether reshape/view/contiguous alias their input (a view: writes go
// through to the base) or copy (writes stay local). Reporting contiguous
// strides for every tensor made reshape of an expanded or transposed tensor an
// alias on xla and a copy on cpu: repeat() of a tensor then wrote back into
// it. So each view primitive derives its output's layout from its input's with
// the cpu kernels' rules (cpu/src/kernels/layout.ts); other results are dense.
import { contiguousStrides, viewStrides, type Shape } from "@xlatorch/core";

export interface Layout {
  strides: number[];
  offset: number;
  /**
   * The payload whose dense storage these strides and offset index, when they were derived through
   * view primitives only (backend.ts layoutOf): a write through the view is then a box of that base
   * (view_write.ts). Absent: unknown (a reshape the strides could not express, a view of a non-view op).
   */
  root?: unknown;
  /** A reshape the input's strides cannot express: dense strides, not an alias of the input's storage. */
  loose?: boolean;
  /**
   * bitcast_convert (view(dtype), view_as_real, real/imag): the strides count elements of another size, so
   * the layout indexes no storage of the base's dtype (no root: writes go through view_reinterpret.ts).
   */
  reinterpreted?: boolean;
}

/** The layout of a view primitive's output, or null for a primitive that is not one of the view primitives. */
export function viewLayout(op: string, inShape: Shape, input: Layout, attrs: unknown, outShape: Shape): Layout | null {
  const { strides, offset } = input;
  switch (op) {
    case "broadcast_in_dim": {
      const { dims } = attrs as { dims: number[] };
      const st = outShape.map(() => 0);
      dims.forEach((o, i) => {
        if (inShape[i] === outShape[o]) st[o] = strides[i]!;
      });
      return { strides: st, offset };
    }
    case "reshape": {
      // the surface copies first when the strides do not allow a view; a direct caller gets dense strides
      const st = viewStrides(inShape, strides, outShape);
      return st ? { strides: st, offset } : { strides: contiguousStrides(outShape), offset, loose: true };
    }
    case "transpose":
      return { strides: (attrs as { perm: number[] }).perm.map((p) => strides[p]!), offset };
    case "slice": {
      const { start, step } = attrs as { start: number[]; step: number[] };
      return {
        strides: strides.map((s, d) => s * step[d]!),
        offset: offset + start.reduce((acc, v, d) => acc + v * strides[d]!, 0),
      };
    }
    case "bitcast_convert": {
      // as the cpu kernel (cpu/src/kernels/reinterpret.ts): a smaller element gains a last dim of stride 1
      // and scales the rest; a larger one drops its last dim (stride 1) and divides the rest
      if (outShape.length === inShape.length) return { strides: [...strides], offset, reinterpreted: true };
      if (outShape.length > inShape.length) {
        const r = outShape[outShape.length - 1]!;
        return { strides: [...strides.map((s) => s * r), 1], offset: offset * r, reinterpreted: true };
      }
      const r = inShape[inShape.length - 1]!;
      return { strides: strides.slice(0, -1).map((s) => (s % r === 0 ? s / r : 0)), offset: offset / r, reinterpreted: true };
    }
    default:
      return null;
  }
}
