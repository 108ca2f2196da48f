// Whole graphs a lowering produces, round-tripped and checked line by line where it matters.
import { describe, expect, it } from "vitest";
import { FuncBuilder, parseModule, tensorType } from "../src/index.js";
import { opLines, roundTrip } from "./helpers.js";

describe("graphs", () => {
  it("matmul + bias + relu", () => {
    const b = new FuncBuilder("main");
    const x = b.param([2, 3], "f32");
    const w = b.param([3, 4], "f32");
    const bias = b.param([4], "f32");
    const mm = b.dotGeneral(x, w, { lhsContracting: [1], rhsContracting: [0] });
    const y = b.add(mm, b.broadcastInDim(bias, [2, 4], [1]));
    const relu = b.maximum(y, b.constant(0, tensorType([2, 4], "f32")));
    const text = roundTrip(b.ret(relu).module("mlp"));
    expect(text).toBe(`module @mlp attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<2x3xf32>, %arg1: tensor<3x4xf32>, %arg2: tensor<4xf32>) -> tensor<2x4xf32> {
    %3 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
    %4 = stablehlo.broadcast_in_dim %arg2, dims = [1] : (tensor<4xf32>) -> tensor<2x4xf32>
    %5 = stablehlo.add %3, %4 : tensor<2x4xf32>
    %6 = stablehlo.constant dense<0.0> : tensor<2x4xf32>
    %7 = stablehlo.maximum %5, %6 : tensor<2x4xf32>
    return %7 : tensor<2x4xf32>
  }
}
`);
  });

  it("softmax: reduce max, subtract, exp, reduce sum, divide", () => {
    const b = new FuncBuilder();
    const x = b.param([2, 5], "f32");
    const mx = b.reduceWith("max", x, [1]);
    const e = b.exponential(b.subtract(x, b.broadcastInDim(mx, [2, 5], [0])));
    const s = b.reduceWith("add", e, [1]);
    const y = b.divide(e, b.broadcastInDim(s, [2, 5], [0]));
    const text = roundTrip(b.ret(y).module("softmax"));
    const lines = opLines(text);
    expect(lines.filter((l) => l.includes('"stablehlo.reduce"'))).toEqual([
      '%5 = "stablehlo.reduce"(%arg0, %1) <{dimensions = array<i64: 1>}> ({',
      '%13 = "stablehlo.reduce"(%8, %9) <{dimensions = array<i64: 1>}> ({',
    ]);
    expect(lines).toContain("%4 = stablehlo.maximum %2, %3 : tensor<f32>");
    expect(lines).toContain("%7 = stablehlo.subtract %arg0, %6 : tensor<2x5xf32>");
    expect(lines).toContain("%8 = stablehlo.exponential %7 : tensor<2x5xf32>");
    expect(lines).toContain("%9 = stablehlo.constant dense<0.0> : tensor<f32>");
    expect(lines).toContain("%14 = stablehlo.broadcast_in_dim %13, dims = [0] : (tensor<2xf32>) -> tensor<2x5xf32>");
    expect(lines).toContain("%15 = stablehlo.divide %8, %14 : tensor<2x5xf32>");
    expect(text).toContain("}) : (tensor<2x5xf32>, tensor<f32>) -> tensor<2xf32>");
  });

  it("gather rows of a table (embedding lookup)", () => {
    const b = new FuncBuilder();
    const table = b.param([10, 4], "f32");
    const idx = b.param([3, 1], "i64");
    const g = b.gather(table, idx, { offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 1 }, [1, 4]);
    expect(g.type).toEqual({ shape: [3, 4], element: "f32" });
    const text = roundTrip(b.ret(g).module("gather"));
    expect(opLines(text)).toEqual([
      '%2 = "stablehlo.gather"(%arg0, %arg1) <{dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 1, 4>, indices_are_sorted = false}> : (tensor<10x4xf32>, tensor<3x1xi64>) -> tensor<3x4xf32>',
    ]);
  });

  it("gather with batching dims and the implicit trailing index vector dim", () => {
    const b = new FuncBuilder();
    const op = b.param([5, 200, 100, 300], "f32");
    const idx = b.param([5, 10, 2], "i32");
    const g = b.gather(
      op,
      idx,
      {
        offsetDims: [2],
        collapsedSliceDims: [1, 2],
        operandBatchingDims: [0],
        startIndicesBatchingDims: [0],
        startIndexMap: [1, 2],
        indexVectorDim: 2,
      },
      [1, 1, 1, 300],
      { indicesAreSorted: true },
    );
    expect(g.type.shape).toEqual([5, 10, 300]);
    const text = roundTrip(b.ret(g).module("g"));
    expect(text).toContain(
      "#stablehlo.gather<offset_dims = [2], collapsed_slice_dims = [1, 2], operand_batching_dims = [0], start_indices_batching_dims = [0], start_index_map = [1, 2], index_vector_dim = 2>",
    );
    const b2 = new FuncBuilder();
    const t = b2.param([7], "f32");
    const i = b2.param([3], "i32");
    // index_vector_dim == rank(indices): each index is a scalar; 0 is left out of the printed record.
    const g2 = b2.gather(
      b2.reshape(t, [7, 1]),
      b2.reshape(i, [3]),
      { offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0], indexVectorDim: 1 },
      [1, 1],
    );
    expect(g2.type.shape).toEqual([3, 1]);
  });

  it("scatter-add of rows", () => {
    const b = new FuncBuilder();
    const acc = b.param([10, 4], "f32");
    const idx = b.param([3, 1], "i32");
    const upd = b.param([3, 4], "f32");
    const r = b.scatterWith("add", acc, idx, upd, {
      updateWindowDims: [1],
      insertedWindowDims: [0],
      scatterDimsToOperandDims: [0],
      indexVectorDim: 1,
    });
    expect(r.type).toEqual(acc.type);
    const text = roundTrip(b.ret(r).module("scatter"));
    expect(text).toContain(
      '%6 = "stablehlo.scatter"(%arg0, %arg1, %arg2) <{scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [1], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>, indices_are_sorted = false, unique_indices = false}> ({',
    );
    expect(text).toContain(
      "^bb0(%3: tensor<f32>, %4: tensor<f32>):\n      %5 = stablehlo.add %3, %4 : tensor<f32>\n      stablehlo.return %5 : tensor<f32>",
    );
    expect(text).toContain("}) : (tensor<10x4xf32>, tensor<3x1xi32>, tensor<3x4xf32>) -> tensor<10x4xf32>");
  });

  it("scatter set with two inputs", () => {
    const b = new FuncBuilder();
    const a = b.param([6], "f32");
    const c = b.param([6], "i32");
    const idx = b.param([2, 1], "i64");
    const ua = b.param([2], "f32");
    const uc = b.param([2], "i32");
    const rs = b.scatter(
      [a, c],
      idx,
      [ua, uc],
      { updateWindowDims: [], insertedWindowDims: [0], scatterDimsToOperandDims: [0], indexVectorDim: 1 },
      (_, __, upd) => upd,
      { uniqueIndices: true },
    );
    const text = roundTrip(b.ret(rs).module("s2"));
    expect(text).toContain("#stablehlo.scatter<inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>");
    expect(text).toContain(
      "^bb0(%5: tensor<f32>, %6: tensor<i32>, %7: tensor<f32>, %8: tensor<i32>):\n      stablehlo.return %7, %8 : tensor<f32>, tensor<i32>",
    );
    expect(text).toContain('%9, %10 = "stablehlo.scatter"');
  });

  it("sort of two operands (values and indices), descending and stable", () => {
    const b = new FuncBuilder();
    const v = b.param([16, 16], "f32");
    const idx = b.iota(tensorType([16, 16], "i32"), 1);
    const [sv, si] = b.sortBy([v, idx], 1, true);
    const text = roundTrip(b.ret([sv!, si!]).module("sort"));
    expect(opLines(text)).toEqual([
      "%1 = stablehlo.iota dim = 1 : tensor<16x16xi32>",
      '%7, %8 = "stablehlo.sort"(%arg0, %1) <{dimension = 1 : i64, is_stable = true}> ({',
      "%6 = stablehlo.compare GT, %2, %3, TOTALORDER : (tensor<f32>, tensor<f32>) -> tensor<i1>",
    ]);
    expect(text).toContain("^bb0(%2: tensor<f32>, %3: tensor<f32>, %4: tensor<i32>, %5: tensor<i32>):");
    expect(text).toContain("}) : (tensor<16x16xf32>, tensor<16x16xi32>) -> (tensor<16x16xf32>, tensor<16x16xi32>)");
  });

  it("argmax as a variadic reduce over (values, iota)", () => {
    const b = new FuncBuilder();
    const x = b.param([18, 12], "f32");
    const [mv, mi] = b.argReduce(x, 1, "max", "i32");
    expect(mv.type).toEqual({ shape: [18], element: "f32" });
    expect(mi.type).toEqual({ shape: [18], element: "i32" });
    const text = roundTrip(b.ret(mi).module("argmax"));
    const lines = opLines(text);
    expect(lines[0]).toBe("%1 = stablehlo.iota dim = 1 : tensor<18x12xi32>");
    expect(lines).toContain("%2 = stablehlo.constant dense<0xFF800000> : tensor<f32>");
    expect(lines).toContain("%3 = stablehlo.constant dense<0> : tensor<i32>");
    expect(lines).toContain('%17, %18 = "stablehlo.reduce"(%arg0, %1, %2, %3) <{dimensions = array<i64: 1>}> ({');
    expect(lines).toContain("%9 = stablehlo.compare NE, %4, %4, FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>");
    expect(lines).toContain("%12 = stablehlo.compare LT, %5, %7, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>");
    expect(text).toContain("stablehlo.return %14, %16 : tensor<f32>, tensor<i32>");
    expect(text).toContain("}) : (tensor<18x12xf32>, tensor<18x12xi32>, tensor<f32>, tensor<i32>) -> (tensor<18xf32>, tensor<18xi32>)");
    expect(text).toContain("return %18 : tensor<18xi32>");
  });

  it("a module with a helper function keeps main public and the helper private", () => {
    const b = new FuncBuilder("helper");
    const x = b.param([2], "f32");
    const helper = b.ret(b.negate(x)).func();
    const m = new FuncBuilder("main");
    const y = m.param([2], "f32");
    const mod = { name: "two", funcs: [m.ret(y).func(), helper] };
    const text = roundTrip(mod);
    expect(text).toContain("func.func public @main(%arg0: tensor<2xf32>) -> tensor<2xf32>");
    expect(text).toContain("func.func private @helper(%arg0: tensor<2xf32>) -> tensor<2xf32>");
    expect(parseModule(text).funcs.map((f) => f.name)).toEqual(["main", "helper"]);
  });
});
