// gather, scatter (torch semantics along one dim) and sort.
import { TorchIndexError, contiguousStrides, int64, type Shape } from "@xlatorch/core";
import { contiguous } from "../strided.js";
import type { Elements, Strided } from "../strided.js";
import type { Kernel } from "./types.js";
import { decode, encode, permToEnd } from "./values.js";

function indices(s: Strided, shape: Shape): Float64Array {
  const v = decode(s, shape, int64);
  return v instanceof BigInt64Array ? Float64Array.from(v, Number) : v;
}

const oob = (op: string, coord: number[], shape: Shape) =>
  new TorchIndexError(`${op}: index [${coord.join(", ")}] is out of bounds for a tensor of size [${shape.join(", ")}]`);

/** Linear offsets (row-major in `shape`) of each coordinate row of idx [..., rank]; negative coordinates wrap. */
function offsets(op: string, idx: Float64Array, shape: Shape): Int32Array | Float64Array {
  const rank = shape.length;
  const n = rank === 0 ? 0 : idx.length / rank;
  const st = contiguousStrides(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let k = 0; k < rank; k++) {
      let c = idx[i * rank + k]!;
      const size = shape[k]!;
      if (c < -size || c >= size) throw oob(op, Array.from(idx.subarray(i * rank, (i + 1) * rank)), shape);
      if (c < 0) c += size;
      off += c * st[k]!;
    }
    out[i] = off;
  }
  return out;
}

export const indexingKernels: Record<string, Kernel> = {
  gather: ([x, ix], [xa, ia], _attrs, [o]) => {
    const vals = decode(x!, xa!.shape, xa!.dtype);
    const offs = offsets("gather", indices(ix!, ia!.shape), xa!.shape);
    const out = vals instanceof BigInt64Array ? new BigInt64Array(offs.length) : new Float64Array(offs.length);
    const w: Elements = out;
    for (let i = 0; i < offs.length; i++) w[i] = vals[offs[i]!]!;
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
  scatter: ([x, ix, upd], [xa, ia, ua], { reduce }: { reduce: string }, [o]) => {
    const out = decode(x!, xa!.shape, xa!.dtype);
    const u = decode(upd!, ua!.shape, ua!.dtype);
    const offs = offsets("scatter", indices(ix!, ia!.shape), xa!.shape);
    const w: Elements = out;
    if (reduce !== "add") for (let i = 0; i < offs.length; i++) w[offs[i]!] = u[i]!;
    else if (out instanceof BigInt64Array) for (let i = 0; i < offs.length; i++) out[offs[i]!] += (u as BigInt64Array)[i]!;
    else for (let i = 0; i < offs.length; i++) out[offs[i]!] += (u as Float64Array)[i]!;
    return [contiguous(encode(out, o!.dtype), o!.shape)];
  },
  // always stable (a stable sort also satisfies stable=false)
  sort: ([x], [a], { dim, descending }: { dim: number; descending: boolean }, [ov, oi]) => {
    const shape = a!.shape,
      nd = shape.length;
    const perm = permToEnd(nd, [dim]);
    const vals = decode(x!, shape, a!.dtype, perm);
    const len = shape[dim] ?? 1,
      rows = len === 0 ? 0 : vals.length / len;
    const outV = vals instanceof BigInt64Array ? new BigInt64Array(vals.length) : new Float64Array(vals.length);
    const w: Elements = outV;
    const outI = new BigInt64Array(vals.length);
    const order = new Array<number>(len);
    // NaN sorts as the largest value, as in PyTorch.
    const key = (v: number | bigint) => (v !== v ? Infinity : v);
    for (let r = 0; r < rows; r++) {
      const base = r * len;
      for (let i = 0; i < len; i++) order[i] = i;
      order.sort((i, j) => {
        const a = vals[base + i],
          b = vals[base + j];
        const an = a !== a,
          bn = b !== b;
        let c = an || bn ? (an === bn ? 0 : an ? 1 : -1) : key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
        if (descending) c = -c;
        return c !== 0 ? c : i - j;
      });
      for (let i = 0; i < len; i++) {
        w[base + i] = vals[base + order[i]!]!;
        outI[base + i] = BigInt(order[i]!);
      }
    }
    const pst = contiguousStrides(perm.map((p) => shape[p]!));
    const strides = new Array<number>(nd);
    perm.forEach((p, i) => {
      strides[p] = pst[i]!;
    });
    return [
      { data: encode(outV, ov!.dtype), offset: 0, strides },
      { data: outI, offset: 0, strides: [...strides] },
    ];
  },
};
