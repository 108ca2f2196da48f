// stablehlo.reduce on the CPU runtime: the kernel reduces from the body's
// identity and the init value is combined after (body(init, r), kernel_step.ts
// reduceInit). Where init is the identity and the result holds no NaN (and,
// for a sum from +0, no -0) the combine is skipped; these cases check that
// every result equals body(init, r) as IEEE 754 gives it, in particular where
// the skip must not happen: rows of -0 summed from +0 (the result is +0), NaN
// rows, and inits that are not the identity. (The sum kernel starts from +0,
// so a row of -0 summed from a -0 init gives +0, where the spec's order of
// additions would keep -0: not asserted here, and unchanged by the skip.)
import { describe, expect, it } from "vitest";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";

const rt = new CpuRuntime();

/** reduce of a 3x4 float32 (or float64) input over dim 1 with `body` and the scalar init `init`. */
function reduceRows(body: string, init: number, x: number[], ty = "f32"): number[] {
  const exe = rt.compile(
    parseModule(`func.func @main(%x: tensor<3x4x${ty}>, %i: tensor<${ty}>) -> tensor<3x${ty}> {
  %r = stablehlo.reduce(%x init: %i) applies stablehlo.${body} across dimensions = [1] : (tensor<3x4x${ty}>, tensor<${ty}>) -> tensor<3x${ty}>
  return %r : tensor<3x${ty}>
}`),
  );
  const A = ty === "f32" ? Float32Array : Float64Array;
  const dt = ty === "f32" ? "float32" : "float64";
  const [r] = rt.execute(exe, [rt.toDevice(A.from(x), dt, [3, 4]), rt.toDevice(A.of(init), dt, [])]);
  return Array.from(rt.toHost(r!) as Float32Array | Float64Array);
}

const same = (got: number[], want: number[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, k) => expect(Object.is(g, want[k]), `[${k}] ${g} vs ${want[k]}`).toBe(true));
};

const nz = -0;
describe("cpu runtime reduce: the init value combined after the kernel", () => {
  for (const ty of ["f32", "f64"]) {
    it(`add from +0: -0 rows become +0, NaN stays NaN, other sums unchanged (${ty})`, () => {
      same(reduceRows("add", 0, [nz, nz, nz, nz, 1, 2, 3, 4, Number.NaN, 1, 2, 3], ty), [0, 10, Number.NaN]);
    });
    it(`add from -0: the identity too, NaN rows stay NaN (${ty})`, () => {
      same(reduceRows("add", nz, [0, 0, 0, 0, 1, 2, 3, 4, -1, -2, Number.NaN, -4], ty), [0, 10, Number.NaN]);
    });
    it(`add from 1.5 (not the identity): the init is added (${ty})`, () => {
      same(reduceRows("add", 1.5, [nz, nz, nz, nz, 1, 2, 3, 4, -1, -2, -3, -4], ty), [1.5, 11.5, -8.5]);
    });
    it(`maximum from -inf and from 2.5 (${ty})`, () => {
      const x = [nz, nz, nz, nz, 1, 2, 3, 4, -7, Number.NaN, -3, -4];
      same(reduceRows("maximum", Number.NEGATIVE_INFINITY, x, ty), [nz, 4, Number.NaN]);
      same(reduceRows("maximum", 2.5, x, ty), [2.5, 4, Number.NaN]);
    });
    it(`minimum from +inf and from -0.5 (${ty})`, () => {
      const x = [0, 0, 0, 0, 1, 2, 3, 4, Number.NaN, 1, 2, 3];
      same(reduceRows("minimum", Number.POSITIVE_INFINITY, x, ty), [0, 1, Number.NaN]);
      same(reduceRows("minimum", -0.5, x, ty), [-0.5, -0.5, Number.NaN]);
    });
    it(`multiply from 1 and from 3 (${ty})`, () => {
      const x = [nz, 1, 1, 1, 1, 2, 3, 4, -1, 1, 1, 1];
      same(reduceRows("multiply", 1, x, ty), [nz, 24, -1]);
      same(reduceRows("multiply", 3, x, ty), [nz, 72, -3]);
    });
  }
});
