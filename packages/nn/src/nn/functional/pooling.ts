// max/avg pooling (1d, 2d, 3d), adaptive avg/max pooling. A max pool is one
// reduce_window max (its gradient one select_and_scatter), an average pool one
// reduce_window sum divided by a per-cell divisor computed from the (static)
// shapes. Max pooling with indices (and the gradient of a dilated one) stacks
// the strided window slices of conv.ts and takes the first maximum; adaptive
// pools are compositions over their (unequal) bins.
import {
  P,
  TorchError,
  TorchTypeError,
  Tensor,
  bind1,
  arange,
  cat,
  int64,
  is_grad_enabled,
  stack,
  surface,
  tensor,
  where,
  zeros,
  type WindowAttrs,
  type WindowReduceOp,
} from "@xlatorch/core";
import { parseArgs, type Args } from "../args.js";
import { padSpatial, windows, type IntOrTuple } from "./conv.js";

const shp = (s: readonly number[]) => `[${s.join(", ")}]`;
/**
 * grad_fn names as PyTorch 1.13 reports them: "MaxPool2DWithIndicesBackward0",
 * "AvgPool2DBackward0", ...; the 1-d pools are 2-d pools between an unsqueeze
 * and a squeeze there, so their outputs read "SqueezeBackward1".
 */
const gradName = (nd: number, base: string) => (nd === 1 ? "SqueezeBackward1" : base.replace("{n}", String(nd)));
/** Runs `fn` on the batched input and drops the batch dim again for an unbatched one, under one grad_fn name. */
const pooled = <T extends Tensor | Tensor[]>(name: string, unbatched: boolean, fn: () => T): T =>
  surface(name, () => {
    const r = fn();
    if (!unbatched) return r;
    return (Array.isArray(r) ? r.map((t) => t.squeeze(0)) : (r as Tensor).squeeze(0)) as T;
  });
const WORDS = ["", "one", "two", "three"];

function tuple(op: string, name: string, v: unknown, nd: number, what: string): number[] {
  const arr =
    typeof v === "number"
      ? Array<number>(nd).fill(v)
      : Array.isArray(v) && (v.length === 1 || v.length === nd)
        ? v.length === 1
          ? Array<number>(nd).fill(v[0])
          : [...v]
        : null;
  if (arr === null || arr.some((x) => typeof x !== "number" || !Number.isInteger(x))) {
    throw new TorchError(`${op}: ${name} ${what} a single int, or a tuple of ${WORDS[nd]} ints`);
  }
  return arr;
}

/** ATen's pooling_output_shape: floor/ceil division, the last window must start inside the (left-padded) input. */
export function poolOutputSize(L: number, k: number, pad: number, stride: number, dil: number, ceil: boolean): number {
  const num = L + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0);
  let out = Math.floor(num / stride) + 1;
  if (ceil && (out - 1) * stride >= L + pad) out--;
  return out;
}

interface PoolGeom {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  out: number[];
}

/** ATen's message for an input (as given) with an empty non-batch dim, or null. */
function emptyInputMessage(op: string, nd: number, input: Tensor): string | null {
  const z = input.shape.slice(input.ndim - nd - 1).indexOf(0);
  if (z < 0) return null;
  if (nd === 3) {
    const where = op === "max_pool3d" ? "max_pool3d_with_indices_out_cpu_template" : op;
    return `${where}(): Expected input's non-batch dimensions to have positive length, but input has a shape of ${shp(input.shape)} and non-batch dimension ${z} has length zero!`;
  }
  if (op === "max_pool1d")
    return `max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${shp(input.shape)}`;
  // avg_pool1d is avg_pool2d on the input unsqueezed at -2, and reports that shape
  const shape = op === "avg_pool1d" ? [...input.shape.slice(0, -1), 1, input.shape[input.ndim - 1]!] : input.shape;
  return `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${shp(shape)}`;
}

/** Parses and checks kernel/stride/padding/dilation as ATen's pool{nd}d_shape_check does. */
function poolGeom(
  op: string,
  input: Tensor,
  x: Tensor,
  nd: number,
  kernel: unknown,
  stride: unknown,
  padding: unknown,
  dilation: unknown,
  ceil: boolean,
): PoolGeom {
  // ATen words these per kernel: avg_pool3d "must be", max pooling's padding "must be either be"
  const avg3 = op === "avg_pool3d";
  const k = tuple(op, "kernel_size", kernel, nd, avg3 ? "must be" : "must either be");
  const s =
    stride === null || (Array.isArray(stride) && stride.length === 0)
      ? k
      : tuple(op, "stride", stride, nd, avg3 ? "must be omitted," : "must either be omitted,");
  const p = tuple(op, "padding", padding, nd, avg3 ? "must be" : op.startsWith("max") ? "must be either be" : "must either be");
  const d = tuple(op, "dilation", dilation, nd, "must be either");
  const axes = nd === 1 ? ["W"] : nd === 2 ? ["H", "W"] : ["T", "H", "W"];
  const named = (pre: string, v: number[]) => v.map((val, i) => `${pre}${axes[i]}: ${val}`).join(" ");
  if (k.some((v) => v <= 0)) throw new TorchError(`kernel size should be greater than zero, but got ${named("k", k)}`);
  if (s.some((v) => v <= 0)) throw new TorchError(`stride should be greater than zero, but got ${named("d", s)}`);
  if (d.some((v) => v <= 0)) throw new TorchError(`dilation should be greater than zero, but got ${named("dilation", d)}`);
  p.forEach((pp, i) => {
    if (pp < 0) throw new TorchError(`pad must be non-negative, but got pad: ${pp}`);
    if (pp > Math.floor(k[i]! / 2))
      throw new TorchError(`pad should be at most half of kernel size, but got pad=${pp} and kernel_size=${k[i]}`);
  });
  // ATen checks the padding while computing the output size, then the input's non-batch dims
  const empty = emptyInputMessage(op, nd, input);
  if (empty) throw new TorchError(empty);
  const sp = x.shape.slice(x.ndim - nd);
  const out = sp.map((L, i) => poolOutputSize(L, k[i]!, p[i]!, s[i]!, d[i]!, ceil));
  if (out.some((v) => v < 1)) {
    const C = x.shape[x.ndim - nd - 1]!;
    throw new TorchError(
      `Given input size: (${[C, ...sp].join("x")}). Calculated output size: (${[C, ...out].join("x")}). Output size is too small`,
    );
  }
  return { k, s, p, d, out };
}

/** Right padding so that every (ceil_mode) window lies inside the padded input. */
const rightPad = (x: Tensor, g: PoolGeom) => {
  const nd = g.k.length;
  return x.shape.slice(x.ndim - nd).map((L, i) => Math.max(g.p[i]!, (g.out[i]! - 1) * g.s[i]! + g.d[i]! * (g.k[i]! - 1) + 1 - L - g.p[i]!));
};

/**
 * One reduce_window over the spatial dims of [N, C, *spatial]: padding p before and up to the
 * last (ceil_mode) window after, filled with the reduction's identity (-inf for max, 0 for sum).
 */
function poolWindow(x: Tensor, g: PoolGeom, op: "max" | "sum"): Tensor {
  const hi = rightPad(x, g);
  const attrs: WindowAttrs & { op: WindowReduceOp } = {
    op,
    window_dimensions: [1, 1, ...g.k],
    window_strides: [1, 1, ...g.s],
    base_dilations: x.shape.map(() => 1),
    window_dilations: [1, 1, ...g.d],
    padding: [[0, 0], [0, 0], ...g.p.map((p, i): [number, number] => [p, hi[i]!])],
  };
  return bind1(P.reduce_window, [x], attrs);
}

/** The rank check; an empty non-batch dim is refused later, in poolGeom, where ATen does. */
function checkPoolInput(op: string, input: Tensor, nd: number, msg: string): [Tensor, boolean] {
  if (!(input instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'input' (position 1) must be Tensor, not ${typeof input}`);
  if (input.ndim !== nd + 1 && input.ndim !== nd + 2) throw new TorchError(msg);
  return input.ndim === nd + 1 ? [input.unsqueeze(0), true] : [input, false];
}

/** Flat index (within the unpadded spatial input) of window element `k` of each output cell. */
function flatIndices(g: PoolGeom, spatial: readonly number[], kIdx: Tensor): Tensor {
  const nd = g.k.length;
  const dev = kIdx.device;
  let flat: Tensor | null = null;
  let rem = kIdx;
  // Decompose the row-major kernel offset into per-dim offsets, last dim fastest.
  const per: Tensor[] = [];
  for (let i = nd - 1; i >= 0; i--) {
    per[i] = rem.remainder(g.k[i]!);
    rem = rem.floor_divide(g.k[i]!);
  }
  for (let i = 0; i < nd; i++) {
    const shape = g.out.map((_, j) => (j === i ? g.out[i]! : 1));
    const start = arange(g.out[i]!, { dtype: int64, device: dev }).mul(g.s[i]!).sub(g.p[i]!).reshape(shape);
    const pos = per[i]!.mul(g.d[i]!).add(start);
    flat = flat ? flat.mul(spatial[i]!).add(pos) : pos;
  }
  return flat!;
}

/**
 * Max over `dim` and the index of its first maximum (keepdim). The value is
 * selected with a one-hot mask and summed, so the gradient goes to that one
 * element, as PyTorch's max pooling backward does (amax would split it among
 * ties), without a gather/scatter pair.
 */
function firstMax(x: Tensor, dim: number): [Tensor, Tensor] {
  const i = x.argmax(dim, { keepdim: true });
  const n = x.shape[dim]!;
  const iota = arange(n, { dtype: int64, device: x.device }).reshape(x.shape.map((_, d) => (d === dim ? n : 1)).slice(dim));
  return [where(iota.eq(i), x, 0).sum(dim, { keepdim: true }).squeeze(dim), i];
}

/**
 * ATen's max_pool1d checks its arguments in its own words when it needs no indices (no
 * return_indices, no gradient); otherwise it is max_pool2d's path, whose checks poolGeom makes.
 */
function checkMaxPool1d(input: Tensor, kernel: unknown, stride: unknown, padding: unknown, dilation: unknown, ceil: boolean): number {
  const op = "max_pool1d";
  const [k] = tuple(op, "kernel_size", kernel, 1, "must either be") as [number];
  const [s] =
    stride === null || (Array.isArray(stride) && stride.length === 0)
      ? [k]
      : (tuple(op, "stride", stride, 1, "must either be omitted,") as [number]);
  const [p] = tuple(op, "padding", padding, 1, "must either be") as [number];
  const [d] = tuple(op, "dilation", dilation, 1, "must be either") as [number];
  if (k <= 0) throw new TorchError(`max_pool1d() kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw new TorchError(`max_pool1d() stride must be greater than zero, but got ${s}`);
  if (p < 0) throw new TorchError(`max_pool1d() padding must be non-negative, but got ${p}`);
  if (p > Math.floor(k / 2))
    throw new TorchError(`max_pool1d() padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  if (d <= 0) throw new TorchError(`max_pool1d() dilation must be greater than zero, but got ${d}`);
  const empty = emptyInputMessage(op, 1, input);
  if (empty) throw new TorchError(empty);
  const ow = poolOutputSize(input.shape[input.ndim - 1]!, k, p, s, d, ceil);
  if (ow < 0) throw new TorchError(`max_pool1d() Invalid computed output size: ${ow}`);
  return ow;
}

function maxPoolNd(nd: number, input: Tensor, kernel_size: IntOrTuple, args: MaxPoolArgs): Tensor | Tensor[] {
  const op = `max_pool${nd}d`;
  const o = parseArgs(op, args, ["stride", "padding", "dilation", "ceil_mode", "return_indices"], {
    stride: null,
    padding: 0,
    dilation: 1,
    ceil_mode: false,
    return_indices: false,
  });
  const msg =
    nd === 1
      ? `max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${shp(input.shape)}`
      : `non-empty ${nd + 1}D or ${nd + 2}D (batch mode) tensor expected for input`;
  const [x, unbatched] = checkPoolInput(op, input, nd, msg);
  if (nd === 1 && !o.return_indices && !(is_grad_enabled() && input.requires_grad)) {
    // this path allows an empty output (max_pool2d's refuses it as too small)
    if (checkMaxPool1d(input, kernel_size, o.stride, o.padding, o.dilation, o.ceil_mode) === 0)
      return zeros([...input.shape.slice(0, -1), 0], { dtype: input.dtype, device: input.device });
  }
  const g = poolGeom(op, input, x, nd, kernel_size, o.stride, o.padding, o.dilation, o.ceil_mode);
  if (!x.dtype.is_floating_point) throw new TorchError(`"${op}" not implemented for '${x.dtype.scalarName}'`);
  const spatial = x.shape.slice(2);
  // One reduce_window (its gradient one select_and_scatter); indices, and the gradient of a
  // dilated window (select_and_scatter has no dilation), take the windows-and-argmax path below.
  const undilated = g.d.every((v) => v === 1);
  if (!o.return_indices && (undilated || !(is_grad_enabled() && x.requires_grad)))
    return pooled(gradName(nd, "MaxPool{n}DWithIndicesBackward0"), unbatched, () => poolWindow(x, g, "max"));
  const out = pooled(gradName(nd, "MaxPool{n}DWithIndicesBackward0"), unbatched, () => {
    const xp = padSpatial(x, g.p, rightPad(x, g), -Infinity);
    const wins = windows(xp, g.k, g.d, g.s, g.out);
    if (wins.length === 1) {
      const v = wins[0]!.clone();
      return o.return_indices
        ? [
            v,
            flatIndices(g, spatial, zeros(g.out, { dtype: int64, device: v.device }))
              .expand(v.shape)
              .contiguous(),
          ]
        : [v];
    }
    const st = stack(wins, 2);
    if (!o.return_indices && !(is_grad_enabled() && x.requires_grad)) return [st.amax(2)];
    const [v, i] = firstMax(st, 2);
    return o.return_indices ? [v, flatIndices(g, spatial, i.squeeze(2))] : [v];
  }) as Tensor[];
  return o.return_indices ? out : out[0]!;
}

type MaxPoolKw = { stride?: IntOrTuple | null; padding?: IntOrTuple; dilation?: IntOrTuple; ceil_mode?: boolean; return_indices?: boolean };
type MaxPoolArgs = Args<
  [stride: IntOrTuple | null, padding: IntOrTuple, dilation: IntOrTuple, ceil_mode: boolean, return_indices: boolean],
  MaxPoolKw
>;

/**
 * What a max pool returns for its optional arguments `A`: [values, indices] when return_indices is true
 * (positionally at `at`, or in the options object), the values otherwise, either when it is only a boolean.
 */
export type PoolResult<A extends readonly unknown[], At extends 0 | 4> = A extends readonly [...unknown[], { return_indices: infer R }]
  ? IndicesIf<R>
  : At extends 0
    ? A extends readonly [infer R, ...unknown[]]
      ? IndicesIf<R>
      : Tensor
    : A extends readonly [unknown, unknown, unknown, unknown, infer R, ...unknown[]]
      ? IndicesIf<R>
      : Tensor;
type IndicesIf<R> = [R] extends [true]
  ? Tensor[]
  : [R] extends [false | undefined]
    ? Tensor
    : [R] extends [boolean | undefined]
      ? Tensor | Tensor[]
      : Tensor;

/** max_pool1d(input, kernel_size, stride=kernel_size, padding=0, dilation=1, ceil_mode=false, return_indices=false). */
export function max_pool1d<A extends MaxPoolArgs>(input: Tensor, kernel_size: IntOrTuple, ...args: A): PoolResult<A, 4> {
  return maxPoolNd(1, input, kernel_size, args) as PoolResult<A, 4>;
}
/** max_pool2d(input, kernel_size, stride=kernel_size, padding=0, dilation=1, ceil_mode=false, return_indices=false); with return_indices, [values, indices]. */
export function max_pool2d<A extends MaxPoolArgs>(input: Tensor, kernel_size: IntOrTuple, ...args: A): PoolResult<A, 4> {
  return maxPoolNd(2, input, kernel_size, args) as PoolResult<A, 4>;
}
/** max_pool3d(input, kernel_size, ...) as max_pool2d over three spatial dims. */
export function max_pool3d<A extends MaxPoolArgs>(input: Tensor, kernel_size: IntOrTuple, ...args: A): PoolResult<A, 4> {
  return maxPoolNd(3, input, kernel_size, args) as PoolResult<A, 4>;
}
export const max_pool1d_with_indices = (input: Tensor, kernel_size: IntOrTuple, ...args: MaxPoolArgs): Tensor[] =>
  maxPoolNd(1, input, kernel_size, [...withIndices(args)] as MaxPoolArgs) as Tensor[];
export const max_pool2d_with_indices = (input: Tensor, kernel_size: IntOrTuple, ...args: MaxPoolArgs): Tensor[] =>
  maxPoolNd(2, input, kernel_size, [...withIndices(args)] as MaxPoolArgs) as Tensor[];
function withIndices(args: readonly unknown[]): unknown[] {
  const last = args[args.length - 1];
  const kw = last && typeof last === "object" && !Array.isArray(last) && !(last instanceof Tensor);
  const pos = kw ? args.slice(0, -1) : [...args];
  // return_indices given positionally (stride, padding, dilation, ceil_mode, return_indices): PyTorch ignores its value
  if (pos.length >= 5) {
    pos[4] = true;
    return kw ? [...pos, last] : pos;
  }
  return [...pos, { ...(kw ? last : {}), return_indices: true }];
}

/** ATen's avg_pool divisor per output cell along one dim: [count with padding, count without]. */
function avgCounts(L: number, k: number, p: number, s: number, out: number): [number[], number[]] {
  const withPad: number[] = [],
    without: number[] = [];
  for (let i = 0; i < out; i++) {
    const start = i * s - p,
      end = Math.min(start + k, L + p);
    withPad.push(end - start);
    without.push(Math.min(end, L) - Math.max(start, 0));
  }
  return [withPad, without];
}

export type AvgPoolKw = {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
  divisor_override?: number | null;
};
export type AvgPoolArgs = Args<
  [stride: IntOrTuple | null, padding: IntOrTuple, ceil_mode: boolean, count_include_pad: boolean, divisor_override: number | null],
  AvgPoolKw
>;
export type AvgPool1dArgs = Args<
  [stride: IntOrTuple | null, padding: IntOrTuple, ceil_mode: boolean, count_include_pad: boolean],
  Omit<AvgPoolKw, "divisor_override">
>;

function avgPoolNd(nd: number, input: Tensor, kernel_size: IntOrTuple, args: readonly unknown[]): Tensor {
  const op = `avg_pool${nd}d`;
  const names =
    nd === 1
      ? (["stride", "padding", "ceil_mode", "count_include_pad"] as const)
      : (["stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"] as const);
  const o = parseArgs(op, args, names as readonly ("stride" | "padding" | "ceil_mode" | "count_include_pad" | "divisor_override")[], {
    stride: null,
    padding: 0,
    ceil_mode: false,
    count_include_pad: true,
    divisor_override: null,
  });
  const msg =
    nd === 1
      ? `Expected 2 to 3 dimensions, but got ${input.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)`
      : `non-empty ${nd + 1}D or ${nd + 2}D (batch mode) tensor expected for input`;
  const [x, unbatched] = checkPoolInput(op, input, nd, msg);
  const g = poolGeom(op, input, x, nd, kernel_size, o.stride, o.padding, 1, o.ceil_mode);
  if (o.divisor_override !== null && o.divisor_override === 0) throw new TorchError("divisor must be not zero");
  // ATen's CPU kernels take floating types and int64 (integer sums divided with C++'s truncation);
  // avg_pool1d is avg_pool2d there and the 3-d kernel reports its frame function.
  if (!x.dtype.is_floating_point && x.dtype !== int64) {
    throw new TorchError(`"${nd === 3 ? "avg_pool3d_out_frame" : "avg_pool2d"}" not implemented for '${x.dtype.scalarName}'`);
  }
  const divide = (a: Tensor, b: Tensor | number) => (x.dtype.is_floating_point ? a.div(b) : a.div(b, { rounding_mode: "trunc" }));
  const spatial = x.shape.slice(2);
  return pooled(gradName(nd, "AvgPool{n}DBackward0"), unbatched, () => {
    // Summed in the window's row-major order, as ATen's loop adds them: one reduce_window.
    const sum = poolWindow(x, g, "sum");
    if (o.divisor_override !== null) return divide(sum, o.divisor_override);
    const counts = spatial.map((L, i) => avgCounts(L, g.k[i]!, g.p[i]!, g.s[i]!, g.out[i]!)[o.count_include_pad ? 0 : 1]);
    if (counts.every((c, i) => c.every((v) => v === g.k[i])))
      return divide(
        sum,
        g.k.reduce((a, b) => a * b, 1),
      );
    // Divisor per output cell: the product of the per-dim counts (host-side, static shapes).
    let div: number[] = [1];
    for (const c of counts) div = div.flatMap((a) => c.map((b) => a * b));
    return divide(sum, tensor(div, { dtype: x.dtype, device: x.device }).reshape(g.out));
  });
}

/** avg_pool1d(input, kernel_size, stride=kernel_size, padding=0, ceil_mode=false, count_include_pad=true). */
export const avg_pool1d = (input: Tensor, kernel_size: IntOrTuple, ...args: AvgPool1dArgs): Tensor =>
  avgPoolNd(1, input, kernel_size, args);
/** avg_pool2d(input, kernel_size, stride=kernel_size, padding=0, ceil_mode=false, count_include_pad=true, divisor_override=null). */
export const avg_pool2d = (input: Tensor, kernel_size: IntOrTuple, ...args: AvgPoolArgs): Tensor => avgPoolNd(2, input, kernel_size, args);
/** avg_pool3d(input, kernel_size, ...) as avg_pool2d over three spatial dims. */
export const avg_pool3d = (input: Tensor, kernel_size: IntOrTuple, ...args: AvgPoolArgs): Tensor => avgPoolNd(3, input, kernel_size, args);

// ---- adaptive pooling ----

export type OutputSize = number | null | readonly (number | null)[];

/** PyTorch's adaptive bins: cell i covers [floor(i*L/out), ceil((i+1)*L/out)). */
const bin = (i: number, L: number, out: number): [number, number] => [Math.floor((i * L) / out), Math.ceil(((i + 1) * L) / out)];

function adaptiveSetup(op: string, input: Tensor, nd: number, output_size: OutputSize): [Tensor, boolean, number[]] {
  if (!(input instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'input' (position 1) must be Tensor, not ${typeof input}`);
  if (input.ndim !== nd + 1 && input.ndim !== nd + 2)
    throw new TorchError(
      `${op}(): Expected ${nd + 1}D or ${nd + 2}D tensor, but got${op.startsWith("adaptive_max") ? ":" : ""} ${shp(input.shape)}`,
    );
  for (let i = 1; i < input.ndim; i++) {
    if (input.shape[i] === 0)
      throw new TorchError(
        `${op}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${shp(input.shape)} with dimension ${i} being empty`,
      );
  }
  const sizes = Array.isArray(output_size) ? [...output_size] : Array<number | null>(nd).fill(output_size as number | null);
  if (sizes.length !== nd) throw new TorchError(`${op}: output_size must be ${nd}`);
  const sp = input.shape.slice(input.ndim - nd);
  const out = sizes.map((v, i) => (v === null ? sp[i]! : v));
  if (out.some((v) => !Number.isInteger(v) || v < 0))
    throw new TorchError(`${op}: elements of output_size must be greater than or equal to 0 but received {${out.join(", ")}}`);
  return input.ndim === nd + 1 ? [input.unsqueeze(0), true, out] : [input, false, out];
}

/** Means over the adaptive bins of one dim (a reshape when the bins are equal). */
function adaptiveAvgDim(x: Tensor, ax: number, out: number): Tensor {
  const L = x.shape[ax]!;
  if (out === L) return x;
  if (L % out === 0) return x.reshape([...x.shape.slice(0, ax), out, L / out, ...x.shape.slice(ax + 1)]).mean(ax + 1);
  const cells = Array.from({ length: out }, (_, i) => {
    const [a, b] = bin(i, L, out);
    return x.narrow(ax, a, b - a).mean(ax, { keepdim: true });
  });
  return cat(cells, ax);
}

function adaptiveAvgNd(nd: number, input: Tensor, output_size: OutputSize): Tensor {
  const op = `adaptive_avg_pool${nd}d`;
  const [x, unbatched, out] = adaptiveSetup(op, input, nd, output_size);
  if (!x.dtype.is_floating_point) throw new TorchError(`"${op}" not implemented for '${x.dtype.scalarName}'`);
  // A box mean is separable: average along each spatial dim in turn.
  // A global average is a mean in PyTorch too (MeanBackward1).
  const name = nd === 1 ? "SqueezeBackward1" : out.every((v) => v === 1) ? "MeanBackward1" : `AdaptiveAvgPool${nd}DBackward0`;
  return pooled(name, unbatched, () => out.reduce((t, o, i) => adaptiveAvgDim(t, 2 + i, o), x));
}

/** adaptive_avg_pool1d(input [N, C, L] or [C, L], output_size). */
export const adaptive_avg_pool1d = (input: Tensor, output_size: OutputSize): Tensor => adaptiveAvgNd(1, input, output_size);
/** adaptive_avg_pool2d(input [N, C, H, W] or [C, H, W], output_size: int or [h, w], null keeps that input size). */
export const adaptive_avg_pool2d = (input: Tensor, output_size: OutputSize): Tensor => adaptiveAvgNd(2, input, output_size);
/** adaptive_avg_pool3d(input, output_size). */
export const adaptive_avg_pool3d = (input: Tensor, output_size: OutputSize): Tensor => adaptiveAvgNd(3, input, output_size);

/**
 * Max over the adaptive bins of one dim: values and the absolute index of the
 * first maximum along that dim. Taking dims in order (first dim outermost) finds
 * the row-major first maximum of each box, as ATen's loop does.
 */
function adaptiveMaxDim(x: Tensor, ax: number, out: number): [Tensor, Tensor] {
  const L = x.shape[ax]!;
  const vals: Tensor[] = [],
    idx: Tensor[] = [];
  for (let i = 0; i < out; i++) {
    const [a, b] = bin(i, L, out);
    const [v, j] = firstMax(x.narrow(ax, a, b - a), ax);
    vals.push(v.unsqueeze(ax));
    idx.push(a === 0 ? j : j.add(a));
  }
  return [cat(vals, ax), cat(idx, ax)];
}

function adaptiveMaxNd(nd: number, input: Tensor, output_size: OutputSize, return_indices: boolean): Tensor | Tensor[] {
  const op = `adaptive_max_pool${nd}d`;
  const [x, unbatched, out] = adaptiveSetup(op, input, nd, output_size);
  if (!x.dtype.is_floating_point) throw new TorchError(`"${op}" not implemented for '${x.dtype.scalarName}'`);
  const spatial = x.shape.slice(2);
  const r = pooled(gradName(nd, "AdaptiveMaxPool{n}DBackward0"), unbatched, () => {
    // Reduce the last dim first, then earlier ones; per-dim argmax positions
    // are carried along (gathered through later reductions) to form flat indices.
    let v = x;
    let pos: Tensor[] = [];
    for (let i = nd - 1; i >= 0; i--) {
      const ax = 2 + i;
      const [nv, ni] = adaptiveMaxDim(v, ax, out[i]!);
      // Positions along later dims were found per element along `ax`: keep the winners'.
      if (return_indices) pos = [ni, ...pos.map((p) => p.gather(ax, ni))];
      v = nv;
    }
    if (!return_indices) return [v];
    let flat = pos[0]!;
    for (let i = 1; i < nd; i++) flat = flat.mul(spatial[i]!).add(pos[i]!);
    return [v, flat];
  }) as Tensor[];
  return return_indices ? r : r[0]!;
}

type AdaptiveMaxArgs = Args<[return_indices: boolean], { return_indices?: boolean }>;

/** adaptive_max_pool1d(input, output_size, return_indices=false). */
export function adaptive_max_pool1d<A extends AdaptiveMaxArgs>(input: Tensor, output_size: OutputSize, ...args: A): PoolResult<A, 0> {
  return adaptiveMaxNd(
    1,
    input,
    output_size,
    parseArgs("adaptive_max_pool1d", args, ["return_indices"], { return_indices: false }).return_indices,
  ) as PoolResult<A, 0>;
}
/** adaptive_max_pool2d(input, output_size, return_indices=false); with return_indices, [values, indices]. */
export function adaptive_max_pool2d<A extends AdaptiveMaxArgs>(input: Tensor, output_size: OutputSize, ...args: A): PoolResult<A, 0> {
  return adaptiveMaxNd(
    2,
    input,
    output_size,
    parseArgs("adaptive_max_pool2d", args, ["return_indices"], { return_indices: false }).return_indices,
  ) as PoolResult<A, 0>;
}
/** adaptive_max_pool3d(input, output_size, return_indices=false). */
export function adaptive_max_pool3d<A extends AdaptiveMaxArgs>(input: Tensor, output_size: OutputSize, ...args: A): PoolResult<A, 0> {
  return adaptiveMaxNd(
    3,
    input,
    output_size,
    parseArgs("adaptive_max_pool3d", args, ["return_indices"], { return_indices: false }).return_indices,
  ) as PoolResult<A, 0>;
}
