// Numerical integration and differentiation over sampled values: trapezoid,
// trapz, cumulative_trapezoid and gradient, written as ATen writes them
// (Integration.cpp, ReduceOps.cpp's gradient) from slices, sums and cumsums.
import { surface } from "../autograd.js";
import { bool, get_default_dtype } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, isScalar, parseArgs, type Scalar } from "./args.js";
import { convert } from "./base.js";
import { add, div, mul, sub } from "./elementwise.js";
import { sum } from "./reduce.js";
import { cumsum } from "./scan.js";
import { cat, reshape, select, sliceDim } from "./shape.js";
import { zeros } from "./creation.js";
import { diff } from "./scan.js";

/** Python's x[start:stop] along dim (negative bounds from the end). */
function sl(x: Tensor, dim: number, start: number, stop?: number): Tensor {
  const n = x.shape[dim]!;
  const norm = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = norm(start),
    e = stop === undefined ? n : norm(stop);
  return sliceDim(x, dim, s, Math.max(s, e));
}

/** Integral inputs are summed as the default float dtype (ATen's Python-float factors promote them); complex stays complex. */
const asFloat = (y: Tensor): Tensor => (y.dtype.is_floating_point || y.dtype.is_complex ? y : convert(y, get_default_dtype()));

/** x (the sample points) shaped to broadcast against y along dim, then its steps. */
function stepsOf(op: string, y: Tensor, x: Tensor, dim: number): Tensor {
  if (x.dtype === bool) throw new TorchError(`${op}: received a bool input for \`x\`, but bool is not supported`);
  let xv = x;
  if (x.ndim === 1) {
    if (x.shape[0] !== y.shape[dim]) throw new TorchError(`${op}: There must be one \`x\` value for each sample point`);
    const shape = y.shape.map(() => 1);
    shape[dim] = x.shape[0]!;
    xv = reshape(x, shape);
  } else if (x.ndim < y.ndim) {
    xv = reshape(x, [...Array(y.ndim - x.ndim).fill(1), ...x.shape]);
  }
  return sub(sl(xv, dim, 1), sl(xv, dim, 0, -1));
}

/** The shared parsing of trapezoid/trapz/cumulative_trapezoid: (y, x?) or (y, *, dx), dim keyword-only. */
function parseIntegral(op: string, y: Tensor, args: unknown[]): { x: Tensor | null; dx: Scalar | null; dim: number } {
  checkTensor(op, "y", y);
  const o = parseArgs(op, args, ["x", "dx", "dim"], { x: null, dx: null, dim: -1 });
  if (o.x !== null && !(o.x instanceof Tensor)) throw new TorchTypeError(`${op}(): argument 'x' must be Tensor, not ${describe(o.x)}`);
  if (o.dx !== null && !isScalar(o.dx)) throw new TorchTypeError(`${op}(): argument 'dx' must be Number, not ${describe(o.dx)}`);
  if (typeof o.dx === "boolean") throw new TorchError(`${op}: Currently, we only support dx as a real number.`);
  if (y.dtype === bool) throw new TorchError(`${op}: received a bool input for \`y\`, but bool is not supported`);
  return { x: o.x, dx: o.dx, dim: normDim(o.dim, y.ndim, op) };
}

function integrate(op: string, y: Tensor, args: unknown[]): Tensor {
  const { x, dx, dim } = parseIntegral(op, y, args);
  return surface(op, () => {
    // ATen: an empty dim integrates to zeros of y's dtype
    if (y.shape[dim] === 0)
      return zeros(
        y.shape.filter((_, k) => k !== dim),
        { dtype: y.dtype, device: y.device },
      );
    if (x !== null) {
      const d = stepsOf(op, y, x, dim);
      return div(sum(mul(d, add(sl(y, dim, 1), sl(y, dim, 0, -1))), dim), 2);
    }
    const fy = asFloat(y);
    const h = Number(dx ?? 1);
    return mul(sub(sum(fy, dim), mul(add(select(fy, dim, 0), select(fy, dim, -1)), 0.5)), h);
  });
}

/** trapezoid(y, x=None, *, dx=None, dim=-1): the trapezoidal rule along dim. */
export const trapezoid = (y: Tensor, ...args: unknown[]): Tensor => integrate("trapezoid", y, args);
/** trapz(y, x, *, dim=-1) / trapz(y, *, dx=1, dim=-1): trapezoid's older name. */
export const trapz = (y: Tensor, ...args: unknown[]): Tensor => integrate("trapz", y, args);

/** cumulative_trapezoid(y, x=None, *, dx=None, dim=-1): the running trapezoidal sums (one fewer than y along dim). */
export function cumulative_trapezoid(y: Tensor, ...args: unknown[]): Tensor {
  const op = "cumulative_trapezoid";
  const { x, dx, dim } = parseIntegral(op, y, args);
  return surface(op, () => {
    const pairs = add(sl(y, dim, 1), sl(y, dim, 0, -1));
    if (x !== null) return div(cumsum(mul(stepsOf(op, y, x, dim), pairs), dim), 2);
    return cumsum(mul(asFloat(pairs), Number(dx ?? 1) / 2), dim);
  });
}

/** One dim of gradient with scalar spacing h (ReduceOps.cpp's gradient_helper_float). */
function gradientUniform(f: Tensor, d: number, h: number, edge: number): Tensor {
  const center = div(div(sub(sl(f, d, 2), sl(f, d, 0, -2)), h), 2);
  let pre: Tensor, app: Tensor;
  if (edge === 1) {
    pre = div(sub(sl(f, d, 1, 2), sl(f, d, 0, 1)), h);
    app = div(sub(sl(f, d, -1), sl(f, d, -2, -1)), h);
  } else {
    pre = div(sub(add(mul(sl(f, d, 0, 1), -1.5), mul(sl(f, d, 1, 2), 2)), mul(sl(f, d, 2, 3), 0.5)), h);
    app = div(add(add(mul(sl(f, d, -3, -2), 0.5), mul(sl(f, d, -2, -1), -2)), mul(sl(f, d, -1), 1.5)), h);
  }
  return cat([pre, center, app], d);
}

/** One dim of gradient at the coordinates x (ReduceOps.cpp's gradient_helper). */
function gradientAt(f: Tensor, d: number, x: Tensor, edge: number): Tensor {
  if (x.ndim !== 1)
    throw new TorchError(
      `torch.gradient expected each element of spacing to have one dimension, but got an element with ${x.ndim} dimensions!`,
    );
  const shape = f.shape.map(() => 1);
  shape[d] = -1;
  const h = diff(x, 1, 0);
  const dx1 = sl(h, 0, 0, -1),
    dx2 = sl(h, 0, 1);
  const a = reshape(div(mul(dx2, -1), mul(dx1, add(dx1, dx2))), shape);
  const b = reshape(div(sub(dx2, dx1), mul(dx1, dx2)), shape);
  const c = reshape(div(dx1, mul(dx2, add(dx1, dx2))), shape);
  const center = add(add(mul(a, sl(f, d, 0, -2)), mul(b, sl(f, d, 1, -1))), mul(c, sl(f, d, 2)));
  const n = h.shape[0]!;
  const h0 = select(h, 0, 0),
    hl = select(h, 0, n - 1);
  let pre: Tensor, app: Tensor;
  if (edge === 1) {
    pre = div(sub(sl(f, d, 1, 2), sl(f, d, 0, 1)), h0);
    app = div(sub(sl(f, d, -1), sl(f, d, -2, -1)), hl);
  } else {
    const h1 = select(h, 0, 1),
      hm = select(h, 0, n - 2);
    const pa = div(mul(add(mul(h0, 2), h1), -1), mul(h0, add(h0, h1)));
    const pb = div(add(h0, h1), mul(h0, h1));
    const pc = div(mul(h0, -1), mul(h1, add(h0, h1)));
    pre = add(add(mul(pa, sl(f, d, 0, 1)), mul(pb, sl(f, d, 1, 2))), mul(pc, sl(f, d, 2, 3)));
    const qa = div(hl, mul(hm, add(hl, hm)));
    const qb = div(mul(add(hl, hm), -1), mul(hl, hm));
    const qc = div(add(mul(hl, 2), hm), mul(hl, add(hl, hm)));
    app = add(add(mul(qa, sl(f, d, -3, -2)), mul(qb, sl(f, d, -2, -1))), mul(qc, sl(f, d, -1)));
  }
  return cat([pre, center, app], d);
}

/**
 * gradient(input, *, spacing=1, dim=None, edge_order=1): the derivative
 * estimated along each dim by central differences (one-sided at the edges, of
 * first or second order), one tensor per dim.
 */
export function gradient(input: Tensor, ...args: unknown[]): Tensor[] {
  checkTensor("gradient", "input", input);
  const o = parseArgs("gradient", args, ["spacing", "dim", "edge_order"], { spacing: 1, dim: null, edge_order: 1 });
  const edge = o.edge_order;
  if (edge !== 1 && edge !== 2) throw new TorchError("torch.gradient only supports edge_order=1 and edge_order=2.");
  const dims: number[] =
    o.dim === null
      ? [...Array(input.ndim).keys()]
      : (Array.isArray(o.dim) ? o.dim : [o.dim]).map((d: number) => normDim(d, input.ndim, "gradient"));
  const seen = new Set<number>();
  for (const d of dims) {
    if (seen.has(d)) throw new TorchError(`gradient: dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  for (const d of dims)
    if (input.shape[d]! < edge + 1) throw new TorchError(`torch.gradient expected each dimension size to be at least edge_order+1`);
  // spacing=None is PyTorch's default (unit spacing), as the keyword form spells it out
  const spacing: unknown[] = Array.isArray(o.spacing) ? o.spacing : Array(dims.length).fill(o.spacing ?? 1);
  if (spacing.length !== dims.length) {
    throw new TorchError(
      `torch.gradient expected spacing to be unspecified, a scalar or a list of length ${dims.length} but got a list of length ${spacing.length}`,
    );
  }
  return surface("gradient", () =>
    dims.map((d, i) => {
      const s = spacing[i];
      if (s instanceof Tensor) return gradientAt(input, d, s, edge);
      if (!isScalar(s))
        throw new TorchTypeError(
          `gradient(): argument 'spacing' must be a Number, a list of Numbers or a list of Tensors, not ${describe(s)}`,
        );
      return gradientUniform(input, d, Number(s), edge);
    }),
  );
}
