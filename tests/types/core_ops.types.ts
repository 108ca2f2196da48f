// Type-level tests of core's op functions whose result depends on their
// arguments (checked by `tsc -p tsconfig.json`): plain lines must compile,
// lines marked @ts-expect-error must not.
import { atleast_1d, atleast_2d, atleast_3d, max, median, min, nanmedian, ones, where, type Tensor } from "@xlatorch/core";

const x: Tensor = ones(3, 4);

// without a dim: one Tensor
const m0: Tensor = max(x);
const m1: Tensor = min(x, x);
const m2: Tensor = median(x);
const m3: Tensor = nanmedian(x);
m0.add(m1).add(m2).add(m3);

// with a dim: (values, indices), by position or by name
const v0 = max(x, 1);
const v1 = min(x, 0, true);
const v2 = median(x, { dim: 1, keepdim: false });
const v3 = nanmedian(x, 1, { keepdim: true });
const parts: Tensor[] = [v0.values, v0.indices, v1.values, v2.indices, v3.values, v0[0]!, v1[1]!];
void parts;
// @ts-expect-error a full reduction is one Tensor, with no indices
max(x).indices;
// @ts-expect-error (values, indices) is not a Tensor
const notTensor: Tensor = max(x, 1);
void notTensor;

// atleast_*: a Tensor for one tensor, a Tensor[] for several or a list
const a1: Tensor = atleast_1d(x);
const a2: Tensor[] = atleast_2d(x, x);
const a3: Tensor[] = atleast_3d([x, x]);
void [a1, a2, a3];
// @ts-expect-error several tensors give a list
const notOne: Tensor = atleast_1d(x, x);
void notOne;

// where(condition) is nonzero(condition, as_tuple=True); where(condition, input, other) one Tensor
const idx: Tensor[] = where(x.gt(0));
const sel: Tensor = where(x.gt(0), x, 0);
void [idx, sel];
