// More linear algebra, composed from existing ops: addmm/addmv/addr/addbmm/baddbmm,
// addcmul/addcdiv, mv, diag, diag_embed, trace, tensordot, kron, cross, cdist,
// dist, block_diag, cartesian_prod.
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { bool, promote_types, result_type, type DType } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P } from "../prims.js";
import { broadcastShapes, normDim, shapeStr } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, isScalar, parseArgs, type TensorOrScalar } from "./args.js";
import { convert, expandTo } from "./base.js";
import { abs, add, div, eq, logical_and, logical_or, mul, ne, pow, sqrt, sub, where } from "./elementwise.js";
import { bmm, matmul } from "./linalg.js";
import { reducePrim, sum } from "./reduce.js";
import { cat, clone, diagonal, expand, movedim, reshape, roll, stack, unsqueeze } from "./shape.js";
import { opmath } from "./more_util.js";

const dotGeneral = (a: Tensor, b: Tensor, lb: number[], rb: number[], lc: number[], rc: number[]) =>
  bind1(P.dot_general!, [a, b], { lhs_batch: lb, rhs_batch: rb, lhs_contract: lc, rhs_contract: rc });

function sameDtype(op: string, ts: readonly Tensor[], names: readonly string[]): void {
  const i = ts.findIndex((t) => t.dtype !== ts[0]!.dtype);
  if (i > 0) throw new TorchError(`${op}: expected ${names[0]} and ${names[i]} to have the same dtype, but got: ${ts[0]!.dtype} != ${ts[i]!.dtype}`);
}

/** Scalars cast to the result dtype as PyTorch does: integral results truncate them (beta=0.5 acts as 0). */
function castScalars(op: string, dt: DType, scalars: Record<string, unknown>): number[] {
  return Object.entries(scalars).map(([name, v]) => {
    if (!isScalar(v)) throw new TorchTypeError(`${op}(): argument '${name}' must be Number, not ${describe(v)}`);
    return dt.is_floating_point ? Number(v) : Math.trunc(Number(v));
  });
}

/** beta * input + alpha * product; beta = 0 ignores input entirely (NaN and inf included), as in PyTorch. */
function scaleAdd(op: string, input: Tensor, product: Tensor, beta: number, alpha: number): Tensor {
  // input expands to the product's shape (PyTorch's expand_size check)
  const target = product.shape, off = target.length - input.ndim;
  if (off < 0) throw new TorchError(`${op}: the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${input.ndim})`);
  for (let i = input.ndim - 1; i >= 0; i--) {
    const s = input.shape[i]!;
    if (s !== 1 && s !== target[i + off]) {
      throw new TorchError(`${op}: The expanded size of the tensor (${target[i + off]}) must match the existing size (${s}) at non-singleton dimension ${i + off}.  Target sizes: ${shapeStr(target)}.  Tensor sizes: ${shapeStr(input.shape)}`);
    }
  }
  if (product.dtype === bool) {
    // bool: (beta && input) || (alpha && product), as PyTorch's bool kernel
    const pb = alpha ? product : logical_and(product, false);
    return beta ? logical_or(input, pb) : pb;
  }
  const p = alpha === 1 ? product : mul(product, alpha);
  if (beta === 0) return p;
  return add(beta === 1 ? input : mul(input, beta), p);
}

/** addmm(input, mat1, mat2, *, beta=1, alpha=1) = beta * input + alpha * (mat1 @ mat2). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("addmm", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  checkTensor("addmm", "input", input); checkTensor("addmm", "mat1", mat1); checkTensor("addmm", "mat2", mat2);
  if (mat1.ndim !== 2) throw new TorchError(`addmm: mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new TorchError(`addmm: mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  if (mat1.shape[1] !== mat2.shape[0]) throw new TorchError(`addmm: mat1 and mat2 shapes cannot be multiplied (${mat1.shape[0]}x${mat1.shape[1]} and ${mat2.shape[0]}x${mat2.shape[1]})`);
  sameDtype("addmm", [input, mat1, mat2], ["input", "mat1", "mat2"]);
  const [b, a] = castScalars("addmm", input.dtype, { beta, alpha });
  return surface("addmm", () => scaleAdd("addmm", input, matmul(mat1, mat2), b!, a!));
}

/** mv(input, vec): matrix-vector product. */
export function mv(mat: Tensor, vec: Tensor, ...extra: unknown[]): Tensor {
  if (extra.length) throw new TorchTypeError(`mv() takes 2 positional arguments but ${2 + extra.length} were given`);
  checkTensor("mv", "input", mat); checkTensor("mv", "vec", vec);
  if (mat.ndim !== 2 || vec.ndim !== 1) throw new TorchError(`mv: vector + matrix @ vector expected, got 1, ${mat.ndim}, ${vec.ndim} (mat ${shapeStr(mat.shape)} and vec ${shapeStr(vec.shape)})`);
  if (mat.shape[1] !== vec.shape[0]) throw new TorchError(`mv: size mismatch, got ${mat.shape[0]}, ${mat.shape[0]}x${mat.shape[1]},${vec.shape[0]} (mat ${shapeStr(mat.shape)} and vec ${shapeStr(vec.shape)})`);
  sameDtype("mv", [mat, vec], ["input", "vec"]);
  return surface("mv", () => matmul(mat, vec));
}

/** addmv(input, mat, vec, *, beta=1, alpha=1) = beta * input + alpha * (mat @ vec). */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("addmv", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  checkTensor("addmv", "input", input);
  if (mat.ndim !== 2 || vec.ndim !== 1) throw new TorchError(`addmv: vector + matrix @ vector expected, got input ${input.ndim}-D, mat ${mat.ndim}-D, vec ${vec.ndim}-D`);
  if (mat.shape[1] !== vec.shape[0]) throw new TorchError(`addmv: size mismatch, got input (${input.shape.join("x")}), mat (${mat.shape[0]}x${mat.shape[1]}), vec (${vec.shape[0]})`);
  sameDtype("addmv", [input, mat, vec], ["input", "mat", "vec"]);
  const [b, a] = castScalars("addmv", input.dtype, { beta, alpha });
  return surface("addmv", () => scaleAdd("addmv", input, matmul(mat, vec), b!, a!));
}

/** addr(input, vec1, vec2, *, beta=1, alpha=1) = beta * input + alpha * outer(vec1, vec2). */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("addr", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  if (vec1.ndim !== 1 || vec2.ndim !== 1) throw new TorchError(`addr: Expected 1-D argument vec1 and vec2, but got ${vec1.ndim}-D and ${vec2.ndim}-D`);
  sameDtype("addr", [input, vec1, vec2], ["input", "vec1", "vec2"]);
  if (!input.dtype.is_floating_point) {
    for (const [name, v] of [["beta", beta], ["alpha", alpha]] as const) {
      if (typeof v === "number" && !Number.isInteger(v)) throw new TorchError(`addr: For integral input tensors, argument ${name} must not be a floating point number.`);
    }
  }
  const [b, a] = castScalars("addr", input.dtype, { beta, alpha });
  const outer = () => (vec1.dtype === bool ? logical_and(unsqueeze(vec1, 1), unsqueeze(vec2, 0)) : mul(unsqueeze(vec1, 1), unsqueeze(vec2, 0)));
  return surface("addr", () => scaleAdd("addr", input, outer(), b!, a!));
}

function checkBatches(op: string, b1: Tensor, b2: Tensor): void {
  if (b1.ndim !== 3) throw new TorchError(`${op}: batch1 must be a 3D tensor, got ${b1.ndim}-D`);
  if (b2.ndim !== 3) throw new TorchError(`${op}: batch2 must be a 3D tensor, got ${b2.ndim}-D`);
  if (b1.shape[0] !== b2.shape[0]) throw new TorchError(`${op}: batch1 and batch2 must have same number of batches, got ${b1.shape[0]} and ${b2.shape[0]}`);
  if (b1.shape[2] !== b2.shape[1]) throw new TorchError(`${op}: Incompatible matrix sizes for bmm (${b1.shape[1]}x${b1.shape[2]} and ${b2.shape[1]}x${b2.shape[2]})`);
}

/** addbmm(input, batch1, batch2, *, beta=1, alpha=1) = beta * input + alpha * sum_b batch1[b] @ batch2[b]. */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("addbmm", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  checkBatches("addbmm", batch1, batch2);
  sameDtype("addbmm", [input, batch1, batch2], ["input", "batch1", "batch2"]);
  const [b, a] = castScalars("addbmm", input.dtype, { beta, alpha });
  // one contraction over the batch and inner dims: [b, n, k] x [b, k, p] -> [n, p]
  return surface("addbmm", () => scaleAdd("addbmm", input, dotGeneral(batch1, batch2, [], [], [0, 2], [0, 1]), b!, a!));
}

/** baddbmm(input, batch1, batch2, *, beta=1, alpha=1) = beta * input + alpha * bmm(batch1, batch2). */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, ...args: unknown[]): Tensor {
  const { beta, alpha } = parseArgs("baddbmm", args, ["beta", "alpha"], { beta: 1, alpha: 1 });
  checkBatches("baddbmm", batch1, batch2);
  sameDtype("baddbmm", [input, batch1, batch2], ["input", "batch1", "batch2"]);
  const [b, a] = castScalars("baddbmm", input.dtype, { beta, alpha });
  return surface("baddbmm", () => scaleAdd("baddbmm", input, bmm(batch1, batch2), b!, a!));
}

const operand = (x: TensorOrScalar) => (x instanceof Tensor ? { dtype: x.dtype, ndim: x.ndim } : x);

/** addcmul(input, tensor1, tensor2, *, value=1) = input + value * tensor1 * tensor2 (PyTorch's evaluation order). */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: unknown[]): Tensor {
  const { value } = parseArgs("addcmul", args, ["value"], { value: 1 });
  checkTensor("addcmul", "input", input); checkTensor("addcmul", "tensor1", tensor1); checkTensor("addcmul", "tensor2", tensor2);
  const dt = result_type(operand(input), operand(tensor1), operand(tensor2));
  const [v] = castScalars("addcmul", dt, { value });
  broadcastShapes("addcmul", input.shape, tensor1.shape, tensor2.shape);
  return surface("addcmul", () => opmath(dt, [input, tensor1, tensor2], (x, a, b) => add(x!, mul(v === 1 ? a! : mul(a!, v!), b!))));
}

/** addcdiv(input, tensor1, tensor2, *, value=1) = input + value * tensor1 / tensor2. */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, ...args: unknown[]): Tensor {
  const { value } = parseArgs("addcdiv", args, ["value"], { value: 1 });
  checkTensor("addcdiv", "input", input); checkTensor("addcdiv", "tensor1", tensor1); checkTensor("addcdiv", "tensor2", tensor2);
  if (!tensor1.dtype.is_floating_point && !tensor2.dtype.is_floating_point) {
    throw new TorchError("addcdiv: Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.");
  }
  const dt = result_type(operand(input), operand(tensor1), operand(tensor2));
  const [v] = castScalars("addcdiv", dt, { value });
  broadcastShapes("addcdiv", input.shape, tensor1.shape, tensor2.shape);
  return surface("addcdiv", () => opmath(dt, [input, tensor1, tensor2], (x, a, b) => add(x!, div(v === 1 ? a! : mul(a!, v!), b!))));
}

/**
 * [..., n] -> [..., m, m] with the last dim on diagonal k (m = n + |k|): one pad
 * of the flattened matrix, the values interleaved with m zeros.
 */
function embedDiagonal(x: Tensor, k: number): Tensor {
  const n = x.shape[x.ndim - 1]!, m = n + Math.abs(k);
  const lead = x.shape.slice(0, -1);
  const start = k >= 0 ? k : -k * m;
  const used = n === 0 ? 0 : start + (n - 1) * (m + 1) + 1;
  const flat = bind1(P.pad!, [x], {
    low: [...lead.map(() => 0), n === 0 ? 0 : start],
    high: [...lead.map(() => 0), m * m - used],
    interior: [...lead.map(() => 0), m],
    value: 0,
  });
  return reshape(flat, [...lead, m, m]);
}

/** diag(input, diagonal=0): a 1-D input becomes a matrix with it on the diagonal; a 2-D input gives its diagonal (a copy). */
export function diag(x: Tensor, ...args: unknown[]): Tensor {
  const { diagonal: k } = parseArgs("diag", args, ["diagonal"], { diagonal: 0 });
  checkTensor("diag", "input", x);
  if (!Number.isInteger(k)) throw new TorchTypeError(`diag(): argument 'diagonal' must be int, not ${describe(k)}`);
  if (x.ndim === 1) return surface("diag", () => embedDiagonal(x, k));
  if (x.ndim === 2) return surface("diag", () => clone(diagonal(x, k)));
  throw new TorchError(`diag(): matrix or a vector expected (a 1-D or 2-D tensor), got a ${x.ndim}-D tensor`);
}

/** diag_embed(input, offset=0, dim1=-2, dim2=-1): the last dim placed on diagonals of new (dim1, dim2) planes. */
export function diag_embed(x: Tensor, ...args: unknown[]): Tensor {
  const { offset, dim1, dim2 } = parseArgs("diag_embed", args, ["offset", "dim1", "dim2"], { offset: 0, dim1: -2, dim2: -1 });
  checkTensor("diag_embed", "input", x);
  const nd = x.ndim + 1;
  const a = normDim(dim1, nd, "diag_embed"), b = normDim(dim2, nd, "diag_embed");
  if (a === b) throw new TorchError(`diag_embed: diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  return surface("diag_embed", () => {
    const src = x.ndim === 0 ? reshape(x, [1]) : x;
    const r = embedDiagonal(src, offset);
    return movedim(r, [r.ndim - 2, r.ndim - 1], [a, b]);
  });
}

/** trace(input): sum of the main diagonal of a matrix (integers accumulate in int64). */
export function trace(x: Tensor): Tensor {
  checkTensor("trace", "input", x);
  if (x.ndim !== 2) throw new TorchError(`trace: expected a matrix, but got tensor with dim ${x.ndim}`);
  if (x.dtype === bool) throw new TorchError(`"trace" not implemented for 'Bool'`);
  return surface("trace", () => sum(diagonal(x)));
}

/** tensordot(a, b, dims=2): dims an int (last dims of a with first dims of b) or [dims_a, dims_b]. */
export function tensordot(a: Tensor, b: Tensor, ...args: unknown[]): Tensor {
  const { dims } = parseArgs("tensordot", args, ["dims"], { dims: 2 });
  checkTensor("tensordot", "a", a); checkTensor("tensordot", "b", b);
  let da: number[], db: number[];
  if (typeof dims === "number") {
    if (!Number.isInteger(dims) || dims < 0) throw new TorchError(`tensordot expects dims >= 0, but got dims=${dims}`);
    if (dims > a.ndim || dims > b.ndim) throw new TorchError(`tensordot expects dims < ndim_a or ndim_b, but got dims=${dims}`);
    da = [...Array(dims).keys()].map((i) => a.ndim - dims + i);
    db = [...Array(dims).keys()];
  } else if (Array.isArray(dims) && dims.length === 2) {
    const [x, y] = dims as [number | number[], number | number[]];
    da = (typeof x === "number" ? [x] : x).map((d) => normDim(d, a.ndim, "tensordot"));
    db = (typeof y === "number" ? [y] : y).map((d) => normDim(d, b.ndim, "tensordot"));
    if (da.length !== db.length) throw new TorchError(`tensordot: both dimension lists should have same length (got ${da.length} and ${db.length})`);
  } else {
    throw new TorchTypeError(`tensordot(): argument 'dims' must be an int or a pair of dimension lists, not ${describe(dims)}`);
  }
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]!]) throw new TorchError(`tensordot: contracted dimensions need to match, but first has size ${a.shape[d]} in dim ${d} and second has size ${b.shape[db[i]!]} in dim ${db[i]}`);
  });
  if (a.dtype !== b.dtype) throw new TorchError(`tensordot: expected both tensors to have the same dtype, but got ${a.dtype} and ${b.dtype}`);
  return surface("ReshapeAliasBackward0", () => dotGeneral(a, b, [], [], da, db));
}

/** kron(a, b): Kronecker product (ranks equalised with leading ones, dtypes promoted). */
export function kron(a: Tensor, b: Tensor): Tensor {
  checkTensor("kron", "input", a); checkTensor("kron", "other", b);
  const nd = Math.max(a.ndim, b.ndim);
  const sa = [...Array(nd - a.ndim).fill(1), ...a.shape], sb = [...Array(nd - b.ndim).fill(1), ...b.shape];
  return surface("UnsafeViewBackward0", () => {
    const ra = reshape(a, sa.flatMap((s) => [s, 1]));
    const rb = reshape(b, sb.flatMap((s) => [1, s]));
    return reshape(mul(ra, rb), sa.map((s, i) => s * sb[i]!));
  });
}

/** cross(input, other, dim=None): 3-vector cross product along dim (default: the first dim of size 3). */
export function cross(a: Tensor, b: Tensor, ...args: unknown[]): Tensor {
  const { dim } = parseArgs("cross", args, ["dim"], { dim: null });
  checkTensor("cross", "input", a); checkTensor("cross", "other", b);
  if (a.ndim !== b.ndim) throw new TorchError(`linalg.cross: inputs must have the same number of dimensions (got ${a.ndim} and ${b.ndim})`);
  const shape = broadcastShapes("linalg.cross", a.shape, b.shape);
  let d: number;
  if (dim === null) {
    d = a.shape.findIndex((s) => s === 3);
    if (d < 0) throw new TorchError("no dimension of size 3 in input");
  } else {
    d = normDim(dim, a.ndim, "cross");
  }
  if (a.shape[d] !== 3 || b.shape[d] !== 3) throw new TorchError(`linalg.cross: inputs dimension ${dim ?? d} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  return surface("LinalgCrossBackward0", () => {
    const dt = result_type(operand(a), operand(b));
    const x = expandTo(convert(a, dt), shape), y = expandTo(convert(b, dt), shape);
    // r_i = x_{i+1} y_{i+2} - x_{i+2} y_{i+1}, indices mod 3
    return sub(mul(roll(x, -1, d), roll(y, -2, d)), mul(roll(x, -2, d), roll(y, -1, d)));
  });
}

/**
 * p-norm of `d` over `dims`. Where the norm is 0 its gradient is 0 (PyTorch's
 * norm/cdist backward), so the root is taken of a value kept away from 0.
 */
function pnorm(d: Tensor, p: number, dims: number[]): Tensor {
  if (p === 0) return reducePrim(convert(ne(d, 0), d.dtype), "sum", dims, false);
  if (p === Infinity) return reducePrim(abs(d), "max", dims, false);
  if (p === -Infinity) return reducePrim(abs(d), "min", dims, false);
  if (p === 1) return reducePrim(abs(d), "sum", dims, false);
  const s = p === 2 ? reducePrim(mul(d, d), "sum", dims, false) : reducePrim(pow(abs(d), p), "sum", dims, false);
  const zero = eq(s, 0);
  const safe = where(zero, 1, s);
  return where(zero, 0, p === 2 ? sqrt(safe) : pow(safe, 1 / p));
}

/** cdist(x1, x2, p=2): p-norm distances between the rows of x1 [..., P, M] and x2 [..., R, M] -> [..., P, R]. */
export function cdist(x1: Tensor, x2: Tensor, ...args: unknown[]): Tensor {
  const { p } = parseArgs("cdist", args, ["p", "compute_mode"], { p: 2 });
  checkTensor("cdist", "x1", x1); checkTensor("cdist", "x2", x2);
  if (x1.ndim < 2) throw new TorchError(`cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D`);
  if (x2.ndim < 2) throw new TorchError(`cdist only supports at least 2D tensors, X2 got: ${x2.ndim}D`);
  if (!x1.dtype.is_floating_point) throw new TorchError(`cdist only supports floating-point dtypes, X1 got: ${x1.dtype.scalarName}`);
  if (!x2.dtype.is_floating_point) throw new TorchError(`cdist only supports floating-point dtypes, X2 got: ${x2.dtype.scalarName}`);
  const m1 = x1.shape[x1.ndim - 1]!, m2 = x2.shape[x2.ndim - 1]!;
  if (m1 !== m2) throw new TorchError(`cdist: X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2}`);
  if (typeof p !== "number" || p < 0) throw new TorchError(`cdist only supports non-negative p values (got ${String(p)})`);
  if (x1.dtype !== x2.dtype) throw new TorchError(`cdist: X1 and X2 must have the same dtype, but got ${x1.dtype} and ${x2.dtype}`);
  const batch = broadcastShapes("cdist", x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  const P1 = x1.shape[x1.ndim - 2]!, R = x2.shape[x2.ndim - 2]!;
  return surface("cdist", () => opmath(x1.dtype, [x1, x2], (a, b) => {
    const ea = unsqueeze(expand(a!, [...batch, P1, m1]), -2);
    const eb = unsqueeze(expand(b!, [...batch, R, m1]), -3);
    return pnorm(sub(ea, eb), p, [batch.length + 2]);
  }));
}

/** dist(input, other, p=2): the p-norm of input - other (broadcast). */
export function dist(a: Tensor, b: Tensor, ...args: unknown[]): Tensor {
  const { p } = parseArgs("dist", args, ["p"], { p: 2 });
  checkTensor("dist", "input", a); checkTensor("dist", "other", b);
  const dt = result_type(operand(a), operand(b));
  if (!dt.is_floating_point) throw new TorchError(`dist: expected a floating point dtype, got ${dt.scalarName}`);
  if (typeof p !== "number") throw new TorchTypeError(`dist(): argument 'p' must be Number, not ${describe(p)}`);
  broadcastShapes("dist", a.shape, b.shape);
  return surface("dist", () => opmath(dt, [a, b], (x, y) => {
    const d = sub(x!, y!);
    return pnorm(d, p, [...Array(d.ndim).keys()]);
  }));
}

const tensorList = (op: string, args: unknown[]): Tensor[] => {
  const list = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as unknown[];
  list.forEach((t, i) => { if (!(t instanceof Tensor)) throw new TorchTypeError(`${op}(): expected Tensor as element ${i} in argument 0, but got ${describe(t)}`); });
  return list as Tensor[];
};

/** block_diag(*tensors): a block-diagonal matrix (0-D -> 1x1, 1-D -> 1xn blocks), dtypes promoted. */
export function block_diag(...args: unknown[]): Tensor {
  const ts = tensorList("block_diag", args);
  ts.forEach((t, i) => {
    if (t.ndim > 2) throw new TorchError(`torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.ndim} dimensions`);
  });
  if (!ts.length) throw new TorchError("torch.block_diag: expected at least one tensor");
  return surface("block_diag", () => {
    const dt = ts.map((t) => t.dtype).reduce(promote_types);
    const mats = ts.map((t) => convert(t.ndim === 2 ? t : reshape(t, [1, t.numel()]), dt));
    const cols = mats.reduce((s, m) => s + m.shape[1]!, 0);
    let off = 0;
    const rows = mats.map((m) => {
      const r = bind1(P.pad!, [m], { low: [0, off], high: [0, cols - off - m.shape[1]!], interior: [0, 0], value: 0 });
      off += m.shape[1]!;
      return r;
    });
    return cat(rows, 0);
  });
}

/** cartesian_prod(*tensors): rows of all combinations of the 1-D inputs (itertools.product order). */
export function cartesian_prod(...args: unknown[]): Tensor {
  const ts = tensorList("cartesian_prod", args);
  ts.forEach((t) => { if (t.ndim !== 1) throw new TorchError(`cartesian_prod: Expect a 1D vector, but got shape ${shapeStr(t.shape)}`); });
  if (ts.length === 1) return ts[0]!;
  return surface("StackBackward0", () => {
    const dt = ts.map((t) => t.dtype).reduce(promote_types);
    const shape = ts.map((t) => t.shape[0]!);
    const grids = ts.map((t, i) => reshape(expand(reshape(convert(t, dt), shape.map((s, k) => (k === i ? s : 1))), shape), [-1]));
    return stack(grids, 1);
  });
}

