// Every primitive's gradient, in one table (in the spirit of PyTorch's
// derivatives.yaml). VJPs are written with ops, so they run on any device and
// can themselves be differentiated (create_graph).
import { bind1 } from "./dispatch.js";
import { defineVjp } from "./primitive.js";
import { P, type DotDims } from "./prims.js";
import type { Tensor } from "./tensor.js";
import { expandTo, convert } from "./ops/base.js";
import * as E from "./ops/elementwise.js";
import { reducePrim } from "./ops/reduce.js";
import { reshape, split, permute } from "./ops/shape.js";
import { zeros_like } from "./ops/creation.js";
import { fullIndex } from "./ops/indexing.js";
import { accumulatedScan } from "./ops/scan_acc.js";
import { scatterAlongBatched } from "./ops/slices.js";
import { complexSgn, conjIfComplex as cj } from "./ops/complex.js";
import { complexAwareUnary, complexPowerVjp } from "./vjps_complex.js";

import type { Saves } from "./primitive.js";
const none: Saves = { inputs: false, outputs: false };
const IN: Saves = { inputs: true };
const OUT: Saves = { outputs: true };
const BOTH: Saves = { inputs: true, outputs: true };
type G = Tensor;
const zero = (x: Tensor) => zeros_like(x);

// ---- unary ------------------------------------------------------------------
const unary: Record<string, [typeof none, (g: G, x: Tensor, y: Tensor) => Tensor]> = {
  neg: [none, (g) => E.neg(g)],
  // complex operands: PyTorch's conjugate Wirtinger convention, grad = g * conj(f'(z)) for holomorphic f
  abs: [IN, (g, x) => E.mul(g, x.dtype.is_complex ? complexSgn(x) : E.sign(x))],
  sign: [IN, (_g, x) => zero(x)],
  floor: [IN, (_g, x) => zero(x)],
  ceil: [IN, (_g, x) => zero(x)],
  round_nearest_even: [IN, (_g, x) => zero(x)],
  exp: [OUT, (g, _x, y) => E.mul(g, cj(y))],
  log: [IN, (g, x) => E.div(g, cj(x))],
  log1p: [IN, (g, x) => E.div(g, E.add(x, 1))],
  expm1: [OUT, (g, _x, y) => E.mul(g, E.add(y, 1))],
  sqrt: [OUT, (g, _x, y) => E.div(g, E.mul(cj(y), 2))],
  rsqrt: [OUT, (g, _x, y) => E.mul(g, E.mul(E.pow(y, 3), -0.5))],
  sin: [IN, (g, x) => E.mul(g, E.cos(x))],
  cos: [IN, (g, x) => E.mul(g, E.neg(E.sin(x)))],
  tan: [OUT, (g, _x, y) => E.mul(g, E.add(E.mul(y, y), 1))],
  tanh: [OUT, (g, _x, y) => E.mul(g, E.sub(1, E.mul(y, y)))],
  logistic: [OUT, (g, _x, y) => E.mul(g, E.mul(y, E.sub(1, y)))],
  erf: [IN, (g, x) => E.mul(g, E.mul(E.exp(E.neg(E.mul(x, x))), 2 / Math.sqrt(Math.PI)))],
  erfinv: [OUT, (g, _x, y) => E.mul(g, E.mul(E.exp(E.mul(y, y)), Math.sqrt(Math.PI) / 2))],
  asin: [IN, (g, x) => E.div(g, E.sqrt(E.sub(1, E.mul(x, x))))],
  acos: [IN, (g, x) => E.neg(E.div(g, E.sqrt(E.sub(1, E.mul(x, x)))))],
  atan: [IN, (g, x) => E.div(g, E.add(E.mul(x, x), 1))],
  sinh: [IN, (g, x) => E.mul(g, E.cosh(x))],
  cosh: [IN, (g, x) => E.mul(g, E.sinh(x))],
  asinh: [IN, (g, x) => E.div(g, E.sqrt(E.add(E.mul(x, x), 1)))],
  acosh: [IN, (g, x) => E.div(g, E.sqrt(E.sub(E.mul(x, x), 1)))],
  atanh: [IN, (g, x) => E.div(g, E.sub(1, E.mul(x, x)))],
};
for (const [name, [saves, f]] of Object.entries(unary)) {
  const vjp = complexAwareUnary(name, f);
  defineVjp(name, saves, ([g], [x], [y]) => [vjp(g!, x!, y!)]);
}

// ---- binary -----------------------------------------------------------------
defineVjp("add", none, ([g]) => [g!, g!]);
defineVjp("subtract", none, ([g], _i, _o, _a, needs) => [g!, needs[1] ? E.neg(g!) : null]);
// x * y: grad x needs y, grad y needs x
defineVjp(
  "multiply",
  (r) => ({ inputs: [r[1]!, r[0]!] }),
  ([g], [a, b], _o, _a, needs) => [needs[0] ? E.mul(g!, cj(b!)) : null, needs[1] ? E.mul(g!, cj(a!)) : null],
);
defineVjp(
  "divide",
  (r) => ({ inputs: [false, true], outputs: r[1] }),
  ([g], [, b], [y], _a, needs) => [needs[0] ? E.div(g!, cj(b!)) : null, needs[1] ? E.neg(E.div(E.mul(g!, cj(y!)), cj(b!))) : null],
);
defineVjp("remainder", IN, ([g], [a, b], _o, _a, needs) => [g!, needs[1] ? E.mul(E.neg(g!), E.trunc(E.div(a!, b!))) : null]);
defineVjp("power", BOTH, ([g], [x, e], [y], _a, needs) =>
  y!.dtype.is_complex
    ? complexPowerVjp(g!, x!, e!, y!, needs)
    : [
        // d/dx x^e = e x^(e-1), taken as 0 where e == 0 (PyTorch's pow_backward_self)
        needs[0] ? E.where(E.eq(e!, 0), 0, E.mul(g!, E.mul(e!, E.pow(x!, E.sub(e!, 1))))) : null,
        // d/de x^e = x^e log x, taken as 0 where x == 0 and e >= 0
        needs[1] ? E.where(E.logical_and(E.eq(x!, 0), E.ge(e!, 0)), 0, E.mul(g!, E.mul(y!, E.log(x!)))) : null,
      ],
);
const extremumVjp =
  (dir: "GT" | "LT") =>
  ([g]: (Tensor | null)[], [a, b]: readonly Tensor[]) => {
    const win = dir === "GT" ? E.gt(a!, b!) : E.lt(a!, b!);
    const lose = dir === "GT" ? E.lt(a!, b!) : E.gt(a!, b!);
    const tie = E.eq(a!, b!);
    const half = E.div(g!, 2);
    return [E.where(win, g!, E.where(tie, half, 0)), E.where(lose, g!, E.where(tie, half, 0))];
  };
defineVjp("maximum", IN, extremumVjp("GT"));
defineVjp("minimum", IN, extremumVjp("LT"));
defineVjp("atan2", IN, ([g], [a, b]) => {
  const d = E.add(E.mul(a!, a!), E.mul(b!, b!));
  return [E.div(E.mul(g!, b!), d), E.div(E.mul(E.neg(g!), a!), d)];
});
// only the condition: PyTorch's where saves nothing else, so writing in place to a branch after it is fine (leaky_relu(inplace=True) after BatchNorm)
defineVjp("select", { inputs: [true, false, false] }, ([g], [p], _o, _a, needs) => [
  null,
  needs[1] ? E.where(p!, g!, 0) : null,
  needs[2] ? E.where(p!, 0, g!) : null,
]);
defineVjp("convert", none, ([g], [x]) => {
  if (!x!.dtype.is_floating_point && !x!.dtype.is_complex) return [null];
  // a real input's gradient is the real part of a complex one
  return [convert(g!.dtype.is_complex && !x!.dtype.is_complex ? bind1(P.real, [g!]) : g!, x!.dtype)];
});
// complex numbers: complex(re, im) <-> real/imag
defineVjp("complex", none, ([g]) => [bind1(P.real, [g!]), bind1(P.imag, [g!])]);
defineVjp("real", none, ([g], [z]) => [bind1(P.complex, [g!, zeros_like(g!)])].map((t) => convert(t, z!.dtype)));
defineVjp("imag", none, ([g], [z]) => [bind1(P.complex, [zeros_like(g!), g!])].map((t) => convert(t, z!.dtype)));
defineVjp("copy", none, ([g]) => [g!]);

// ---- layout -----------------------------------------------------------------
defineVjp<{ shape: number[]; dims: number[] }>("broadcast_in_dim", none, ([g], [x], _o, { shape, dims }) => {
  const summed = shape.map((_, d) => d).filter((d) => !dims.includes(d) || x!.shape[dims.indexOf(d)] !== shape[d]);
  return [reshape(summed.length ? reducePrim(g!, "sum", summed, false) : g!, x!.shape.slice())];
});
defineVjp("reshape", none, ([g], [x]) => [reshape(g!, x!.shape.slice())]);
defineVjp<{ perm: number[] }>("transpose", none, ([g], _i, _o, { perm }) => {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return [permute(g!, inv)];
});
defineVjp<{ start: number[]; limit: number[]; step: number[] }>("slice", none, ([g], [x], _o, { start, step }) => {
  if (g!.numel() === 0) return [zero(x!)];
  const high = x!.shape.map((n, d) => n - (start[d]! + (g!.shape[d]! - 1) * step[d]! + 1));
  return [bind1(P.pad!, [g!], { low: start, high, interior: step.map((s) => s - 1), value: 0 })];
});
defineVjp<{ low: number[]; interior: number[] }>("pad", none, ([g], [x], _o, { low, interior }) => [
  bind1(P.slice!, [g!], {
    start: low,
    limit: x!.shape.map((n, d) => low[d]! + Math.max(0, (n - 1) * (interior[d]! + 1) + 1)),
    step: interior.map((i) => i + 1),
  }),
]);
defineVjp<{ dim: number }>("concatenate", none, ([g], ins, _o, { dim }) =>
  split(
    g!,
    ins.map((t) => t.shape[dim]!),
    dim,
  ),
);
defineVjp<{ dims: number[] }>("reverse", none, ([g], _i, _o, { dims }) => [bind1(P.reverse!, [g!], { dims })]);

/** What dot_general's VJP needs from its dimension numbers and the operands' ranks (shared: attributes are never mutated). */
interface DotPlan {
  ln: number;
  rn: number;
  gLhs: DotDims;
  gRhs: DotDims;
  permL: number[] | null;
  permR: number[] | null;
}
const dotPlans = new WeakMap<DotDims, DotPlan>();
function dotPlan(dd: DotDims, ln: number, rn: number): DotPlan {
  const cached = dotPlans.get(dd);
  if (cached && cached.ln === ln && cached.rn === rn) return cached;
  const nb = dd.lhs_batch.length;
  const lf = [...Array(ln).keys()].filter((d) => !dd.lhs_batch.includes(d) && !dd.lhs_contract.includes(d));
  const rf = [...Array(rn).keys()].filter((d) => !dd.rhs_batch.includes(d) && !dd.rhs_contract.includes(d));
  const gb = [...Array(nb).keys()];
  const gl = lf.map((_, i) => nb + i),
    gr = rf.map((_, i) => nb + lf.length + i);
  const rcSorted = [...dd.rhs_contract].sort((a, b) => a - b);
  const lhsDims = [...dd.lhs_batch, ...lf, ...rcSorted.map((rc) => dd.lhs_contract[dd.rhs_contract.indexOf(rc)]!)];
  const lcSorted = [...dd.lhs_contract].sort((a, b) => a - b);
  const rhsDims = [...dd.rhs_batch, ...rf, ...lcSorted.map((lc) => dd.rhs_contract[dd.lhs_contract.indexOf(lc)]!)];
  const layout = (dims: number[]) => {
    const perm = new Array<number>(dims.length);
    dims.forEach((d, pos) => {
      perm[d] = pos;
    });
    return perm.every((p, i) => p === i) ? null : perm;
  };
  const plan: DotPlan = {
    ln,
    rn,
    gLhs: { lhs_batch: gb, rhs_batch: dd.rhs_batch, lhs_contract: gr, rhs_contract: rf },
    gRhs: { lhs_batch: gb, rhs_batch: dd.lhs_batch, lhs_contract: gl, rhs_contract: lf },
    permL: layout(lhsDims),
    permR: layout(rhsDims),
  };
  dotPlans.set(dd, plan);
  return plan;
}
defineVjp<DotDims>("dot_general", IN, ([g], [l, r], _o, dd, needs) => {
  const plan = dotPlan(dd, l!.ndim, r!.ndim);
  // grad_lhs = g · rhs over rhs's free dims; result [batch, lhs free, rhs contract dims ascending]
  const gl_ = needs[0] ? bind1(P.dot_general!, [g!, cj(r!)], plan.gLhs) : null;
  // grad_rhs = g · lhs over lhs's free dims; result [batch, rhs free, lhs contract dims ascending]
  const gr_ = needs[1] ? bind1(P.dot_general!, [g!, cj(l!)], plan.gRhs) : null;
  return [gl_ && plan.permL ? permute(gl_, plan.permL) : gl_, gr_ && plan.permR ? permute(gr_, plan.permR) : gr_];
});

// ---- reductions and scans -----------------------------------------------------
defineVjp<{ op: string; dims: number[] }>(
  "reduce",
  (_r, a) => (a.op === "sum" ? none : BOTH),
  ([g], [x], [y], { op, dims }) => {
    const kept = x!.shape.map((s, d) => (dims.includes(d) ? 1 : s));
    const gb = expandTo(reshape(g!, kept), x!.shape);
    if (op === "sum") return [gb];
    const yb = expandTo(reshape(y!, kept), x!.shape);
    if (op === "prod") return [E.mul(gb, productOfOthers(x!, dims))];
    // max/min: the gradient is shared evenly among the elements equal to the result
    const mask = convert(E.eq(x!, yb), g!.dtype);
    const count = expandTo(reducePrim(mask, "sum", dims, true), x!.shape);
    return [E.div(E.mul(gb, mask), count)];
  },
);
defineVjp<{ op: string; dim: number }>("cumulative", BOTH, ([g], [x], [y], { op, dim }) => {
  const revcumsum = (t: Tensor) =>
    bind1(P.reverse!, [bind1(P.cumulative!, [bind1(P.reverse!, [t], { dims: [dim] })], { op: "sum", dim })], { dims: [dim] });
  if (op === "sum") return [revcumsum(g!)];
  return [cumprodGrad(g!, x!, dim)];
});
// gather and scatter read only the index's values (x is used for its shape), so a
// later in-place write to x (setitem's scatter into a view of its target) is no error
const INDEX_ONLY: Saves = { inputs: [false, true, false] };
defineVjp("gather", INDEX_ONLY, ([g], [x, idx]) => [bind1(P.scatter!, [zero(x!), idx!, g!], { reduce: "add" }), null]);
defineVjp<{ reduce: string }>("scatter", INDEX_ONLY, ([g], [, idx], _o, { reduce }) => {
  const gUpd = bind1(P.gather!, [g!, idx!]);
  if (reduce === "add") return [g!, null, gUpd];
  return [bind1(P.scatter!, [g!, idx!, zeros_like(gUpd)], { reduce: "none" }), null, gUpd];
});
// one windowed scatter along the dim, the other dims batching dims (no coordinate tensor); a 0-dim x: a point
defineVjp<{ dim: number }>("sort", { outputs: true }, ([g], [x], [, idx], { dim }) => [
  g
    ? (scatterAlongBatched(zero(x!), dim, idx!, g, "add") ?? bind1(P.scatter!, [zero(x!), fullIndex(idx!, dim), g], { reduce: "add" }))
    : null,
]);

/** prod_{j != i} x_j over `dims` for every i, exact with zeros (exclusive cumprods both ways). */
function productOfOthers(x: Tensor, dims: number[]): Tensor {
  const rest = [...x.shape.keys()].filter((d) => !dims.includes(d));
  const perm = [...rest, ...dims];
  const n = dims.reduce((a, d) => a * x.shape[d]!, 1);
  if (n === 0) return zero(x); // x is empty: nothing to multiply
  const flat = reshape(permute(x, perm), [...rest.map((d) => x.shape[d]!), n]);
  const last = flat.ndim - 1;
  const exclusive = (t: Tensor) => {
    // PyTorch's prod backward takes these cumprods with at::cumprod (accumulated in double for float32)
    const c = accumulatedScan(t, "prod", last);
    const shifted = bind1(P.slice!, [c], {
      start: c.shape.map(() => 0),
      limit: c.shape.map((s, d) => (d === last ? s - 1 : s)),
      step: c.shape.map(() => 1),
    });
    return bind1(P.pad!, [shifted], {
      low: c.shape.map((_, d) => (d === last ? 1 : 0)),
      high: c.shape.map(() => 0),
      interior: c.shape.map(() => 0),
      value: 1,
    });
  };
  const flipLast = (t: Tensor) => bind1(P.reverse!, [t], { dims: [last] });
  const others = E.mul(exclusive(flat), flipLast(exclusive(flipLast(flat))));
  const unflat = reshape(
    others,
    perm.map((d) => x.shape[d]!),
  );
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return permute(unflat, inv);
}

/**
 * Gradient of cumprod that stays exact with zeros: grad_i = sum_{k>=i} g_k *
 * prod_{j<=k, j!=i} x_j, from an [n, n] table per row (O(n^2), like PyTorch's
 * fallback for inputs containing zeros).
 */
function cumprodGrad(g: Tensor, x: Tensor, dim: number): Tensor {
  const n = x.shape[dim]!;
  const xl = E.movedimLast(x, dim),
    gl = E.movedimLast(g, dim);
  const lead = xl.shape.slice(0, -1);
  const eye = E.eqIota(n, x);
  const table = E.where(eye, 1, expandTo(reshape(xl, [...lead, 1, n]), [...lead, n, n]));
  const c = bind1(P.cumulative!, [table], { op: "prod", dim: lead.length + 1 });
  const upper = E.geIota(n, x);
  const terms = E.where(upper, E.mul(c, expandTo(reshape(gl, [...lead, 1, n]), [...lead, n, n])), 0);
  const r = reducePrim(terms, "sum", [lead.length + 1], false);
  return E.movedimBack(r, dim);
}
