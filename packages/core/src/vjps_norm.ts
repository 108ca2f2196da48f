// VJP of prims_norm.ts's mul_add_convert, written with ops so it runs and traces
// on any device. It is what autograd computed through the ops it replaces
// (multiply, add, convert): the cotangent converted to the operands' dtype, then
// the multiply's g * b and g * a and the add's g. The operands are a convert of
// the input and broadcasts of smaller tensors, whose VJPs then round and sum
// these as before.
import { defineVjp } from "./primitive.js";
import { convert } from "./ops/base.js";
import * as E from "./ops/elementwise.js";

defineVjp("mul_add_convert", { inputs: true }, ([g], [a, b], _o, _a, needs) => {
  const gw = convert(g!, a!.dtype);
  return [needs[0] ? E.mul(gw, b!) : null, needs[1] ? E.mul(gw, a!) : null, needs[2] ? gw : null];
});
