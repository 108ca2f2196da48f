// Shape inference per op, following the constraints of docs/spec.md of StableHLO.
// Kept apart from the builder so each rule reads like the spec and can be tested
// alone. Every function throws an Error naming the op on inconsistent input.
import {
  type ConvDims,
  type DotDims,
  type ElementType,
  type GatherDims,
  type ScatterDims,
  type TensorType,
  isComplex,
  isFloat,
  isInteger,
  isUnsigned,
  numElements,
  sameType,
  tensorType,
  typeToString,
} from "./ir.js";

export function fail(op: string, msg: string): never {
  throw new Error(`stablehlo.${op}: ${msg}`);
}

const ts = typeToString;
const fmt = (xs: readonly number[]) => `[${xs.join(", ")}]`;

function checkDims(op: string, what: string, dims: readonly number[], rank: number, unique = true): void {
  const seen = new Set<number>();
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= rank) fail(op, `${what} ${fmt(dims)} out of range for rank ${rank}`);
    if (unique && seen.has(d)) fail(op, `${what} ${fmt(dims)} has a repeated dimension ${d}`);
    seen.add(d);
  }
}

function checkNonNegInts(op: string, what: string, xs: readonly number[], len: number): void {
  if (xs.length !== len) fail(op, `${what} ${fmt(xs)} must have ${len} entries`);
  for (const x of xs) if (!Number.isInteger(x) || x < 0) fail(op, `${what} ${fmt(xs)} must be non-negative integers`);
}

/** Operand classes from the spec's type constraints ("signed" = float or signed integer). */
export type ElementClass = "any" | "float" | "floatOrComplex" | "int" | "intOrBool" | "number" | "signed";

export function checkElement(op: string, t: TensorType, cls: ElementClass): void {
  const e = t.element;
  const ok =
    cls === "any"
      ? true
      : cls === "float"
        ? isFloat(e)
        : cls === "floatOrComplex"
          ? isFloat(e) || isComplex(e)
          : cls === "int"
            ? isInteger(e)
            : cls === "intOrBool"
              ? isInteger(e) || e === "i1"
              : cls === "signed"
                ? isFloat(e) || isComplex(e) || (isInteger(e) && !isUnsigned(e))
                : isFloat(e) || isComplex(e) || isInteger(e);
  const want = {
    any: "",
    float: "a float",
    floatOrComplex: "a float or complex",
    int: "an integer",
    intOrBool: "an integer or i1",
    number: "a float or integer",
    signed: "a float or signed integer",
  }[cls];
  if (!ok) fail(op, `expected ${want} tensor, got ${ts(t)}`);
}

export function elementwise(op: string, types: readonly TensorType[]): TensorType {
  const t0 = types[0]!;
  for (const t of types) if (!sameType(t, t0)) fail(op, `operand types differ: ${types.map(ts).join(", ")}`);
  return tensorType(t0.shape, t0.element);
}

/** compare_c3: the compare type must suit the element type. */
export function compare(lhs: TensorType, rhs: TensorType, compareType?: string): TensorType {
  elementwise("compare", [lhs, rhs]);
  const e = lhs.element;
  const allowed = isFloat(e) ? ["FLOAT", "TOTALORDER"] : e === "i1" || isUnsigned(e) ? ["UNSIGNED"] : ["SIGNED"];
  if (compareType !== undefined && !allowed.includes(compareType))
    fail("compare", `compare type ${compareType} does not suit ${e} (use ${allowed.join(" or ")})`);
  return tensorType(lhs.shape, "i1");
}

export function select(pred: TensorType, onTrue: TensorType, onFalse: TensorType): TensorType {
  if (pred.element !== "i1") fail("select", `predicate must be i1, got ${ts(pred)}`);
  const t = elementwise("select", [onTrue, onFalse]);
  if (pred.shape.length !== 0 && !sameType(tensorType(pred.shape, t.element), t))
    fail("select", `predicate ${ts(pred)} must be a scalar or have the shape of ${ts(t)}`);
  return t;
}

export function clamp(min: TensorType, x: TensorType, max: TensorType): TensorType {
  for (const [what, b] of [
    ["min", min],
    ["max", max],
  ] as const) {
    if (b.element !== x.element) fail("clamp", `${what} ${ts(b)} must have the element type of ${ts(x)}`);
    if (b.shape.length !== 0 && !sameType(b, x)) fail("clamp", `${what} ${ts(b)} must be a scalar or match ${ts(x)}`);
  }
  return tensorType(x.shape, x.element);
}

export function broadcastInDim(x: TensorType, shape: readonly number[], dims: readonly number[]): TensorType {
  if (dims.length !== x.shape.length) fail("broadcast_in_dim", `dims ${fmt(dims)} must have one entry per operand dimension of ${ts(x)}`);
  checkDims("broadcast_in_dim", "dims", dims, shape.length);
  dims.forEach((d, i) => {
    const s = x.shape[i]!;
    if (s !== 1 && s !== shape[d])
      fail(
        "broadcast_in_dim",
        `operand dimension ${i} (size ${s}) cannot broadcast to result dimension ${d} (size ${shape[d]}) of ${fmt(shape)}`,
      );
  });
  return tensorType(shape, x.element);
}

export function reshape(x: TensorType, shape: readonly number[]): TensorType {
  if (numElements(shape) !== numElements(x.shape)) fail("reshape", `cannot reshape ${ts(x)} to ${fmt(shape)}: element counts differ`);
  return tensorType(shape, x.element);
}

export function transpose(x: TensorType, perm: readonly number[]): TensorType {
  if (perm.length !== x.shape.length) fail("transpose", `permutation ${fmt(perm)} must have rank ${x.shape.length}`);
  checkDims("transpose", "permutation", perm, x.shape.length);
  return tensorType(
    perm.map((p) => x.shape[p]!),
    x.element,
  );
}

export function slice(x: TensorType, start: readonly number[], limit: readonly number[], strides: readonly number[]): TensorType {
  const r = x.shape.length;
  checkNonNegInts("slice", "start_indices", start, r);
  checkNonNegInts("slice", "limit_indices", limit, r);
  checkNonNegInts("slice", "strides", strides, r);
  const shape = x.shape.map((d, i) => {
    const s = start[i]!,
      l = limit[i]!,
      st = strides[i]!;
    if (st < 1) fail("slice", `stride ${st} must be positive`);
    if (s > l || l > d) fail("slice", `range ${s}:${l} is invalid for dimension ${i} of ${ts(x)}`);
    return Math.ceil((l - s) / st);
  });
  return tensorType(shape, x.element);
}

export function dynamicSlice(x: TensorType, starts: readonly TensorType[], sizes: readonly number[]): TensorType {
  checkStartIndices("dynamic_slice", x, starts);
  checkNonNegInts("dynamic_slice", "slice_sizes", sizes, x.shape.length);
  sizes.forEach((s, i) => {
    if (s > x.shape[i]!) fail("dynamic_slice", `slice size ${s} exceeds dimension ${i} of ${ts(x)}`);
  });
  return tensorType(sizes, x.element);
}

export function dynamicUpdateSlice(x: TensorType, update: TensorType, starts: readonly TensorType[]): TensorType {
  checkStartIndices("dynamic_update_slice", x, starts);
  if (update.element !== x.element || update.shape.length !== x.shape.length || update.shape.some((d, i) => d > x.shape[i]!))
    fail("dynamic_update_slice", `update ${ts(update)} does not fit in ${ts(x)}`);
  return tensorType(x.shape, x.element);
}

function checkStartIndices(op: string, x: TensorType, starts: readonly TensorType[]): void {
  if (starts.length !== x.shape.length) fail(op, `expected ${x.shape.length} start indices for ${ts(x)}, got ${starts.length}`);
  const e = starts[0]?.element;
  for (const s of starts) {
    if (s.shape.length !== 0 || !isInteger(s.element)) fail(op, `start indices must be integer scalars, got ${ts(s)}`);
    if (s.element !== e) fail(op, "start indices must share one element type");
  }
}

export function pad(
  x: TensorType,
  value: TensorType,
  low: readonly number[],
  high: readonly number[],
  interior: readonly number[],
): TensorType {
  const r = x.shape.length;
  if (value.shape.length !== 0 || value.element !== x.element) fail("pad", `padding value ${ts(value)} must be a scalar of ${x.element}`);
  if (low.length !== r || high.length !== r) fail("pad", `low ${fmt(low)} and high ${fmt(high)} must have ${r} entries`);
  checkNonNegInts("pad", "interior", interior, r);
  const shape = x.shape.map((d, i) => low[i]! + high[i]! + d + Math.max(d - 1, 0) * interior[i]!);
  if (shape.some((d) => d < 0)) fail("pad", `negative result dimension in ${fmt(shape)}`);
  return tensorType(shape, x.element);
}

export function concatenate(xs: readonly TensorType[], dim: number): TensorType {
  if (xs.length === 0) fail("concatenate", "needs at least one operand");
  const t0 = xs[0]!;
  const r = t0.shape.length;
  if (!Number.isInteger(dim) || dim < 0 || dim >= r) fail("concatenate", `dimension ${dim} out of range for rank ${r}`);
  let total = 0;
  for (const t of xs) {
    if (t.element !== t0.element || t.shape.length !== r || t.shape.some((d, i) => i !== dim && d !== t0.shape[i]))
      fail("concatenate", `operands ${xs.map(ts).join(", ")} differ outside dimension ${dim}`);
    total += t.shape[dim]!;
  }
  const shape = t0.shape.slice();
  shape[dim] = total;
  return tensorType(shape, t0.element);
}

export function iota(t: TensorType, dim: number): TensorType {
  if (!Number.isInteger(dim) || dim < 0 || dim >= t.shape.length) fail("iota", `dimension ${dim} out of range for ${ts(t)}`);
  if (t.element === "i1") fail("iota", "element type must be a number type");
  return tensorType(t.shape, t.element);
}

export function reverse(x: TensorType, dims: readonly number[]): TensorType {
  checkDims("reverse", "dimensions", dims, x.shape.length);
  return tensorType(x.shape, x.element);
}

export function dotGeneral(lhs: TensorType, rhs: TensorType, d: DotDims, element?: ElementType): TensorType {
  const op = "dot_general";
  if (d.lhsBatching.length !== d.rhsBatching.length) fail(op, "lhs and rhs batching dims must have the same length");
  if (d.lhsContracting.length !== d.rhsContracting.length) fail(op, "lhs and rhs contracting dims must have the same length");
  checkDims(op, "lhs batching+contracting dims", [...d.lhsBatching, ...d.lhsContracting], lhs.shape.length);
  checkDims(op, "rhs batching+contracting dims", [...d.rhsBatching, ...d.rhsContracting], rhs.shape.length);
  const pairs: [number[], number[], string][] = [
    [d.lhsBatching, d.rhsBatching, "batching"],
    [d.lhsContracting, d.rhsContracting, "contracting"],
  ];
  for (const [l, r, what] of pairs)
    l.forEach((ld, i) => {
      const rd = r[i]!;
      if (lhs.shape[ld] !== rhs.shape[rd]) fail(op, `${what} dimension sizes differ: lhs ${ts(lhs)} dim ${ld} vs rhs ${ts(rhs)} dim ${rd}`);
    });
  if (lhs.element !== rhs.element && element === undefined) fail(op, `operand element types differ: ${ts(lhs)} vs ${ts(rhs)}`);
  const free = (t: TensorType, b: number[], c: number[]) => t.shape.filter((_, i) => !b.includes(i) && !c.includes(i));
  const shape = [
    ...d.lhsBatching.map((i) => lhs.shape[i]!),
    ...free(lhs, d.lhsBatching, d.lhsContracting),
    ...free(rhs, d.rhsBatching, d.rhsContracting),
  ];
  return tensorType(shape, element ?? lhs.element);
}

function checkInits(op: string, inputs: readonly TensorType[], inits: readonly TensorType[]): void {
  if (inputs.length === 0) fail(op, "needs at least one input");
  if (inits.length !== inputs.length) fail(op, `got ${inputs.length} inputs but ${inits.length} init values`);
  inputs.forEach((x, i) => {
    const init = inits[i]!;
    if (init.shape.length !== 0 || init.element !== x.element) fail(op, `init value ${i} ${ts(init)} must be a scalar of ${x.element}`);
    if (x.shape.length !== inputs[0]!.shape.length || x.shape.some((d, j) => d !== inputs[0]!.shape[j]))
      fail(op, `inputs must share one shape, got ${inputs.map(ts).join(", ")}`);
  });
}

export function reduce(inputs: readonly TensorType[], inits: readonly TensorType[], dims: readonly number[]): TensorType[] {
  checkInits("reduce", inputs, inits);
  checkDims("reduce", "dimensions", dims, inputs[0]!.shape.length);
  return inputs.map((x) =>
    tensorType(
      x.shape.filter((_, i) => !dims.includes(i)),
      x.element,
    ),
  );
}

export interface WindowOpts {
  windowDimensions: number[];
  windowStrides: number[];
  baseDilations: number[];
  windowDilations: number[];
  padding: [number, number][];
}

export function reduceWindow(inputs: readonly TensorType[], inits: readonly TensorType[], w: WindowOpts): TensorType[] {
  const op = "reduce_window";
  checkInits(op, inputs, inits);
  const shape = windowShape(op, inputs[0]!, w);
  return inputs.map((x) => tensorType(shape, x.element));
}

/** The shape a window of `w` slides over `x` yields (reduce_window, select_and_scatter). */
export function windowShape(op: string, x: TensorType, w: WindowOpts): number[] {
  const r = x.shape.length;
  for (const [what, xs] of [
    ["window_dimensions", w.windowDimensions],
    ["window_strides", w.windowStrides],
    ["base_dilations", w.baseDilations],
    ["window_dilations", w.windowDilations],
  ] as const) {
    checkNonNegInts(op, what, xs, r);
    if (xs.some((v) => v < 1)) fail(op, `${what} ${fmt(xs)} must be positive`);
  }
  if (w.padding.length !== r) fail(op, `padding must have ${r} [low, high] pairs`);
  return x.shape.map((d, i) => {
    const [lo, hi] = w.padding[i]!;
    const dilatedBase = d === 0 ? 0 : (d - 1) * w.baseDilations[i]! + 1;
    const padded = dilatedBase + lo + hi;
    const dilatedWindow = (w.windowDimensions[i]! - 1) * w.windowDilations[i]! + 1;
    return padded < dilatedWindow ? 0 : Math.floor((padded - dilatedWindow) / w.windowStrides[i]!) + 1;
  });
}

export function selectAndScatter(operand: TensorType, source: TensorType, init: TensorType, w: WindowOpts): TensorType {
  const op = "select_and_scatter";
  const expect = windowShape(op, operand, w);
  if (source.element !== operand.element || !sameType(source, tensorType(expect, operand.element)))
    fail(op, `source ${ts(source)} must have the windowed shape ${fmt(expect)}`);
  if (init.shape.length !== 0 || init.element !== operand.element)
    fail(op, `init value ${ts(init)} must be a scalar of ${operand.element}`);
  return tensorType(operand.shape, operand.element);
}

/** Start indices with the index vector dimension made explicit (rank+1 when it is the last). */
function indexBatchShape(op: string, idx: TensorType, indexVectorDim: number): { batch: number[]; vecLen: number } {
  const r = idx.shape.length;
  if (!isInteger(idx.element)) fail(op, `indices must be integers, got ${ts(idx)}`);
  if (indexVectorDim < 0 || indexVectorDim > r) fail(op, `index_vector_dim ${indexVectorDim} out of range for ${ts(idx)}`);
  const vecLen = indexVectorDim === r ? 1 : idx.shape[indexVectorDim]!;
  return { batch: idx.shape.filter((_, i) => i !== indexVectorDim), vecLen };
}

export function gather(operand: TensorType, idx: TensorType, d: GatherDims, sliceSizes: readonly number[]): TensorType {
  const op = "gather";
  const r = operand.shape.length;
  const { batch, vecLen } = indexBatchShape(op, idx, d.indexVectorDim);
  checkNonNegInts(op, "slice_sizes", sliceSizes, r);
  sliceSizes.forEach((s, i) => {
    if (s > operand.shape[i]!) fail(op, `slice size ${s} exceeds dimension ${i} of ${ts(operand)}`);
  });
  if (d.startIndexMap.length !== vecLen)
    fail(op, `start_index_map ${fmt(d.startIndexMap)} must have ${vecLen} entries (the index vector length)`);
  checkDims(op, "start_index_map", d.startIndexMap, r);
  checkDims(op, "collapsed_slice_dims + operand_batching_dims", [...d.collapsedSliceDims, ...d.operandBatchingDims], r);
  for (const c of d.collapsedSliceDims) if (sliceSizes[c]! > 1) fail(op, `collapsed dimension ${c} must have slice size 0 or 1`);
  for (const c of d.operandBatchingDims) if (sliceSizes[c]! > 1) fail(op, `operand batching dimension ${c} must have slice size 0 or 1`);
  if (d.operandBatchingDims.length !== d.startIndicesBatchingDims.length)
    fail(op, "operand_batching_dims and start_indices_batching_dims must have the same length");
  const offsetSizes = sliceSizes.filter((_, i) => !d.collapsedSliceDims.includes(i) && !d.operandBatchingDims.includes(i));
  if (offsetSizes.length !== d.offsetDims.length) fail(op, `offset_dims ${fmt(d.offsetDims)} must have ${offsetSizes.length} entries`);
  const rank = batch.length + offsetSizes.length;
  checkDims(op, "offset_dims", d.offsetDims, rank);
  const shape: number[] = [];
  let b = 0;
  for (let i = 0; i < rank; i++) {
    const o = d.offsetDims.indexOf(i);
    shape.push(o >= 0 ? offsetSizes[o]! : batch[b++]!);
  }
  return tensorType(shape, operand.element);
}

export function scatter(inputs: readonly TensorType[], idx: TensorType, updates: readonly TensorType[], d: ScatterDims): TensorType[] {
  const op = "scatter";
  if (inputs.length === 0 || inputs.length !== updates.length)
    fail(op, `needs as many updates as inputs (>= 1), got ${inputs.length} and ${updates.length}`);
  const r = inputs[0]!.shape.length;
  for (const x of inputs)
    if (x.shape.length !== r || x.shape.some((s, i) => s !== inputs[0]!.shape[i])) fail(op, "inputs must share one shape");
  const { batch, vecLen } = indexBatchShape(op, idx, d.indexVectorDim);
  if (d.scatterDimsToOperandDims.length !== vecLen)
    fail(op, `scatter_dims_to_operand_dims ${fmt(d.scatterDimsToOperandDims)} must have ${vecLen} entries`);
  checkDims(op, "scatter_dims_to_operand_dims", d.scatterDimsToOperandDims, r);
  checkDims(op, "inserted_window_dims + input_batching_dims", [...d.insertedWindowDims, ...d.inputBatchingDims], r);
  if (d.inputBatchingDims.length !== d.scatterIndicesBatchingDims.length)
    fail(op, "input_batching_dims and scatter_indices_batching_dims must have the same length");
  const windowRank = r - d.insertedWindowDims.length - d.inputBatchingDims.length;
  if (d.updateWindowDims.length !== windowRank) fail(op, `update_window_dims ${fmt(d.updateWindowDims)} must have ${windowRank} entries`);
  const upRank = batch.length + windowRank;
  const windowOperandDims = inputs[0]!.shape
    .map((_, i) => i)
    .filter((i) => !d.insertedWindowDims.includes(i) && !d.inputBatchingDims.includes(i));
  updates.forEach((u, k) => {
    if (u.element !== inputs[k]!.element) fail(op, `update ${k} ${ts(u)} must have element type ${inputs[k]!.element}`);
    if (u.shape.length !== upRank) fail(op, `update ${k} ${ts(u)} must have rank ${upRank}`);
    checkDims(op, "update_window_dims", d.updateWindowDims, upRank);
    let b = 0;
    u.shape.forEach((s, i) => {
      const w = d.updateWindowDims.indexOf(i);
      if (w >= 0) {
        if (s > inputs[0]!.shape[windowOperandDims[w]!]!) fail(op, `update window dimension ${i} (size ${s}) exceeds the input`);
      } else if (s !== batch[b++]) fail(op, `update ${k} ${ts(u)} dimension ${i} must match the index batch shape ${fmt(batch)}`);
    });
  });
  return inputs.map((x) => tensorType(x.shape, x.element));
}

export function sort(inputs: readonly TensorType[], dim: number): TensorType[] {
  if (inputs.length === 0) fail("sort", "needs at least one input");
  const t0 = inputs[0]!;
  for (const t of inputs)
    if (t.shape.length !== t0.shape.length || t.shape.some((d, i) => d !== t0.shape[i]))
      fail("sort", `inputs must share one shape, got ${inputs.map(ts).join(", ")}`);
  if (!Number.isInteger(dim) || dim < -t0.shape.length || dim >= t0.shape.length)
    fail("sort", `dimension ${dim} out of range for rank ${t0.shape.length}`);
  return inputs.map((t) => tensorType(t.shape, t.element));
}

/** Checks that a region returns scalars of the expected element types. */
export function checkRegionReturns(op: string, got: readonly TensorType[], want: readonly ElementType[]): void {
  if (got.length !== want.length) fail(op, `body must return ${want.length} values, returned ${got.length}`);
  got.forEach((t, i) => {
    if (t.shape.length !== 0 || t.element !== want[i]) fail(op, `body result ${i} must be tensor<${want[i]}>, got ${ts(t)}`);
  });
}

export interface ConvOpts {
  windowStrides: number[];
  /** [low, high] per spatial dimension (may be negative). */
  padding: [number, number][];
  lhsDilation: number[];
  rhsDilation: number[];
  featureGroupCount: number;
  batchGroupCount: number;
}

/** The spec's convolution constraints and result shape (C1-C27, without quantization). */
export function convolution(lhs: TensorType, rhs: TensorType, d: ConvDims, o: ConvOpts): TensorType {
  const op = "convolution";
  const r = lhs.shape.length;
  const n = r - 2;
  if (r < 2 || rhs.shape.length !== r) fail(op, `lhs ${ts(lhs)} and rhs ${ts(rhs)} must have one rank of at least 2`);
  if (lhs.element !== rhs.element) fail(op, `lhs ${ts(lhs)} and rhs ${ts(rhs)} must have one element type`);
  for (const [what, sp] of [
    ["input", d.inputSpatialDimensions],
    ["kernel", d.kernelSpatialDimensions],
    ["output", d.outputSpatialDimensions],
  ] as const)
    if (sp.length !== n) fail(op, `${what}_spatial_dimensions ${fmt(sp)} must have ${n} entries`);
  checkDims(op, "input dimensions", [d.inputBatchDimension, d.inputFeatureDimension, ...d.inputSpatialDimensions], r);
  checkDims(op, "kernel dimensions", [d.kernelInputFeatureDimension, d.kernelOutputFeatureDimension, ...d.kernelSpatialDimensions], r);
  checkDims(op, "output dimensions", [d.outputBatchDimension, d.outputFeatureDimension, ...d.outputSpatialDimensions], r);
  for (const [what, xs] of [
    ["window_strides", o.windowStrides],
    ["lhs_dilation", o.lhsDilation],
    ["rhs_dilation", o.rhsDilation],
  ] as const) {
    checkNonNegInts(op, what, xs, n);
    if (xs.some((v) => v < 1)) fail(op, `${what} ${fmt(xs)} must be positive`);
  }
  if (o.padding.length !== n) fail(op, `padding must have ${n} [low, high] pairs`);
  const G = o.featureGroupCount,
    B = o.batchGroupCount;
  if (!Number.isInteger(G) || G < 1 || !Number.isInteger(B) || B < 1) fail(op, `group counts must be positive (feature ${G}, batch ${B})`);
  if (G > 1 && B > 1) fail(op, `feature_group_count ${G} and batch_group_count ${B} cannot both exceed 1`);
  const N = lhs.shape[d.inputBatchDimension]!,
    C = lhs.shape[d.inputFeatureDimension]!;
  const I = rhs.shape[d.kernelInputFeatureDimension]!,
    O = rhs.shape[d.kernelOutputFeatureDimension]!;
  if (N % B !== 0) fail(op, `input batch size ${N} must be divisible by batch_group_count ${B}`);
  if (C % G !== 0) fail(op, `input feature size ${C} must be divisible by feature_group_count ${G}`);
  if (C / G !== I) fail(op, `input feature size ${C} / feature_group_count ${G} must equal the kernel input feature size ${I}`);
  if (O % B !== 0) fail(op, `kernel output feature size ${O} must be divisible by batch_group_count ${B}`);
  if (O % G !== 0) fail(op, `kernel output feature size ${O} must be divisible by feature_group_count ${G}`);
  const shape = Array<number>(r).fill(0);
  shape[d.outputBatchDimension] = N / B;
  shape[d.outputFeatureDimension] = O;
  d.outputSpatialDimensions.forEach((od, i) => {
    const x = lhs.shape[d.inputSpatialDimensions[i]!]!,
      k = rhs.shape[d.kernelSpatialDimensions[i]!]!;
    const dilatedX = x === 0 ? 0 : (x - 1) * o.lhsDilation[i]! + 1;
    const padded = dilatedX + o.padding[i]![0] + o.padding[i]![1];
    const dilatedK = k === 0 ? 0 : (k - 1) * o.rhsDilation[i]! + 1;
    shape[od] = padded === 0 || dilatedK > padded ? 0 : Math.floor((padded - dilatedK) / o.windowStrides[i]!) + 1;
  });
  return tensorType(shape, lhs.element);
}
