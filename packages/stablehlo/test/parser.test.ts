// The parser on hand-written text: spec-style pretty forms, old-style generic
// forms, JAX-style output, and errors that name the line and what was expected.
import { describe, expect, it } from "vitest";
import { ParseError } from "../src/cursor.js";
import { parseModule, printModule } from "../src/index.js";
import { opLines } from "./helpers.js";

/** Parses, prints, and checks the printed text is a fixed point. */
function reprint(text: string): string {
  const once = printModule(parseModule(text));
  expect(printModule(parseModule(once))).toBe(once);
  return once;
}

describe("parseModule on hand-written text", () => {
  it("accepts a bare func.func (no module), comments, func.return and spec pretty forms", () => {
    const m = parseModule(`
      // a small program
      func.func @main(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
        %0 = stablehlo.add %x, %y : tensor<2xf32>   // pretty form
        %1 = stablehlo.abs %0 : (tensor<2xf32>) -> tensor<2xf32>
        %sum = stablehlo.multiply %1, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
        func.return %sum : tensor<2xf32>
      }`);
    expect(m.name).toBe("module");
    const f = m.funcs[0]!;
    expect(f.name).toBe("main");
    expect(f.params.map((p) => p.name)).toEqual(["x", "y"]);
    expect(f.body.map((o) => o.name)).toEqual(["stablehlo.add", "stablehlo.abs", "stablehlo.multiply"]);
    expect(f.body[2]!.operands[0]).toBe(f.body[1]!.results[0]);
    expect(f.returns[0]).toBe(f.body[2]!.results[0]);
    // Named values get ids that do not collide with numbered ones.
    const ids = [...f.params, ...f.body.flatMap((o) => o.results)].map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(opLines(printModule(m))).toEqual([
      "%0 = stablehlo.add %x, %y : tensor<2xf32>",
      "%1 = stablehlo.abs %0 : tensor<2xf32>",
      "%sum = stablehlo.multiply %1, %x : tensor<2xf32>",
    ]);
  });

  it("reads the generic form with attributes in a plain dictionary and prints the pretty form", () => {
    const text = reprint(
      `
      func.func @main(%a: tensor<3xi32>, %b: tensor<1x2xf32>) -> (tensor<3xi1>, tensor<1x2x3xf32>, tensor<2x1xf32>) {
        %0 = "stablehlo.compare"(%a, %a) {comparison_direction = #stablehlo<comparison_direction LT>} : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
        %1 = "stablehlo.broadcast_in_dim"(%b) {broadcast_dimensions = array<i64: 0, 1>} : (tensor<1x2xf32>) -> tensor<1x2x3xf32>
        %2 = "stablehlo.transpose"(%b) <{permutation = array<i64: 1, 0>}> : (tensor<1x2xf32>) -> tensor<2x1xf32>
        "func.return"(%0, %1, %2) : (tensor<3xi1>, tensor<1x2x3xf32>, tensor<2x1xf32>) -> ()
      }`.replace(
        '"func.return"(%0, %1, %2) : (tensor<3xi1>, tensor<1x2x3xf32>, tensor<2x1xf32>) -> ()',
        "return %0, %1, %2 : tensor<3xi1>, tensor<1x2x3xf32>, tensor<2x1xf32>",
      ),
    );
    expect(opLines(text)).toEqual([
      "%0 = stablehlo.compare LT, %a, %a : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>",
      "%1 = stablehlo.broadcast_in_dim %b, dims = [0, 1] : (tensor<1x2xf32>) -> tensor<1x2x3xf32>",
      "%2 = stablehlo.transpose %b, dims = [1, 0] : (tensor<1x2xf32>) -> tensor<2x1xf32>",
    ]);
  });

  it("reads %r:2 result groups, %r#i uses, generic returns and region terminators", () => {
    const text = reprint(`
      func.func @main(%input0: tensor<16x16xf32>, %input1: tensor<16x16xi32>) -> tensor<16x16xi32> {
        %0:2 = "stablehlo.sort"(%input0, %input1) ({
        ^bb0(%arg0: tensor<f32>, %arg1: tensor<f32>, %arg2: tensor<i32>, %arg3: tensor<i32>):
          %7 = "stablehlo.compare"(%arg0, %arg1) {compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction GT>} : (tensor<f32>, tensor<f32>) -> tensor<i1>
          "stablehlo.return"(%7) : (tensor<i1>) -> ()
        }) {dimension = 1 : i64, is_stable = true} : (tensor<16x16xf32>, tensor<16x16xi32>) -> (tensor<16x16xf32>, tensor<16x16xi32>)
        return %0#1 : tensor<16x16xi32>
      }`);
    const m = parseModule(text);
    const sort = m.funcs[0]!.body[0]!;
    expect(sort.results).toHaveLength(2);
    expect(m.funcs[0]!.returns[0]).toBe(sort.results[1]);
    expect(sort.attrs.dimension).toEqual({ kind: "int", value: 1, type: "i64" });
    expect(sort.regions![0]!.ops[0]!.attrs.compare_type).toEqual({ kind: "enum", enum: "comparison_type", value: "FLOAT" });
    expect(text).toContain("stablehlo.compare GT, %arg0, %arg1, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>");
    expect(text).toMatch(/%(\d+), %(\d+) = "stablehlo.sort"\(%input0, %input1\) <\{dimension = 1 : i64, is_stable = true\}> \(\{/);
  });

  it("reads the compact and the reducer forms of stablehlo.reduce (as JAX prints them)", () => {
    const text = reprint(`
module @jit_f attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<18x12xf32> {mhlo.layout_mode = "default"}) -> (tensor<18xf32> {jax.result_info = "", mhlo.layout_mode = "default"}, tensor<18xi32>) {
    %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %0 = stablehlo.reduce(%arg0 init: %cst) applies stablehlo.add across dimensions = [1] : (tensor<18x12xf32>, tensor<f32>) -> tensor<18xf32>
    %1 = stablehlo.iota dim = 1 : tensor<18x12xi32>
    %cst_0 = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %c = stablehlo.constant dense<0> : tensor<i32>
    %2:2 = stablehlo.reduce(%arg0 init: %cst_0), (%1 init: %c) across dimensions = [1] : (tensor<18x12xf32>, tensor<18x12xi32>, tensor<f32>, tensor<i32>) -> (tensor<18xf32>, tensor<18xi32>)
     reducer(%arg1: tensor<f32>, %arg3: tensor<f32>) (%arg2: tensor<i32>, %arg4: tensor<i32>)  {
      %3 = stablehlo.compare  GT, %arg1, %arg3,  FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
      %9 = stablehlo.select %3, %arg1, %arg3 : tensor<i1>, tensor<f32>
      %10 = stablehlo.select %3, %arg2, %arg4 : tensor<i1>, tensor<i32>
      stablehlo.return %9, %10 : tensor<f32>, tensor<i32>
    }
    return %0, %2#1 : tensor<18xf32>, tensor<18xi32>
  }
}`);
    const f = parseModule(text).funcs[0]!;
    const [, sum, , , , arg] = f.body;
    expect(sum!.regions![0]!.ops[0]!.name).toBe("stablehlo.add");
    expect(arg!.regions![0]!.args.map((a) => a.name)).toEqual(["arg1", "arg2", "arg3", "arg4"]);
    expect(text).toContain('"stablehlo.reduce"(%arg0, %cst) <{dimensions = array<i64: 1>}> ({');
    expect(text).toContain("^bb0(%arg1: tensor<f32>, %arg2: tensor<i32>, %arg3: tensor<f32>, %arg4: tensor<i32>):");
    expect(text).toContain("func.func public @main(%arg0: tensor<18x12xf32>) -> (tensor<18xf32>, tensor<18xi32>)");
  });

  it("reads gather/scatter records with fields in any order, trailing commas and omitted defaults", () => {
    const m = parseModule(`
      func.func @main(%op: tensor<5x200x100x300xf32>, %idx: tensor<5x10x2xi32>) -> tensor<5x10x300xf32> {
        %0 = "stablehlo.gather"(%op, %idx) {
          dimension_numbers = #stablehlo.gather<
            offset_dims = [2],
            collapsed_slice_dims = [1, 2],
            operand_batching_dims = [0],
            start_indices_batching_dims = [0],
            start_index_map = [1,2],
            index_vector_dim = 2,
          >,
          indices_are_sorted = true,
          slice_sizes = array<i64: 1, 1, 1, 300>
        } : (tensor<5x200x100x300xf32>, tensor<5x10x2xi32>) -> tensor<5x10x300xf32>
        return %0 : tensor<5x10x300xf32>
      }`);
    expect(m.funcs[0]!.body[0]!.attrs.dimension_numbers).toEqual({
      kind: "gather",
      offsetDims: [2],
      collapsedSliceDims: [1, 2],
      operandBatchingDims: [0],
      startIndicesBatchingDims: [0],
      startIndexMap: [1, 2],
      indexVectorDim: 2,
    });
    const s = parseModule(`func.func @main(%a: tensor<4xf32>, %i: tensor<1xi32>, %u: tensor<1xf32>) -> tensor<4xf32> {
      %0 = "stablehlo.scatter"(%a, %i, %u) <{scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [0], scatter_dims_to_operand_dims = [0]>}> ({
      ^bb0(%x: tensor<f32>, %y: tensor<f32>):
        stablehlo.return %y : tensor<f32>
      }) : (tensor<4xf32>, tensor<1xi32>, tensor<1xf32>) -> tensor<4xf32>
      return %0 : tensor<4xf32>
    }`);
    expect(s.funcs[0]!.body[0]!.attrs.scatter_dimension_numbers).toEqual({
      kind: "scatter",
      updateWindowDims: [],
      insertedWindowDims: [0],
      inputBatchingDims: [],
      scatterIndicesBatchingDims: [],
      scatterDimsToOperandDims: [0],
      indexVectorDim: 0,
    });
  });

  it("reads MLIR's canonical generic output, where sibling regions reuse value names", () => {
    const text = `module {
  func.func @main(%arg0: tensor<4x4xf32>, %arg1: tensor<2x2xf32>) -> tensor<4x4xf32> {
    %30 = "stablehlo.constant"() <{value = dense<0.000000e+00> : tensor<f32>}> : () -> tensor<f32>
    %31 = "stablehlo.select_and_scatter"(%arg0, %arg1, %30) <{window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2, 2>}> ({
    ^bb0(%arg5: tensor<f32>, %arg6: tensor<f32>):
      %94 = "stablehlo.compare"(%arg5, %arg6) <{compare_type = #stablehlo<comparison_type FLOAT>, comparison_direction = #stablehlo<comparison_direction GE>}> : (tensor<f32>, tensor<f32>) -> tensor<i1>
      "stablehlo.return"(%94) : (tensor<i1>) -> ()
    }, {
    ^bb0(%arg5: tensor<f32>, %arg6: tensor<f32>):
      %94 = "stablehlo.add"(%arg5, %arg6) : (tensor<f32>, tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%94) : (tensor<f32>) -> ()
    }) : (tensor<4x4xf32>, tensor<2x2xf32>, tensor<f32>) -> tensor<4x4xf32>
    return %31 : tensor<4x4xf32>
  }
}`;
    const m = parseModule(text);
    const [r0, r1] = m.funcs[0]!.body[1]!.regions!;
    expect(r0!.ops[0]!.results[0]!.id).toBe(94);
    // The second %94 keeps its text as a name and gets a fresh id: ids stay unique.
    expect(r1!.ops[0]!.results[0]!).toMatchObject({ name: "94" });
    expect(r1!.ops[0]!.results[0]!.id).not.toBe(94);
    const printed = reprint(text);
    expect(printed).toContain("%30 = stablehlo.constant dense<0.0> : tensor<f32>");
    expect(printed).toContain(
      "      %94 = stablehlo.compare GE, %arg5, %arg6, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>\n      stablehlo.return %94 : tensor<i1>\n    }, {",
    );
    expect(printed).toContain("      %94 = stablehlo.add %arg5, %arg6 : tensor<f32>");
  });

  it("keeps unknown ops written in the generic form", () => {
    const m = parseModule(`func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
      %0 = "stablehlo.cbrt"(%a) : (tensor<2xf32>) -> tensor<2xf32>
      %1 = "mydialect.thing"(%0) {note = "hi", k = 3 : i32, f = 1.5 : f32, t = tensor<2xf32>, l = [1, 2]} : (tensor<2xf32>) -> tensor<2xf32>
      return %1 : tensor<2xf32>
    }`);
    const op = m.funcs[0]!.body[1]!;
    expect(op.name).toBe("mydialect.thing");
    expect(op.attrs.note).toEqual({ kind: "string", value: "hi" });
    expect(op.attrs.k).toEqual({ kind: "int", value: 3, type: "i32" });
    expect(op.attrs.f).toEqual({ kind: "float", value: 1.5, type: "f32" });
    expect(printModule(m)).toContain(
      '%1 = "mydialect.thing"(%0) <{note = "hi", k = 3 : i32, f = 1.5 : f32, t = tensor<2xf32>, l = [1 : i64, 2 : i64]}> : (tensor<2xf32>) -> tensor<2xf32>',
    );
  });
});

describe("strings", () => {
  it("reads and writes MLIR string escapes", () => {
    const text =
      'func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = "my.op"(%a) {s = "q\\"b\\\\c\\0A\\t\u00e9"} : (tensor<2xf32>) -> tensor<2xf32>\n  return %0 : tensor<2xf32>\n}';
    const m = parseModule(text);
    expect(m.funcs[0]!.body[0]!.attrs.s).toEqual({ kind: "string", value: 'q"b\\c\n\t\u00e9' });
    expect(printModule(m)).toContain('<{s = "q\\"b\\\\c\\0A\\09\\C3\\A9"}>');
    expect(printModule(parseModule(printModule(m)))).toBe(printModule(m));
  });
});

describe("parse errors name the line and what was expected", () => {
  const cases: [string, string, RegExp][] = [
    [
      "an undefined value",
      "func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = stablehlo.add %a, %b : tensor<2xf32>\n  return %0 : tensor<2xf32>\n}",
      /^line 2:26: use of undefined value %b$/,
    ],
    [
      "a missing type signature",
      "func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = stablehlo.add %a, %a\n  return %0 : tensor<2xf32>\n}",
      /^line 3:3: expected ':' and the type of stablehlo.add, found 'return'$/,
    ],
    [
      "an unsupported element type",
      "func.func @main(%a: tensor<2xf12>) -> tensor<2xf12> {\n  return %a : tensor<2xf12>\n}",
      /^line 1:30: unsupported element type 'f12'/,
    ],
    [
      "an operand type that differs from its definition",
      'func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = "stablehlo.add"(%a, %a) : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32>\n  return %0 : tensor<2xf32>\n}',
      /^line 2:8: stablehlo.add: operand 1 \(%a\) has type tensor<2xf32> but tensor<3xf32> is written$/,
    ],
    [
      "a redefinition",
      "func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n  %a = stablehlo.negate %a : tensor<2xf32>\n  return %a : tensor<2xf32>\n}",
      /^line 2:3: redefinition of %a$/,
    ],
    [
      "a return that does not match the signature",
      "func.func @main(%a: tensor<2xf32>) -> tensor<3xf32> {\n  return %a : tensor<2xf32>\n}",
      /@main returns \(tensor<2xf32>\) but its signature says \(tensor<3xf32>\)/,
    ],
    [
      "an op without a pretty form",
      "func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = stablehlo.fancy %a : tensor<2xf32>\n  return %0 : tensor<2xf32>\n}",
      /^line 2:8: 'stablehlo.fancy' has no pretty form here; write it in the generic form/,
    ],
    [
      "an unknown comparison direction",
      "func.func @main(%a: tensor<2xf32>) -> tensor<2xi1> {\n  %0 = stablehlo.compare LESS, %a, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>\n  return %0 : tensor<2xi1>\n}",
      /^line 2:26: unknown comparison_direction 'LESS' \(expected one of EQ, NE, GE, GT, LE, LT\)$/,
    ],
    [
      "a dense literal of the wrong size",
      "func.func @main() -> tensor<3xi32> {\n  %0 = stablehlo.constant dense<[1, 2]> : tensor<3xi32>\n  return %0 : tensor<3xi32>\n}",
      /^line 2:33: dense literal nesting does not match tensor<3xi32>$/,
    ],
    [
      "an integer constant out of range",
      "func.func @main() -> tensor<i8> {\n  %0 = stablehlo.constant dense<300> : tensor<i8>\n  return %0 : tensor<i8>\n}",
      /^line 2:33: constant: 300 is out of range for i8$/,
    ],
    [
      "a missing return",
      "func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n  %0 = stablehlo.negate %a : tensor<2xf32>\n}",
      /^line 3:1: expected a 'return' at the end of the function body, found '}'$/,
    ],
    [
      "text cut short",
      "module @m {\n  func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n    return %a : tensor<2xf32>\n  }\n",
      /^line 5:1: expected 'func.func' or '}' closing the module, found end of input$/,
    ],
    [
      "a result count mismatch",
      "func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n  %0, %1 = stablehlo.negate %a : tensor<2xf32>\n  return %0 : tensor<2xf32>\n}",
      /^line 2:3: stablehlo.negate has 1 results but 2 result names are given$/,
    ],
    [
      "dynamic shapes",
      "func.func @main(%a: tensor<?xf32>) -> tensor<2xf32> {\n  return %a : tensor<2xf32>\n}",
      /^line 1:28: dynamic dimensions \('\?'\) are not supported$/,
    ],
  ];
  for (const [what, text, re] of cases) {
    it(`reports ${what}`, () => {
      let err: unknown;
      try {
        parseModule(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ParseError);
      expect((err as Error).message).toMatch(re);
    });
  }

  it("carries the line and column on the error", () => {
    try {
      parseModule("func.func @main() -> tensor<f32> {\n\n   %0 = stablehlo.constant dense<1.0> tensor<f32>\n  return %0 : tensor<f32>\n}");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      expect((e as ParseError).line).toBe(3);
      expect((e as Error).message).toMatch(/expected ':' and the type after a dense literal/);
    }
  });
});

describe("parseModule on the StableHLO repository's test syntax", () => {
  const body = (m: ReturnType<typeof parseModule>, f = 0) => m.funcs[f]!.body;

  it("reads check.* ops, func.call and several functions, with each op's location", () => {
    const m = parseModule(`
func.func @add_2(%arg0: tensor<i64>) -> tensor<i64> {
  %0 = stablehlo.constant dense<2> : tensor<i64>
  %1 = stablehlo.add %arg0, %0 : tensor<i64>
  func.return %1 : tensor<i64>
}
func.func @main() {
  %0 = stablehlo.constant dense<1> : tensor<i64>
  %1 = func.call @add_2(%0) : (tensor<i64>) -> tensor<i64>
  check.expect_eq_const %1, dense<3> : tensor<i64>
  check.expect_almost_eq %0, %1, tolerance = 0.1 : tensor<i64>
  check.expect_close %0, %1, max_ulp_difference = 18446744073709551615 : tensor<i64>, tensor<i64>
  func.return
}`);
    const ops = body(m, 1);
    expect(ops.map((o) => o.name)).toEqual([
      "stablehlo.constant",
      "func.call",
      "check.expect_eq_const",
      "check.expect_almost_eq",
      "check.expect_close",
    ]);
    expect(ops[1]!.attrs.callee).toEqual({ kind: "string", value: "add_2" });
    expect(ops[1]!.loc).toEqual({ line: 9, column: 8 });
    expect(ops[2]!.attrs.value).toMatchObject({ kind: "dense", values: [3n] });
    expect(ops[3]!.attrs.tolerance).toEqual({ kind: "float", value: 0.1, type: "f64" });
    expect(ops[4]!.attrs.max_ulp_difference).toEqual({ kind: "int", value: 18446744073709551615n, type: "i64" });
  });

  it("reads every integer width and signedness, complex literals and the small float types", () => {
    const m = parseModule(`func.func @main() {
  %0 = stablehlo.constant dense<[0, 65535]> : tensor<2xui16>
  %1 = stablehlo.constant dense<18446744073709551615> : tensor<ui64>
  %2 = stablehlo.constant dense<[-8, 7]> : tensor<2xi4>
  %3 = stablehlo.constant dense<[(1.5, -2.0), (0x7FF0000000000000, 0.0)]> : tensor<2xcomplex<f64>>
  %4 = stablehlo.constant dense<1.0> : tensor<2xf8E4M3FN>
  %5 = stablehlo.constant dense<3> : tensor<si32>
  func.return
}`);
    const vals = body(m).map((o) => (o.attrs.value as { values: unknown[] }).values);
    expect(vals.slice(0, 4)).toEqual([[0, 65535], [18446744073709551615n], [-8, 7], [1.5, -2, Infinity, 0]]);
    expect(body(m).map((o) => o.results[0]!.type.element)).toEqual(["ui16", "ui64", "i4", "complex<f64>", "f8E4M3FN", "i32"]);
    expect(() => parseModule("func.func @main() {\n  %0 = stablehlo.constant dense<16> : tensor<i4>\n  func.return\n}")).toThrow(
      /16 is out of range for i4/,
    );
  });

  it("reads the pretty forms of while, convolution, fft, reduce_precision and composite", () => {
    const m = parseModule(`func.func @main(%a: tensor<1x4x4x1xi64>, %k: tensor<3x3x1x1xi64>, %z: tensor<2xcomplex<f64>>) {
  %init = stablehlo.constant dense<0> : tensor<i64>
  %ten = stablehlo.constant dense<10> : tensor<i64>
  %r = stablehlo.while(%i = %init) : tensor<i64>
  cond {
    %c = stablehlo.compare LT, %i, %ten : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %c : tensor<i1>
  } do {
    %n = stablehlo.add %i, %ten : tensor<i64>
    stablehlo.return %n : tensor<i64>
  }
  %conv = stablehlo.convolution(%a, %k)
    dim_numbers = [b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f],
    window = {stride = [4, 4], pad = [[1, 1], [1, 1]], lhs_dilate = [2, 2]}
    {batch_group_count = 1 : i64, feature_group_count = 1 : i64}
    : (tensor<1x4x4x1xi64>, tensor<3x3x1x1xi64>) -> tensor<1x2x2x1xi64>
  %f = stablehlo.fft %z, type = FFT, length = [2] : (tensor<2xcomplex<f64>>) -> tensor<2xcomplex<f64>>
  %p = stablehlo.real %z : (tensor<2xcomplex<f64>>) -> tensor<2xf64>
  %q = stablehlo.reduce_precision %p, format = e5m10 : tensor<2xf64>
  %s = stablehlo.composite "my.op" %p {composite_attributes = {n = 2 : i64}, decomposition = @impl} : (tensor<2xf64>) -> tensor<2xf64>
  func.return
}`);
    const ops = body(m);
    const w = ops.find((o) => o.name === "stablehlo.while")!;
    expect(w.regions!.map((r) => r.args.length)).toEqual([1, 1]);
    const conv = ops.find((o) => o.name === "stablehlo.convolution")!;
    expect(conv.attrs.dimension_numbers).toEqual({
      kind: "conv",
      inputBatchDimension: 0,
      inputFeatureDimension: 3,
      inputSpatialDimensions: [1, 2],
      kernelInputFeatureDimension: 2,
      kernelOutputFeatureDimension: 3,
      kernelSpatialDimensions: [0, 1],
      outputBatchDimension: 0,
      outputFeatureDimension: 3,
      outputSpatialDimensions: [1, 2],
    });
    expect(conv.attrs.padding).toEqual({ kind: "ints", values: [1, 1, 1, 1] });
    expect(conv.attrs.lhs_dilation).toEqual({ kind: "ints", values: [2, 2] });
    expect(ops.find((o) => o.name === "stablehlo.fft")!.attrs.fft_type).toEqual({ kind: "enum", enum: "fft_type", value: "FFT" });
    const rp = ops.find((o) => o.name === "stablehlo.reduce_precision")!;
    expect([rp.attrs.exponent_bits, rp.attrs.mantissa_bits].map((a) => (a as { value: number }).value)).toEqual([5, 10]);
    const comp = ops.find((o) => o.name === "stablehlo.composite")!;
    expect(comp.attrs.decomposition).toEqual({ kind: "string", value: "@impl" });
  });

  it("keeps attributes it has no structure for as their text", () => {
    const m = parseModule(`func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "stablehlo.all_reduce"(%x) ({
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %s = stablehlo.add %a, %b : tensor<f32>
    stablehlo.return %s : tensor<f32>
  }) {channel_handle = #stablehlo.channel_handle<handle = 1, type = 0>, replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}`);
    expect(body(m)[0]!.attrs.channel_handle).toEqual({ kind: "string", value: "#stablehlo.channel_handle<handle = 1, type = 0>" });
  });

  it("reads JAX's export layout: location aliases around the module, loc(...) after ops, functions and the module", () => {
    const m = parseModule(`#loc1 = loc("x")
module @jit_f attributes {mhlo.num_partitions = 1 : i32} {
  func.func public @main(%arg0: tensor<3xf32> loc("x")) -> (tensor<3xf32> {jax.result_info = "result"}) {
    %0 = stablehlo.sine %arg0 : tensor<3xf32> loc(#loc3)
    %1 = call @helper(%0) : (tensor<3xf32>) -> tensor<3xf32> loc(#loc3)
    return %1 : tensor<3xf32> loc(#loc)
  } loc(#loc)
  func.func private @helper(%arg0: tensor<3xf32> loc(unknown)) -> tensor<3xf32> {
    return %arg0 : tensor<3xf32> loc(#loc)
  } loc(#loc)
} loc(#loc)
#loc = loc(unknown)
#loc2 = loc("/tmp/f.py":3:0)
#loc3 = loc("jit(f)/jit(main)/sin"(#loc2))
`);
    expect(m.funcs.map((f) => f.name)).toEqual(["main", "helper"]);
    expect(body(m).map((o) => o.name)).toEqual(["stablehlo.sine", "func.call"]);
  });
});
