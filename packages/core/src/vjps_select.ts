// VJPs of kthvalue, mode and topk (prims_select.ts): the values' cotangent goes to the
// selected indices of each row (PyTorch's value_selecting_reduction_backward),
// zeros elsewhere.
import { bind1 } from "./dispatch.js";
import { defineVjp } from "./primitive.js";
import { P } from "./prims.js";
import { zeros_like } from "./ops/creation.js";
import { fullIndex } from "./ops/indexing.js";
import { unsqueeze } from "./ops/shape.js";
import type { Tensor } from "./tensor.js";
import { scatterAlongBatched } from "./ops/slices.js";

const toIndex = ([g]: readonly (Tensor | null)[], [x]: readonly Tensor[], [, idx]: readonly Tensor[]): (Tensor | null)[] => {
  if (!g) return [null];
  const at = unsqueeze(idx!, -1); // [..., 1]: the selected position of each row
  // one windowed scatter along the last dim, the leading dims batching dims (no coordinate tensor)
  const d = at.ndim - 1;
  return [
    scatterAlongBatched(zeros_like(x!), d, at, unsqueeze(g, -1), "add") ??
      bind1(P.scatter!, [zeros_like(x!), fullIndex(at, d), unsqueeze(g, -1)], { reduce: "add" }),
  ];
};
defineVjp("kthvalue", { outputs: true }, toIndex);
defineVjp("mode", { outputs: true }, toIndex);

defineVjp<{ k: number; largest: boolean; sorted: boolean }>("topk", { outputs: true }, ([g], [x], [, idx]) => {
  if (!g) return [null];
  const d = idx!.ndim - 1;
  return [
    scatterAlongBatched(zeros_like(x!), d, idx!, g, "add") ?? bind1(P.scatter!, [zeros_like(x!), fullIndex(idx!, d), g], { reduce: "add" }),
  ];
});
