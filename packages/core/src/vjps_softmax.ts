// VJPs of prims_softmax.ts's softmax and softmax_backward.
//
// softmax's is one softmax_backward for y's cotangent, plus, only when e or s
// received one (a double backward reaches them through softmax_backward's
// operands), their derivatives: e = exp(x - m) passes u * e to x, s = sum(e)
// passes its cotangent broadcast along dim, times e.
//
// softmax_backward's (a double backward) is written with ops. With
// a = g / s, t = sum(-(g * y) / s) and h = a + t, its output is h * e; for a
// cotangent u: uh = u * e, ue = u * h, T = sum(uh) (the cotangent of every
// -(g * y) / s), so
//   dg = uh / s - T * y / s,  dy = -T * g / s,  de = u * h,
//   ds = sum(-uh * g / s^2) + sum(T * g * y / s^2).
import { bind } from "./dispatch.js";
import { defineVjp } from "./primitive.js";
import type { SoftmaxAttrs } from "./prims_softmax.js";
import { P } from "./prims.js";
import type { Tensor } from "./tensor.js";

const plus = (a: Tensor | null, b: Tensor | null): Tensor | null => (a && b ? a.add(b) : (a ?? b));

defineVjp<SoftmaxAttrs>("softmax", { inputs: false, outputs: true }, ([gy, ge, gs], _x, [y, e, s], { dim }) => {
  let gx: Tensor | null = gy ? bind(P.softmax_backward, [gy, y!, e!, s!], { dim })[0]! : null;
  // through e = exp(x - m) (m is a detached max: no gradient), and s = sum(e) whose cotangent reaches every e
  const toE = plus(ge ?? null, gs ? gs.expand(e!.shape) : null);
  if (toE) gx = plus(gx, toE.mul(e!));
  return [gx];
});

defineVjp<SoftmaxAttrs>("softmax_backward", { inputs: true }, ([u], [g, y, e, s], _o, { dim }, needs) => {
  if (!u) return [null, null, null, null];
  const a = g!.div(s!);
  const t = g!.mul(y!).div(s!).neg().sum(dim, true);
  const uh = u.mul(e!);
  const T = uh.sum(dim, true);
  const gOverS2 = g!.div(s!).div(s!);
  return [
    needs[0] ? uh.div(s!).sub(T.mul(y!).div(s!)) : null,
    needs[1] ? T.neg().mul(g!).div(s!) : null,
    needs[2] ? u.mul(a.add(t)) : null,
    needs[3] ? uh.neg().mul(gOverS2).sum(dim, true).add(T.mul(gOverS2).mul(y!).sum(dim, true)) : null,
  ];
});
