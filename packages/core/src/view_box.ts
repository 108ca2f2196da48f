// A write through a view as one windowed scatter_slices of its base (issue 13).
// A view whose strides and offset into its base's dense storage are known
// exactly (on the xla device: lazy/src/view_layout.ts, derived through the view
// primitives only) is decomposed into a box of the base: per base dim a start,
// a step and a count. Base dims stepped by 1 are window dims of the scatter
// (the whole extent written at once); dims with a step > 1 (x[::2] = v) are its
// scatter dims, their coordinates an iota times the step. A plain slice, a
// selected row or a KV cache's x[:, :, t] becomes one scatter of a single
// window at the start, no coordinates per element; a view that is a box only
// of the flattened base (x.view(-1)[3:13]) is written into the flat base. A
// layout that is neither (a diagonal, overlapping dims) gives null: callers
// then scatter every element's position. Used for the new base value (the xla
// backend's write) and for its autograd history (ops/inplace.ts), whose VJP is
// then a windowed gather and scatter too.
import { fromHost } from "./dispatch.js";
import type { ViewBox } from "./device.js";
import { int64 } from "./dtype_all.js";
import { bind1 } from "./dispatch.js";
import { P } from "./prims.js";
import type { ScatterSlicesAttrs } from "./prims_gather.js";
import { contiguousStrides, type Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";
import { expandTo } from "./ops/base.js";
import { add, mul } from "./ops/elementwise.js";
import { permute, reshape, unsqueeze } from "./ops/shape.js";

/** The box of a base of `shape` that a view (shape, strides and offset into the base's dense storage) covers, or null. */
function boxIn(baseShape: Shape, viewShape: Shape, strides: readonly number[], offset: number): Omit<ViewBox, "flat"> | null {
  const r = baseShape.length;
  const bs = contiguousStrides(baseShape);
  const start = new Array<number>(r).fill(0);
  let rem = offset;
  for (let k = 0; k < r; k++) {
    if (baseShape[k] === 1) continue;
    start[k] = Math.floor(rem / bs[k]!);
    rem -= start[k]! * bs[k]!;
    if (start[k]! >= baseShape[k]!) return null;
  }
  if (rem !== 0) return null;
  const step = new Array<number>(r).fill(1);
  const count = new Array<number>(r).fill(1);
  const viewDim = new Array<number>(r).fill(-1);
  for (let d = 0; d < viewShape.length; d++) {
    const n = viewShape[d]!,
      s = strides[d]!;
    if (n === 1) continue;
    if (s <= 0) return null;
    // the outermost base dim (of size > 1) whose stride is within s: the only one s can step along without a carry
    const k = bs.findIndex((b, j) => baseShape[j]! > 1 && b <= s);
    if (k < 0 || s % bs[k]! !== 0 || viewDim[k] !== -1) return null;
    const st = s / bs[k]!;
    if (start[k]! + (n - 1) * st >= baseShape[k]!) return null;
    step[k] = st;
    count[k] = n;
    viewDim[k] = d;
  }
  return { start, step, count, viewDim };
}

/**
 * The box a view (shape, strides and offset into the dense storage of a base of `baseShape`) covers:
 * of the base itself, else of its flattening (flat: true); null when the positions are no box.
 */
export function viewBoxOf(baseShape: Shape, viewShape: Shape, strides: readonly number[], offset: number): ViewBox | null {
  const box = boxIn(baseShape, viewShape, strides, offset);
  if (box) return { ...box, flat: false };
  const n = baseShape.reduce((a, b) => a * b, 1);
  const flat = boxIn([n], viewShape, strides, offset);
  return flat ? { ...flat, flat: true } : null;
}

/** base with the box's elements replaced by value (the view's shape): one scatter_slices (differentiable). */
export function writeViewBox(base: Tensor, value: Tensor, box: ViewBox): Tensor {
  if (box.flat) return reshape(writeBox(reshape(base, [-1]), value, box), base.shape.slice());
  return writeBox(base, value, box);
}

function writeBox(base: Tensor, value: Tensor, box: ViewBox): Tensor {
  const r = base.ndim;
  const dims = [...Array(r).keys()];
  // the value's dims of size > 1 (each maps to one base dim), moved into base-dim order; unmapped base dims size 1
  const kept = value.shape.map((n, d) => (n === 1 ? -1 : d)).filter((d) => d >= 0);
  const order = dims.filter((k) => box.viewDim[k]! >= 0).map((k) => kept.indexOf(box.viewDim[k]!));
  let u = reshape(
    value,
    kept.map((d) => value.shape[d]!),
  );
  if (order.some((o, i) => o !== i)) u = permute(u, order);
  u = reshape(u, box.count);
  const stepped = dims.filter((k) => box.step[k]! > 1);
  let index: Tensor;
  if (stepped.length === 0) {
    index = fromHost(BigInt64Array.from(box.start, BigInt), [r], int64, base.device);
  } else {
    // [counts of the stepped dims..., r]: start + i * step on the stepped dims, start elsewhere
    const lead = stepped.map((k) => box.count[k]!);
    const cols = dims.map((k) => {
      const j = stepped.indexOf(k);
      const c =
        j < 0
          ? expandTo(fromHost(BigInt64Array.of(BigInt(box.start[k]!)), [], int64, base.device), lead)
          : add(mul(bind1(P.iota!, [], { shape: lead, dim: j, dtype: int64 }, base.device), box.step[k]!), box.start[k]!);
      return unsqueeze(c, -1);
    });
    index = bind1(P.concatenate!, cols, { dim: lead.length });
  }
  const attrs: ScatterSlicesAttrs = {
    update_window_dims: dims.filter((k) => !stepped.includes(k)),
    inserted_window_dims: stepped,
    input_batching_dims: [],
    scatter_indices_batching_dims: [],
    scatter_dims_to_operand_dims: dims,
    index_vector_dim: stepped.length,
    indices_are_sorted: true,
    unique_indices: true,
    reduce: "none",
  };
  return bind1(P.scatter_slices, [base, index, u], attrs);
}
