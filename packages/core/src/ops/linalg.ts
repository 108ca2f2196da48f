// Products: matmul (PyTorch's rank rules and batch broadcasting), mm, bmm, mv,
// dot, inner, outer, einsum, tensordot, kron, cross. (beta * input + alpha *
// product, addmm and friends, is scale_add.ts.)
import { surface } from "../autograd.js";
import { bind1 } from "../dispatch.js";
import { promote_types, result_type } from "../dtype_all.js";
import { TorchError, TorchTypeError } from "../errors.js";
import { P, type DotDims } from "../prims.js";
import { broadcastShapes, normDim, shapeStr, viewStrides } from "../shape.js";
import { Tensor } from "../tensor.js";
import { checkTensor, describe, parseArgs, sameDtypes } from "./args.js";
import { convert, dotGeneral, expandTo, operand } from "./base.js";
import { mul, sub } from "./elementwise.js";
import { reducePrim } from "./reduce.js";
import { contiguous, expand, permute, reshape, roll, sliceDim, squeeze, unsqueeze } from "./shape.js";

const numelOf = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);

function sameDtype(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw new TorchError(`${op}: expected m1 and m2 to have the same dtype, but got: ${a.dtype} != ${b.dtype}`);
}

// The 2-D product's attributes, shared by every call (attributes are never mutated).
const MM_DIMS = Object.freeze({
  lhs_batch: Object.freeze([]),
  rhs_batch: Object.freeze([]),
  lhs_contract: Object.freeze([1]),
  rhs_contract: Object.freeze([0]),
}) as unknown as DotDims;

export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor("matmul", "input", a);
  checkTensor("matmul", "other", b);
  if (!a.device.equals(b.device))
    throw new TorchError(
      `Expected all tensors to be on the same device, but found at least two devices, ${a.device} and ${b.device}! (when checking arguments for matmul)`,
    );
  if (a.ndim === 0 || b.ndim === 0)
    throw new TorchError(`matmul: both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  sameDtype("matmul", a, b);
  const k1 = a.shape[a.ndim - 1]!,
    k2 = b.shape[Math.max(0, b.ndim - 2)]!;
  if (k1 !== k2) {
    throw new TorchError(
      `matmul: mat1 and mat2 shapes cannot be multiplied (${a.ndim === 1 ? `1x${k1}` : `${a.shape.slice(0, -1).reduce((x, y) => x * y, 1)}x${k1}`} and ${b.ndim === 1 ? `${b.shape[0]}x1` : `${k2}x${b.shape[b.ndim - 1]}`}) (shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)})`,
    );
  }
  // named like PyTorch's dispatch: mm, mv, dot, else a batched product viewed back
  const name =
    a.ndim === 1 && b.ndim === 1
      ? "dot"
      : a.ndim === 2 && b.ndim === 2
        ? "mm"
        : a.ndim === 2 && b.ndim === 1
          ? "mv"
          : "UnsafeViewBackward0";
  return surface(name, () => {
    if (a.ndim === 1 && b.ndim === 1) return dotGeneral(a, b, [], [], [0], [0]);
    if (a.ndim === 2 && b.ndim === 2) return bind1(P.dot_general!, [a, b], MM_DIMS);
    if (b.ndim === 1) {
      // PyTorch folds a's batch dims into its rows and runs mv: a product with no free rhs dim, which the
      // CPU kernel runs as BLAS gemv, as PyTorch does (an [M, K] @ [K, 1] product is gemm's, another order)
      const r = dotGeneral(a.ndim === 2 ? a : reshape(a, [numelOf(a.shape.slice(0, -1)), k1]), b, [], [], [1], [0]);
      return a.ndim === 2 ? r : reshape(r, a.shape.slice(0, -1));
    }
    if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
    if (b.ndim === 2) {
      // Fold a's batch dims into its rows: one 2-D product.
      // explicit row count: -1 cannot be inferred when k1 is 0
      const r = dotGeneral(reshape(a, [numelOf(a.shape.slice(0, -1)), k1]), b, [], [], [1], [0]);
      return reshape(r, [...a.shape.slice(0, -1), b.shape[1]!]);
    }
    const batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
    const nb = numelOf(batch);
    if (nb > 0 && numelOf(a.shape) > 0 && numelOf(b.shape) > 0) return batchedProduct(a, b, batch);
    const ae = reshape(expand(a, [...batch, ...a.shape.slice(-2)]), [nb, ...a.shape.slice(-2)]);
    const be = reshape(expand(b, [...batch, ...b.shape.slice(-2)]), [nb, ...b.shape.slice(-2)]);
    const r = dotGeneral(ae, be, [0], [0], [2], [1]);
    return reshape(r, [...batch, a.shape[a.ndim - 2]!, b.shape[b.ndim - 1]!]);
  });
}

/**
 * The batched product of matmul (both operands at least 2-D, one above): one dot_general with
 * every batch dim kept, instead of PyTorch's expand, reshape to [batch, rows, cols] and bmm. That
 * reshape copies an operand whose batch dims do not merge (the heads of attention, q.view(B, T, nh,
 * hs).transpose(1, 2)); the kernels read batch dims in any strides, so such a copy is only made
 * here where it changes how the product reads its operand: an operand whose columns are not
 * contiguous (k.transpose(-2, -1)) is copied row-major by that reshape as before, one with
 * contiguous columns is read in place (as row-major rows further apart: the same product, the BLAS
 * call's leading dimension aside). The copy stays a reshape: on the xla device a copy op lowers to
 * nothing, and the CPU runtime then read the transposed operand in place, with other bits. The values
 * are the reshaped product's on cpu and xla (tests/matmul_batched.test.ts), with fewer copies,
 * primitives and autograd nodes.
 */
function batchedProduct(a: Tensor, b: Tensor, batch: number[]): Tensor {
  const nb = numelOf(batch),
    nd = batch.length;
  const ae = expand(a, [...batch, ...a.shape.slice(-2)]),
    be = expand(b, [...batch, ...b.shape.slice(-2)]);
  // in place: viewable as [batch, rows, cols] (the reshape would not copy), or rows of contiguous columns
  const inPlace = (x: Tensor) => viewStrides(x.shape, x.stride(), [nb, ...x.shape.slice(-2)]) !== null || x.stride()[x.ndim - 1] === 1;
  // any other operand is copied as the reshape copies it (a reshape, not a copy op, which the xla
  // device would not materialise), then viewed back with its batch dims
  const operand = (x: Tensor) => (inPlace(x) ? x : reshape(reshape(x, [nb, ...x.shape.slice(-2)]), x.shape));
  const bd = [...Array(nd).keys()];
  return dotGeneral(operand(ae), operand(be), bd, bd, [nd + 1], [nd]);
}

export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new TorchError(`mm: expected 2D tensors, got ${a.ndim}D and ${b.ndim}D`);
  if (a.shape[1] !== b.shape[0])
    throw new TorchError(`mm: mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  sameDtype("mm", a, b);
  return surface("mm", () => matmul(a, b));
}
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3)
    throw new TorchError(`bmm: batch1 must be a 3D tensor and batch2 must be a 3D tensor (got ${a.ndim}D and ${b.ndim}D)`);
  if (a.shape[0] !== b.shape[0])
    throw new TorchError(`bmm: batch1 and batch2 must have same number of batches, got ${a.shape[0]} and ${b.shape[0]}`);
  if (a.shape[2] !== b.shape[1])
    throw new TorchError(
      `bmm: Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`,
    );
  sameDtype("bmm", a, b);
  return surface("bmm", () => dotGeneral(a, b, [0], [0], [2], [1]));
}
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new TorchError(`dot: 1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.shape[0] !== b.shape[0])
    throw new TorchError(
      `dot: inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
    );
  sameDtype("dot", a, b);
  return surface("dot", () => dotGeneral(a, b, [], [], [0], [0]));
}
export const vdot = dot;
/**
 * inner(a, b): a 0-dim operand multiplies (with promotion); otherwise the last
 * dims contract, a's remaining dims first, as PyTorch's tensordot(a, b, -1, -1).
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  checkTensor("inner", "input", a);
  checkTensor("inner", "other", b);
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1])
    throw new TorchError(
      `inner() the last dimension must match on both input tensors but got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`,
    );
  if (a.dtype !== b.dtype) throw new TorchError(`inner(): expected scalar type ${a.dtype.scalarName} but found ${b.dtype.scalarName}`);
  if (a.dtype.name === "bool") throw new TorchError(`inner: "addmm_impl_cpu_" not implemented for 'Bool'`);
  return surface("ReshapeAliasBackward0", () => dotGeneral(a, b, [], [], [a.ndim - 1], [b.ndim - 1]));
}
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new TorchError(`outer: expected 1D tensors, got ${a.ndim}D and ${b.ndim}D`);
  return surface("mul", () => mul(unsqueeze(a, 1), unsqueeze(b, 0)));
}
export const ger = outer;

/** mv(input, vec): matrix-vector product. */
export function mv(mat: Tensor, vec: Tensor, ...extra: unknown[]): Tensor {
  if (extra.length) throw new TorchTypeError(`mv() takes 2 positional arguments but ${2 + extra.length} were given`);
  checkTensor("mv", "input", mat);
  checkTensor("mv", "vec", vec);
  if (mat.ndim !== 2 || vec.ndim !== 1)
    throw new TorchError(
      `mv: vector + matrix @ vector expected, got 1, ${mat.ndim}, ${vec.ndim} (mat ${shapeStr(mat.shape)} and vec ${shapeStr(vec.shape)})`,
    );
  if (mat.shape[1] !== vec.shape[0])
    throw new TorchError(
      `mv: size mismatch, got ${mat.shape[0]}, ${mat.shape[0]}x${mat.shape[1]},${vec.shape[0]} (mat ${shapeStr(mat.shape)} and vec ${shapeStr(vec.shape)})`,
    );
  sameDtypes("mv", [mat, vec], ["input", "vec"]);
  return surface("mv", () => matmul(mat, vec));
}

/** tensordot(a, b, dims=2): dims an int (last dims of a with first dims of b) or [dims_a, dims_b]. */
export function tensordot(a: Tensor, b: Tensor, ...args: unknown[]): Tensor {
  const { dims } = parseArgs("tensordot", args, ["dims"], { dims: 2 });
  checkTensor("tensordot", "a", a);
  checkTensor("tensordot", "b", b);
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
    if (da.length !== db.length)
      throw new TorchError(`tensordot: both dimension lists should have same length (got ${da.length} and ${db.length})`);
  } else {
    throw new TorchTypeError(`tensordot(): argument 'dims' must be an int or a pair of dimension lists, not ${describe(dims)}`);
  }
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]!])
      throw new TorchError(
        `tensordot: contracted dimensions need to match, but first has size ${a.shape[d]} in dim ${d} and second has size ${b.shape[db[i]!]} in dim ${db[i]}`,
      );
  });
  if (a.dtype !== b.dtype)
    throw new TorchError(`tensordot: expected both tensors to have the same dtype, but got ${a.dtype} and ${b.dtype}`);
  return surface("ReshapeAliasBackward0", () => dotGeneral(a, b, [], [], da, db));
}

/** kron(a, b): Kronecker product (ranks equalised with leading ones, dtypes promoted). */
export function kron(a: Tensor, b: Tensor): Tensor {
  checkTensor("kron", "input", a);
  checkTensor("kron", "other", b);
  const nd = Math.max(a.ndim, b.ndim);
  const sa = [...Array(nd - a.ndim).fill(1), ...a.shape],
    sb = [...Array(nd - b.ndim).fill(1), ...b.shape];
  return surface("UnsafeViewBackward0", () => {
    const ra = reshape(
      a,
      sa.flatMap((s) => [s, 1]),
    );
    const rb = reshape(
      b,
      sb.flatMap((s) => [1, s]),
    );
    return reshape(
      mul(ra, rb),
      sa.map((s, i) => s * sb[i]!),
    );
  });
}

/** cross(input, other, dim=None): 3-vector cross product along dim (default: the first dim of size 3). */
export function cross(a: Tensor, b: Tensor, ...args: unknown[]): Tensor {
  const { dim } = parseArgs("cross", args, ["dim"], { dim: null });
  checkTensor("cross", "input", a);
  checkTensor("cross", "other", b);
  if (a.ndim !== b.ndim) throw new TorchError(`linalg.cross: inputs must have the same number of dimensions (got ${a.ndim} and ${b.ndim})`);
  const shape = broadcastShapes("linalg.cross", a.shape, b.shape);
  let d: number;
  if (dim === null) {
    d = a.shape.indexOf(3);
    if (d < 0) throw new TorchError("no dimension of size 3 in input");
  } else {
    d = normDim(dim, a.ndim, "cross");
  }
  if (a.shape[d] !== 3 || b.shape[d] !== 3)
    throw new TorchError(`linalg.cross: inputs dimension ${dim ?? d} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  return surface("LinalgCrossBackward0", () => {
    const dt = result_type(operand(a), operand(b));
    const x = expandTo(convert(a, dt), shape),
      y = expandTo(convert(b, dt), shape);
    // r_i = x_{i+1} y_{i+2} - x_{i+2} y_{i+1}, indices mod 3
    return sub(mul(roll(x, -1, d), roll(y, -2, d)), mul(roll(x, -2, d), roll(y, -1, d)));
  });
}

/** einsum(equation, ...operands) by pairwise dot_general contractions. */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor {
  const ops = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  const [inputs, rhsGiven] = expandEllipsis(equation.replace(/\s+/g, ""), ops);
  const counts = new Map<string, number>();
  inputs.forEach((s, i) => {
    if (s.length !== ops[i]!.ndim)
      throw new TorchError(
        `einsum(): the number of subscripts in the equation (${s.length}) does not match the number of dimensions (${ops[i]!.ndim}) for operand ${i}`,
      );
    for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  });
  const out =
    rhsGiven ??
    [...counts.keys()]
      .filter((c) => counts.get(c) === 1)
      .sort()
      .join("");
  const sizes = new Map<string, number>();
  inputs.forEach((s, i) =>
    [...s].forEach((c, d) => {
      const n = ops[i]!.shape[d]!;
      if (sizes.has(c) && sizes.get(c) !== n && n !== 1 && sizes.get(c) !== 1)
        throw new TorchError(
          `einsum(): operands do not broadcast with remapped shapes (subscript '${c}' has sizes ${sizes.get(c)} and ${n})`,
        );
      sizes.set(c, Math.max(sizes.get(c) ?? 1, n));
    }),
  );
  return surface("einsum", () => {
    const dt = ops.map((t) => t.dtype).reduce(promote_types);
    let terms = ops.map((t, i) => diagonalize(convert(t, dt), inputs[i]!));
    // Sum out labels that appear in a single operand and not in the output.
    const need = (labels: string, others: string[]) => [...labels].filter((c) => out.includes(c) || others.some((o) => o.includes(c)));
    terms = terms.map(([t, l], i) => {
      const others = terms.filter((_, j) => j !== i).map((x) => x[1]);
      const keep = need(l, others);
      const drop = [...l].map((c, d) => (keep.includes(c) ? -1 : d)).filter((d) => d >= 0);
      return drop.length ? [reducePrim(t, "sum", drop, false), keep.join("")] : [t, l];
    });
    let [acc, accL] = terms[0]!;
    for (let i = 1; i < terms.length; i++) {
      const [t, l] = terms[i]!;
      const rest =
        terms
          .slice(i + 1)
          .map((x) => x[1])
          .join("") + out;
      const batch = [...accL].filter((c) => l.includes(c) && rest.includes(c));
      const contract = [...accL].filter((c) => l.includes(c) && !rest.includes(c));
      // Size-1 broadcasting between operands: expand to the common size first.
      const a = expandLabels(acc, accL, sizes),
        b = expandLabels(t, l, sizes);
      const r = dotGeneral(
        a,
        b,
        batch.map((c) => accL.indexOf(c)),
        batch.map((c) => l.indexOf(c)),
        contract.map((c) => accL.indexOf(c)),
        contract.map((c) => l.indexOf(c)),
      );
      accL = [
        ...batch,
        ...[...accL].filter((c) => !batch.includes(c) && !contract.includes(c)),
        ...[...l].filter((c) => !batch.includes(c) && !contract.includes(c)),
      ].join("");
      acc = r;
    }
    const extra = [...accL].map((c, d) => (out.includes(c) ? -1 : d)).filter((d) => d >= 0);
    if (extra.length) {
      acc = reducePrim(acc, "sum", extra, false);
      accL = [...accL].filter((c) => out.includes(c)).join("");
    }
    const result = [...out].map((c) => accL.indexOf(c));
    return result.every((p, i) => p === i) ? acc : permute(acc, result);
  });
}

/**
 * Replace "..." by fresh upper-case labels, right-aligned across operands so
 * that broadcasting dims share labels; an implicit output puts them first.
 */
function expandEllipsis(eq: string, ops: Tensor[]): [string[], string | undefined] {
  const [lhs, rhs] = eq.split("->") as [string, string | undefined];
  const inputs = lhs.split(",");
  if (inputs.length !== ops.length)
    throw new TorchError(`einsum(): ${inputs.length} subscripts in the equation but ${ops.length} operands were provided`);
  if (!eq.includes("...")) return [inputs, rhs];
  const pool = "ZYXWVUTSRQPONMLKJIHGFEDCBA";
  let maxEll = 0;
  const out = inputs.map((s, i) => {
    if (!s.includes("...")) return s;
    const n = ops[i]!.ndim - (s.length - 3);
    if (n < 0)
      throw new TorchError(
        `einsum(): the number of subscripts in the equation (${s.length - 3}) is more than the number of dimensions (${ops[i]!.ndim}) for operand ${i}`,
      );
    maxEll = Math.max(maxEll, n);
    return s.replace("...", pool.slice(0, n).split("").reverse().join(""));
  });
  const ell = pool.slice(0, maxEll).split("").reverse().join("");
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const s of out) for (const c of s) if (!ell.includes(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
    return [
      out,
      ell +
        [...counts.keys()]
          .filter((c) => counts.get(c) === 1)
          .sort()
          .join(""),
    ];
  }
  return [out, rhs.replace("...", ell)];
}

function expandLabels(t: Tensor, labels: string, sizes: Map<string, number>): Tensor {
  const target = [...labels].map((c) => sizes.get(c)!);
  return target.every((s, i) => s === t.shape[i]) ? t : expand(t, target);
}

/** Repeated labels within one operand ("ii") select its diagonal. */
function diagonalize(t: Tensor, labels: string): [Tensor, string] {
  for (let i = 0; i < labels.length; i++) {
    const j = labels.indexOf(labels[i]!, i + 1);
    if (j < 0) continue;
    const n = t.shape[i]!;
    const rest = [...Array(t.ndim).keys()].filter((d) => d !== i && d !== j);
    const moved = reshape(permute(t, [...rest, i, j]), [...rest.map((d) => t.shape[d]!), n * n]);
    const diag = sliceDim(moved, moved.ndim - 1, 0, n * n, n + 1);
    const newLabels = rest.map((d) => labels[d]).join("") + labels[i];
    return diagonalize(diag, newLabels);
  }
  return [t, labels];
}
