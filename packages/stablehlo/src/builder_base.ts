// The core of the builder: value ids, op emission, constants, elementwise and
// shape ops. Each method appends one op, infers its result type (shapes.ts) and
// returns the result; names follow the spec op names in camelCase.
import {
  type Attr,
  type ConvDims,
  type ComparisonDirection,
  type ComparisonType,
  type DenseElement,
  type DotDims,
  type ElementType,
  type Op,
  type Precision,
  type Region,
  type TensorType,
  type Value,
  elementTypeOf,
  isFloat,
  isUnsigned,
  numElements,
  tensorType,
  typeToString,
} from "./ir.js";
import { bf16BitsToNumber, halfBitsToNumber, normalizeElement } from "./numbers.js";
import { BINARY_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from "./opsets.js";
import type { DTypeName, HostArray } from "./runtime.js";
import * as S from "./shapes.js";

export type NestedElements = DenseElement | readonly NestedElements[];

export const ints = (values: readonly number[]): Attr => ({ kind: "ints", values: [...values] });
export const i64 = (value: number): Attr => ({ kind: "int", value, type: "i64" });
export const scalarOf = (e: ElementType): TensorType => tensorType([], e);

export function defaultCompareType(e: ElementType): ComparisonType {
  return isFloat(e) ? "FLOAT" : e === "i1" || isUnsigned(e) ? "UNSIGNED" : "SIGNED";
}

export class BaseBuilder {
  constructor(
    readonly ops: Op[],
    protected readonly ids: { next: number },
  ) {}

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

  protected emit1(name: string, operands: Value[], type: TensorType, attrs: Record<string, Attr> = {}, regions?: Region[]): Value {
    return this.emit(name, operands, [type], attrs, regions)[0]!;
  }

  // ---- constants -------------------------------------------------------------

  /** A constant: a scalar `value` is splat over `type`; an array (flat or nested) must fill it. */
  constant(value: DenseElement | ArrayLike<DenseElement> | readonly NestedElements[], type: TensorType | ElementType): Value {
    const t = typeof type === "string" ? scalarOf(type) : tensorType(type.shape, type.element);
    let values: DenseElement[];
    if (typeof value === "object" && value !== null) {
      values = flatten(value as ArrayLike<NestedElements>);
      if (values.length !== numElements(t.shape)) throw new Error(`stablehlo.constant: got ${values.length} values for ${typeToString(t)}`);
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

  abs(x: Value) {
    return this.unary("abs", x);
  }
  negate(x: Value) {
    return this.unary("negate", x);
  }
  sign(x: Value) {
    return this.unary("sign", x);
  }
  exponential(x: Value) {
    return this.unary("exponential", x);
  }
  log(x: Value) {
    return this.unary("log", x);
  }
  logPlusOne(x: Value) {
    return this.unary("log_plus_one", x);
  }
  exponentialMinusOne(x: Value) {
    return this.unary("exponential_minus_one", x);
  }
  sqrt(x: Value) {
    return this.unary("sqrt", x);
  }
  rsqrt(x: Value) {
    return this.unary("rsqrt", x);
  }
  cbrt(x: Value) {
    return this.unary("cbrt", x);
  }
  sine(x: Value) {
    return this.unary("sine", x);
  }
  cosine(x: Value) {
    return this.unary("cosine", x);
  }
  tan(x: Value) {
    return this.unary("tan", x);
  }
  tanh(x: Value) {
    return this.unary("tanh", x);
  }
  logistic(x: Value) {
    return this.unary("logistic", x);
  }
  floor(x: Value) {
    return this.unary("floor", x);
  }
  ceil(x: Value) {
    return this.unary("ceil", x);
  }
  roundNearestEven(x: Value) {
    return this.unary("round_nearest_even", x);
  }
  roundNearestAfz(x: Value) {
    return this.unary("round_nearest_afz", x);
  }
  not(x: Value) {
    return this.unary("not", x);
  }
  popcnt(x: Value) {
    return this.unary("popcnt", x);
  }
  countLeadingZeros(x: Value) {
    return this.unary("count_leading_zeros", x);
  }

  isFinite(x: Value): Value {
    S.checkElement("is_finite", x.type, "float");
    return this.emit1("stablehlo.is_finite", [x], tensorType(x.type.shape, "i1"));
  }

  /** erf has no StableHLO op; chlo.erf is legalized by XLA. */
  erf(x: Value): Value {
    S.checkElement("erf", x.type, "float");
    return this.emit1("chlo.erf", [x], tensorType(x.type.shape, x.type.element));
  }

  add(a: Value, b: Value) {
    return this.binary("add", a, b);
  }
  subtract(a: Value, b: Value) {
    return this.binary("subtract", a, b);
  }
  multiply(a: Value, b: Value) {
    return this.binary("multiply", a, b);
  }
  divide(a: Value, b: Value) {
    return this.binary("divide", a, b);
  }
  remainder(a: Value, b: Value) {
    return this.binary("remainder", a, b);
  }
  power(a: Value, b: Value) {
    return this.binary("power", a, b);
  }
  maximum(a: Value, b: Value) {
    return this.binary("maximum", a, b);
  }
  minimum(a: Value, b: Value) {
    return this.binary("minimum", a, b);
  }
  atan2(a: Value, b: Value) {
    return this.binary("atan2", a, b);
  }
  and(a: Value, b: Value) {
    return this.binary("and", a, b);
  }
  or(a: Value, b: Value) {
    return this.binary("or", a, b);
  }
  xor(a: Value, b: Value) {
    return this.binary("xor", a, b);
  }
  shiftLeft(a: Value, b: Value) {
    return this.binary("shift_left", a, b);
  }
  shiftRightArithmetic(a: Value, b: Value) {
    return this.binary("shift_right_arithmetic", a, b);
  }
  shiftRightLogical(a: Value, b: Value) {
    return this.binary("shift_right_logical", a, b);
  }

  /** Elementwise comparison; the compare type defaults from the element type (FLOAT/SIGNED/UNSIGNED). */
  compare(a: Value, b: Value, direction: ComparisonDirection, compareType?: ComparisonType): Value {
    const t = S.compare(a.type, b.type, compareType);
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
      start_indices: ints(start),
      limit_indices: ints(limit),
      strides: ints(st),
    });
  }

  dynamicSlice(x: Value, startIndices: Value[], sizes: readonly number[]): Value {
    const t = S.dynamicSlice(
      x.type,
      startIndices.map((v) => v.type),
      sizes,
    );
    return this.emit1("stablehlo.dynamic_slice", [x, ...startIndices], t, { slice_sizes: ints(sizes) });
  }

  dynamicUpdateSlice(x: Value, update: Value, startIndices: Value[]): Value {
    const t = S.dynamicUpdateSlice(
      x.type,
      update.type,
      startIndices.map((v) => v.type),
    );
    return this.emit1("stablehlo.dynamic_update_slice", [x, update, ...startIndices], t);
  }

  pad(x: Value, value: Value, low: readonly number[], high: readonly number[], interior?: readonly number[]): Value {
    const inner = interior ?? low.map(() => 0);
    return this.emit1("stablehlo.pad", [x, value], S.pad(x.type, value.type, low, high, inner), {
      edge_padding_low: ints(low),
      edge_padding_high: ints(high),
      interior_padding: ints(inner),
    });
  }

  concatenate(xs: Value[], dimension: number): Value {
    return this.emit1(
      "stablehlo.concatenate",
      xs,
      S.concatenate(
        xs.map((x) => x.type),
        dimension,
      ),
      { dimension: i64(dimension) },
    );
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
  dotGeneral(
    lhs: Value,
    rhs: Value,
    dims: Partial<DotDims> & Pick<DotDims, "lhsContracting" | "rhsContracting">,
    opts: { element?: ElementType; precision?: Precision } = {},
  ): Value {
    const d: DotDims = {
      lhsBatching: [...(dims.lhsBatching ?? [])],
      rhsBatching: [...(dims.rhsBatching ?? [])],
      lhsContracting: [...dims.lhsContracting],
      rhsContracting: [...dims.rhsContracting],
    };
    const attrs: Record<string, Attr> = { dot_dimension_numbers: { kind: "dot", ...d } };
    if (opts.precision) {
      const p: Attr = { kind: "enum", enum: "precision", value: opts.precision };
      attrs.precision_config = { kind: "array", values: [p, p] };
    }
    return this.emit1("stablehlo.dot_general", [lhs, rhs], S.dotGeneral(lhs.type, rhs.type, d, opts.element), attrs);
  }

  /**
   * convolution with every attribute explicit (strides, [low, high] padding, lhs/rhs dilations, group
   * counts); `precision` is applied to both operands.
   */
  convolution(lhs: Value, rhs: Value, dims: ConvDims, o: S.ConvOpts, opts: { precision?: Precision } = {}): Value {
    const t = S.convolution(lhs.type, rhs.type, dims, o);
    const attrs: Record<string, Attr> = {
      window_strides: ints(o.windowStrides),
      padding: {
        kind: "dense",
        type: tensorType([o.padding.length, 2], "i64"),
        values: o.padding.flatMap(([l, h]) => [BigInt(l), BigInt(h)]),
      },
      lhs_dilation: ints(o.lhsDilation),
      rhs_dilation: ints(o.rhsDilation),
      dimension_numbers: { kind: "conv", ...dims },
      feature_group_count: i64(o.featureGroupCount),
      batch_group_count: i64(o.batchGroupCount),
    };
    if (opts.precision) {
      const p: Attr = { kind: "enum", enum: "precision", value: opts.precision };
      attrs.precision_config = { kind: "array", values: [p, p] };
    }
    return this.emit1("stablehlo.convolution", [lhs, rhs], t, attrs);
  }
}

function flatten(v: ArrayLike<NestedElements>): DenseElement[] {
  const out: DenseElement[] = [];
  const walk = (x: NestedElements | ArrayLike<NestedElements>) => {
    if (typeof x === "object" && x !== null)
      for (let i = 0; i < (x as ArrayLike<NestedElements>).length; i++) walk((x as ArrayLike<NestedElements>)[i]!);
    else out.push(x);
  };
  walk(v);
  return out;
}
