// torch.compile's guard on memory shared between the tensors a capture reads
// and writes (capture.ts's refuse). A traced graph bakes in which of them are
// one storage: an argument that is a detach() alias of a parameter the call
// updates reads the updated value; a view argument written in place writes its
// base; the same tensor passed twice is one input. A replay with tensors shared
// differently would compute a silent wrong value (an update not seen, a write
// into the traced call's base instead of the new one), so it is refused and
// the call traced again, as dynamo guards aliased inputs.
//
// Storage identity: a tensor's root (its `_base`, else itself) and that root's
// payload object, which detach() aliases and `.data =` share on both devices.
// A view grouped with another tensor must also sit where it sat when traced
// (cpu: its offset and strides; xla: the same view tensor, its layout not
// always known), since the graph slices the base as the traced view did.
import { internals, type Tensor } from "@xlatorch/core";

/** A tensor a capture reaches: the call's argument at a position, or one tensor by identity. */
export type TensorRef = { kind: "arg"; index: number } | { kind: "tensor"; t: Tensor };

export interface AliasGuard {
  refs: TensorRef[];
  /** Per ref: the index of the first ref sharing its storage when traced (itself when none). */
  group: number[];
  /** Views in a group of several, and where each sat (cpu) or which tensor it was (xla). */
  views: { ref: number; where: string | Tensor }[];
}

const tensorOf = (r: TensorRef, args: readonly Tensor[]): Tensor => (r.kind === "arg" ? args[r.index]! : r.t);

const storageKey = (t: Tensor): unknown => {
  const ti = internals(t);
  return internals(ti._base ?? t)._payload;
};

const placeOf = (t: Tensor): string | Tensor => (t.device.type === "cpu" ? `${t.storage_offset()}:${t.stride().join(",")}` : t);

/** Groups of `ts` by storage: per tensor, the index of the first one sharing it. */
function groups(ts: readonly Tensor[]): number[] {
  const first = new Map<unknown, number>();
  return ts.map((t, i) => {
    const k = storageKey(t);
    const f = first.get(k);
    if (f !== undefined) return f;
    first.set(k, i);
    return i;
  });
}

/** The guard for `refs` as they stand with the traced call's argument tensors `args` (payloads their own again). */
export function aliasGuard(refs: TensorRef[], args: readonly Tensor[]): AliasGuard {
  const ts = refs.map((r) => tensorOf(r, args));
  const group = groups(ts);
  const many = new Set<number>();
  group.forEach((g, i) => {
    if (g !== i) many.add(g).add(i);
  });
  const views = [...many].filter((i) => internals(ts[i]!)._base !== null).map((i) => ({ ref: i, where: placeOf(ts[i]!) }));
  return { refs, group, views };
}

/** Why a replay with argument tensors `args` would share memory differently than the traced call, or null. */
export function aliasChange(g: AliasGuard, args: readonly Tensor[]): string | null {
  const ts = g.refs.map((r) => tensorOf(r, args));
  const now = groups(ts);
  for (let i = 0; i < now.length; i++)
    if (now[i] !== g.group[i])
      return `guard failed: ${describe(g.refs[i]!)} ${now[i] === i ? "no longer shares memory with" : "now shares memory with"} ${describe(g.refs[now[i] === i ? g.group[i]! : now[i]!]!)} (it did${now[i] === i ? "" : " not"} when traced)`;
  for (const v of g.views) {
    const t = ts[v.ref]!;
    if (internals(t)._base === null || (typeof v.where === "string" ? placeOf(t) !== v.where : t !== v.where))
      return `guard failed: ${describe(g.refs[v.ref]!)} is another view of the memory it shares than when traced`;
  }
  return null;
}

const describe = (r: TensorRef): string => (r.kind === "arg" ? `argument tensor ${r.index}` : "a tensor the call reads or writes");

/** The refs of a capture: every argument tensor, then each tensor it reaches by identity (once). */
export function captureRefs(argCount: number, tensors: Iterable<Tensor>): TensorRef[] {
  const refs: TensorRef[] = [];
  for (let i = 0; i < argCount; i++) refs.push({ kind: "arg", index: i });
  const seen = new Set<Tensor>();
  for (const t of tensors)
    if (!seen.has(t)) {
      seen.add(t);
      refs.push({ kind: "tensor", t });
    }
  return refs;
}
