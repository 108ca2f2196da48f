// VJPs of the window primitives (prims_window.ts), written with primitives so
// they run and trace on any device and differentiate again:
// - convolution: the input gradient is the convolution of the cotangent with
//   the spatially reversed, in/out-swapped kernel, the forward strides becoming
//   lhs dilation (the transposed convolution); the kernel gradient is the
//   convolution of the input with the cotangent, batch and feature roles
//   swapped, feature groups becoming batch groups (XLA's and JAX's rules:
//   jax/_src/lax/convolution.py, _conv_general_dilated_transpose_lhs/rhs).
// - reduce_window sum: the cotangent, padded and interior-padded by the strides,
//   summed over the same windows; max: select_and_scatter (the first maximum of
//   each window gets the window's cotangent).
// - select_and_scatter: the source's gradient gathers the cotangent at each
//   window's selected element (the operand's gradient is zero).
import { bind1 } from "./dispatch.js";
import { TorchError } from "./errors.js";
import { defineVjp } from "./primitive.js";
import { P } from "./prims.js";
import type { ConvAttrs, WindowAttrs, WindowReduceOp } from "./prims_window.js";
import type { Tensor } from "./tensor.js";
import { iota } from "./ops/base.js";
import { zeros_like } from "./ops/creation.js";
import * as E from "./ops/elementwise.js";
import { argmax, sum } from "./ops/reduce.js";
import { permute, reshape, stack } from "./ops/shape.js";

const dilate = (n: number, d: number) => (n === 0 ? 0 : (n - 1) * d + 1);
const swap01 = (s: readonly number[]) => [s[1]!, s[0]!, ...s.slice(2)];
const take = (shape: readonly number[], dims: readonly number[]) => dims.map((d) => shape[d]!);

/** Splits axis `src` into [size, n / size] (size major). */
function axisOutOf(src: number, size: number, x: Tensor): Tensor {
  const s = x.shape;
  return reshape(x, [...s.slice(0, src), size, s[src]! / size, ...s.slice(src + 1)]);
}
/** Merges axis `src` into axis `dst` (numbered without src) as its major part. */
function axisInto(src: number, dst: number, x: Tensor): Tensor {
  const perm = [...x.shape.keys()].filter((d) => d !== src);
  perm.splice(dst, 0, src);
  const shape = x.shape.filter((_, d) => d !== src);
  shape[dst] = shape[dst]! * x.shape[src]!;
  return reshape(permute(x, perm), shape);
}

/** Padding of the input-gradient convolution (JAX's _conv_general_vjp_lhs_padding). */
function lhsPadding(inS: number[], k: number[], strides: number[], outS: number[], pad: [number, number][], ld: number[], rd: number[]) {
  return inS.map((n, i): [number, number] => {
    const lhsD = dilate(n, ld[i]!),
      rhsD = dilate(k[i]!, rd[i]!),
      outD = dilate(outS[i]!, strides[i]!);
    const before = rhsD - pad[i]![0] - 1;
    return [before, lhsD + rhsD - 1 - outD - before];
  });
}

/** Padding of the kernel-gradient convolution (JAX's _conv_general_vjp_rhs_padding). */
function rhsPadding(inS: number[], k: number[], strides: number[], outS: number[], pad: [number, number][], ld: number[], rd: number[]) {
  return inS.map((n, i): [number, number] => {
    const lhsD = dilate(n, ld[i]!),
      rhsD = dilate(k[i]!, rd[i]!),
      outD = dilate(outS[i]!, strides[i]!);
    const lo = pad[i]![0];
    return [lo, outD - lhsD + (rhsD - lo - 1)];
  });
}

const conv = (l: Tensor, r: Tensor, a: ConvAttrs) => bind1(P.convolution, [l, r], a);

function convLhsGrad(g: Tensor, l: Tensor, r: Tensor, a: ConvAttrs): Tensor {
  let rhs = r;
  const B = a.batch_group_count;
  let G = a.feature_group_count;
  // the group axis of the kernel's output features moves into its input features
  if (G > 1 || B > 1) {
    const n = G > 1 ? G : B;
    rhs = axisInto(a.rhs_spec[0]!, a.rhs_spec[1]!, axisOutOf(a.rhs_spec[0]!, n, rhs));
    G = n;
  }
  const rs = a.rhs_spec.slice(2);
  const padding = lhsPadding(
    take(l.shape, a.lhs_spec.slice(2)),
    take(rhs.shape, rs),
    a.window_strides,
    take(g.shape, a.out_spec.slice(2)),
    a.padding,
    a.lhs_dilation,
    a.rhs_dilation,
  );
  let out = conv(g, rs.length ? bind1(P.reverse, [rhs], { dims: rs }) : rhs, {
    window_strides: a.lhs_dilation,
    padding,
    lhs_dilation: a.window_strides,
    rhs_dilation: a.rhs_dilation,
    feature_group_count: G,
    batch_group_count: 1,
    lhs_spec: a.out_spec,
    rhs_spec: swap01(a.rhs_spec),
    out_spec: a.lhs_spec,
  });
  if (B > 1) out = axisInto(a.lhs_spec[1]!, a.lhs_spec[0]!, axisOutOf(a.lhs_spec[1]!, B, out));
  return out;
}

function convRhsGrad(g: Tensor, l: Tensor, r: Tensor, a: ConvAttrs): Tensor {
  if (g.numel() === 0) return zeros_like(r);
  let G = a.feature_group_count,
    B = a.batch_group_count;
  if (B > 1) {
    G = B;
    B = 1;
  } else if (G > 1) {
    B = G;
    G = 1;
  }
  const padding = rhsPadding(
    take(l.shape, a.lhs_spec.slice(2)),
    take(r.shape, a.rhs_spec.slice(2)),
    a.window_strides,
    take(g.shape, a.out_spec.slice(2)),
    a.padding,
    a.lhs_dilation,
    a.rhs_dilation,
  );
  return conv(l, g, {
    window_strides: a.rhs_dilation,
    padding,
    lhs_dilation: a.lhs_dilation,
    rhs_dilation: a.window_strides,
    feature_group_count: G,
    batch_group_count: B,
    lhs_spec: swap01(a.lhs_spec),
    rhs_spec: swap01(a.out_spec),
    out_spec: swap01(a.rhs_spec),
  });
}

defineVjp<ConvAttrs>(
  "convolution",
  (rg) => ({ inputs: [rg[1]!, rg[0]!] }),
  ([g], [l, r], _o, a, needs) => [needs[0] ? convLhsGrad(g!, l!, r!, a) : null, needs[1] ? convRhsGrad(g!, l!, r!, a) : null],
);

/** pad with StableHLO's signed edge padding: negative low/high crop. */
function padSigned(x: Tensor, lo: number[], hi: number[], interior: number[]): Tensor {
  const p = bind1(P.pad, [x], { low: lo.map((v) => Math.max(v, 0)), high: hi.map((v) => Math.max(v, 0)), interior, value: 0 });
  if (lo.every((v) => v >= 0) && hi.every((v) => v >= 0)) return p;
  return bind1(P.slice, [p], {
    start: lo.map((v) => Math.max(-v, 0)),
    limit: p.shape.map((n, d) => n - Math.max(-hi[d]!, 0)),
    step: lo.map(() => 1),
  });
}

defineVjp<WindowAttrs & { op: WindowReduceOp }>(
  "reduce_window",
  (_rg, a) => ({ inputs: a.op !== "sum", outputs: false }),
  ([g], [x], _o, a) => {
    const ones = a.window_dimensions.map(() => 1);
    if (a.op === "sum") {
      const pads = lhsPadding(
        x!.shape as number[],
        a.window_dimensions,
        a.window_strides,
        g!.shape as number[],
        a.padding,
        a.base_dilations,
        a.window_dilations,
      );
      const pg = padSigned(
        g!,
        pads.map((p) => p[0]),
        pads.map((p) => p[1]),
        a.window_strides.map((s) => s - 1),
      );
      return [
        bind1(P.reduce_window, [pg], {
          op: "sum",
          window_dimensions: a.window_dimensions,
          window_strides: a.base_dilations,
          base_dilations: ones,
          window_dilations: a.window_dilations,
          padding: ones.map((): [number, number] => [0, 0]),
        }),
      ];
    }
    const dilated = [...a.base_dilations, ...a.window_dilations].some((d) => d !== 1);
    if (a.op !== "max" || dilated)
      throw new TorchError(`reduce_window ${a.op}: the gradient is implemented for max over undilated windows only`);
    const { window_dimensions, window_strides, base_dilations, window_dilations, padding } = a;
    return [bind1(P.select_and_scatter, [x!, g!], { window_dimensions, window_strides, base_dilations, window_dilations, padding })];
  },
);

/** Each window's elements stacked on a new last dim (row-major window order), padding filled with `fill`. */
function windowStack(x: Tensor, a: WindowAttrs, outShape: readonly number[], fill: number): Tensor {
  const xp = bind1(P.pad, [x], {
    low: a.padding.map((p) => p[0]),
    high: a.padding.map((p) => p[1]),
    interior: a.padding.map(() => 0),
    value: fill,
  });
  let offs: number[][] = [[]];
  for (const k of a.window_dimensions) offs = offs.flatMap((o) => Array.from({ length: k }, (_, i) => [...o, i]));
  const parts = offs.map((off) =>
    bind1(P.slice, [xp], {
      start: off,
      limit: off.map((o, d) => o + (outShape[d]! - 1) * a.window_strides[d]! + 1),
      step: a.window_strides,
    }),
  );
  return stack(parts, -1);
}

defineVjp<WindowAttrs>("select_and_scatter", { inputs: [true, false] }, ([g], [x, s], _o, a, needs) => {
  if (!needs[1]) return [needs[0] ? zeros_like(x!) : null, null];
  // the element select_and_scatter picked: the first maximum of the window (argmax takes the
  // first NaN where the primitive takes the last: the two differ only for windows with several NaNs)
  const xs = windowStack(x!, a, s!.shape, Number.NEGATIVE_INFINITY);
  const gs = windowStack(g!, a, s!.shape, 0);
  const pick = argmax(xs, -1, { keepdim: true });
  const hit = E.eq(iota(xs.shape, xs.ndim - 1, xs), pick);
  return [needs[0] ? zeros_like(x!) : null, sum(E.where(hit, gs, 0), -1)];
});
