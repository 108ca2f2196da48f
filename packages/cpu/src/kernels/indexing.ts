// gather, scatter (torch semantics along one dim) and sort.
import { TorchIndexError, contiguousStrides, int64, type Shape } from "@xlatorch/core";
import { contiguous } from "../strided.js";
import type { Kernel } from "./types.js";
import { decode, encode, permToEnd, prod } from "./values.js";

function indices(s: any, shape: Shape): Float64Array {
  const v = decode(s, shape, int64);
  return v instanceof BigInt64Array ? Float64Array.from(v, Number) : v;
}

/** Visit every multi-index of `shape`, giving the linear offset in `strides` and a running counter. */
function forEachIndex(shape: Shape, strides: readonly number[], dim: number, fn: (i: number, base: number) => void): void {
  const n = prod(shape);
  const nd = shape.length;
  const idx = new Int32Array(nd);
  let base = 0;
  for (let i = 0; i < n; i++) {
    fn(i, base);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      if (d !== dim) base += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      if (d !== dim) base -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

const oob = (op: string, v: number, dim: number, size: number) =>
  new TorchIndexError(`${op}: index ${v} is out of bounds for dimension ${dim} with size ${size}`);

export const indexingKernels: Record<string, Kernel> = {
  gather: ([x, ix], [xa, ia], { dim }: { dim: number }, [o]) => {
    const xs = xa!.shape, is = ia!.shape;
    const vals = decode(x!, xs, xa!.dtype);
    const idx = indices(ix!, is);
    const st = contiguousStrides(xs);
    const big = vals instanceof BigInt64Array;
    const out: any = big ? new BigInt64Array(idx.length) : new Float64Array(idx.length);
    forEachIndex(is, st, dim, (i, base) => {
      let k = idx[i]!;
      if (k < -xs[dim]! || k >= xs[dim]!) throw oob("gather", k, dim, xs[dim]!);
      if (k < 0) k += xs[dim]!;
      out[i] = vals[base + k * st[dim]!];
    });
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
  scatter: ([x, ix, src], [xa, ia, sa], { dim, reduce }: { dim: number; reduce: string }, [o]) => {
    const xs = xa!.shape, is = ia!.shape;
    const out = decode(x!, xs, xa!.dtype);
    const upd = decode(src!, sa!.shape, sa!.dtype);
    const idx = indices(ix!, is);
    const st = contiguousStrides(xs), sst = contiguousStrides(sa!.shape);
    // src may be larger than index; walk index's shape with src's strides too.
    const srcOff: number[] = [];
    forEachIndex(is, sst, -1, (i, b) => { srcOff[i] = b; });
    forEachIndex(is, st, dim, (i, base) => {
      let k = idx[i]!;
      if (k < -xs[dim]! || k >= xs[dim]!) throw oob("scatter", k, dim, xs[dim]!);
      if (k < 0) k += xs[dim]!;
      const p = base + k * st[dim]!;
      const v: any = upd[srcOff[i]!];
      (out as any)[p] = reduce === "add" ? (out as any)[p] + v : v;
    });
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
  sort: ([x], [a], { dim, descending, stable }: { dim: number; descending: boolean; stable: boolean }, [ov, oi]) => {
    void stable; // our sort is always stable
    const shape = a!.shape, nd = shape.length;
    const perm = permToEnd(nd, [dim]);
    const vals: any = decode(x!, shape, a!.dtype, perm);
    const len = shape[dim] ?? 1, rows = len === 0 ? 0 : vals.length / len;
    const outV: any = vals instanceof BigInt64Array ? new BigInt64Array(vals.length) : new Float64Array(vals.length);
    const outI = new BigInt64Array(vals.length);
    const order = new Array<number>(len);
    // NaN sorts as the largest value, as in PyTorch.
    const key = (v: any) => (v !== v ? Infinity : v);
    for (let r = 0; r < rows; r++) {
      const base = r * len;
      for (let i = 0; i < len; i++) order[i] = i;
      order.sort((i, j) => {
        const a = vals[base + i], b = vals[base + j];
        const an = a !== a, bn = b !== b;
        let c = an || bn ? (an === bn ? 0 : an ? 1 : -1) : key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
        if (descending) c = -c;
        return c !== 0 ? c : i - j;
      });
      for (let i = 0; i < len; i++) { outV[base + i] = vals[base + order[i]!]; outI[base + i] = BigInt(order[i]!); }
    }
    const pst = contiguousStrides(perm.map((p) => shape[p]!));
    const strides = new Array<number>(nd);
    perm.forEach((p, i) => { strides[p] = pst[i]!; });
    return [
      { data: encode(outV, ov!.dtype), offset: 0, strides },
      { data: outI, offset: 0, strides: [...strides] },
    ];
  },
};
