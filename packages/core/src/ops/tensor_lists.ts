// Ops over a sequence of tensors (given variadically or as one list):
// broadcast_tensors/broadcast_shapes, meshgrid, cartesian_prod,
// atleast_1d/2d/3d, column_stack/dstack/row_stack.
import { surface } from "../autograd.js";
import { promote_types } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { broadcastShapes, sameShape, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { describe, isKwargs, parseArgs, tensorList } from "./args.js";
import { convert } from "./base.js";
import { cat, expand, reshape, stack, unsqueeze, vstack } from "./shape.js";

/** Tensors given as one array or variadically, with an optional trailing kwargs object. */
function tensorsAndKw(op: string, args: unknown[]): [Tensor[], Record<string, unknown>] {
  let rest = args,
    kw: Record<string, unknown> = {};
  if (rest.length && isKwargs(rest[rest.length - 1])) {
    kw = rest[rest.length - 1] as Record<string, unknown>;
    rest = rest.slice(0, -1);
  }
  const list = (rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest) as unknown[];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TorchTypeError(`${op}(): expected Tensor as element ${i} in argument 0, but got ${describe(t)}`);
  });
  return [list as Tensor[], kw];
}

/** meshgrid(*tensors, indexing="ij"): coordinate grids (views) of 0-D/1-D inputs; "xy" swaps the first two axes. */
export function meshgrid(...args: unknown[]): Tensor[] {
  const [ts, kw] = tensorsAndKw("meshgrid", args);
  const { indexing } = parseArgs("meshgrid", [kw], ["indexing"], { indexing: "ij" });
  if (indexing !== "ij" && indexing !== "xy")
    throw new TorchError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing}`);
  if (!ts.length) throw new TorchError("meshgrid expects a non-empty TensorList");
  ts.forEach((t) => {
    if (t.ndim > 1)
      throw new TorchError(
        `torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${t.ndim}D tensor of shape ${shapeStr(t.shape)}`,
      );
    if (t.dtype !== ts[0]!.dtype)
      throw new TorchError(`torch.meshgrid: meshgrid expects all tensors to have the same dtype (got ${ts[0]!.dtype} and ${t.dtype})`);
    if (!t.device.equals(ts[0]!.device))
      throw new TorchError("torch.meshgrid: Expected all tensors in the tensor list to have the same device.");
  });
  const swap = indexing === "xy" && ts.length >= 2;
  const axis = (i: number) => (swap && i < 2 ? 1 - i : i);
  const shape = new Array<number>(ts.length);
  ts.forEach((t, i) => {
    shape[axis(i)] = t.numel();
  });
  return surface("expand", () =>
    ts.map((t, i) =>
      expand(
        reshape(
          t,
          shape.map((s, k) => (k === axis(i) ? s : 1)),
        ),
        shape,
      ),
    ),
  );
}

/** broadcast_tensors(*tensors): views broadcast to the common shape. */
export function broadcast_tensors(...args: unknown[]): Tensor[] {
  const [ts] = tensorsAndKw("broadcast_tensors", args);
  const shape = broadcastShapes("broadcast_tensors", ...ts.map((t) => t.shape));
  return surface("expand", () => ts.map((t) => (sameShape(t.shape, shape) ? t : expand(t, shape))));
}

/** broadcast_shapes(*shapes): the broadcast shape (ints count as 1-D shapes). */
export function broadcast_shapes(...shapes: (number | number[])[]): number[] {
  const list = shapes.map((s, i) => {
    if (typeof s === "number") return [s];
    if (!Array.isArray(s))
      throw new TorchTypeError(`broadcast_shapes(): expected a shape (int or list of ints) as argument ${i}, got ${describe(s)}`);
    return s;
  });
  return broadcastShapes("broadcast_shapes", ...list);
}

/** One tensor in, one out; a list (or several) in, a list out. Lifted as PyTorch does (reshape / unsqueeze), so grad_fn names match. */
function atleast(op: string, nd: number, args: unknown[], lift: (t: Tensor) => Tensor): Tensor | Tensor[] {
  if (args.length === 1 && args[0] instanceof Tensor) return (args[0] as Tensor).ndim >= nd ? (args[0] as Tensor) : lift(args[0] as Tensor);
  const [ts] = tensorsAndKw(op, args);
  return ts.map((t) => (t.ndim >= nd ? t : lift(t)));
}
/** atleast_1d(t) gives a Tensor; atleast_1d(t1, t2, ...) and atleast_1d([t1, ...]) give a Tensor[]. */
export function atleast_1d(tensor: Tensor): Tensor;
export function atleast_1d(tensors: readonly Tensor[]): Tensor[];
export function atleast_1d(...tensors: Tensor[]): Tensor[];
export function atleast_1d(...args: unknown[]): Tensor | Tensor[] {
  return atleast("atleast_1d", 1, args, (t) => reshape(t, [1]));
}
/** atleast_2d(t) gives a Tensor; atleast_2d(t1, t2, ...) and atleast_2d([t1, ...]) give a Tensor[]. */
export function atleast_2d(tensor: Tensor): Tensor;
export function atleast_2d(tensors: readonly Tensor[]): Tensor[];
export function atleast_2d(...tensors: Tensor[]): Tensor[];
export function atleast_2d(...args: unknown[]): Tensor | Tensor[] {
  return atleast("atleast_2d", 2, args, (t) => (t.ndim === 0 ? reshape(t, [1, 1]) : unsqueeze(t, 0)));
}
/** atleast_3d(t) gives a Tensor; atleast_3d(t1, t2, ...) and atleast_3d([t1, ...]) give a Tensor[]. */
export function atleast_3d(tensor: Tensor): Tensor;
export function atleast_3d(tensors: readonly Tensor[]): Tensor[];
export function atleast_3d(...tensors: Tensor[]): Tensor[];
export function atleast_3d(...args: unknown[]): Tensor | Tensor[] {
  return atleast("atleast_3d", 3, args, (t) =>
    t.ndim === 0 ? reshape(t, [1, 1, 1]) : t.ndim === 1 ? unsqueeze(unsqueeze(t, 0), -1) : unsqueeze(t, -1),
  );
}

/** column_stack(tensors): 0-D/1-D inputs become columns, then concatenated along dim 1. */
export function column_stack(tensors: Tensor[]): Tensor {
  const [ts] = tensorsAndKw("column_stack", [tensors]);
  if (!ts.length) throw new TorchError("column_stack expects a non-empty TensorList");
  return cat(
    ts.map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t)),
    1,
  );
}
/** dstack(tensors): concatenation along the third dim after atleast_3d. */
export function dstack(tensors: Tensor[]): Tensor {
  const [ts] = tensorsAndKw("dstack", [tensors]);
  if (!ts.length) throw new TorchError("dstack expects a non-empty TensorList");
  return cat(atleast_3d(ts), 2);
}
export const row_stack = (tensors: Tensor[]): Tensor => vstack(tensors);

/** cartesian_prod(*tensors): rows of all combinations of the 1-D inputs (itertools.product order). */
export function cartesian_prod(...args: unknown[]): Tensor {
  const ts = tensorList("cartesian_prod", args);
  ts.forEach((t) => {
    if (t.ndim !== 1) throw new TorchError(`cartesian_prod: Expect a 1D vector, but got shape ${shapeStr(t.shape)}`);
  });
  if (ts.length === 1) return ts[0]!;
  return surface("StackBackward0", () => {
    const dt = ts.map((t) => t.dtype).reduce(promote_types);
    const shape = ts.map((t) => t.shape[0]!);
    const grids = ts.map((t, i) =>
      reshape(
        expand(
          reshape(
            convert(t, dt),
            shape.map((s, k) => (k === i ? s : 1)),
          ),
          shape,
        ),
        [-1],
      ),
    );
    return stack(grids, 1);
  });
}
