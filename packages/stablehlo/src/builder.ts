// A terse builder for StableHLO functions: each method appends one op, infers its
// result type (shapes.ts) and returns the result Value(s). Lowerings call it
// directly, so the names follow the spec op names in camelCase.
import {
  type Attr, type ComparisonDirection, type ComparisonType, type DenseElement, type DotDims, type ElementType,
  type Func, type GatherDims, type Module, type Op, type Precision, type Region, type ScatterDims, type TensorType,
  type Value, elementTypeOf, isFloat, isUnsigned, numElements, tensorType, typeToString,
} from "./ir.js";
import { bf16BitsToNumber, halfBitsToNumber, normalizeElement } from "./numbers.js";
import type { DTypeName, HostArray } from "./runtime.js";
import * as S from "./shapes.js";

/** Unary elementwise ops whose result type is the operand type, with the operand class each accepts. */
export const UNARY_OPS = {
  abs: "number", negate: "number", sign: "number",
  exponential: "float", log: "float", log_plus_one: "float", exponential_minus_one: "float",
  sqrt: "float", rsqrt: "float", cbrt: "float", sine: "float", cosine: "float", tan: "float", tanh: "float",
  logistic: "float", floor: "float", ceil: "float", round_nearest_even: "float", round_nearest_afz: "float",
  not: "intOrBool", popcnt: "int", count_leading_zeros: "int",
} as const satisfies Record<string, S.ElementClass>;
export type UnaryOp = keyof typeof UNARY_OPS;

/** Binary elementwise ops (same operand and result types), with the operand class each accepts. */
export const BINARY_OPS = {
  add: "any", subtract: "number", multiply: "any", divide: "number", remainder: "number", power: "number",
  maximum: "any", minimum: "any", atan2: "float", and: "intOrBool", or: "intOrBool", xor: "intOrBool",
  shift_left: "int", shift_right_arithmetic: "int", shift_right_logical: "int",
} as const satisfies Record<string, S.ElementClass>;
export type BinaryOp = keyof typeof BINARY_OPS;

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

export type NestedElements = DenseElement | readonly NestedElements[];
type Body<R> = (b: Builder, lhs: Value[], rhs: Value[]) => R;

const ints = (values: readonly number[]): Attr => ({ kind: "ints", values: [...values] });
const i64 = (value: number): Attr => ({ kind: "int", value, type: "i64" });
const scalarOf = (e: ElementType): TensorType => tensorType([], e);

export function defaultCompareType(e: ElementType): ComparisonType {
  return isFloat(e) ? "FLOAT" : e === "i1" || isUnsigned(e) ? "UNSIGNED" : "SIGNED";
}

/** Ops go into `ops`; ids come from a counter shared by a function and all its regions, so they are unique. */
export class Builder {
  constructor(readonly ops: Op[], protected readonly ids: { next: number }) {}

  /** A fresh value of `type` (not yet defined by any op). */
  newValue(type: TensorType, name?: string): Value {
    const v: Value = { id: this.ids.next++, type: tensorType(type.shape, type.element) };
    if (name !== undefined) v.name = name;
    return v;
  }

  /** Appends an op with the given result types; the escape hatch for ops without a method. */
  emit(name: string, operands: Value[], resultTypes: TensorType[], attrs: Record<string, Attr> = {}, regions?: Region[]): Value[] {
    const results = resultTypes.map((t) => this.newValue(t));
    const op: Op = { name, operands: [...operands], results, attrs };
    if (regions) op.regions = regions;
    this.ops.push(op);
    return results;
  }

  private emit1(name: string, operands: Value[], type: TensorType, attrs: Record<string, Attr> = {}, regions?: Region[]): Value {
    return this.emit(name, operands, [type], attrs, regions)[0]!;
  }

  /** Builds a single-block region whose arguments have `argTypes`. */
  region(argTypes: TensorType[], body: (b: Builder, args: Value[]) => Value[]): Region {
    const b = new Builder([], this.ids);
    const args = argTypes.map((t) => b.newValue(t));
    const returns = body(b, args);
    return { args, ops: b.ops, returns };
  }

  // ---- constants -------------------------------------------------------------

  /** A constant: a scalar `value` is splat over `type`; an array (flat or nested) must fill it. */
  constant(value: DenseElement | ArrayLike<DenseElement> | readonly NestedElements[], type: TensorType | ElementType): Value {
    const t = typeof type === "string" ? scalarOf(type) : tensorType(type.shape, type.element);
    let values: DenseElement[];
    if (typeof value === "object" && value !== null) {
      values = flatten(value as ArrayLike<NestedElements>);
      if (values.length !== numElements(t.shape))
        throw new Error(`stablehlo.constant: got ${values.length} values for ${typeToString(t)}`);
    } else values = [value];
    values = values.map((v) => normalizeElement(v, t.element));
    return this.emit1("stablehlo.constant", [], t, { value: { kind: "dense", type: t, values } });
  }

  /** A constant from a host array in the layout of docs/ARCHITECTURE.md (f16/bf16 as bits, bool as 0/1 bytes). */
  constantFromHost(data: HostArray, dtype: DTypeName, shape: readonly number[]): Value {
    const e = elementTypeOf(dtype);
    const values: DenseElement[] = new Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      values[i] = e === "f16" ? halfBitsToNumber(v as number) : e === "bf16" ? bf16BitsToNumber(v as number) : e === "i1" ? v !== 0 : v;
    }
    return this.constant(values, tensorType(shape, e));
  }

  // ---- elementwise -------------------------------------------------------------

  unary(op: UnaryOp, x: Value): Value {
    S.checkElement(op, x.type, UNARY_OPS[op]);
    return this.emit1(`stablehlo.${op}`, [x], S.elementwise(op, [x.type]));
  }

  binary(op: BinaryOp, a: Value, b: Value): Value {
    const t = S.elementwise(op, [a.type, b.type]);
    S.checkElement(op, t, BINARY_OPS[op]);
    return this.emit1(`stablehlo.${op}`, [a, b], t);
  }

  abs(x: Value) { return this.unary("abs", x); }
  negate(x: Value) { return this.unary("negate", x); }
  sign(x: Value) { return this.unary("sign", x); }
  exponential(x: Value) { return this.unary("exponential", x); }
  log(x: Value) { return this.unary("log", x); }
  logPlusOne(x: Value) { return this.unary("log_plus_one", x); }
  exponentialMinusOne(x: Value) { return this.unary("exponential_minus_one", x); }
  sqrt(x: Value) { return this.unary("sqrt", x); }
  rsqrt(x: Value) { return this.unary("rsqrt", x); }
  cbrt(x: Value) { return this.unary("cbrt", x); }
  sine(x: Value) { return this.unary("sine", x); }
  cosine(x: Value) { return this.unary("cosine", x); }
  tan(x: Value) { return this.unary("tan", x); }
  tanh(x: Value) { return this.unary("tanh", x); }
  logistic(x: Value) { return this.unary("logistic", x); }
  floor(x: Value) { return this.unary("floor", x); }
  ceil(x: Value) { return this.unary("ceil", x); }
  roundNearestEven(x: Value) { return this.unary("round_nearest_even", x); }
  roundNearestAfz(x: Value) { return this.unary("round_nearest_afz", x); }
  not(x: Value) { return this.unary("not", x); }
  popcnt(x: Value) { return this.unary("popcnt", x); }
  countLeadingZeros(x: Value) { return this.unary("count_leading_zeros", x); }

  isFinite(x: Value): Value {
    S.checkElement("is_finite", x.type, "float");
    return this.emit1("stablehlo.is_finite", [x], tensorType(x.type.shape, "i1"));
  }

  /** erf has no StableHLO op; chlo.erf is legalized by XLA. */
  erf(x: Value): Value {
    S.checkElement("erf", x.type, "float");
    return this.emit1("chlo.erf", [x], tensorType(x.type.shape, x.type.element));
  }

  add(a: Value, b: Value) { return this.binary("add", a, b); }
  subtract(a: Value, b: Value) { return this.binary("subtract", a, b); }
  multiply(a: Value, b: Value) { return this.binary("multiply", a, b); }
  divide(a: Value, b: Value) { return this.binary("divide", a, b); }
  remainder(a: Value, b: Value) { return this.binary("remainder", a, b); }
  power(a: Value, b: Value) { return this.binary("power", a, b); }
  maximum(a: Value, b: Value) { return this.binary("maximum", a, b); }
  minimum(a: Value, b: Value) { return this.binary("minimum", a, b); }
  atan2(a: Value, b: Value) { return this.binary("atan2", a, b); }
  and(a: Value, b: Value) { return this.binary("and", a, b); }
  or(a: Value, b: Value) { return this.binary("or", a, b); }
  xor(a: Value, b: Value) { return this.binary("xor", a, b); }
  shiftLeft(a: Value, b: Value) { return this.binary("shift_left", a, b); }
  shiftRightArithmetic(a: Value, b: Value) { return this.binary("shift_right_arithmetic", a, b); }
  shiftRightLogical(a: Value, b: Value) { return this.binary("shift_right_logical", a, b); }

  /** Elementwise comparison; the compare type defaults from the element type (FLOAT/SIGNED/UNSIGNED). */
  compare(a: Value, b: Value, direction: ComparisonDirection, compareType?: ComparisonType): Value {
    const t = S.compare(a.type, b.type);
    return this.emit1("stablehlo.compare", [a, b], t, {
      comparison_direction: { kind: "enum", enum: "comparison_direction", value: direction },
      compare_type: { kind: "enum", enum: "comparison_type", value: compareType ?? defaultCompareType(a.type.element) },
    });
  }

  select(pred: Value, onTrue: Value, onFalse: Value): Value {
    return this.emit1("stablehlo.select", [pred, onTrue, onFalse], S.select(pred.type, onTrue.type, onFalse.type));
  }

  clamp(min: Value, x: Value, max: Value): Value {
    return this.emit1("stablehlo.clamp", [min, x, max], S.clamp(min.type, x.type, max.type));
  }

  convert(x: Value, element: ElementType): Value {
    return this.emit1("stablehlo.convert", [x], tensorType(x.type.shape, element));
  }

  // ---- shape ops ---------------------------------------------------------------

  broadcastInDim(x: Value, shape: readonly number[], dims: readonly number[]): Value {
    return this.emit1("stablehlo.broadcast_in_dim", [x], S.broadcastInDim(x.type, shape, dims), { broadcast_dimensions: ints(dims) });
  }

  reshape(x: Value, shape: readonly number[]): Value {
    return this.emit1("stablehlo.reshape", [x], S.reshape(x.type, shape));
  }

  transpose(x: Value, permutation: readonly number[]): Value {
    return this.emit1("stablehlo.transpose", [x], S.transpose(x.type, permutation), { permutation: ints(permutation) });
  }

  slice(x: Value, start: readonly number[], limit: readonly number[], strides?: readonly number[]): Value {
    const st = strides ?? start.map(() => 1);
    return this.emit1("stablehlo.slice", [x], S.slice(x.type, start, limit, st), {
      start_indices: ints(start), limit_indices: ints(limit), strides: ints(st),
    });
  }

  dynamicSlice(x: Value, startIndices: Value[], sizes: readonly number[]): Value {
    const t = S.dynamicSlice(x.type, startIndices.map((v) => v.type), sizes);
    return this.emit1("stablehlo.dynamic_slice", [x, ...startIndices], t, { slice_sizes: ints(sizes) });
  }

  dynamicUpdateSlice(x: Value, update: Value, startIndices: Value[]): Value {
    const t = S.dynamicUpdateSlice(x.type, update.type, startIndices.map((v) => v.type));
    return this.emit1("stablehlo.dynamic_update_slice", [x, update, ...startIndices], t);
  }

  pad(x: Value, value: Value, low: readonly number[], high: readonly number[], interior?: readonly number[]): Value {
    const inner = interior ?? low.map(() => 0);
    return this.emit1("stablehlo.pad", [x, value], S.pad(x.type, value.type, low, high, inner), {
      edge_padding_low: ints(low), edge_padding_high: ints(high), interior_padding: ints(inner),
    });
  }

  concatenate(xs: Value[], dimension: number): Value {
    return this.emit1("stablehlo.concatenate", xs, S.concatenate(xs.map((x) => x.type), dimension), { dimension: i64(dimension) });
  }

  iota(type: TensorType, dimension: number): Value {
    return this.emit1("stablehlo.iota", [], S.iota(type, dimension), { iota_dimension: i64(dimension) });
  }

  reverse(x: Value, dims: readonly number[]): Value {
    return this.emit1("stablehlo.reverse", [x], S.reverse(x.type, dims), { dimensions: ints(dims) });
  }

  /**
   * dot_general: result dims are batch, lhs free, rhs free. `element` sets the result element type
   * (e.g. i32 for i8 inputs); `precision` is applied to both operands.
   */
  dotGeneral(lhs: Value, rhs: Value, dims: Partial<DotDims> & Pick<DotDims, "lhsContracting" | "rhsContracting">,
    opts: { element?: ElementType; precision?: Precision } = {}): Value {
    const d: DotDims = {
      lhsBatching: [...(dims.lhsBatching ?? [])], rhsBatching: [...(dims.rhsBatching ?? [])],
      lhsContracting: [...dims.lhsContracting], rhsContracting: [...dims.rhsContracting],
    };
    const attrs: Record<string, Attr> = { dot_dimension_numbers: { kind: "dot", ...d } };
    if (opts.precision) {
      const p: Attr = { kind: "enum", enum: "precision", value: opts.precision };
      attrs.precision_config = { kind: "array", values: [p, p] };
    }
    return this.emit1("stablehlo.dot_general", [lhs, rhs], S.dotGeneral(lhs.type, rhs.type, d, opts.element), attrs);
  }

  // ---- reductions ----------------------------------------------------------------

  /**
   * Variadic reduce over `dims`. The body gets the accumulators (lhs) and the incoming
   * elements (rhs) as scalars, one per input, and returns the new accumulators.
   */
  reduce(inputs: Value[], inits: Value[], dims: readonly number[], body: Body<Value[]>): Value[] {
    const types = S.reduce(inputs.map((v) => v.type), inits.map((v) => v.type), dims);
    const region = this.pairRegion("reduce", inputs.map((v) => v.type.element), body);
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
    const types = S.reduceWindow(inputs.map((v) => v.type), inits.map((v) => v.type), w);
    const region = this.pairRegion("reduce_window", inputs.map((v) => v.type.element), body);
    return this.emit("stablehlo.reduce_window", [...inputs, ...inits], types, attrs, [region]);
  }

  /** Cumulative sum/product/max/min along `dim` (a reduce_window with a full-length window). */
  cumulative(kind: ReduceKind, x: Value, dim: number, reverse = false): Value {
    const r = x.type.shape.length;
    if (dim < 0 || dim >= r) S.fail("reduce_window", `cumulative dimension ${dim} out of range for rank ${r}`);
    const n = x.type.shape[dim]!;
    const windowDimensions = x.type.shape.map((_, i) => (i === dim ? n : 1));
    const padding = x.type.shape.map((_, i): [number, number] => (i !== dim ? [0, 0] : reverse ? [0, Math.max(n - 1, 0)] : [Math.max(n - 1, 0), 0]));
    const init = this.constant(identity(kind, x.type.element), x.type.element);
    return this.reduceWindow([x], [init], { windowDimensions, padding }, (b, [a], [c]) => [b.binary(REDUCE_OP[kind], a!, c!)])[0]!;
  }

  /** select_and_scatter (the gradient of max pooling): `select` picks in a window, `scatter` combines. */
  selectAndScatter(operand: Value, source: Value, init: Value, window: WindowOptions,
    select: (b: Builder, a: Value, c: Value) => Value, scatter: (b: Builder, a: Value, c: Value) => Value): Value {
    const { w, attrs } = windowAttrs(operand.type.shape.length, window);
    delete attrs.base_dilations;
    delete attrs.window_dilations;
    if (w.baseDilations.some((d) => d !== 1) || w.windowDilations.some((d) => d !== 1)) S.fail("select_and_scatter", "dilations are not supported");
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

  gather(operand: Value, startIndices: Value, dims: GatherDimsInput, sliceSizes: readonly number[],
    opts: { indicesAreSorted?: boolean } = {}): Value {
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
  scatter(inputs: Value[], scatterIndices: Value, updates: Value[], dims: ScatterDimsInput, body: Body<Value[]>,
    opts: { indicesAreSorted?: boolean; uniqueIndices?: boolean } = {}): Value[] {
    const d = fullScatterDims(dims);
    const types = S.scatter(inputs.map((v) => v.type), scatterIndices.type, updates.map((v) => v.type), d);
    const region = this.pairRegion("scatter", inputs.map((v) => v.type.element), body);
    return this.emit("stablehlo.scatter", [...inputs, scatterIndices, ...updates], types, {
      scatter_dimension_numbers: { kind: "scatter", ...d },
      indices_are_sorted: { kind: "bool", value: opts.indicesAreSorted ?? false },
      unique_indices: { kind: "bool", value: opts.uniqueIndices ?? false },
    }, [region]);
  }

  /** Scatter of one input: "set" overwrites, the others combine with the current value. */
  scatterWith(kind: "set" | ReduceKind, input: Value, scatterIndices: Value, update: Value, dims: ScatterDimsInput,
    opts: { indicesAreSorted?: boolean; uniqueIndices?: boolean } = {}): Value {
    return this.scatter([input], scatterIndices, [update], dims,
      (b, [cur], [upd]) => [kind === "set" ? upd! : b.binary(REDUCE_OP[kind], cur!, upd!)], opts)[0]!;
  }

  /**
   * Sorts `inputs` together along `dimension`. The comparator gets the lhs and rhs
   * scalars of each input and returns an i1 "lhs goes first".
   */
  sort(inputs: Value[], dimension: number, comparator: (b: Builder, lhs: Value[], rhs: Value[]) => Value, isStable = true): Value[] {
    const types = S.sort(inputs.map((v) => v.type), dimension);
    const dim = dimension < 0 ? dimension + inputs[0]!.type.shape.length : dimension;
    const argTypes = inputs.flatMap((v) => [scalarOf(v.type.element), scalarOf(v.type.element)]);
    const region = this.region(argTypes, (b, args) => {
      const r = comparator(b, args.filter((_, i) => i % 2 === 0), args.filter((_, i) => i % 2 === 1));
      S.checkRegionReturns("sort", [r.type], ["i1"]);
      return [r];
    });
    return this.emit("stablehlo.sort", inputs, types, { dimension: i64(dim), is_stable: { kind: "bool", value: isStable } }, [region]);
  }

  /** Sorts by the first input (total order for floats, so NaNs sort last ascending); others follow. */
  sortBy(inputs: Value[], dimension: number, descending = false, isStable = true): Value[] {
    const e = inputs[0]!.type.element;
    return this.sort(inputs, dimension, (b, [l], [r]) =>
      b.compare(l!, r!, descending ? "GT" : "LT", isFloat(e) ? "TOTALORDER" : undefined), isStable);
  }

  /** A region with args (lhs..., rhs...) of scalar `elements`, checked to return those elements. */
  private pairRegion(op: string, elements: ElementType[], body: Body<Value[]>): Region {
    const n = elements.length;
    const types = [...elements, ...elements].map(scalarOf);
    return this.region(types, (b, args) => {
      const out = body(b, args.slice(0, n), args.slice(n));
      S.checkRegionReturns(op, out.map((v) => v.type), elements);
      return out;
    });
  }
}

export type GatherDimsInput = Partial<GatherDims> & Pick<GatherDims, "offsetDims" | "startIndexMap" | "indexVectorDim">;
export type ScatterDimsInput = Partial<ScatterDims> & Pick<ScatterDims, "updateWindowDims" | "scatterDimsToOperandDims" | "indexVectorDim">;

function fullGatherDims(d: GatherDimsInput): GatherDims {
  return {
    offsetDims: [...d.offsetDims], collapsedSliceDims: [...(d.collapsedSliceDims ?? [])],
    operandBatchingDims: [...(d.operandBatchingDims ?? [])], startIndicesBatchingDims: [...(d.startIndicesBatchingDims ?? [])],
    startIndexMap: [...d.startIndexMap], indexVectorDim: d.indexVectorDim,
  };
}

function fullScatterDims(d: ScatterDimsInput): ScatterDims {
  return {
    updateWindowDims: [...d.updateWindowDims], insertedWindowDims: [...(d.insertedWindowDims ?? [])],
    inputBatchingDims: [...(d.inputBatchingDims ?? [])], scatterIndicesBatchingDims: [...(d.scatterIndicesBatchingDims ?? [])],
    scatterDimsToOperandDims: [...d.scatterDimsToOperandDims], indexVectorDim: d.indexVectorDim,
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
    case "add": case "or": return one(0);
    case "mul": return one(1);
    // All bits set: true, -1 for signed integers, the maximum for unsigned ones.
    case "and": return e === "i1" ? true : e === "ui8" ? 255 : one(-1);
    case "max": return isFloat(e) ? -Infinity : e === "i1" ? false : INT_MIN[e]!;
    case "min": return isFloat(e) ? Infinity : e === "i1" ? true : INT_MAX[e]!;
  }
}

function flatten(v: ArrayLike<NestedElements>): DenseElement[] {
  const out: DenseElement[] = [];
  const walk = (x: NestedElements | ArrayLike<NestedElements>) => {
    if (typeof x === "object" && x !== null) for (let i = 0; i < (x as ArrayLike<NestedElements>).length; i++) walk((x as ArrayLike<NestedElements>)[i]!);
    else out.push(x);
  };
  walk(v);
  return out;
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
