// VJPs of prims_bits.ts, written with ops so they run and trace on any device.
// - clamp(min, x, max): PyTorch's clamp_backward / clamp_backward_min_max
//   (derivatives.yaml): x gets the cotangent where min <= x <= max (ties at a
//   bound included; NaN x gets none); min where x < min and min < max; max
//   where x > max or max < min (with min > max the result is max everywhere).
//   A 0-d bound's gradient is summed by autograd (scalar operands).
// - cbrt: g / (3 cbrt(x)^2), from the output.
// - reduce_precision: linear, so the cotangent is rounded the same way (as JAX).
// - optimization_barrier: identity on each operand.
// - shifts, popcnt, rng_bit_generator: integer results, never recorded (autograd
//   records floating outputs only); their rules return no gradient all the same.
// - bitcast_convert: not differentiable (PyTorch's view.dtype has
//   output_differentiability False: the surface detaches its input), except
//   the complex <-> (re, im) pair reinterpretations of view_as_real /
//   view_as_complex / real / imag (attrs.grad): the cotangent reinterpreted
//   back, as values (complex(g[..., 0], g[..., 1]) or stack(re g, im g)).
import { defineVjp } from "./primitive.js";
import { bind1 } from "./dispatch.js";
import { P } from "./prims.js";
import * as E from "./ops/elementwise.js";
import { select, stack } from "./ops/shape.js";
import type { DType } from "./dtype.js";

defineVjp("clamp", { inputs: true }, ([g], [lo, x, hi], _o, _a, needs) => [
  needs[0] ? E.where(E.logical_and(E.lt(x!, lo!), E.lt(lo!, hi!)), g!, 0) : null,
  needs[1] ? E.where(E.logical_and(E.ge(x!, lo!), E.le(x!, hi!)), g!, 0) : null,
  needs[2] ? E.where(E.logical_or(E.gt(x!, hi!), E.lt(hi!, lo!)), g!, 0) : null,
]);

defineVjp("cbrt", { outputs: true }, ([g], _x, [y]) => [E.div(g!, E.mul(E.mul(y!, y!), 3))]);

defineVjp<{ exponent_bits: number; mantissa_bits: number }>("reduce_precision", { inputs: false, outputs: false }, ([g], _x, _o, a) => [
  bind1(P.reduce_precision, [g!], a),
]);

defineVjp("optimization_barrier", { inputs: false, outputs: false }, (cts) => [...cts]);

const noGradient = (_cts: unknown, ins: readonly unknown[]) => ins.map(() => null);
for (const n of ["shift_left", "shift_right_arithmetic", "shift_right_logical", "popcnt", "rng_bit_generator"])
  defineVjp(n, { inputs: false, outputs: false }, noGradient);
defineVjp<{ dtype: DType; grad?: boolean }>("bitcast_convert", { inputs: false, outputs: false }, ([g], [x], _o, a) => {
  if (!a.grad || !g) return [null];
  if (x!.dtype.is_complex) return [bind1(P.complex, [select(g, -1, 0), select(g, -1, 1)])];
  return [stack([bind1(P.real, [g]), bind1(P.imag, [g])], -1)];
});
