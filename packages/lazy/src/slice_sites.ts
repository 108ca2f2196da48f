// Slices of device data whose start moves from graph to graph are recorded as
// dynamic_slice, with the starts as graph parameters. A loop over a dataset
// held on the device (`data[:, i:i+T]` for i = 0, T, 2T, ..., as PyTorch's
// word-language-model tutorial batches its corpus; or a cache written at a
// moving column, `cache[:, t] = x`, whose write target is such a slice) would
// otherwise put each window's position into its graph's key and compile once
// per window: 400 compiles in a 400-step loop before this. Now it compiles
// twice (the first step's graph, then the one every later step shares).
// Sites of device data are kept per tensor (its payload), not per value: a
// tensor written at every step holds new data at every step. A slice of a
// value computed in the graph has no such identity: it switches when the graph
// cut last time had, at the same position, this slice at another start (or its
// dynamic form already), as far as recording follows that graph (sig.ts
// predictedEntry); chunks of one value (fixed starts) stay static.
// A slice keeps its static form (which the CPU runtime folds into its loops as
// a view) until the same device data is sliced to the same shape, in a later
// graph, at a start the first graph did not slice it at; from then on new
// starts are dynamic and the first graph's starts stay static (so the graphs
// compiled with them are found again). Slices at fixed offsets (a weight
// split in two at every step) stay static.
// A strided slice becomes the dynamic_slice of the span it reads, then a static
// strided slice of that. The starts are valid (the surface checked them), so
// dynamic_slice's clamp never moves them: both forms read the same elements.
import { type AVal, int64 } from "@xlatorch/core";
import { avalOf, isLeaf, type LazyNode, type LazyValue, makeNode } from "./ir.js";
import { metrics } from "./metrics.js";
import { predictedEntry } from "./sig.js";
import { record } from "./trace.js";

interface SliceAttrs {
  start: readonly number[];
  step: readonly number[];
}
/**
 * Slices of one tensor to one shape (with one step): the starts of the first graph, the execution count then
 * (a stand-in for "which graph"), and whether it switched. Compared element by element (this runs at every
 * slice of device data: no key strings).
 */
interface Site {
  from: readonly number[];
  to: readonly number[];
  step: readonly number[];
  epoch: number;
  starts: (readonly number[])[];
  dynamic: boolean;
}
/** Past this many distinct starts a site switches whatever the graphs (the list stays small). */
const MAX_STARTS = 16;
/** By the tensor's payload, which outlives its values: a cache written at every step is new data at every step. */
const sites = new WeakMap<object, Site[]>();

/** The dynamic_slice node standing for this slice of `v`, or null where the static slice stays. */
export function dynamicSliceOf(owner: object, v: LazyValue, attrs: SliceAttrs, outs: readonly AVal[]): LazyNode | null {
  // (decided first: most slices stay static, and that answer is the cheap one)
  const moved = isLeaf(v) ? v.node.error === null && dataSiteMoved(owner, v, attrs, outs[0]!.shape) : graphSiteMoved(attrs, outs[0]!);
  if (!moved) return null;
  const shape = outs[0]!.shape;
  if (shape.length === 0) return null;
  let unit = true;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 0) return null;
    if (attrs.step[d] !== 1) unit = false;
  }
  const ins: LazyValue[] = [v];
  for (let d = 0; d < shape.length; d++) {
    const s = makeNode("data", [], null, [{ shape: [], dtype: int64 }]);
    s.host = BigInt64Array.of(BigInt(attrs.start[d]!));
    ins.push(s);
  }
  // its gradient (slice's VJP: a zero pad whose low padding is this very start array) is written at these starts too
  vjpStarts.set(attrs.start, ins.slice(1));
  if (unit) return makeNode("dynamic_slice", ins, { sizes: shape.slice() }, outs);
  // with steps: the span the slice reads, at the moving start, then the steps over it from 0 (static)
  const span = shape.map((n, d) => (n - 1) * attrs.step[d]! + 1);
  const block = makeNode("dynamic_slice", ins, { sizes: span }, [{ shape: span, dtype: outs[0]!.dtype }]);
  record(block);
  return makeNode("slice", [block], { start: span.map(() => 0), limit: span, step: attrs.step.slice() }, outs);
}

/** The start parameters of each slice made dynamic, by its start array (slice's VJP passes that array on as the pad's `low`). */
const vjpStarts = new WeakMap<readonly number[], LazyValue[]>();

/**
 * The gradient of a slice made dynamic: slice's VJP (core/src/vjps.ts) pads
 * the cotangent `g` with zeros, its start as static low padding, which would
 * put the start back into the graph's key (a parameter's window W[i:i+4]
 * compiled once per i). A zero pad whose low padding is a start array of such
 * a slice is recorded as the cotangent written into zeros at the same start
 * parameters (dynamic_update_slice, as dynamic_slice's own VJP does), or null.
 */
export function dynamicPadOf(
  attrs: { low: readonly number[]; interior: readonly number[]; value: number },
  g: LazyValue,
  outs: readonly AVal[],
): LazyNode | null {
  const starts = vjpStarts.get(attrs.low);
  if (starts === undefined || !Object.is(attrs.value, 0)) return null;
  const { shape, dtype } = outs[0]!;
  // a strided slice's: the cotangent spread over the span it read first (interior zeros only, a static pad)
  let update = g;
  if (attrs.interior.some((i) => i !== 0)) {
    const gs = avalOf(g).shape;
    const span = gs.map((n, d) => (n - 1) * (attrs.interior[d]! + 1) + 1);
    const zeros = span.map(() => 0);
    const spread = makeNode("pad", [g], { low: zeros, high: zeros, interior: attrs.interior.slice(), value: 0 }, [{ shape: span, dtype }]);
    record(spread);
    update = spread;
  }
  const zero = makeNode("data", [], null, [{ shape: [], dtype }]);
  zero.host = dtype.alloc(1);
  const zeros = makeNode("broadcast_in_dim", [zero], { shape: shape.slice(), dims: [] }, [{ shape, dtype }]);
  record(zeros);
  return makeNode("dynamic_update_slice", [zeros, update, ...starts], undefined, outs);
}

/** Device data: whether this slice's start moved (see the top of this file), noting it. */
function dataSiteMoved(owner: object, v: LazyValue, attrs: SliceAttrs, shape: readonly number[]): boolean {
  let list = sites.get(owner);
  if (list === undefined) sites.set(owner, (list = []));
  const from = avalOf(v).shape;
  const epoch = metrics.executions;
  let site: Site | undefined;
  for (let i = 0; i < list.length && site === undefined; i++) {
    const s = list[i]!;
    if (same(s.to, shape) && same(s.step, attrs.step) && same(s.from, from)) site = s;
  }
  if (site === undefined) {
    list.push({ from: from.slice(), to: shape.slice(), step: attrs.step.slice(), epoch, starts: [attrs.start.slice()], dynamic: false });
    return false;
  }
  // a start seen before the switch keeps its static form, so the graphs compiled with it (a loop's first
  // window, in each context it occurs) are found again: a periodic program still settles after one period
  for (let i = 0; i < site.starts.length; i++) if (same(site.starts[i]!, attrs.start)) return false;
  if (!site.dynamic) {
    if (site.epoch === epoch && site.starts.length < MAX_STARTS) {
      site.starts.push(attrs.start.slice());
      return false;
    }
    site.dynamic = true;
  }
  return true;
}

/**
 * A value computed in the graph: whether the graph cut last time had, at this
 * position, this slice at another start, or its dynamic form already
 * (sig.ts predictedEntry; while recording does not follow a graph seen before,
 * slices stay static).
 */
function graphSiteMoved(attrs: SliceAttrs, out: AVal): boolean {
  const e = predictedEntry();
  if (e === null) return false;
  const shape = out.shape;
  if (e.op === "slice") {
    const a = e.attrs as SliceAttrs,
      o = e.outs[0]!;
    // (the start first: the same start, the common answer, settles it)
    return !same(a.start, attrs.start) && o.dtype === out.dtype && same(o.shape, shape) && same(a.step, attrs.step);
  }
  if (e.op === "dynamic_slice") {
    const sizes = (e.attrs as { sizes: readonly number[] }).sizes;
    if (e.outs[0]!.dtype !== out.dtype || sizes.length !== shape.length) return false;
    // its sizes: the shape, or with steps the span the strided slice reads
    for (let d = 0; d < shape.length; d++) if (sizes[d] !== (shape[d]! - 1) * attrs.step[d]! + 1) return false;
    return true;
  }
  return false;
}
function same(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
