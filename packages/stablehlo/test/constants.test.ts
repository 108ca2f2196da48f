// Constants: every element type, the special floats MLIR has no literal for,
// exact i64 beyond 2^53, bools, host arrays and the `"0x..."` blob form.
import { describe, expect, it } from "vitest";
import { type Attr, type ElementType, FuncBuilder, type Module, parseModule, tensorType } from "../src/index.js";
import { opLines, roundTrip } from "./helpers.js";

function constLine(f: (b: FuncBuilder) => unknown): string[] {
  const b = new FuncBuilder();
  const v = f(b);
  b.ret(v as never);
  return opLines(roundTrip(b.module("c")));
}

function parsedValues(text: string): unknown[] {
  const m: Module = parseModule(text);
  const a = m.funcs[0]!.body[0]!.attrs.value as Extract<Attr, { kind: "dense" }>;
  return a.values;
}

const wrap = (op: string, type: string) => `func.func @main() -> ${type} {\n  %0 = ${op}\n  return %0 : ${type}\n}\n`;

describe("constants", () => {
  it("splat scalars of every element type", () => {
    const cases: [ElementType, number | bigint | boolean, string][] = [
      ["f32", 1.5, "1.5"],
      ["f64", 2, "2.0"],
      ["f16", -0.25, "-0.25"],
      ["bf16", 3, "3.0"],
      ["i1", true, "true"],
      ["i8", -128, "-128"],
      ["ui8", 255, "255"],
      ["i16", 1234, "1234"],
      ["i32", -7, "-7"],
      ["i64", 5n, "5"],
    ];
    for (const [e, v, s] of cases)
      expect(constLine((b) => b.constant(v, tensorType([2, 2], e)))).toEqual([`%0 = stablehlo.constant dense<${s}> : tensor<2x2x${e}>`]);
  });

  it("NaN and infinities print as the hex bits of the element type", () => {
    const lines = constLine((b) => [
      b.constant([NaN, Infinity, -Infinity], tensorType([3], "f32")),
      b.constant([NaN, Infinity, -Infinity], tensorType([3], "f64")),
      b.constant([NaN, Infinity, -Infinity], tensorType([3], "f16")),
      b.constant([NaN, Infinity, -Infinity], tensorType([3], "bf16")),
    ]);
    expect(lines).toEqual([
      "%0 = stablehlo.constant dense<[0x7FC00000, 0x7F800000, 0xFF800000]> : tensor<3xf32>",
      "%1 = stablehlo.constant dense<[0x7FF8000000000000, 0x7FF0000000000000, 0xFFF0000000000000]> : tensor<3xf64>",
      "%2 = stablehlo.constant dense<[0x7E00, 0x7C00, 0xFC00]> : tensor<3xf16>",
      "%3 = stablehlo.constant dense<[0x7FC0, 0x7F80, 0xFF80]> : tensor<3xbf16>",
    ]);
    const vs = parsedValues(
      wrap("stablehlo.constant dense<[0x7FC00000, 0x7F800000, 0xFF800000, 0x3F800000]> : tensor<4xf32>", "tensor<4xf32>"),
    );
    expect(vs).toEqual([NaN, Infinity, -Infinity, 1]);
  });

  it("floats always carry a '.' so MLIR lexes them as floats", () => {
    const lines = constLine((b) => b.constant([0.1, -0, 1e-7, 1e21, 2, 123456.789], tensorType([6], "f64")));
    expect(lines).toEqual(["%0 = stablehlo.constant dense<[0.1, -0.0, 1.0e-7, 1.0e+21, 2.0, 123456.789]> : tensor<6xf64>"]);
  });

  it("i64 beyond 2^53 prints and parses exactly", () => {
    const big = [9007199254740993n, -(1n << 63n), (1n << 63n) - 1n];
    const lines = constLine((b) => b.constant(big, tensorType([3], "i64")));
    expect(lines).toEqual(["%0 = stablehlo.constant dense<[9007199254740993, -9223372036854775808, 9223372036854775807]> : tensor<3xi64>"]);
    expect(parsedValues(wrap(lines[0]!.slice(5), "tensor<3xi64>"))).toEqual(big);
    expect(() => new FuncBuilder().constant(2 ** 60, "i64")).toThrow(/beyond 2\^53; pass i64 values as bigint/);
  });

  it("bools print as true/false", () => {
    expect(constLine((b) => [b.constant(true, "i1"), b.constant([true, false, 1, 0], tensorType([2, 2], "i1"))])).toEqual([
      "%0 = stablehlo.constant dense<true> : tensor<i1>",
      "%1 = stablehlo.constant dense<[[true, false], [true, false]]> : tensor<2x2xi1>",
    ]);
  });

  it("nested arrays, splat detection and empty tensors", () => {
    expect(
      constLine((b) => [
        b.constant(
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          tensorType([2, 3], "i32"),
        ),
        b.constant([7, 7, 7], tensorType([3], "i32")),
        b.constant([], tensorType([0, 3], "f32")),
        b.constant(new Float32Array([0.5, 0.25]), tensorType([2], "f32")),
      ]),
    ).toEqual([
      "%0 = stablehlo.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>",
      "%1 = stablehlo.constant dense<7> : tensor<3xi32>",
      "%2 = stablehlo.constant dense<> : tensor<0x3xf32>",
      "%3 = stablehlo.constant dense<[0.5, 0.25]> : tensor<2xf32>",
    ]);
  });

  it("host arrays in the documented layout (f16/bf16 bits, bool bytes, BigInt64Array)", () => {
    expect(
      constLine((b) => [
        b.constantFromHost(new Uint16Array([0x3c00, 0xc000, 0x7e00]), "float16", [3]),
        b.constantFromHost(new Uint16Array([0x3f80, 0x4040]), "bfloat16", [2]),
        b.constantFromHost(new Uint8Array([1, 0]), "bool", [2]),
        b.constantFromHost(new BigInt64Array([1n << 62n, -1n]), "int64", [2]),
        b.constantFromHost(new Uint8Array([200, 3]), "uint8", [2]),
      ]),
    ).toEqual([
      "%0 = stablehlo.constant dense<[1.0, -2.0, 0x7E00]> : tensor<3xf16>",
      "%1 = stablehlo.constant dense<[1.0, 3.0]> : tensor<2xbf16>",
      "%2 = stablehlo.constant dense<[true, false]> : tensor<2xi1>",
      "%3 = stablehlo.constant dense<[4611686018427387904, -1]> : tensor<2xi64>",
      "%4 = stablehlo.constant dense<[200, 3]> : tensor<2xui8>",
    ]);
  });

  it("rejects values outside the element type and wrong counts", () => {
    const b = new FuncBuilder();
    expect(() => b.constant(300, "i8")).toThrow(/300 is out of range for i8/);
    expect(() => b.constant(-1, "ui8")).toThrow(/out of range for ui8/);
    expect(() => b.constant(1.5, "i32")).toThrow(/1.5 is not an integer/);
    expect(() => b.constant(2, "i1")).toThrow(/not a valid i1/);
    expect(() => b.constant([1, 2, 3], tensorType([2, 2], "f32"))).toThrow(/got 3 values for tensor<2x2xf32>/);
  });

  it("parses MLIR's hex blob form, little-endian, including a splat blob", () => {
    expect(parsedValues(wrap('stablehlo.constant dense<"0x0000803F00000040"> : tensor<2xf32>', "tensor<2xf32>"))).toEqual([1, 2]);
    expect(parsedValues(wrap('stablehlo.constant dense<"0xFFFFFFFFFFFFFF7F"> : tensor<3xi64>', "tensor<3xi64>"))).toEqual([
      (1n << 63n) - 1n,
    ]);
    expect(parsedValues(wrap('stablehlo.constant dense<"0x0100"> : tensor<2xi1>', "tensor<2xi1>"))).toEqual([true, false]);
  });
});
