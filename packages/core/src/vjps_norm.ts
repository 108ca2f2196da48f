// VJPs of prims_norm.ts's layer_norm and layer_norm_backward.
//
// layer_norm's is one layer_norm_backward for the output's gradient (ATen's
// formula, one kernel) plus, only when mean or rstd received a gradient (a
// double backward reaches them through layer_norm_backward's operands), their
// derivatives: d mean / dx = 1 / N, d rstd / dx = -rstd^3 (x - mean) / N.
//
// layer_norm_backward's (a double backward) is written with ops, so it runs and
// traces on any device. Per row of N, with xh = (x - mean) * rstd, gw = g * w,
// A = mean(gw), B = mean(gw * xh), its outputs are dx = rstd * (gw - A - xh * B),
// dw = sum over rows of g * xh and db = sum over rows of g. With cotangents u, v,
// z of dx, dw, db, U = sum(u), UX = sum(u * xh), and mean, rstd taken as
// operands of their own (their gradients go on to layer_norm's VJP):
//   Q = d/dgw = rstd * (u - U / N - UX * xh / N)
//   Rx = d/dxh = -rstd * (B * u + UX * gw / N) + v * g
//   dg = Q * w + v * xh + z,  dw = sum over rows of Q * g,  dx = Rx * rstd,
//   dmean = -rstd * sum(Rx),  drstd = sum(u * (gw - A - xh * B)) + sum(Rx * (x - mean)).
import { bind } from "./dispatch.js";
import { defineVjp } from "./primitive.js";
import { P } from "./prims.js";
import type { LayerNormAttrs, LayerNormBackwardAttrs } from "./prims_norm.js";
import { numelOf } from "./shape.js";
import type { Tensor } from "./tensor.js";

const innerDims = (x: Tensor, axis: number): number[] => [...Array(x.ndim - axis).keys()].map((i) => axis + i);
const plus = (a: Tensor | null, b: Tensor | null): Tensor | null => (a && b ? a.add(b) : (a ?? b));

defineVjp<LayerNormAttrs>(
  "layer_norm",
  { inputs: true, outputs: [false, true, true] },
  ([gy, gmean, grstd], [x, ...params], [, mean, rstd], { axis, weight, bias }, needs) => {
    const w = weight ? params[0]! : null;
    const mask: [boolean, boolean, boolean] = [needs[0]!, weight && needs[1]!, bias && needs[1 + +weight]!];
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (gy && mask.some((m) => m)) {
      const got = bind(P.layer_norm_backward, w ? [gy, x!, mean!, rstd!, w] : [gy, x!, mean!, rstd!], { axis, weight, mask });
      let k = 0;
      if (mask[0]) dx = got[k++]!;
      if (mask[1]) dw = got[k++]!;
      if (mask[2]) db = got[k++]!;
    }
    if (needs[0] && (gmean || grstd)) {
      const n = numelOf(x!.shape.slice(axis));
      if (gmean) dx = plus(dx, gmean.div(n).expand(x!.shape));
      if (grstd) dx = plus(dx, grstd.mul(rstd!.pow(3)).mul(x!.sub(mean!)).div(-n));
    }
    const out = [dx];
    if (weight) out.push(dw);
    if (bias) out.push(db);
    return out;
  },
);

defineVjp<LayerNormBackwardAttrs>("layer_norm_backward", { inputs: true }, (cts, [g, x, mean, rstd, w], _o, { axis, weight, mask }) => {
  let k = 0;
  const u = mask[0] ? cts[k++] : null;
  const v = mask[1] ? cts[k++] : null;
  const z = mask[2] ? cts[k++] : null;
  const dims = innerDims(x!, axis);
  const lead = [...Array(axis).keys()];
  const n = numelOf(x!.shape.slice(axis));
  const wt = weight ? w! : null;
  const xc = x!.sub(mean!);
  const xh = xc.mul(rstd!);
  const gw = wt ? g!.mul(wt) : g!;
  const rowSum = (t: Tensor) => t.sum(dims, true);
  let q: Tensor | null = null;
  let rx: Tensor | null = v ? v.mul(g!) : null;
  let drstd: Tensor | null = null;
  if (u) {
    const B = rowSum(gw.mul(xh)).div(n);
    const A = rowSum(gw).div(n);
    const UX = rowSum(u.mul(xh));
    q = rstd!.mul(u.sub(rowSum(u).div(n)).sub(UX.mul(xh).div(n)));
    rx = plus(rx, rstd!.neg().mul(B.mul(u).add(UX.mul(gw).div(n))));
    drstd = rowSum(u.mul(gw.sub(A).sub(xh.mul(B))));
  }
  const dg = plus(plus(q && wt ? q.mul(wt) : q, v ? v.mul(xh) : null), z ? z.expand(x!.shape) : null);
  // sum(dim=[]) would sum everything: with axis 0 there is one row
  const dw = wt && q ? (lead.length ? q.mul(g!).sum(lead) : q.mul(g!)) : null;
  const dx = rx ? rx.mul(rstd!) : null;
  const dmean = rx ? rstd!.neg().mul(rowSum(rx)) : null;
  drstd = plus(drstd, rx ? rowSum(rx.mul(xc)) : null);
  const out = [dg, dx, dmean, drstd];
  if (weight) out.push(dw);
  return out;
});
