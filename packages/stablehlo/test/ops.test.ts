// One round trip per op kind, with the printed form each op must have.
import { describe, expect, it } from "vitest";
import { BINARY_OPS, FuncBuilder, UNARY_OPS, type BinaryOp, type ElementType, type UnaryOp, type Value, tensorType } from "../src/index.js";
import { opLines, roundTrip } from "./helpers.js";

/** Builds main(params...) -> f(b, params) and returns the printed, round-tripped text. */
function build(params: [number[], ElementType][], f: (b: FuncBuilder, xs: Value[]) => Value | Value[]): string {
  const b = new FuncBuilder();
  const xs = params.map(([s, e]) => b.param(s, e));
  b.ret(f(b, xs));
  return roundTrip(b.module("t"));
}

const FLOAT_OPERAND: Record<string, ElementType> = {
  float: "f32",
  floatOrComplex: "f32",
  number: "f32",
  signed: "f32",
  any: "f32",
  int: "i32",
  intOrBool: "i32",
};

describe("module and function syntax", () => {
  it("prints the module header, a public main with %argN params and a typed return", () => {
    const text = build([[[2, 3], "f32"]], (b, [x]) => b.negate(x!));
    expect(text).toBe(
      [
        "module @t attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {",
        "  func.func public @main(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {",
        "    %1 = stablehlo.negate %arg0 : tensor<2x3xf32>",
        "    return %1 : tensor<2x3xf32>",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("parenthesizes several results and prints scalars as tensor<f32>", () => {
    const text = build(
      [
        [[], "f32"],
        [[4], "i32"],
      ],
      (_, [a, c]) => [a!, c!],
    );
    expect(text).toContain("@main(%arg0: tensor<f32>, %arg1: tensor<4xi32>) -> (tensor<f32>, tensor<4xi32>)");
    expect(text).toContain("return %arg0, %arg1 : tensor<f32>, tensor<4xi32>");
  });
});

describe("elementwise ops", () => {
  for (const op of Object.keys(UNARY_OPS) as UnaryOp[]) {
    it(`unary ${op} prints the pretty form with one type`, () => {
      const e = FLOAT_OPERAND[UNARY_OPS[op]]!;
      const text = build([[[3], e]], (b, [x]) => b.unary(op, x!));
      expect(opLines(text)).toEqual([`%1 = stablehlo.${op} %arg0 : tensor<3x${e}>`]);
    });
  }

  for (const op of Object.keys(BINARY_OPS) as BinaryOp[]) {
    it(`binary ${op} prints the pretty form with one type`, () => {
      const e = FLOAT_OPERAND[BINARY_OPS[op]]!;
      const text = build(
        [
          [[2, 2], e],
          [[2, 2], e],
        ],
        (b, [x, y]) => b.binary(op, x!, y!),
      );
      expect(opLines(text)).toEqual([`%2 = stablehlo.${op} %arg0, %arg1 : tensor<2x2x${e}>`]);
    });
  }

  it("and/or/xor/not accept i1", () => {
    const text = build(
      [
        [[2], "i1"],
        [[2], "i1"],
      ],
      (b, [x, y]) => b.not(b.xor(b.and(x!, y!), b.or(x!, y!))),
    );
    expect(text).toContain("stablehlo.and %arg0, %arg1 : tensor<2xi1>");
    expect(text).toContain("stablehlo.not %4 : tensor<2xi1>");
  });

  it("is_finite prints a functional type with an i1 result", () => {
    const text = build([[[2], "f32"]], (b, [x]) => b.isFinite(x!));
    expect(opLines(text)).toEqual(["%1 = stablehlo.is_finite %arg0 : (tensor<2xf32>) -> tensor<2xi1>"]);
  });

  it("chlo.erf prints `t -> t`", () => {
    const text = build([[[2], "f32"]], (b, [x]) => b.erf(x!));
    expect(opLines(text)).toEqual(["%1 = chlo.erf %arg0 : tensor<2xf32> -> tensor<2xf32>"]);
  });

  it("compare picks FLOAT, SIGNED and UNSIGNED from the element type", () => {
    const text = build(
      [
        [[2], "f32"],
        [[2], "i32"],
        [[2], "ui8"],
        [[2], "i1"],
      ],
      (b, [f, i, u, p]) => [
        b.compare(f!, f!, "LT"),
        b.compare(i!, i!, "GE"),
        b.compare(u!, u!, "EQ"),
        b.compare(p!, p!, "NE"),
        b.compare(f!, f!, "GT", "TOTALORDER"),
      ],
    );
    expect(opLines(text)).toEqual([
      "%4 = stablehlo.compare LT, %arg0, %arg0, FLOAT : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>",
      "%5 = stablehlo.compare GE, %arg1, %arg1, SIGNED : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi1>",
      "%6 = stablehlo.compare EQ, %arg2, %arg2, UNSIGNED : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xi1>",
      "%7 = stablehlo.compare NE, %arg3, %arg3, UNSIGNED : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>",
      "%8 = stablehlo.compare GT, %arg0, %arg0, TOTALORDER : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>",
    ]);
  });

  it("select prints `pred type, value type`; clamp with scalar bounds prints a functional type", () => {
    const text = build(
      [
        [[2, 3], "i1"],
        [[2, 3], "f32"],
        [[], "f32"],
      ],
      (b, [p, x, s]) => [b.select(p!, x!, x!), b.clamp(s!, x!, s!), b.clamp(x!, x!, x!)],
    );
    expect(opLines(text)).toEqual([
      "%3 = stablehlo.select %arg0, %arg1, %arg1 : tensor<2x3xi1>, tensor<2x3xf32>",
      "%4 = stablehlo.clamp %arg2, %arg1, %arg2 : (tensor<f32>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>",
      "%5 = stablehlo.clamp %arg1, %arg1, %arg1 : tensor<2x3xf32>",
    ]);
  });

  it("convert prints a functional type", () => {
    const text = build([[[2], "i32"]], (b, [x]) => b.convert(x!, "bf16"));
    expect(opLines(text)).toEqual(["%1 = stablehlo.convert %arg0 : (tensor<2xi32>) -> tensor<2xbf16>"]);
  });
});

describe("shape ops", () => {
  it("broadcast_in_dim, reshape, transpose, reverse", () => {
    const text = build(
      [
        [[3], "f32"],
        [[], "f32"],
      ],
      (b, [x, s]) => {
        const y = b.broadcastInDim(x!, [2, 3], [1]);
        return [b.reverse(b.transpose(b.reshape(y, [3, 2]), [1, 0]), [0, 1]), b.broadcastInDim(s!, [4], [])];
      },
    );
    expect(opLines(text)).toEqual([
      "%2 = stablehlo.broadcast_in_dim %arg0, dims = [1] : (tensor<3xf32>) -> tensor<2x3xf32>",
      "%3 = stablehlo.reshape %2 : (tensor<2x3xf32>) -> tensor<3x2xf32>",
      "%4 = stablehlo.transpose %3, dims = [1, 0] : (tensor<3x2xf32>) -> tensor<2x3xf32>",
      "%5 = stablehlo.reverse %4, dims = [0, 1] : tensor<2x3xf32>",
      "%6 = stablehlo.broadcast_in_dim %arg1, dims = [] : (tensor<f32>) -> tensor<4xf32>",
    ]);
  });

  it("slice prints ranges and leaves out unit strides", () => {
    const text = build([[[3, 8], "f32"]], (b, [x]) => [b.slice(x!, [1, 4], [3, 8], [1, 2]), b.slice(x!, [0, 0], [3, 1])]);
    expect(opLines(text)).toEqual([
      "%1 = stablehlo.slice %arg0 [1:3, 4:8:2] : (tensor<3x8xf32>) -> tensor<2x2xf32>",
      "%2 = stablehlo.slice %arg0 [0:3, 0:1] : (tensor<3x8xf32>) -> tensor<3x1xf32>",
    ]);
  });

  it("dynamic_slice and dynamic_update_slice", () => {
    const text = build(
      [
        [[4, 4], "i32"],
        [[], "i64"],
        [[2, 2], "i32"],
      ],
      (b, [x, i, u]) => [b.dynamicSlice(x!, [i!, i!], [2, 2]), b.dynamicUpdateSlice(x!, u!, [i!, i!])],
    );
    expect(opLines(text)).toEqual([
      "%3 = stablehlo.dynamic_slice %arg0, %arg1, %arg1, sizes = [2, 2] : (tensor<4x4xi32>, tensor<i64>, tensor<i64>) -> tensor<2x2xi32>",
      "%4 = stablehlo.dynamic_update_slice %arg0, %arg2, %arg1, %arg1 : (tensor<4x4xi32>, tensor<2x2xi32>, tensor<i64>, tensor<i64>) -> tensor<4x4xi32>",
    ]);
  });

  it("pad computes low + high + size + interior gaps", () => {
    const text = build(
      [
        [[4, 6], "f32"],
        [[], "f32"],
      ],
      (b, [x, v]) => b.pad(x!, v!, [2, 3], [4, 5], [1, 1]),
    );
    expect(opLines(text)).toEqual([
      "%2 = stablehlo.pad %arg0, %arg1, low = [2, 3], high = [4, 5], interior = [1, 1] : (tensor<4x6xf32>, tensor<f32>) -> tensor<13x19xf32>",
    ]);
  });

  it("concatenate and iota", () => {
    const text = build(
      [
        [[5, 2], "f32"],
        [[5, 5], "f32"],
      ],
      (b, [x, y]) => [b.concatenate([x!, y!], 1), b.iota(tensorType([1, 10], "i32"), 1)],
    );
    expect(opLines(text)).toEqual([
      "%2 = stablehlo.concatenate %arg0, %arg1, dim = 1 : (tensor<5x2xf32>, tensor<5x5xf32>) -> tensor<5x7xf32>",
      "%3 = stablehlo.iota dim = 1 : tensor<1x10xi32>",
    ]);
  });

  it("dot_general with batching and contracting dims, result element and precision", () => {
    const text = build(
      [
        [[2, 2, 2], "i8"],
        [[2, 2, 3], "i8"],
        [[2, 3], "f32"],
        [[3, 4], "f32"],
      ],
      (b, [x, y, p, q]) => [
        b.dotGeneral(x!, y!, { lhsBatching: [0], rhsBatching: [0], lhsContracting: [2], rhsContracting: [1] }, { element: "i32" }),
        b.dotGeneral(p!, q!, { lhsContracting: [1], rhsContracting: [0] }, { precision: "HIGHEST" }),
      ],
    );
    expect(opLines(text)).toEqual([
      "%4 = stablehlo.dot_general %arg0, %arg1, batching_dims = [0] x [0], contracting_dims = [2] x [1] : (tensor<2x2x2xi8>, tensor<2x2x3xi8>) -> tensor<2x2x3xi32>",
      "%5 = stablehlo.dot_general %arg2, %arg3, contracting_dims = [1] x [0], precision = [HIGHEST, HIGHEST] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>",
    ]);
  });
});

describe("region ops", () => {
  it("reduce prints the generic form with a ^bb0 body", () => {
    const text = build([[[2, 3], "f32"]], (b, [x]) => b.reduceWith("max", x!, [1]));
    expect(text).toContain("%1 = stablehlo.constant dense<0xFF800000> : tensor<f32>");
    expect(text).toContain('%5 = "stablehlo.reduce"(%arg0, %1) <{dimensions = array<i64: 1>}> ({\n');
    expect(text).toContain(
      "    ^bb0(%2: tensor<f32>, %3: tensor<f32>):\n      %4 = stablehlo.maximum %2, %3 : tensor<f32>\n      stablehlo.return %4 : tensor<f32>\n    }) : (tensor<2x3xf32>, tensor<f32>) -> tensor<2xf32>",
    );
  });

  it("reduce identities for every kind", () => {
    const text = build(
      [
        [[4], "i32"],
        [[4], "i1"],
        [[4], "f32"],
      ],
      (b, [i, p, f]) => [
        b.reduceWith("add", i!, [0]),
        b.reduceWith("mul", i!, [0]),
        b.reduceWith("min", i!, [0]),
        b.reduceWith("max", i!, [0]),
        b.reduceWith("and", p!, [0]),
        b.reduceWith("or", p!, [0]),
        b.reduceWith("min", f!, [0]),
        b.reduceWith("and", i!, [0]),
      ],
    );
    for (const c of [
      "dense<0> : tensor<i32>",
      "dense<1> : tensor<i32>",
      "dense<2147483647> : tensor<i32>",
      "dense<-2147483648> : tensor<i32>",
      "dense<true> : tensor<i1>",
      "dense<false> : tensor<i1>",
      "dense<0x7F800000> : tensor<f32>",
      "dense<-1> : tensor<i32>",
    ])
      expect(text).toContain(`stablehlo.constant ${c}`);
  });

  it("reduce_window for a cumulative sum pads the front by n-1", () => {
    const text = build([[[8, 9], "f32"]], (b, [x]) => [b.cumulative("add", x!, 0), b.cumulative("max", x!, 1, true)]);
    expect(text).toContain(
      '"stablehlo.reduce_window"(%arg0, %1) <{window_dimensions = array<i64: 8, 1>, padding = dense<[[7, 0], [0, 0]]> : tensor<2x2xi64>}> ({',
    );
    expect(text).toContain("<{window_dimensions = array<i64: 1, 9>, padding = dense<[[0, 0], [0, 8]]> : tensor<2x2xi64>}>");
    expect(text).toContain("}) : (tensor<8x9xf32>, tensor<f32>) -> tensor<8x9xf32>");
  });

  it("reduce_window with strides, dilations and two inputs", () => {
    const text = build(
      [
        [[4, 2], "f32"],
        [[4, 2], "i32"],
        [[], "f32"],
        [[], "i32"],
      ],
      (b, [x, y, ix, iy]) =>
        b.reduceWindow(
          [x!, y!],
          [ix!, iy!],
          {
            windowDimensions: [5, 1],
            windowStrides: [3, 1],
            baseDilations: [1, 1],
            windowDilations: [1, 1],
            padding: [
              [2, 2],
              [0, 0],
            ],
          },
          (r, [a0, a1], [b0, b1]) => [r.add(a0!, b0!), r.add(a1!, b1!)],
        ),
    );
    expect(text).toContain(
      "<{window_dimensions = array<i64: 5, 1>, window_strides = array<i64: 3, 1>, padding = dense<[[2, 2], [0, 0]]> : tensor<2x2xi64>}>",
    );
    expect(text).toContain("-> (tensor<2x2xf32>, tensor<2x2xi32>)");
  });

  it("select_and_scatter has two regions", () => {
    const text = build(
      [
        [[4, 4], "f32"],
        [[2, 2], "f32"],
        [[], "f32"],
      ],
      (b, [x, s, i]) =>
        b.selectAndScatter(
          x!,
          s!,
          i!,
          { windowDimensions: [2, 2], windowStrides: [2, 2] },
          (r, a, c) => r.compare(a, c, "GE"),
          (r, a, c) => r.add(a, c),
        ),
    );
    expect(text).toContain(
      '"stablehlo.select_and_scatter"(%arg0, %arg1, %arg2) <{window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2, 2>}> ({',
    );
    expect(text).toContain("    }, {\n    ^bb0(");
    expect(text).toContain("}) : (tensor<4x4xf32>, tensor<2x2xf32>, tensor<f32>) -> tensor<4x4xf32>");
  });
});
