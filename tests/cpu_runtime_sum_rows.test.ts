// A pass of several float64 sums (packages/cpu/src/runtime/fused_sums.ts,
// layer_norm_backward's four sums in the xla step) over rows side by side
// (compileRows: every sum one per row of the last dim or one per column of it,
// several rows' chains of float64 adds in flight): every sum equals the one
// the row-at-a-time pass makes and the one its own loop makes, bit for bit,
// with NaN, ±Inf, ±0 among the values, dense, row-expanded, column-expanded,
// transposed and 0-d leaves, and a row count that is not a multiple of the
// rows taken at once. A leaf whose leading dims are not one run of rows (a
// transpose among them) takes the row-at-a-time pass.
import { afterEach, describe, expect, it } from "vitest";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import { groupConfig, groupStats, sumGroupConfig } from "../packages/cpu/src/runtime/fused_sums";
import { f64Bits, f64Data } from "./harness/f64_values";

/** Sums over [a, b, 7] (rows: a * b): rows over [2] and leading over [0, 1], of dense, per-row, per-column, transposed and 0-d leaves. */
function moduleText(a: number, b: number, leadTranspose: boolean): string {
  const T = `tensor<${a}x${b}x7xf64>`;
  const sum = (name: string, v: string, dims: number[], out: string) =>
    `  %${name} = stablehlo.reduce(${v} init: %i) applies stablehlo.add across dimensions = [${dims.join(", ")}] : (${T}, tensor<f64>) -> ${out}`;
  // t's transpose: [7, a, b] -> [a, b, 7] keeps a and b one run of rows; [7, b, a] -> [a, b, 7] does not
  const [tType, tDims] = leadTranspose ? [`tensor<7x${b}x${a}xf64>`, "[2, 1, 0]"] : [`tensor<7x${a}x${b}xf64>`, "[1, 2, 0]"];
  return `func.func @main(%x: ${T}, %y: tensor<${a}x${b}x7xf32>, %m: tensor<${a}x${b}xf64>, %t: ${tType}, %c: tensor<f64>, %i: tensor<f64>, %w: tensor<7xf64>) -> (tensor<${a}x${b}xf64>, tensor<7xf64>, tensor<${a}x${b}xf64>, tensor<7xf64>) {
  %yw = stablehlo.convert %y : (tensor<${a}x${b}x7xf32>) -> ${T}
  %mb = stablehlo.broadcast_in_dim %m, dims = [0, 1] : (tensor<${a}x${b}xf64>) -> ${T}
  %wb = stablehlo.broadcast_in_dim %w, dims = [2] : (tensor<7xf64>) -> ${T}
  %tt = stablehlo.transpose %t, dims = ${tDims} : (${tType}) -> ${T}
  %cb = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f64>) -> ${T}
  %p = stablehlo.multiply %x, %yw : ${T}
  %p2 = stablehlo.multiply %p, %wb : ${T}
${sum("s1", "%p2", [2], `tensor<${a}x${b}xf64>`)}
  %q = stablehlo.subtract %x, %mb : ${T}
  %q2 = stablehlo.multiply %q, %cb : ${T}
${sum("s2", "%q2", [0, 1], "tensor<7xf64>")}
  %u = stablehlo.multiply %x, %tt : ${T}
${sum("s3", "%u", [2], `tensor<${a}x${b}xf64>`)}
${sum("s4", "%x", [0, 1], "tensor<7xf64>")}
  return %s1, %s2, %s3, %s4 : tensor<${a}x${b}xf64>, tensor<7xf64>, tensor<${a}x${b}xf64>, tensor<7xf64>
}`;
}

function run(a: number, b: number, leadTranspose: boolean, special: boolean, c: number): string[][] {
  const rt = new CpuRuntime();
  const exe = rt.compile(parseModule(moduleText(a, b, leadTranspose)));
  const n = a * b * 7;
  const args = [
    rt.toDevice(f64Data(n, 3, special), "float64", [a, b, 7]),
    rt.toDevice(Float32Array.from(f64Data(n, 5, special)), "float32", [a, b, 7]),
    rt.toDevice(f64Data(a * b, 7, special), "float64", [a, b]),
    rt.toDevice(f64Data(n, 9, special), "float64", leadTranspose ? [7, b, a] : [7, a, b]),
    rt.toDevice(Float64Array.of(c), "float64", []),
    rt.toDevice(Float64Array.of(0), "float64", []),
    rt.toDevice(f64Data(7, 11, special), "float64", [7]),
  ];
  return rt.execute(exe, args).map((o) => f64Bits(rt.toHost(o) as Float64Array));
}

afterEach(() => {
  sumGroupConfig.enabled = true;
  groupConfig.sideBySide = true;
});

describe("float64 sums of one pass over rows side by side", () => {
  for (const [a, b] of [
    [6, 5],
    [8, 4],
    [1, 3],
  ])
    for (const special of [true, false])
      for (const c of [1.5, -0])
        it(`[${a}, ${b}, 7]${special ? " with special values" : ""}, c ${Object.is(c, -0) ? "-0" : c}: the row-at-a-time pass's and each sum's own loop's bits`, () => {
          const before = groupStats.sideBySide;
          const side = run(a, b, false, special, c);
          expect(groupStats.sideBySide).toBe(before + 1);
          groupConfig.sideBySide = false;
          const one = groupStats.rowAtATime;
          const rowAtATime = run(a, b, false, special, c);
          expect(groupStats.rowAtATime).toBe(one + 1);
          expect(side).toEqual(rowAtATime);
          sumGroupConfig.enabled = false;
          expect(run(a, b, false, special, c)).toEqual(side);
          // the sums differ from one another (a row or column summed into the wrong place would show)
          if (!special) for (const s of [side[0]!, side[2]!, side[3]!]) expect(new Set(s).size).toBe(s.length);
        });

  it("a leaf whose leading dims are not one run of rows: the row-at-a-time pass, the same bits as the sums' own loops", () => {
    const before = { side: groupStats.sideBySide, one: groupStats.rowAtATime };
    const grouped = run(6, 5, true, true, 1.5);
    expect(groupStats.sideBySide).toBe(before.side);
    expect(groupStats.rowAtATime).toBe(before.one + 1);
    sumGroupConfig.enabled = false;
    expect(run(6, 5, true, true, 1.5)).toEqual(grouped);
  });
});
