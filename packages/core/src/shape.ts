// Shape, stride and dim arithmetic shared by every op.
import { TorchError, TorchIndexError } from "./errors.js";

export type Shape = readonly number[];

/**
 * torch.Size: what x.shape and x.size() return. A frozen number array (index it,
 * spread it, compare it like any array) that prints as PyTorch's does.
 */
export class Size extends Array<number> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  /** A frozen Size holding `dims`; a Size is immutable, so one passed in is returned as is. */
  static of_(dims: readonly number[]): Size {
    if (dims instanceof Size) return dims;
    const n = dims.length;
    if (n === 0) return EMPTY_SIZE;
    // Sizes of rank 1 to 3 are shared (they are immutable): building one costs far more than finding it
    const key = n <= 3 ? sizeKey(dims, n) : -1;
    if (key >= 0) {
      const cache = SIZE_CACHE[n]!;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      if (cache.size >= SIZE_CACHE_MAX) cache.clear();
      const s = newSize(dims, n);
      cache.set(key, s);
      return s;
    }
    return newSize(dims, n);
  }
  override toString(): string {
    return `torch.Size([${this.join(", ")}])`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
  numel(): number {
    return this.reduce((a, b) => a * b, 1);
  }
}

/*
 * Array methods that take a callback or copy, as Size's own (map, filter, every, some, slice, reduce with an initial value). V8's builtins take their fast paths only for
 * arrays whose prototype is Array.prototype: on a Size, map, filter, slice... go the generic way (the
 * species lookup, property reads one by one), 5-10x slower, and ops call them on shapes at every op
 * (an LSTM run spent ~15% of its op-surface time on such lines). These do what the builtins do on a
 * frozen array without holes: a plain Array result (Size's species), callbacks called with (value,
 * index, the Size) and thisArg, the length read once; a non-function callback goes to the builtin, for
 * its TypeError.
 */
type Callback = (v: number, i: number, a: readonly number[]) => unknown;
const AP = Array.prototype;
function sizeMap(this: Size, fn: Callback, thisArg?: unknown): unknown[] {
  if (typeof fn !== "function") return AP.map.call(this, fn, thisArg);
  const n = this.length,
    out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = thisArg === undefined ? fn(this[i]!, i, this) : fn.call(thisArg, this[i]!, i, this);
  return out;
}
function sizeFilter(this: Size, fn: Callback, thisArg?: unknown): number[] {
  if (typeof fn !== "function") return AP.filter.call(this, fn, thisArg);
  const n = this.length,
    out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = this[i]!;
    if (thisArg === undefined ? fn(v, i, this) : fn.call(thisArg, v, i, this)) out.push(v);
  }
  return out;
}
function sizeEvery(this: Size, fn: Callback, thisArg?: unknown): boolean {
  if (typeof fn !== "function") return AP.every.call(this, fn, thisArg);
  const n = this.length;
  for (let i = 0; i < n; i++) if (!(thisArg === undefined ? fn(this[i]!, i, this) : fn.call(thisArg, this[i]!, i, this))) return false;
  return true;
}
function sizeSome(this: Size, fn: Callback, thisArg?: unknown): boolean {
  if (typeof fn !== "function") return AP.some.call(this, fn, thisArg);
  const n = this.length;
  for (let i = 0; i < n; i++) if (thisArg === undefined ? fn(this[i]!, i, this) : fn.call(thisArg, this[i]!, i, this)) return true;
  return false;
}
function sizeReduce(this: Size, fn: (acc: unknown, v: number, i: number, a: readonly number[]) => unknown, init?: unknown): unknown {
  const n = this.length;
  // no initial value (told by the argument count, as the builtin), or not a function: the builtin (its TypeErrors)
  if (typeof fn !== "function" || arguments.length < 2)
    return (AP.reduce as (...a: unknown[]) => unknown).apply(this, arguments as unknown as unknown[]);
  let acc = init;
  for (let i = 0; i < n; i++) acc = fn(acc, this[i]!, i, this);
  return acc;
}
/** A plain copy's slice: the builtin's own argument handling (negative, missing, fractional bounds). */
function sizeSlice(this: Size, start?: number, end?: number): number[] {
  const n = this.length,
    out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = this[i]!;
  return start === undefined && end === undefined ? out : out.slice(start, end);
}
for (const [name, value] of [
  ["map", sizeMap],
  ["filter", sizeFilter],
  ["every", sizeEvery],
  ["some", sizeSome],
  ["slice", sizeSlice],
  ["reduce", sizeReduce],
] as const)
  Object.defineProperty(Size.prototype, name, { value, writable: true, configurable: true, enumerable: false });

const EMPTY_SIZE: Size = Object.freeze(new Size(0));
function newSize(dims: readonly number[], n: number): Size {
  const s = new Size(n);
  for (let i = 0; i < n; i++) s[i] = dims[i]!;
  return Object.freeze(s);
}
/** Per rank (1 to 3): shared Sizes by a numeric key of their dims. */
const SIZE_CACHE: Map<number, Size>[] = [new Map(), new Map(), new Map(), new Map()];
const SIZE_CACHE_MAX = 4096;
/** A key for dims of rank 1 to 3 (non-negative integers that fit the key's bits), or -1. */
function sizeKey(dims: readonly number[], n: number): number {
  const d0 = dims[0]!;
  if (!isSmallDim(d0)) return -1;
  if (n === 1) return d0;
  const d1 = dims[1]!;
  if (n === 2) return d0 < 0x4000000 && d1 < 0x4000000 && isSmallDim(d1) ? d0 * 0x4000000 + d1 : -1;
  const d2 = dims[2]!;
  return d0 < 0x20000 && d1 < 0x20000 && d2 < 0x20000 && isSmallDim(d1) && isSmallDim(d2) ? (d0 * 0x20000 + d1) * 0x20000 + d2 : -1;
}
/** A non-negative integer below 2^30 (and not -0, which a shared Size could not keep apart from 0). */
const isSmallDim = (d: number): boolean => (d | 0) === d && d >= 0 && d < 0x40000000 && (d !== 0 || 1 / d > 0);

export function numelOf(s: Shape): number {
  let n = 1;
  for (let i = 0; i < s.length; i++) n *= s[i]!;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= Math.max(shape[i]!, 1);
  }
  return st;
}

export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== acc) return false;
    acc *= shape[i]!;
  }
  return true;
}

/** Wrap a possibly negative dim; throws PyTorch's IndexError wording. */
export function normDim(dim: number, ndim: number, op = ""): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new TorchIndexError(
      `${op ? op + ": " : ""}Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + n : dim;
}

export function normDims(dims: number | readonly number[] | undefined | null, ndim: number, op = ""): number[] {
  if (dims === undefined || dims === null) return [...Array(ndim).keys()];
  const list = typeof dims === "number" ? [dims] : dims;
  const out = list.map((d) => (ndim === 0 ? (normDim(d, 0, op), 0) : normDim(d, ndim, op)));
  if (ndim === 0) return [];
  const dup = out.find((d, i) => out.indexOf(d) !== i);
  if (dup !== undefined) throw new TorchError(`${op}: dim ${dup} appears multiple times in the list of dims`);
  return out;
}

export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  let nd = 0;
  for (let k = 0; k < shapes.length; k++) if (shapes[k]!.length > nd) nd = shapes[k]!.length;
  const out = new Array<number>(nd);
  for (let i = 0; i < nd; i++) out[i] = 1;
  for (let i = 0; i < nd; i++) {
    for (let k = 0; k < shapes.length; k++) {
      const s = shapes[k]!;
      const d = s[s.length - nd + i] ?? 1;
      if (d === out[i] || d === 1) continue;
      if (out[i] === 1) {
        out[i] = d;
        continue;
      }
      throw new TorchError(
        `${op}: The size of tensor a (${out[i]}) must match the size of tensor b (${d}) at non-singleton dimension ${i}` +
          ` (shapes ${shapes.map((x) => `[${x.join(", ")}]`).join(" and ")})`,
      );
    }
  }
  return out;
}

export const shapeStr = (s: Shape): string => `[${s.join(", ")}]`;
export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Resolve a view/reshape size with at most one -1. */
export function inferSize(op: string, size: readonly number[], numel: number): number[] {
  let neg = -1,
    prod = 1;
  size.forEach((d, i) => {
    if (d === -1) {
      if (neg >= 0) throw new TorchError(`${op}: only one dimension can be inferred`);
      neg = i;
    } else if (!Number.isInteger(d) || d < 0) throw new TorchError(`${op}: invalid shape dimension ${d}`);
    else prod *= d;
  });
  const out = [...size];
  if (neg >= 0) {
    if (prod === 0 || numel % prod !== 0) throw new TorchError(`${op}: shape '${shapeStr(size)}' is invalid for input of size ${numel}`);
    out[neg] = numel / prod;
  } else if (prod !== numel) {
    throw new TorchError(`${op}: shape '${shapeStr(size)}' is invalid for input of size ${numel}`);
  }
  return out;
}

/**
 * Strides that view (shape, strides) as newShape without copying, or null when
 * impossible (PyTorch's computeStride): each run of merged old dims must be
 * contiguous within itself.
 */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  const n = numelOf(shape);
  if (n === 0 || shape.length === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1]!;
  let tensorNumel = 1,
    viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}
