// chlo.ragged_dot: a dot_general in which the lhs's ragged dimension is split
// into consecutive groups (group_sizes). Its three modes (ChloOps.td):
//   1. the ragged dimension is an lhs free dimension (m): rows of group i
//      multiply the rhs's group i: [b,m,k], [g,b,k,n], [b,g] -> [b,m,n];
//   2. it is a contracting dimension (k): group i contracts only over its
//      range: [b,m,k], [b,k,n], [b,g] -> [g,b,m,n];
//   3. it is a batch dimension: [b,m,k], [b,k,n], [g] -> [b,m,n].
// Indices past the groups' total contribute nothing (zeros). group_sizes may
// also be [g] alone (the same groups for every batch). Each product and sum is
// rounded to the result type, as dot_general's evaluator does.
import { numelOf } from "@xlatorch/core";
import { isComplex, type Op } from "@xlatorch/stablehlo";
import type { Interp } from "./engine.js";
import {
  alloc,
  type DenseValue,
  forEachIndex,
  getFloat,
  getInt,
  isIntLike,
  rounderOf,
  setFloat,
  setInt,
  stridesOf,
  Unsupported,
} from "./values.js";

interface RaggedDims {
  lhsBatch: number[];
  rhsBatch: number[];
  lhsContract: number[];
  rhsContract: number[];
  lhsRagged: number[];
  rhsGroup: number[];
}

function dims(op: Op): RaggedDims {
  const a = op.attrs.ragged_dot_dimension_numbers;
  const text = a && a.kind === "string" ? a.value : "";
  const list = (k: string): number[] => {
    const m = new RegExp(`${k}\\s*=\\s*\\[([^\\]]*)\\]`).exec(text);
    if (!m) return [];
    return m[1]!.trim() ? m[1]!.split(",").map((s) => Number(s.trim())) : [];
  };
  if (!text.includes("lhs_ragged_dimensions")) throw new Unsupported(op, "expects ragged_dot_dimension_numbers = #chlo.ragged_dot<...>");
  return {
    lhsBatch: list("lhs_batching_dimensions"),
    rhsBatch: list("rhs_batching_dimensions"),
    lhsContract: list("lhs_contracting_dimensions"),
    rhsContract: list("rhs_contracting_dimensions"),
    lhsRagged: list("lhs_ragged_dimensions"),
    rhsGroup: list("rhs_group_dimensions"),
  };
}

const linear = (idx: readonly number[], strides: readonly number[]) => idx.reduce((s, v, d) => s + v * strides[d]!, 0);

function raggedDot(op: Op, [lhs, rhs, sizes]: DenseValue[]): DenseValue[] {
  const d = dims(op);
  const out = alloc(op.results[0]!.type, op);
  const e = out.type.element;
  if (isComplex(e) || isComplex(lhs!.type.element) || isComplex(rhs!.type.element))
    throw new Unsupported(op, "complex operands are not supported");
  if (d.lhsRagged.length !== 1) throw new Unsupported(op, "expects exactly one lhs ragged dimension");
  const ls = lhs!.type.shape,
    rs = rhs!.type.shape;
  const r = d.lhsRagged[0]!;
  const mode = d.lhsContract.includes(r) ? 2 : d.lhsBatch.includes(r) ? 3 : 1;
  if ((mode === 1) !== (d.rhsGroup.length === 1))
    throw new Unsupported(op, `the rhs must have a group dimension exactly in mode 1 (this is mode ${mode})`);
  const g = numelOf(sizes!.type.shape.slice(-1));
  const lFree = [...ls.keys()].filter((k) => !d.lhsBatch.includes(k) && !d.lhsContract.includes(k));
  const rFree = [...rs.keys()].filter((k) => !d.rhsBatch.includes(k) && !d.rhsContract.includes(k) && !d.rhsGroup.includes(k));
  const nb = d.lhsBatch.length;
  const cShape = d.lhsContract.map((k) => ls[k]!);
  const lst = stridesOf(ls),
    rst = stridesOf(rs);
  // group_sizes: [g], or [batch..., g] (mode 1 and 2: one row of groups per batch index)
  const perBatch = sizes!.type.shape.length > 1;
  const groupsOf = (bIdx: readonly number[]): number[] => {
    const row = perBatch ? bIdx.reduce((s, v, i) => s * ls[d.lhsBatch[i]!]! + v, 0) : 0;
    return Array.from({ length: g }, (_, i) => Number(getInt(sizes!, row * g + i)));
  };
  /** The group of position p along the ragged dimension (-1 past the groups' total). */
  const groupAt = (groups: number[], p: number): number => {
    let start = 0;
    for (let i = 0; i < groups.length; i++) {
      if (p < start + groups[i]!) return i;
      start += groups[i]!;
    }
    return -1;
  };
  const int = isIntLike(e);
  const rnd = rounderOf(e);
  const read = (v: DenseValue, i: number) => (isIntLike(v.type.element) ? Number(getInt(v, i)) : getFloat(v, i));
  forEachIndex(out.type.shape, (idx, k) => {
    const off = mode === 2 ? 1 : 0;
    const group = mode === 2 ? idx[0]! : -1;
    const li = ls.map(() => 0),
      ri = rs.map(() => 0);
    d.lhsBatch.forEach((dd, i) => (li[dd] = idx[off + i]!));
    d.rhsBatch.forEach((dd, i) => (ri[dd] = idx[off + i]!));
    lFree.forEach((dd, i) => (li[dd] = idx[off + nb + i]!));
    rFree.forEach((dd, i) => (ri[dd] = idx[off + nb + lFree.length + i]!));
    const groups = groupsOf(d.lhsBatch.map((dd) => li[dd]!));
    let gi = group;
    if (mode !== 2) {
      gi = groupAt(groups, li[r]!);
      if (gi < 0) {
        if (int) setInt(out, k, 0n);
        else setFloat(out, k, 0);
        return;
      }
      if (mode === 1) ri[d.rhsGroup[0]!] = gi;
    }
    let accI = 0n,
      accF = 0;
    forEachIndex(cShape, (c) => {
      d.lhsContract.forEach((dd, i) => (li[dd] = c[i]!));
      d.rhsContract.forEach((dd, i) => (ri[dd] = c[i]!));
      // mode 2: only the contracting positions of this group
      if (mode === 2 && groupAt(groups, li[r]!) !== gi) return;
      if (int) accI += getInt(lhs!, linear(li, lst)) * getInt(rhs!, linear(ri, rst));
      else accF = rnd(accF + rnd(read(lhs!, linear(li, lst)) * read(rhs!, linear(ri, rst))));
    });
    if (int) setInt(out, k, accI);
    else setFloat(out, k, accF);
  });
  return [out];
}

export const raggedDotOps: Record<string, Interp> = { "chlo.ragged_dot": raggedDot };
