// Validation against real MLIR tools when the machine has them (skipped otherwise).
// Upstream mlir-opt (Debian's mlir-N-tools) knows no StableHLO, but with
// --allow-unregistered-dialect it checks the generic form: op syntax, properties,
// regions, dense literals (hex NaN/inf, i64), array<i64>, and the #stablehlo attrs
// as opaque dialect attributes. stablehlo-opt, if present, also checks the pretty form.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FuncBuilder, type Module, parseModule, printModule, tensorType } from "../src/index.js";

function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  if (!existsSync("/usr/lib")) return undefined;
  const llvm = readdirSync("/usr/lib")
    .filter((d) => d.startsWith("llvm-"))
    .sort()
    .reverse();
  return llvm.map((d) => `/usr/lib/${d}/bin/${name}`).find((p) => existsSync(p));
}

const mlirOpt = findTool("mlir-opt");
const stablehloOpt = findTool("stablehlo-opt");

const run = (tool: string, args: string[], input: string) =>
  execFileSync(tool, args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });

/** A graph that uses every kind of op and constant the printer emits. */
function everything(): Module {
  const b = new FuncBuilder();
  const x = b.param([2, 3], "f32");
  const w = b.param([3, 4], "f32");
  const i = b.param([3, 1], "i64");
  const k = b.param([], "i32");
  const y = b.maximum(
    b.dotGeneral(x, w, { lhsContracting: [1], rhsContracting: [0] }, { precision: "HIGHEST" }),
    b.constant(0, tensorType([2, 4], "f32")),
  );
  const [sv, si] = b.sortBy([y, b.iota(tensorType([2, 4], "i32"), 1)], 1, true);
  const outs = [
    y,
    b.reduceWith("add", y, [1]),
    ...b.argReduce(y, 1, "max"),
    b.cumulative("max", y, 1),
    sv!,
    si!,
    b.erf(y),
    b.constant([NaN, Infinity, -Infinity, 0.1, -0, 1e-7, 1e21], tensorType([7], "f32")),
    b.constant([NaN, 65504], tensorType([2], "f16")),
    b.constant([-Infinity, 1.5], tensorType([2], "bf16")),
    b.constant([9007199254740993n, -(1n << 63n)], tensorType([2], "i64")),
    b.constant([true, false], tensorType([2], "i1")),
    b.constant([], tensorType([0, 3], "f32")),
    b.gather(w, i, { offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 1 }, [1, 4]),
    b.scatterWith("add", w, i, b.constant(1, tensorType([3, 4], "f32")), {
      updateWindowDims: [1],
      insertedWindowDims: [0],
      scatterDimsToOperandDims: [0],
      indexVectorDim: 1,
    }),
    b.selectAndScatter(
      b.constant(1, tensorType([4, 4], "f32")),
      b.constant(1, tensorType([2, 2], "f32")),
      b.constant(0, "f32"),
      { windowDimensions: [2, 2], windowStrides: [2, 2] },
      (r, a, c) => r.compare(a, c, "GE"),
      (r, a, c) => r.add(a, c),
    ),
    b.dynamicUpdateSlice(w, b.dynamicSlice(w, [k, k], [2, 2]), [k, k]),
    b.pad(x, b.constant(0, "f32"), [1, 0], [0, 1], [1, 0]),
    b.concatenate([x, x], 0),
    b.reverse(x, [0]),
    b.transpose(x, [1, 0]),
    b.slice(x, [0, 1], [2, 3]),
    b.select(b.compare(x, x, "LT"), x, x),
    b.clamp(b.constant(0, "f32"), x, b.constant(1, "f32")),
    b.convert(x, "bf16"),
    b.isFinite(x),
    b.shiftLeft(b.convert(x, "i32"), b.convert(x, "i32")),
  ];
  return b.ret(outs).module("everything");
}

describe.skipIf(!mlirOpt)("mlir-opt accepts the generic form", () => {
  it("parses every op and constant kind, and its output parses back to the same ops", () => {
    const m = everything();
    const out = run(mlirOpt!, ["--allow-unregistered-dialect"], printModule(m, { generic: true }));
    // MLIR renames values and respells floats; the ops, attributes and types must survive.
    const back = parseModule(out);
    // MLIR sorts attribute dictionaries, so attributes are compared by name.
    const shape = (mod: Module) =>
      JSON.stringify(
        mod.funcs[0]!.body.map((o) => [o.name, Object.entries(o.attrs).sort(([a], [b]) => (a < b ? -1 : 1)), o.results.map((r) => r.type)]),
        (_, v) => (typeof v === "bigint" ? `${v}n` : typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
      );
    expect(shape(back)).toBe(shape(m));
    expect(out).toContain(
      "dense<[0x7FC00000, 0x7F800000, 0xFF800000, 1.000000e-01, -0.000000e+00, 1.000000e-07, 1.000000e+21]> : tensor<7xf32>",
    );
    expect(out).toContain("dense<[9007199254740993, -9223372036854775808]> : tensor<2xi64>");
  });

  it("keeps a donation mark (tf.aliasing_output) on @main's argument", () => {
    const b = new FuncBuilder();
    const p = b.param([2], "f32");
    const g = b.param([2], "f32");
    const m = b.ret([b.subtract(p, g)]).module("donated");
    m.funcs[0]!.aliasingOutput = [0, null];
    const out = run(mlirOpt!, ["--allow-unregistered-dialect"], printModule(m, { generic: true }));
    expect(out).toMatch(/tf\.aliasing_output = 0 : i32/);
    expect(parseModule(out).funcs[0]!.aliasingOutput).toEqual([0, null]);
  });

  it("rejects broken text, so the check above is real", () => {
    expect(() =>
      run(
        mlirOpt!,
        ["--allow-unregistered-dialect"],
        'func.func @f() {\n  %0 = "stablehlo.constant"() <{value = dense<1> : tensor<f32>}> : () -> tensor<f32>\n  return\n}\n',
      ),
    ).toThrow();
  });
});

describe.skipIf(!stablehloOpt)("stablehlo-opt accepts the pretty form", () => {
  it("parses and verifies the printed module", () => {
    const out = run(stablehloOpt!, [], printModule(everything()));
    expect(out).toContain("stablehlo.dot_general");
  });
});
