// Scans along a dim: cumsum/cumprod, logcumsumexp, cummax/cummin, and diff
// (forward differences).
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { bool, int64, uint8 } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, parseArgs } from "./args.js";
import { accDtype, constant, convert, iota, namedPair, opmath } from "./base.js";
import { complexCumprod } from "./complex_products.js";
import { eq, isnan, logical_or, logical_xor, sub, where } from "./elementwise.js";
import { gather } from "./indexing.js";
import { logaddexpImpl } from "./math.js";
import { accumulatedScan } from "./scan_acc.js";
import { cat, narrow, sliceDim } from "./shape.js";

function scan(op: "sum" | "prod", x: Tensor, args: unknown[]): Tensor {
  const o = parseArgs(`cum${op}`, args, ["dim", "dtype"]);
  if (o.dim === undefined) throw new TorchTypeError(`cum${op}() missing required argument 'dim'`);
  const d = normDim(o.dim, x.ndim, `cum${op}`);
  return surface(`cum${op}`, () => {
    const xc = convert(x, accDtype(x, o.dtype));
    if (xc.ndim === 0) return xc.clone();
    if (op === "prod" && xc.dtype.is_complex) return complexCumprod(xc, d);
    return accumulatedScan(xc, op, d);
  });
}
export const cumsum = (x: Tensor, ...a: unknown[]) => scan("sum", x, a);
export const cumprod = (x: Tensor, ...a: unknown[]) => scan("prod", x, a);

/** Shift right by k along dim, filling with `fill`. */
function shiftRight(x: Tensor, d: number, k: number, fill: number): Tensor {
  const n = x.shape[d]!;
  const kept = sliceDim(x, d, 0, n - k);
  return bind1(P.pad!, [kept], {
    low: x.shape.map((_, i) => (i === d ? k : 0)),
    high: x.shape.map(() => 0),
    interior: x.shape.map(() => 0),
    value: fill,
  });
}

/**
 * logcumsumexp(input, dim): log(cumsum(exp(x))) as a log-step (Hillis-Steele)
 * scan of logaddexp, so small early terms are not lost to a global shift.
 */
export function logcumsumexp(x: Tensor, ...args: unknown[]): Tensor {
  const { dim } = parseArgs("logcumsumexp", args, ["dim"]);
  checkTensor("logcumsumexp", "input", x);
  if (dim === undefined) throw new TorchTypeError("logcumsumexp() missing required argument 'dim'");
  if (!x.dtype.is_floating_point) throw new TorchError(`"logcumsumexp_out_cpu" not implemented for '${x.dtype.scalarName}'`);
  const d = normDim(dim, x.ndim, "logcumsumexp");
  return surface("logcumsumexp", () =>
    opmath(x.dtype, [x], (u) => {
      if (u!.ndim === 0) return u!.clone();
      const n = u!.shape[d]!;
      let y = u!;
      for (let k = 1; k < n; k *= 2) y = logaddexpImpl(y, shiftRight(y, d, k, -Infinity), false);
      return n <= 1 ? y.clone() : y;
    }),
  );
}

/**
 * cummax/cummin(input, dim) -> (values, indices). The index is the last
 * position where the running extreme was reached (ties move it forward, a NaN
 * sticks), as in PyTorch; values gather from the input so gradients flow there.
 */
function cumExtreme(op: "max" | "min", x: Tensor, args: unknown[]): Tensor[] & { values: Tensor; indices: Tensor } {
  const name = `cum${op}`;
  const { dim } = parseArgs(name, args, ["dim"]);
  checkTensor(name, "input", x);
  if (dim === undefined) throw new TorchTypeError(`${name}() missing required argument 'dim'`);
  const d = normDim(dim, x.ndim, name);
  return surface(name, () => {
    if (x.ndim === 0) return namedPair(x.clone(), constant(0, int64, x).clone());
    if (x.numel() === 0) return namedPair(x.clone(), constant(0, int64, x, x.shape).clone());
    const xd = x.dtype === bool ? convert(x.detach(), uint8) : x.detach();
    const run = bind1(P.cumulative!, [xd], { op, dim: d });
    let mask = eq(xd, run);
    if (x.dtype.is_floating_point) mask = logical_or(mask, isnan(xd));
    const idx = bind1(P.cumulative!, [where(mask, iota(x.shape, d, x), 0)], { op: "max", dim: d });
    return namedPair(gather(x, d, idx), idx);
  });
}
export const cummax = (x: Tensor, ...args: unknown[]) => cumExtreme("max", x, args);
export const cummin = (x: Tensor, ...args: unknown[]) => cumExtreme("min", x, args);

/** diff(input, n=1, dim=-1, prepend=None, append=None): n-th forward difference (xor for bool). */
export function diff(x: Tensor, ...args: unknown[]): Tensor {
  const o = parseArgs("diff", args, ["n", "dim", "prepend", "append"], { n: 1, dim: -1, prepend: null, append: null });
  checkTensor("diff", "input", x);
  if (x.ndim === 0) throw new TorchError("diff expects input to be at least one-dimensional");
  if (!Number.isInteger(o.n) || o.n < 0) throw new TorchError(`diff: order must be non-negative but got ${o.n}`);
  const d = normDim(o.dim, x.ndim, "diff");
  for (const [name, t] of [
    ["prepend", o.prepend],
    ["append", o.append],
  ] as const) {
    if (t === null) continue;
    if (!(t instanceof Tensor)) throw new TorchTypeError(`diff(): argument '${name}' must be Tensor, not ${describe(t)}`);
    if (t.ndim !== x.ndim) throw new TorchError(`diff expects prepend or append to be the same dimension as input`);
  }
  // n = 0 is the input itself: PyTorch does not prepend or append then
  if (o.n === 0) return surface("clone", () => x.clone());
  return surface("sub", () => {
    let y = o.prepend || o.append ? cat([...(o.prepend ? [o.prepend as Tensor] : []), x, ...(o.append ? [o.append as Tensor] : [])], d) : x;
    for (let i = 0; i < o.n && y.shape[d]! > 0; i++) {
      const len = y.shape[d]! - 1;
      const hi = narrow(y, d, 1, len),
        lo = narrow(y, d, 0, len);
      y = y.dtype === bool ? logical_xor(hi, lo) : sub(hi, lo);
    }
    return y;
  });
}
