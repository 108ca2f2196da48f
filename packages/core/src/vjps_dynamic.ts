// VJPs of dynamic_slice and dynamic_update_slice (prims_dynamic.ts), written
// with the two primitives so they run and trace on any device (the start
// indices stay graph values: the backward compiles once for every position
// too) and differentiate again. Both clamp their starts the same way, so the
// cotangent goes back to exactly the block the forward read or wrote:
// - dynamic_slice(x, s): x's gradient is the cotangent written into zeros at s.
// - dynamic_update_slice(x, u, s): x's gradient is the cotangent with the
//   block at s zeroed (those elements were overwritten); u's is the block of
//   the cotangent at s.
// The start indices (integers) get no gradient.
import { bind1 } from "./dispatch.js";
import { defineVjp } from "./primitive.js";
import { P } from "./prims.js";
import { zeros_like } from "./ops/creation.js";

defineVjp<{ sizes: number[] }>(
  "dynamic_slice",
  // only the starts' values are read (the operand's shape is not a saved value)
  (rg) => ({ inputs: rg.map((_, i) => i > 0) }),
  ([g], [x, ...starts], _o, _a, needs) => [
    needs[0] ? bind1(P.dynamic_update_slice, [zeros_like(x!), g!, ...starts]) : null,
    ...starts.map(() => null),
  ],
);

defineVjp(
  "dynamic_update_slice",
  (rg) => ({ inputs: rg.map((_, i) => i > 1) }),
  ([g], [_x, u, ...starts], _o, _a, needs) => [
    needs[0] ? bind1(P.dynamic_update_slice, [g!, zeros_like(u!), ...starts]) : null,
    needs[1] ? bind1(P.dynamic_slice, [g!, ...starts], { sizes: u!.shape.slice() }) : null,
    ...starts.map(() => null),
  ],
);
