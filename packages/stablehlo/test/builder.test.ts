// Shape inference and the clear errors the builder and printer give on bad input.
import { describe, expect, it } from "vitest";
import { FuncBuilder, type Module, dtypeOf, elementTypeOf, printModule, tensorType } from "../src/index.js";

describe("shape inference", () => {
  const b = new FuncBuilder();
  const x = b.param([2, 3, 4], "f32");

  it("infers result shapes from the spec rules", () => {
    expect(b.reshape(x, [6, 4]).type.shape).toEqual([6, 4]);
    expect(b.transpose(x, [2, 0, 1]).type.shape).toEqual([4, 2, 3]);
    expect(b.slice(x, [0, 1, 0], [2, 3, 4], [1, 1, 3]).type.shape).toEqual([2, 2, 2]);
    expect(b.pad(x, b.constant(0, "f32"), [1, 0, -1], [0, 2, 0], [0, 1, 0]).type.shape).toEqual([3, 7, 3]);
    expect(b.reduceWith("add", x, [0, 2]).type.shape).toEqual([3]);
    expect(b.dotGeneral(x, x, { lhsBatching: [0], rhsBatching: [0], lhsContracting: [1], rhsContracting: [1] }).type.shape).toEqual([
      2, 4, 4,
    ]);
    expect(b.concatenate([x, x], 2).type.shape).toEqual([2, 3, 8]);
    expect(
      b.reduceWindow([x], [b.constant(0, "f32")], { windowDimensions: [1, 2, 2], windowStrides: [1, 1, 2] }, (r, [a], [c]) => [
        r.add(a!, c!),
      ])[0]!.type.shape,
    ).toEqual([2, 2, 2]);
    expect(b.compare(x, x, "EQ").type).toEqual({ shape: [2, 3, 4], element: "i1" });
    expect(b.sort([x], -1, (r, [l], [g]) => r.compare(l!, g!, "LT"))[0]!.type.shape).toEqual([2, 3, 4]);
  });

  it("throws errors naming the op and the problem", () => {
    const y = b.param([3, 2], "f32");
    const i = b.param([3], "i32");
    expect(() => b.add(x, y)).toThrow("stablehlo.add: operand types differ: tensor<2x3x4xf32>, tensor<3x2xf32>");
    expect(() => b.exponential(i)).toThrow("stablehlo.exponential: expected a float or complex tensor, got tensor<3xi32>");
    expect(() => b.and(x, x)).toThrow("stablehlo.and: expected an integer or i1 tensor");
    expect(() => b.reshape(x, [5, 5])).toThrow("stablehlo.reshape: cannot reshape tensor<2x3x4xf32> to [5, 5]: element counts differ");
    expect(() => b.transpose(x, [0, 0, 1])).toThrow("repeated dimension 0");
    expect(() => b.broadcastInDim(y, [4, 2], [0, 1])).toThrow(
      "operand dimension 0 (size 3) cannot broadcast to result dimension 0 (size 4)",
    );
    expect(() => b.dotGeneral(x, y, { lhsContracting: [2], rhsContracting: [0] })).toThrow(
      "stablehlo.dot_general: contracting dimension sizes differ: lhs tensor<2x3x4xf32> dim 2 vs rhs tensor<3x2xf32> dim 0",
    );
    expect(() => b.slice(y, [0, 0], [4, 2])).toThrow("range 0:4 is invalid for dimension 0");
    expect(() => b.select(b.constant(true, tensorType([2], "i1")), y, y)).toThrow(
      "predicate tensor<2xi1> must be a scalar or have the shape",
    );
    expect(() => b.reduce([x], [b.constant(0, "i32")], [0], (_, l) => l)).toThrow("init value 0 tensor<i32> must be a scalar of f32");
    expect(() => b.reduce([x], [b.constant(0, "f32")], [0], (r, [a]) => [r.convert(a!, "i32")])).toThrow(
      "stablehlo.reduce: body result 0 must be tensor<f32>, got tensor<i32>",
    );
    expect(() => b.sort([x], 0, (_, [l]) => l!)).toThrow("stablehlo.sort: body result 0 must be tensor<i1>, got tensor<f32>");
    expect(() => b.gather(y, i, { offsetDims: [0], startIndexMap: [0], indexVectorDim: 1 }, [1, 2])).toThrow(
      "stablehlo.gather: offset_dims [0] must have 2 entries",
    );
    expect(() => b.gather(y, i, { offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 1 }, [4, 2])).toThrow(
      "slice size 4 exceeds dimension 0",
    );
    expect(() =>
      b.scatterWith("add", y, b.reshape(i, [3, 1]), b.param([2, 2], "f32"), {
        updateWindowDims: [1],
        insertedWindowDims: [0],
        scatterDimsToOperandDims: [0],
        indexVectorDim: 1,
      }),
    ).toThrow("dimension 0 must match the index batch shape [3]");
    expect(() => b.dynamicSlice(y, [i], [1, 1])).toThrow("expected 2 start indices");
    expect(() => b.compare(i, i, "LT", "FLOAT")).toThrow("stablehlo.compare: compare type FLOAT does not suit i32 (use SIGNED)");
    expect(() => b.abs(b.param([2], "ui8"))).toThrow("stablehlo.abs: expected a float or signed integer tensor, got tensor<2xui8>");
    const outside = b.constant(0, "f32");
    expect(() => b.reduce([x], [outside], [0], (r, [a]) => [r.add(a!, outside)])).toThrow(
      "stablehlo.add: a region body may not use values from outside it (%",
    );
    expect(() => b.iota(tensorType([2], "f32"), 1)).toThrow("stablehlo.iota: dimension 1 out of range");
  });
});

describe("functions and modules", () => {
  it("requires ret() before func()", () => {
    expect(() => new FuncBuilder("f").func()).toThrow("function @f: ret() was not called");
  });

  it("the printer rejects values from another function and duplicate names", () => {
    const a = new FuncBuilder();
    const stray = a.param([2], "f32");
    const b = new FuncBuilder();
    b.param([2], "f32");
    const m: Module = b.ret(b.negate(stray)).module();
    expect(() => printModule(m)).toThrow("printModule: function @main: %arg0 is used before it is defined (or comes from another function");
    const d = new FuncBuilder();
    d.param([2], "f32").name = "x";
    const x2 = d.param([2], "f32");
    x2.name = "x";
    expect(() => printModule(d.ret(x2).module())).toThrow("printModule: function @main: value %x is defined twice");
    const c = new FuncBuilder();
    const y = c.param([2], "f32");
    const other = { id: 99, type: tensorType([2], "f32") };
    c.ret(c.add(y, other));
    expect(() => printModule(c.module())).toThrow("%99 is used before it is defined (or comes from another function or a closed region)");
  });

  it("maps dtype names to element types and back", () => {
    const pairs = [
      ["float32", "f32"],
      ["float64", "f64"],
      ["float16", "f16"],
      ["bfloat16", "bf16"],
      ["int8", "i8"],
      ["uint8", "ui8"],
      ["int16", "i16"],
      ["int32", "i32"],
      ["int64", "i64"],
      ["bool", "i1"],
      ["complex64", "complex<f32>"],
      ["complex128", "complex<f64>"],
    ] as const;
    for (const [d, e] of pairs) {
      expect(elementTypeOf(d)).toBe(e);
      expect(dtypeOf(e)).toBe(d);
    }
    expect(() => elementTypeOf("complex32" as never)).toThrow("no StableHLO element type for dtype 'complex32'");
  });
});
