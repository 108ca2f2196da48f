// Float64 JavaScript loops over one shape that each feed a float64 sum run as
// one pass at the first one's step (packages/cpu/src/runtime/fused_sums.ts,
// layer_norm_backward's four sums in the xla step): every sum equals the one
// its own loop makes (fused_reduce.ts, itself the reduce kernel's sum of the
// stored values: cpu_runtime_fused_sum_f64.test.ts) bit for bit, rows and
// leading sums mixed, with NaN, ±Inf, ±0 among the values, dense, row-expanded,
// transposed and 0-d leaves. A loop reading a value made after the first
// member's step, or a WebAssembly loop's result the first member does not
// read (a multi-output group may compute it later), is not joined.
import { afterEach, describe, expect, it } from "vitest";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule, type Func } from "@xlatorch/stablehlo";
import { fusedReductions } from "../packages/cpu/src/runtime/fused_reduce";
import { sumGroupConfig } from "../packages/cpu/src/runtime/fused_sums";
import { planModule } from "../packages/cpu/src/runtime/plan";
import { f64Bits, f64Data } from "./harness/f64_values";

const T = "tensor<6x5x7xf64>";
const sum = (name: string, v: string, dims: number[], out: string) =>
  `  %${name} = stablehlo.reduce(${v} init: %i) applies stablehlo.add across dimensions = [${dims.join(", ")}] : (${T}, tensor<f64>) -> ${out}`;
/**
 * Four sums over [6, 5, 7]: x * f64(y) per row, (x - m[row]) over the rows, f64(y) * t^T * c over the last
 * two dims, and x * late over the first two. `late`: "kernel", a transpose of xt made after the first sum's
 * loop; "early kernel", the same made before it; "wasm", a float32 loop made before it that the first sum does
 * not read, widened.
 */
type Late = "kernel" | "early kernel" | "wasm";
function moduleText(lateFrom: Late): string {
  const late =
    lateFrom === "wasm"
      ? `  %y2 = stablehlo.multiply %y, %y : tensor<6x5x7xf32>\n  %y3 = stablehlo.multiply %y2, %y2 : tensor<6x5x7xf32>\n  %late = stablehlo.convert %y2 : (tensor<6x5x7xf32>) -> ${T}`
      : `  %late = stablehlo.transpose %xt, dims = [1, 2, 0] : (tensor<7x6x5xf64>) -> ${T}`;
  // (the wasm value is read twice, so it is stored: a loop of its own)
  const extra = lateFrom === "wasm" ? ["%y3", "tensor<6x5x7xf32>"] : ["%late", T];
  return `func.func @main(%x: ${T}, %y: tensor<6x5x7xf32>, %m: tensor<6x5xf64>, %t: tensor<7x6x5xf64>, %c: tensor<f64>, %i: tensor<f64>, %xt: tensor<7x6x5xf64>) -> (tensor<6x5xf64>, tensor<5x7xf64>, tensor<6xf64>, tensor<7xf64>, ${extra[1]}) {
${lateFrom === "kernel" ? "" : late}
  %yw = stablehlo.convert %y : (tensor<6x5x7xf32>) -> ${T}
  %mb = stablehlo.broadcast_in_dim %m, dims = [0, 1] : (tensor<6x5xf64>) -> ${T}
  %tt = stablehlo.transpose %t, dims = [1, 2, 0] : (tensor<7x6x5xf64>) -> ${T}
  %cb = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f64>) -> ${T}
  %p = stablehlo.multiply %x, %yw : ${T}
${sum("s1", "%p", [2], "tensor<6x5xf64>")}
  %q = stablehlo.subtract %x, %mb : ${T}
${sum("s2", "%q", [0], "tensor<5x7xf64>")}
${lateFrom === "kernel" ? late : ""}
  %yw2 = stablehlo.convert %y : (tensor<6x5x7xf32>) -> ${T}
  %u = stablehlo.multiply %yw2, %tt : ${T}
  %u2 = stablehlo.multiply %u, %cb : ${T}
${sum("s3", "%u2", [1, 2], "tensor<6xf64>")}
  %w = stablehlo.multiply %x, %late : ${T}
${sum("s4", "%w", [0, 1], "tensor<7xf64>")}
  return %s1, %s2, %s3, %s4, ${extra[0]} : tensor<6x5xf64>, tensor<5x7xf64>, tensor<6xf64>, tensor<7xf64>, ${extra[1]}
}`;
}

const mainOf = (text: string): Func => parseModule(text).funcs.find((f) => f.name === "main")!;
/** Each JavaScript sum's group: its size and the member's place, in loop order. */
function groupsOf(text: string): string[] {
  const main = mainOf(text);
  return [...fusedReductions(main, planModule(main)).values()]
    .filter((r) => r.js)
    .map((r) => (r.group ? `${r.member}/${r.group.ops.length}` : "alone"));
}

function run(text: string, special: boolean, c: number): string[][] {
  const rt = new CpuRuntime();
  const exe = rt.compile(parseModule(text));
  const args = [
    rt.toDevice(f64Data(210, 3, special), "float64", [6, 5, 7]),
    rt.toDevice(Float32Array.from(f64Data(210, 5, special)), "float32", [6, 5, 7]),
    rt.toDevice(f64Data(30, 7, special), "float64", [6, 5]),
    rt.toDevice(f64Data(210, 9, special), "float64", [7, 6, 5]),
    rt.toDevice(Float64Array.of(c), "float64", []),
    rt.toDevice(Float64Array.of(0), "float64", []),
    rt.toDevice(f64Data(210, 11, special), "float64", [7, 6, 5]),
  ];
  // twice: the second execution finds the slots the first one's reduces emptied
  rt.execute(exe, args);
  return rt.execute(exe, args).map((o) => f64Bits(rt.toHost(o) as Float64Array | Float32Array));
}

afterEach(() => {
  sumGroupConfig.enabled = true;
});

describe("float64 sums over one shape computed in one pass", () => {
  for (const lateFrom of ["kernel", "early kernel", "wasm"] as const)
    for (const special of [true, false])
      for (const c of [1.5, -0])
        it(`rows and leading sums of dense, row-expanded, transposed and 0-d leaves (a late ${lateFrom} value, c ${Object.is(c, -0) ? "-0" : c}${special ? ", special values" : ""}): each sum's own loop's bits`, () => {
          const text = moduleText(lateFrom);
          // s1, s2 and s3 in one pass; s4 too where the value it reads is there at the first one's step
          const joins = lateFrom === "early kernel";
          expect(groupsOf(text)).toEqual(joins ? ["0/4", "1/4", "2/4", "3/4"] : ["0/3", "1/3", "2/3", "alone"]);
          const grouped = run(text, special, c);
          sumGroupConfig.enabled = false;
          expect(groupsOf(text)).toEqual(["alone", "alone", "alone", "alone"]);
          const separate = run(text, special, c);
          expect(grouped).toEqual(separate);
          // (s3 is all zeros for c = -0)
          if (!special) for (const s of grouped.slice(0, 2)) expect(new Set(s).size).toBe(s.length);
        });
});
