// StableHLO -> StableHLO rewrites the CPU runtime applies to the entry function
// before planning it, for what the autograd graphs make and XLA's algebraic
// simplifier removes on the PJRT devices: every step the runtime runs costs a
// few microseconds whatever its size, and the ported programs' tensors hold
// 16-256 values. Every rewrite gives the same bits as the ops it replaces:
//  - a tree of adds whose leaves are zero pads of disjoint regions (a chunk's
//    or a time step's gradient put back into its place, summed) becomes one
//    concatenate of the pads' operands (zeros in the gaps), each plus +0 where
//    it may be -0: an element is one operand's value plus zeros, and v + 0 +
//    ... + 0 = v + 0 (the sign of -0 is the only thing the adds change);
//  - transpose(transpose(x)), reshape(reshape(x)) and slice(slice(x)) become
//    one op; an identity transpose, reshape, slice or broadcast becomes x;
//  - a concatenate of reshapes (a stack) becomes a reshape of a concatenate.
// It never changes the module it is given: the ops it rewrites are new objects
// (their results the same values), the others are shared.
import type { Attr, Func, Module, Op, Value } from "@xlatorch/stablehlo";
import { exactFusable } from "./interpret/table.js";
import { readsOf } from "./plan.js";
import { sourceText } from "./source_text.js";

/** on = false plans modules as they come (tests and bench/ compare the two in one process). */
export const simplifyConfig = { on: true };

/** `module` with its function `entry` simplified, or `module` itself when no rewrite applies. */
export function simplifyModule(module: Module, entry = "main"): Module {
  if (!simplifyConfig.on) return module;
  const i = module.funcs.findIndex((f) => f.name === entry);
  if (i < 0) return module;
  const f = module.funcs[i]!;
  const g = simplifyFunc(f);
  if (g === f) return module;
  const funcs = [...module.funcs];
  funcs[i] = g;
  return { ...module, funcs };
}

/** `f` simplified (the same object when nothing changed). */
export function simplifyFunc(f: Func): Func {
  const ids = { next: maxId(f) + 1 };
  const a = foldLayout(f);
  const b = zeroPadSums(f, a, ids);
  const c = stackedReshapes(b, ids);
  if (a === f.body && b === a && c === b) return f;
  return { ...f, body: deadOpsRemoved(f, c) };
}

const ints = (a: Attr | undefined): number[] => (a && a.kind === "ints" ? a.values : []);
const intsAttr = (values: number[]): Attr => ({ kind: "ints", values });
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const isIdentity = (p: readonly number[]) => p.every((x, i) => x === i);

/** Values a region of some op reads from outside it, and the returned ones: never replaced by another value. */
function pinned(f: Func): Set<number> {
  const out = new Set(f.returns.map((v) => v.id));
  for (const op of f.body)
    if (op.regions?.length) {
      const own = new Set(op.operands.map((v) => v.id));
      for (const v of readsOf(op)) if (!own.has(v.id)) out.add(v.id);
    }
  return out;
}

/**
 * Layout ops of layout ops as one op, and identities as their operand. The
 * runtime's transpose, slice and broadcast are views: one of the composed
 * permutation or range has the strides and offset the two had, so every
 * reader computes the same bits (a reduction's or a dot's order may follow its
 * operand's strides). A reshape is a view where the strides allow, else a
 * copy: it is composed (or dropped) over row-major values alone, where one and
 * two reshapes give the same row-major view.
 */
function foldLayout(f: Func): Op[] {
  const keep = pinned(f);
  const subst = new Map<number, Value>();
  const def = new Map<number, Op>();
  // values the runtime holds as row-major memory from offset 0 (rowMajor)
  const dense = new Set<number>();
  const body: Op[] = [];
  let changed = false;
  for (const op0 of f.body) {
    let op = op0;
    if (op.operands.some((v) => subst.has(v.id))) op = { ...op, operands: op.operands.map((v) => subst.get(v.id) ?? v) };
    const x = op.operands[0];
    const inner = x ? def.get(x.id) : undefined;
    const r = op.results[0];
    let alias: Value | null = null;
    if (op.name === "stablehlo.reshape") {
      // (a reshape's strides depend on its operand's: only over row-major memory do one and two give the same)
      if (inner?.name === "stablehlo.reshape" && dense.has(inner.operands[0]!.id)) op = { ...op, operands: [inner.operands[0]!] };
      if (same(op.operands[0]!.type.shape, r!.type.shape) && dense.has(op.operands[0]!.id)) alias = op.operands[0]!;
    } else if (op.name === "stablehlo.transpose") {
      let perm = ints(op.attrs.permutation);
      if (inner?.name === "stablehlo.transpose") {
        const p1 = ints(inner.attrs.permutation);
        // result dim k is the inner result's dim perm[k], which is x's dim p1[perm[k]]
        perm = perm.map((k) => p1[k]!);
        op = { ...op, operands: [inner.operands[0]!], attrs: { ...op.attrs, permutation: intsAttr(perm) } };
      }
      if (isIdentity(perm)) alias = op.operands[0]!;
    } else if (op.name === "stablehlo.slice") {
      if (inner?.name === "stablehlo.slice" && r!.type.shape.every((n) => n > 0)) op = composedSlice(op, inner);
      const s = ints(op.attrs.start_indices),
        st = ints(op.attrs.strides);
      if (s.every((v) => v === 0) && st.every((v) => v === 1) && same(op.operands[0]!.type.shape, r!.type.shape)) alias = op.operands[0]!;
    } else if (op.name === "stablehlo.broadcast_in_dim") {
      if (same(x!.type.shape, r!.type.shape) && isIdentity(ints(op.attrs.broadcast_dimensions))) alias = x!;
    }
    if (alias && !keep.has(r!.id) && alias.type.element === r!.type.element) {
      subst.set(r!.id, alias);
      changed = true;
      continue;
    }
    if (op !== op0) changed = true;
    body.push(op);
    for (const v of op.results) def.set(v.id, op);
    if (rowMajor(op, dense)) dense.add(r!.id);
  }
  return changed ? body : f.body;
}

/**
 * Whether the runtime computes `op`'s result as row-major memory from offset 0:
 * a fused loop's, a pad's and a concatenate's new arrays, and a reshape of
 * such a value (a view with row-major strides). Other kernels may return views.
 */
function rowMajor(op: Op, dense: Set<number>): boolean {
  if (op.results.length !== 1) return false;
  if (op.name === "stablehlo.reshape") return dense.has(op.operands[0]!.id);
  return op.name === "stablehlo.pad" || op.name === "stablehlo.concatenate" || exactFusable(op);
}

/** slice(slice(x)) as one slice of x: element j of the outer is x[s1 + (s2 + j*t2)*t1]. */
function composedSlice(outer: Op, inner: Op): Op {
  const s1 = ints(inner.attrs.start_indices),
    t1 = ints(inner.attrs.strides),
    s2 = ints(outer.attrs.start_indices),
    t2 = ints(outer.attrs.strides);
  const shape = outer.results[0]!.type.shape;
  const start = s1.map((s, d) => s + s2[d]! * t1[d]!);
  const stride = t1.map((t, d) => t * t2[d]!);
  const limit = start.map((s, d) => s + (shape[d]! - 1) * stride[d]! + 1);
  return {
    ...outer,
    operands: [inner.operands[0]!],
    attrs: { ...outer.attrs, start_indices: intsAttr(start), limit_indices: intsAttr(limit), strides: intsAttr(stride) },
  };
}

/** Element types the add-tree rewrite handles: floats with a signed zero, and integers (where v + 0 is v). */
const SUM_TYPES = new Set(["f32", "f64", "i8", "ui8", "i16", "i32", "i64"]);
const hasSignedZero = (v: Value) => v.type.element === "f32" || v.type.element === "f64";

/** The constant +0 (a float 0 whose sign bit is clear, or an integer 0) that `v` is, else false. */
function isPlusZero(v: Value, def: Map<number, Op>): boolean {
  const c = def.get(v.id);
  if (c?.name !== "stablehlo.constant" || v.type.shape.length !== 0) return false;
  const a = c.attrs.value;
  if (!a || a.kind !== "dense" || a.values.length !== 1) return false;
  const z = a.values[0];
  return z === 0n || Object.is(z, 0);
}

interface Piece {
  /** The pad's operand. */
  v: Value;
  low: number;
  size: number;
}
interface Tree {
  /** The pads' operands by their place along `dim`. */
  pieces: Piece[];
  dim: number;
  /** A pad's padding value (+0 of the sum's type). */
  zero: Value;
}

/**
 * The zero pads a sum rooted at `root` adds, when it is a tree of adds (each
 * inner one read by the tree alone) over pads with +0 padding and no interior
 * padding whose operands cover disjoint ranges of one dim and all of the
 * others; null otherwise.
 */
function padTree(root: Op, def: Map<number, Op>, uses: Map<number, number>, pinnedIds: Set<number>): { tree: Tree; adds: Op[] } | null {
  const out = root.results[0]!;
  if (!SUM_TYPES.has(out.type.element)) return null;
  const pads: Op[] = [];
  const adds: Op[] = [];
  const stack: Op[] = [root];
  while (stack.length) {
    const add = stack.pop()!;
    adds.push(add);
    for (const v of add.operands) {
      const p = def.get(v.id);
      if (p?.name === "stablehlo.add" && uses.get(v.id) === 1 && !pinnedIds.has(v.id)) stack.push(p);
      else if (p?.name === "stablehlo.pad") pads.push(p);
      else return null;
    }
  }
  const rank = out.type.shape.length;
  let dim = -1;
  const pieces: Piece[] = [];
  for (const p of pads) {
    const lo = ints(p.attrs.edge_padding_low),
      hi = ints(p.attrs.edge_padding_high),
      interior = ints(p.attrs.interior_padding);
    if (!isPlusZero(p.operands[1]!, def) || interior.some((n) => n !== 0) || lo.some((n) => n < 0) || hi.some((n) => n < 0)) return null;
    const x = p.operands[0]!;
    if (x.type.shape.some((n) => n === 0)) return null;
    for (let d = 0; d < rank; d++) {
      if (lo[d] === 0 && hi[d] === 0) continue;
      if (dim !== -1 && dim !== d) return null;
      dim = d;
    }
  }
  // (pads that all cover every element overlap)
  if (dim === -1) return null;
  for (const p of pads)
    pieces.push({ v: p.operands[0]!, low: ints(p.attrs.edge_padding_low)[dim]!, size: p.operands[0]!.type.shape[dim]! });
  pieces.sort((a, b) => a.low - b.low);
  for (let k = 1; k < pieces.length; k++) if (pieces[k - 1]!.low + pieces[k - 1]!.size > pieces[k]!.low) return null;
  return { tree: { pieces, dim, zero: pads[0]!.operands[1]! }, adds };
}

/**
 * Ops whose result is never -0: +0 added to anything is not (x + y is -0 only
 * when both are), and layout ops of such values. A pad's operand of this kind
 * needs no + 0 of its own.
 */
function neverNegZero(op: Op, known: Set<number>): boolean {
  const r = op.results[0];
  if (!r || !hasSignedZero(r)) return true;
  const ok = (v: Value) => known.has(v.id) || !hasSignedZero(v);
  switch (op.name) {
    case "stablehlo.constant": {
      const a = op.attrs.value;
      return !!a && a.kind === "dense" && a.values.every((z) => !Object.is(z, -0));
    }
    case "stablehlo.add":
      return op.operands.some(ok);
    case "stablehlo.pad":
      return op.operands.every(ok);
    case "stablehlo.reshape":
    case "stablehlo.transpose":
    case "stablehlo.slice":
    case "stablehlo.broadcast_in_dim":
    case "stablehlo.reverse":
    case "stablehlo.concatenate":
      return op.operands.every(ok);
    default:
      return false;
  }
}

/**
 * Each zero-pad sum (padTree) as a concatenate: its operands in order along
 * the dim, a broadcast zero in each gap, and + 0 on each operand that may be
 * -0 (fused into the loop computing it, when that loop is its only reader),
 * or on the whole where some such operand is not a loop's.
 */
function zeroPadSums(f: Func, body: Op[], ids: { next: number }): Op[] {
  const def = new Map<number, Op>();
  const uses = new Map<number, number>();
  for (const op of body) {
    for (const v of op.results) def.set(v.id, op);
    for (const v of readsOf(op)) uses.set(v.id, (uses.get(v.id) ?? 0) + 1);
  }
  for (const v of f.returns) uses.set(v.id, (uses.get(v.id) ?? 0) + 1);
  const keep = pinned(f);
  const trees = new Map<Op, Tree>();
  const absorbed = new Set<Op>();
  for (let i = body.length - 1; i >= 0; i--) {
    const op = body[i]!;
    if (op.name !== "stablehlo.add" || absorbed.has(op)) continue;
    const t = padTree(op, def, uses, keep);
    if (!t) continue;
    trees.set(op, t.tree);
    for (const a of t.adds) absorbed.add(a);
  }
  if (trees.size === 0) return body;
  const fresh = (like: Value, shape: number[]): Value => ({ id: ids.next++, type: { shape, element: like.type.element } });
  const out: Op[] = [];
  const known = new Set<number>();
  const emit = (op: Op) => {
    out.push(op);
    def.set(op.results[0]!.id, op);
    if (neverNegZero(op, known)) known.add(op.results[0]!.id);
  };
  // + 0 reads a broadcast of the 0-d zero, which the loop takes as a scalar (fuse.ts); a gap is a constant
  // (computed once, when the executable is built)
  const broadcastZero = (zero: Value, shape: number[]): Value => {
    const z = fresh(zero, shape);
    emit({ name: "stablehlo.broadcast_in_dim", operands: [zero], results: [z], attrs: { broadcast_dimensions: intsAttr([]) } });
    return z;
  };
  const gap = (zero: Value, shape: number[]): Value => {
    const z = fresh(zero, shape);
    const a = def.get(zero.id)!.attrs.value as Extract<Attr, { kind: "dense" }>;
    emit({
      name: "stablehlo.constant",
      operands: [],
      results: [z],
      attrs: { value: { kind: "dense", type: z.type, values: [a.values[0]!] } },
    });
    return z;
  };
  const plusZero = (v: Value, zero: Value, result: Value = fresh(v, [...v.type.shape])): Value => {
    emit({ name: "stablehlo.add", operands: [v, broadcastZero(zero, [...v.type.shape])], results: [result], attrs: {} });
    return result;
  };
  for (const op of body) {
    const t = trees.get(op);
    if (!t) {
      emit(op);
      continue;
    }
    const root = op.results[0]!;
    const shape = root.type.shape;
    const unsafe = t.pieces.filter((p) => !known.has(p.v.id) && hasSignedZero(p.v));
    // + 0 in each operand's own loop, where a loop computes it for the pad alone
    const perPiece = unsafe.every((p) => {
      const q = def.get(p.v.id);
      return q !== undefined && exactFusable(q) && uses.get(p.v.id) === 1 && !keep.has(p.v.id);
    });
    const parts: Value[] = [];
    let at = 0;
    for (const p of t.pieces) {
      if (p.low > at)
        parts.push(
          gap(
            t.zero,
            shape.map((n, d) => (d === t.dim ? p.low - at : n)),
          ),
        );
      parts.push(perPiece && unsafe.includes(p) ? plusZero(p.v, t.zero) : p.v);
      at = p.low + p.size;
    }
    if (at < shape[t.dim]!)
      parts.push(
        gap(
          t.zero,
          shape.map((n, d) => (d === t.dim ? n - at : n)),
        ),
      );
    const last = perPiece || unsafe.length === 0;
    const cat = last ? root : fresh(root, [...shape]);
    emit({
      name: "stablehlo.concatenate",
      operands: parts,
      results: [cat],
      attrs: { dimension: { kind: "int", value: t.dim, type: "i64" } },
    });
    if (!last) plusZero(cat, t.zero, root);
  }
  return out;
}

/**
 * A concatenate of reshapes of same-shaped values along a dim with only
 * size-1 dims before it (a stack of time steps, or of their gradients) as one
 * reshape of their concatenate along dim 0: both append the values in
 * row-major order, and the reshape of the new (row-major) array is a view, so
 * n reshape steps become one.
 */
function stackedReshapes(body: Op[], ids: { next: number }): Op[] {
  const def = new Map<number, Op>();
  const out: Op[] = [];
  let changed = false;
  for (const op of body) {
    for (const v of op.results) def.set(v.id, op);
    const xs = op.name === "stablehlo.concatenate" ? op.operands.map((v) => def.get(v.id)) : [];
    const dimAttr = op.attrs.dimension;
    const dim = dimAttr && dimAttr.kind === "int" ? Number(dimAttr.value) : -1;
    const shape = op.results[0]?.type.shape ?? [];
    const s = xs[0]?.operands[0]?.type.shape;
    if (
      xs.length < 2 ||
      dim < 0 ||
      !s?.length ||
      !xs.every((x) => x?.name === "stablehlo.reshape" && same(x.operands[0]!.type.shape, s)) ||
      shape.slice(0, dim).some((n) => n !== 1)
    ) {
      out.push(op);
      continue;
    }
    const r = op.results[0]!;
    const cat: Value = { id: ids.next++, type: { shape: [s[0]! * xs.length, ...s.slice(1)], element: r.type.element } };
    out.push({
      name: "stablehlo.concatenate",
      operands: xs.map((x) => x!.operands[0]!),
      results: [cat],
      attrs: { dimension: { kind: "int", value: 0, type: "i64" } },
    });
    out.push({ name: "stablehlo.reshape", operands: [cat], results: [r], attrs: {} });
    changed = true;
  }
  return changed ? out : body;
}

/** Ops without effects whose results nothing reads are dropped (what the rewrites leave, and any other). */
const PURE = new Set([
  "stablehlo.constant",
  "stablehlo.add",
  "stablehlo.pad",
  "stablehlo.reshape",
  "stablehlo.transpose",
  "stablehlo.slice",
  "stablehlo.broadcast_in_dim",
  "stablehlo.concatenate",
]);
function deadOpsRemoved(f: Func, body: Op[]): Op[] {
  const live = new Set(f.returns.map((v) => v.id));
  const kept: Op[] = [];
  for (let i = body.length - 1; i >= 0; i--) {
    const op = body[i]!;
    if (PURE.has(op.name) && !op.results.some((v) => live.has(v.id))) continue;
    kept.push(op);
    for (const v of readsOf(op)) live.add(v.id);
  }
  return kept.reverse();
}

/** The largest value id in `f` (regions included), so new values get unused ids. */
function maxId(f: Func): number {
  let m = -1;
  const see = (vs: readonly Value[]) => {
    for (const v of vs) if (v.id > m) m = v.id;
  };
  const walk = (ops: readonly Op[]) => {
    for (const op of ops) {
      see(op.results);
      for (const r of op.regions ?? []) {
        see(r.args);
        walk(r.ops);
      }
    }
  };
  see(f.params);
  walk(f.body);
  return m;
}

/** A fingerprint of this file's rewrites for the persistent compile cache: a plan fits only the module they made. */
export const SIMPLIFY_CODE: string =
  sourceText(new URL("./simplify.ts", import.meta.url)) ?? [simplifyFunc, foldLayout, zeroPadSums, padTree, stackedReshapes].join("\n");
