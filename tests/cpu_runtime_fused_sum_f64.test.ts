// A float64 chain (a generated JavaScript loop) read only by a float64 sum over
// its trailing or leading dims is summed as the loop computes it, never stored
// (packages/cpu/src/runtime/fused_reduce.ts, codegen.ts elementwiseSumLoop):
// the sums equal the reduce kernel's over the stored values bit for bit (its
// order: each row from 0, or each column over the rows in order), with NaN,
// ±Inf and ±0 among the values, dense leaves only (the loop's dense path) or
// row-expanded and transposed ones among them (its strided path), widened
// float32 leaves, and init values the body's identity or not. Sums over other
// dims, other reductions and a chain read elsewhere too keep the stored loop.
import { describe, expect, it } from "vitest";
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule, type Func } from "@xlatorch/stablehlo";
import { fusedReductions } from "../packages/cpu/src/runtime/fused_reduce";
import { planModule } from "../packages/cpu/src/runtime/plan";
import { f64Bits, f64Data } from "./harness/f64_values";

const T = "tensor<6x5x7xf64>";
/**
 * v = (x * f64(y) - m[row]) + t^T over [6, 5, 7], summed (or `op`) over `dims` from %i; `alsoReturn`
 * returns v too, so the loop has another reader and is stored.
 */
function moduleText(dims: number[], outShape: number[], op = "add", alsoReturn = false, dense = false): string {
  const o = `tensor<${outShape.map((d) => `${d}x`).join("")}f64>`;
  // dense: v = x * f64(y), every leaf row-major (the loop's dense path)
  const v = dense ? "%p" : "%v";
  return `func.func @main(%x: ${T}, %y: tensor<6x5x7xf32>, %m: tensor<6x5xf64>, %t: tensor<7x6x5xf64>, %i: tensor<f64>) -> (${o}${alsoReturn ? `, ${T}` : ""}) {
  %yw = stablehlo.convert %y : (tensor<6x5x7xf32>) -> ${T}
  %mb = stablehlo.broadcast_in_dim %m, dims = [0, 1] : (tensor<6x5xf64>) -> ${T}
  %tt = stablehlo.transpose %t, dims = [1, 2, 0] : (tensor<7x6x5xf64>) -> ${T}
  %p = stablehlo.multiply %x, %yw : ${T}
${dense ? "" : `  %q = stablehlo.subtract %p, %mb : ${T}\n  %v = stablehlo.add %q, %tt : ${T}`}
  %r = stablehlo.reduce(${v} init: %i) applies stablehlo.${op} across dimensions = [${dims.join(", ")}] : (${T}, tensor<f64>) -> ${o}
  return %r${alsoReturn ? `, ${v}` : ""} : ${o}${alsoReturn ? `, ${T}` : ""}
}`;
}

const mainOf = (text: string): Func => parseModule(text).funcs.find((f) => f.name === "main")!;
/** The fused sum's kind for the module's one loop, or null when it is stored. */
function fusedKind(text: string): string | null {
  const main = mainOf(text);
  const into = [...fusedReductions(main, planModule(main)).values()];
  return into.length === 0 ? null : (into[0]!.js ?? "wasm");
}

function run(text: string, init: number, special: boolean): Float64Array {
  const rt = new CpuRuntime();
  const exe = rt.compile(parseModule(text));
  const x = f64Data(210, 3, special),
    y = Float32Array.from(f64Data(210, 5, special)),
    m = f64Data(30, 7, special),
    t = f64Data(210, 9, special);
  const args = [
    rt.toDevice(x, "float64", [6, 5, 7]),
    rt.toDevice(y, "float32", [6, 5, 7]),
    rt.toDevice(m, "float64", [6, 5]),
    rt.toDevice(t, "float64", [7, 6, 5]),
    rt.toDevice(Float64Array.of(init), "float64", []),
  ];
  return rt.toHost(rt.execute(exe, args)[0]!) as Float64Array;
}

const CASES: { dims: number[]; out: number[]; kind: "rows" | "leading" }[] = [
  { dims: [2], out: [6, 5], kind: "rows" },
  { dims: [1, 2], out: [6], kind: "rows" },
  { dims: [0, 1, 2], out: [], kind: "rows" },
  { dims: [0], out: [5, 7], kind: "leading" },
  { dims: [0, 1], out: [7], kind: "leading" },
];

describe("a float64 JavaScript loop read only by a sum over trailing or leading dims is summed as it is computed", () => {
  for (const c of CASES)
    for (const init of [0, 2.5, -0])
      for (const special of [true, false])
        for (const dense of [false, true])
          it(`sum over [${c.dims}] (${c.kind}) of ${dense ? "dense" : "strided and row-expanded"} leaves, init ${Object.is(init, -0) ? "-0" : init}${special ? ", special values" : ""}: the kernel's sums of the stored values, bit for bit`, () => {
            const fused = moduleText(c.dims, c.out, "add", false, dense);
            const stored = moduleText(c.dims, c.out, "add", true, dense);
            expect(fusedKind(fused)).toBe(c.kind);
            expect(fusedKind(stored)).toBe(null);
            const got = run(fused, init, special);
            const want = run(stored, init, special);
            expect(f64Bits(got)).toEqual(f64Bits(want));
            if (!special) expect(got.every(Number.isFinite) && new Set(got).size).toBe(got.length);
          });

  it("sums over middle dims, products and maxima keep the stored loop (and their values)", () => {
    for (const [dims, out, op] of [
      [[1], [6, 7], "add"],
      [[0, 2], [5], "add"],
      [[2], [6, 5], "multiply"],
      [[2], [6, 5], "maximum"],
    ] as [number[], number[], string][]) {
      const text = moduleText(dims, out, op);
      expect(fusedKind(text), `${op} over [${dims}]`).toBe(null);
      expect(f64Bits(run(text, 0, true))).toEqual(f64Bits(run(moduleText(dims, out, op, true), 0, true)));
    }
  });
});
