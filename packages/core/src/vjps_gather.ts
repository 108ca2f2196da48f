// VJPs of gather_slices and scatter_slices (prims_gather.ts), each the other
// primitive with the matching dimension numbers, so the backward of an
// embedding lookup is one scatter-add and that of index_add one gather (they
// run and trace on any device and differentiate again):
// - gather_slices(x, i): x's gradient is the cotangent added into zeros at the
//   windows the gather read (repeated indices add up).
// - scatter_slices(x, i, u) adding: x's gradient is the cotangent; u's is the
//   cotangent gathered at the windows written.
// - scatter_slices overwriting: x's gradient is the cotangent with the written
//   windows zeroed; u's the gathered cotangent (exact where the indices are
//   unique, as PyTorch requires of index_copy/index_put).
// Both are exact for in-range indices (the surface checks them); gather's
// clamping and scatter's skipping of out-of-range ones are not inverse.
import { bind1 } from "./dispatch.js";
import { defineVjp, type Saves } from "./primitive.js";
import { P } from "./prims.js";
import { gatherOfScatter, scatterOfGather, type GatherSlicesAttrs, type ScatterSlicesAttrs } from "./prims_gather.js";
import { zeros_like } from "./ops/creation.js";

// only the indices' values are read (the operand is used for its shape): a later in-place write
// to the operand (setitem's scatter into a view of its target) is no error
const INDEX_ONLY: Saves = { inputs: [false, true, false] };

defineVjp<GatherSlicesAttrs>("gather_slices", INDEX_ONLY, ([g], [x, idx], _o, a, needs) => [
  needs[0] ? bind1(P.scatter_slices, [zeros_like(x!), idx!, g!], scatterOfGather(a, "add")) : null,
  null,
]);

defineVjp<ScatterSlicesAttrs>("scatter_slices", INDEX_ONLY, ([g], [x, idx, u], _o, a, needs) => {
  const gu = needs[2] ? bind1(P.gather_slices, [g!, idx!], gatherOfScatter(a, x!.ndim, u!.shape)) : null;
  if (a.reduce === "add") return [needs[0] ? g! : null, null, gu];
  const gx = needs[0] ? bind1(P.scatter_slices, [g!, idx!, zeros_like(u!)], { ...a, reduce: "none" as const }) : null;
  return [gx, null, gu];
});
