// The full builder: region-carrying ops (reduce, reduce_window, select_and_scatter,
// gather, scatter, sort) and their common helpers, on top of BaseBuilder, plus
// FuncBuilder, which collects params and returns into a Func or Module.
import { BaseBuilder, i64, ints, scalarOf } from "./builder_base.js";
import {
  type Attr,
  type DenseElement,
  type ElementType,
  type Func,
  type GatherDims,
  type Module,
  type Region,
  type ScatterDims,
  type TensorType,
  type Value,
  isFloat,
  tensorType,
} from "./ir.js";
import type { BinaryOp } from "./opsets.js";
import * as S from "./shapes.js";

/** The reductions with a one-op body and a known identity. */
export type ReduceKind = "add" | "mul" | "max" | "min" | "and" | "or";
const REDUCE_OP: Record<ReduceKind, BinaryOp> = { add: "add", mul: "multiply", max: "maximum", min: "minimum", and: "and", or: "or" };

export interface WindowOptions {
  windowDimensions: number[];
  windowStrides?: number[];
  baseDilations?: number[];
  windowDilations?: number[];
  /** [low, high] per dimension. */
  padding?: [number, number][];
}

type Body<R> = (b: Builder, lhs: Value[], rhs: Value[]) => R;

export class Builder extends BaseBuilder {
  /** Builds a single-block region whose arguments have `argTypes`. */
  region(argTypes: TensorType[], body: (b: Builder, args: Value[]) => Value[]): Region {
    const b = new Builder([], this.ids);
    const args = argTypes.map((t) => b.newValue(t));
    const returns = body(b, args);
    const region = { args, ops: b.ops, returns };
    checkNoCapture(region);
    return region;
  }

  // ---- reductions ----------------------------------------------------------------

  /**
   * Variadic reduce over `dims`. The body gets the accumulators (lhs) and the incoming
   * elements (rhs) as scalars, one per input, and returns the new accumulators.
   */
  reduce(inputs: Value[], inits: Value[], dims: readonly number[], body: Body<Value[]>): Value[] {
    const types = S.reduce(
      inputs.map((v) => v.type),
      inits.map((v) => v.type),
      dims,
    );
    const region = this.pairRegion(
      "reduce",
      inputs.map((v) => v.type.element),
      body,
    );
    return this.emit("stablehlo.reduce", [...inputs, ...inits], types, { dimensions: ints(dims) }, [region]);
  }

  /** A one-op reduction (sum, product, max, min, all, any); `init` defaults to the identity. */
  reduceWith(kind: ReduceKind, x: Value, dims: readonly number[], init?: Value): Value {
    const i = init ?? this.constant(identity(kind, x.type.element), x.type.element);
    return this.reduce([x], [i], dims, (b, [a], [c]) => [b.binary(REDUCE_OP[kind], a!, c!)])[0]!;
  }

  /**
   * argmax/argmin along `dim`: a variadic reduce over (values, iota indices) that, like
   * JAX, prefers NaN and, on ties, the smaller index. Returns [values, indices].
   */
  argReduce(x: Value, dim: number, kind: "max" | "min", indexElement: ElementType = "i64"): [Value, Value] {
    const e = x.type.element;
    const idx = this.iota(tensorType(x.type.shape, indexElement), dim);
    const initV = this.constant(identity(kind, e), e);
    const initI = this.constant(indexElement === "i64" ? 0n : 0, indexElement);
    const dir = kind === "max" ? "GT" : "LT";
    const [v, i] = this.reduce([x, idx], [initV, initI], [dim], (b, [av, ai], [bv, bi]) => {
      let pickA = b.compare(av!, bv!, dir);
      if (isFloat(e)) pickA = b.or(pickA, b.compare(av!, av!, "NE"));
      const tie = b.and(b.compare(av!, bv!, "EQ"), b.compare(ai!, bi!, "LT"));
      return [b.select(pickA, av!, bv!), b.select(b.or(pickA, tie), ai!, bi!)];
    });
    return [v!, i!];
  }

  /** reduce_window over several inputs; unspecified strides/dilations are 1 and padding 0. */
  reduceWindow(inputs: Value[], inits: Value[], window: WindowOptions, body: Body<Value[]>): Value[] {
    const { w, attrs } = windowAttrs(inputs[0]?.type.shape.length ?? 0, window);
    const types = S.reduceWindow(
      inputs.map((v) => v.type),
      inits.map((v) => v.type),
      w,
    );
    const region = this.pairRegion(
      "reduce_window",
      inputs.map((v) => v.type.element),
      body,
    );
    return this.emit("stablehlo.reduce_window", [...inputs, ...inits], types, attrs, [region]);
  }

  /** Cumulative sum/product/max/min along `dim` (a reduce_window with a full-length window). */
  cumulative(kind: ReduceKind, x: Value, dim: number, reverse = false): Value {
    const r = x.type.shape.length;
    if (dim < 0 || dim >= r) S.fail("reduce_window", `cumulative dimension ${dim} out of range for rank ${r}`);
    const n = x.type.shape[dim]!;
    const windowDimensions = x.type.shape.map((_, i) => (i === dim ? Math.max(n, 1) : 1));
    const padding = x.type.shape.map((_, i): [number, number] =>
      i !== dim ? [0, 0] : reverse ? [0, Math.max(n - 1, 0)] : [Math.max(n - 1, 0), 0],
    );
    const init = this.constant(identity(kind, x.type.element), x.type.element);
    return this.reduceWindow([x], [init], { windowDimensions, padding }, (b, [a], [c]) => [b.binary(REDUCE_OP[kind], a!, c!)])[0]!;
  }

  /** select_and_scatter (the gradient of max pooling): `select` picks in a window, `scatter` combines. */
  selectAndScatter(
    operand: Value,
    source: Value,
    init: Value,
    window: WindowOptions,
    select: (b: Builder, a: Value, c: Value) => Value,
    scatter: (b: Builder, a: Value, c: Value) => Value,
  ): Value {
    const { w, attrs } = windowAttrs(operand.type.shape.length, window);
    delete attrs.base_dilations;
    delete attrs.window_dilations;
    if (w.baseDilations.some((d) => d !== 1) || w.windowDilations.some((d) => d !== 1))
      S.fail("select_and_scatter", "dilations are not supported");
    const t = S.selectAndScatter(operand.type, source.type, init.type, w);
    const e = operand.type.element;
    const sel = this.region([scalarOf(e), scalarOf(e)], (b, [a, c]) => {
      const r = select(b, a!, c!);
      S.checkRegionReturns("select_and_scatter", [r.type], ["i1"]);
      return [r];
    });
    const sct = this.pairRegion("select_and_scatter", [e], (b, [a], [c]) => [scatter(b, a!, c!)]);
    return this.emit1("stablehlo.select_and_scatter", [operand, source, init], t, attrs, [sel, sct]);
  }

  // ---- gather / scatter / sort -----------------------------------------------------

  gather(
    operand: Value,
    startIndices: Value,
    dims: GatherDimsInput,
    sliceSizes: readonly number[],
    opts: { indicesAreSorted?: boolean } = {},
  ): Value {
    const d = fullGatherDims(dims);
    const t = S.gather(operand.type, startIndices.type, d, sliceSizes);
    return this.emit1("stablehlo.gather", [operand, startIndices], t, {
      dimension_numbers: { kind: "gather", ...d },
      slice_sizes: ints(sliceSizes),
      indices_are_sorted: { kind: "bool", value: opts.indicesAreSorted ?? false },
    });
  }

  /**
   * Variadic scatter. The body gets the current values (lhs) and the updates (rhs), one
   * scalar per input, and returns the values to store.
   */
  scatter(
    inputs: Value[],
    scatterIndices: Value,
    updates: Value[],
    dims: ScatterDimsInput,
    body: Body<Value[]>,
    opts: { indicesAreSorted?: boolean; uniqueIndices?: boolean } = {},
  ): Value[] {
    const d = fullScatterDims(dims);
    const types = S.scatter(
      inputs.map((v) => v.type),
      scatterIndices.type,
      updates.map((v) => v.type),
      d,
    );
    const region = this.pairRegion(
      "scatter",
      inputs.map((v) => v.type.element),
      body,
    );
    return this.emit(
      "stablehlo.scatter",
      [...inputs, scatterIndices, ...updates],
      types,
      {
        scatter_dimension_numbers: { kind: "scatter", ...d },
        indices_are_sorted: { kind: "bool", value: opts.indicesAreSorted ?? false },
        unique_indices: { kind: "bool", value: opts.uniqueIndices ?? false },
      },
      [region],
    );
  }

  /** Scatter of one input: "set" overwrites, the others combine with the current value. */
  scatterWith(
    kind: "set" | ReduceKind,
    input: Value,
    scatterIndices: Value,
    update: Value,
    dims: ScatterDimsInput,
    opts: { indicesAreSorted?: boolean; uniqueIndices?: boolean } = {},
  ): Value {
    return this.scatter(
      [input],
      scatterIndices,
      [update],
      dims,
      (b, [cur], [upd]) => [kind === "set" ? upd! : b.binary(REDUCE_OP[kind], cur!, upd!)],
      opts,
    )[0]!;
  }

  /**
   * Sorts `inputs` together along `dimension`. The comparator gets the lhs and rhs
   * scalars of each input and returns an i1 "lhs goes first".
   */
  sort(inputs: Value[], dimension: number, comparator: (b: Builder, lhs: Value[], rhs: Value[]) => Value, isStable = true): Value[] {
    const types = S.sort(
      inputs.map((v) => v.type),
      dimension,
    );
    const dim = dimension < 0 ? dimension + inputs[0]!.type.shape.length : dimension;
    const argTypes = inputs.flatMap((v) => [scalarOf(v.type.element), scalarOf(v.type.element)]);
    const region = this.region(argTypes, (b, args) => {
      const r = comparator(
        b,
        args.filter((_, i) => i % 2 === 0),
        args.filter((_, i) => i % 2 === 1),
      );
      S.checkRegionReturns("sort", [r.type], ["i1"]);
      return [r];
    });
    return this.emit("stablehlo.sort", inputs, types, { dimension: i64(dim), is_stable: { kind: "bool", value: isStable } }, [region]);
  }

  /** Sorts by the first input (total order for floats, so NaNs sort last ascending); others follow. */
  sortBy(inputs: Value[], dimension: number, descending = false, isStable = true): Value[] {
    const e = inputs[0]!.type.element;
    return this.sort(
      inputs,
      dimension,
      (b, [l], [r]) => b.compare(l!, r!, descending ? "GT" : "LT", isFloat(e) ? "TOTALORDER" : undefined),
      isStable,
    );
  }

  /** A region with args (lhs..., rhs...) of scalar `elements`, checked to return those elements. */
  private pairRegion(op: string, elements: ElementType[], body: Body<Value[]>): Region {
    const n = elements.length;
    const types = [...elements, ...elements].map(scalarOf);
    return this.region(types, (b, args) => {
      const out = body(b, args.slice(0, n), args.slice(n));
      S.checkRegionReturns(
        op,
        out.map((v) => v.type),
        elements,
      );
      return out;
    });
  }
}

export type GatherDimsInput = Partial<GatherDims> & Pick<GatherDims, "offsetDims" | "startIndexMap" | "indexVectorDim">;
export type ScatterDimsInput = Partial<ScatterDims> & Pick<ScatterDims, "updateWindowDims" | "scatterDimsToOperandDims" | "indexVectorDim">;

/**
 * XLA turns each region into a separate computation, so a body may only use its own
 * arguments and values it defines; a value from outside is reported here, early.
 */
function checkNoCapture(r: Region): void {
  // Nested regions were checked when they were built, so only this level is walked.
  const own = new Set<Value>(r.args);
  const check = (v: Value, what: string) => {
    if (!own.has(v))
      throw new Error(`${what}: a region body may not use values from outside it (%${v.name ?? v.id}); build constants inside the body`);
  };
  for (const op of r.ops) {
    op.operands.forEach((v) => check(v, op.name));
    op.results.forEach((v) => own.add(v));
  }
  r.returns.forEach((v) => check(v, "stablehlo.return"));
}

function fullGatherDims(d: GatherDimsInput): GatherDims {
  return {
    offsetDims: [...d.offsetDims],
    collapsedSliceDims: [...(d.collapsedSliceDims ?? [])],
    operandBatchingDims: [...(d.operandBatchingDims ?? [])],
    startIndicesBatchingDims: [...(d.startIndicesBatchingDims ?? [])],
    startIndexMap: [...d.startIndexMap],
    indexVectorDim: d.indexVectorDim,
  };
}

function fullScatterDims(d: ScatterDimsInput): ScatterDims {
  return {
    updateWindowDims: [...d.updateWindowDims],
    insertedWindowDims: [...(d.insertedWindowDims ?? [])],
    inputBatchingDims: [...(d.inputBatchingDims ?? [])],
    scatterIndicesBatchingDims: [...(d.scatterIndicesBatchingDims ?? [])],
    scatterDimsToOperandDims: [...d.scatterDimsToOperandDims],
    indexVectorDim: d.indexVectorDim,
  };
}

/** Fills window defaults; only non-default attributes are emitted, as MLIR prints them. */
function windowAttrs(rank: number, o: WindowOptions): { w: S.WindowOpts; attrs: Record<string, Attr> } {
  const ones = Array.from({ length: rank }, () => 1);
  const w: S.WindowOpts = {
    windowDimensions: [...o.windowDimensions],
    windowStrides: [...(o.windowStrides ?? ones)],
    baseDilations: [...(o.baseDilations ?? ones)],
    windowDilations: [...(o.windowDilations ?? ones)],
    padding: (o.padding ?? ones.map((): [number, number] => [0, 0])).map(([l, h]) => [l, h]),
  };
  const attrs: Record<string, Attr> = { window_dimensions: ints(w.windowDimensions) };
  const nonDefault = (xs: number[]) => xs.some((x) => x !== 1);
  if (nonDefault(w.windowStrides)) attrs.window_strides = ints(w.windowStrides);
  if (nonDefault(w.baseDilations)) attrs.base_dilations = ints(w.baseDilations);
  if (nonDefault(w.windowDilations)) attrs.window_dilations = ints(w.windowDilations);
  if (w.padding.some(([l, h]) => l !== 0 || h !== 0)) {
    const type = tensorType([w.padding.length, 2], "i64");
    attrs.padding = { kind: "dense", type, values: w.padding.flat().map((x) => BigInt(x)) };
  }
  return { w, attrs };
}

const INT_MIN: Partial<Record<ElementType, DenseElement>> = { i8: -128, ui8: 0, i16: -32768, i32: -2147483648, i64: -(1n << 63n) };
const INT_MAX: Partial<Record<ElementType, DenseElement>> = { i8: 127, ui8: 255, i16: 32767, i32: 2147483647, i64: (1n << 63n) - 1n };

/** The identity of a reduction for an element type (-inf for float max, INT_MIN for int max, ...). */
export function identity(kind: ReduceKind, e: ElementType): DenseElement {
  const one = (v: number): DenseElement => (e === "i1" ? v !== 0 : e === "i64" ? BigInt(v) : v);
  switch (kind) {
    case "add":
    case "or":
      return one(0);
    case "mul":
      return one(1);
    // All bits set: true, -1 for signed integers, the maximum for unsigned ones.
    case "and":
      return e === "i1" ? true : e === "ui8" ? 255 : one(-1);
    case "max":
      return isFloat(e) ? -Infinity : e === "i1" ? false : INT_MIN[e]!;
    case "min":
      return isFloat(e) ? Infinity : e === "i1" ? true : INT_MAX[e]!;
  }
}

/** Builds one function; `module()` wraps it as the "main" of a module. */
export class FuncBuilder extends Builder {
  private readonly params: Value[] = [];
  private returns: Value[] | undefined;

  constructor(readonly name = "main") {
    super([], { next: 0 });
  }

  /** A new parameter, printed %arg0, %arg1, ... */
  param(type: TensorType): Value;
  param(shape: readonly number[], element: ElementType): Value;
  param(a: TensorType | readonly number[], element?: ElementType): Value {
    const t = Array.isArray(a) ? tensorType(a, element!) : (a as TensorType);
    const v = this.newValue(t, `arg${this.params.length}`);
    this.params.push(v);
    return v;
  }

  /** Sets the returned values. */
  ret(values: Value | Value[]): this {
    this.returns = Array.isArray(values) ? [...values] : [values];
    return this;
  }

  func(): Func {
    if (!this.returns) throw new Error(`function @${this.name}: ret() was not called`);
    return { name: this.name, params: [...this.params], body: this.ops, returns: this.returns };
  }

  module(name = "module"): Module {
    return { name, funcs: [this.func()] };
  }
}
