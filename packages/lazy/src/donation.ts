// Buffer donation for torch.compile's replays (docs/ARCHITECTURE.md, "Buffer
// donation"): a compiled step that writes a tensor in place (a parameter, a
// moment, a step counter) marks the parameter that reads the tensor's old
// value `tf.aliasing_output = k`, k being the result that becomes its new
// value; a replay donates the old buffer, so the runtime computes the new
// value in its memory (CPU runtime) or reuses it (PJRT), when nothing can read
// the old value any more.
//
// JavaScript cannot count references, so "nothing can read it" is proved by
// construction rather than counted:
//   - the replay's result node owns each of its outputs' buffers (one node per
//     replay, its memory shared with no argument and no other output), and an
//     output stays a donor (`donor[k] = 1`) only while exactly one tensor's
//     payload holds it: the tensor it was written into. Every other way to
//     reach a value clears the flag for good: a node that reads it (makeNode,
//     so pending graphs, values kept for recomputation and autograd's saved
//     tensors all count), a new payload on it (payload(): results, views,
//     cpu fallback), and an assignment that shares it (hold(): copy_ without a
//     copy, a compiled backward's stores, undo). Views and detach() aliases
//     share the payload object (or re-derive from their base after the write),
//     so they see the new value;
//   - at a replay, a parameter is donated only when that flag is set for the
//     value its tensor holds, its buffer is passed once, and nothing the replay
//     reads after the execution (a written tensor's new value, .grad or a
//     result taken from a tensor from before the call) is that tensor.
// On a cpu replay the buffers are the cpu tensors' own storage (cpu_transfer.ts):
// writing the new value into it is what the replay's store did anyway (views
// and detach aliases share the storage), so a donated cpu input only needs
// its storage not to be read after the execution, nor passed twice.
// A plain lazy sync never donates: a value it computes but does not return
// keeps its inputs for recomputation (execute.ts), so an old parameter's
// buffer may be read again by a later graph.
import { internals, storageKey, type Tensor } from "@xlatorch/core";
import type { DeviceBuffer } from "@xlatorch/stablehlo";
import type { GraphBuilder } from "./graph.js";
import type { LazyNode, LazyValue } from "./ir.js";

/** `XLATORCH_DONATION=off` turns donation off (read at start; `enabled` may be set for A/B measurements and bisecting). */
export const donationConfig = { enabled: process.env.XLATORCH_DONATION !== "off" };

/** A parameter whose old value a graph replaces: `after` (an output of the graph) is the tensor's new value. */
export interface AliasPair {
  before: LazyValue;
  after: LazyValue;
}

/**
 * Per parameter slot of `g`: the result index (over `outputs`' values, in
 * order) it may be donated to, or null; null when no pair applies. A value
 * passed in more than one slot (0-d leaves take one per use) is never aliased,
 * nor is a result two parameters would share.
 */
export function aliasingOf(g: GraphBuilder, outputs: readonly LazyNode[], pairs: readonly AliasPair[]): (number | null)[] | null {
  if (pairs.length === 0) return null;
  const offset = new Map<LazyNode, number>();
  let k = 0;
  for (const n of outputs) {
    offset.set(n, k);
    k += n.outs.length;
  }
  const alias: (number | null)[] = new Array(g.params.length).fill(null);
  const taken = new Set<number>();
  let any = false;
  for (const { before, after } of pairs) {
    const off = offset.get(after.node);
    if (off === undefined) continue;
    const out = off + after.index;
    let slot = -1;
    let count = 0;
    g.params.forEach((p, i) => {
      if (p.node === before.node && p.index === before.index) {
        slot = i;
        count++;
      }
    });
    if (count !== 1 || taken.has(out) || alias[slot] !== null) continue;
    const a = before.node.outs[before.index]!;
    const b = after.node.outs[after.index]!;
    if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) continue;
    alias[slot] = out;
    taken.add(out);
    any = true;
  }
  return any ? alias : null;
}

/** The memory behind a runtime buffer: the CPU runtime's array's storage (core's storageKey), else the buffer itself. */
export function memoryOf(b: DeviceBuffer): unknown {
  const d = (b as { s?: { data?: ArrayBufferView } }).s?.data;
  return d && ArrayBuffer.isView(d) ? storageKey(d) : b;
}

/**
 * After a replay's execution: its result node's outputs that may be donated by
 * the next replay, those stored into exactly one written tensor (`sole`) whose
 * memory no argument kept by the caller and no other output shares.
 */
export function markDonors(
  results: LazyNode,
  outs: readonly DeviceBuffer[],
  args: readonly DeviceBuffer[],
  sole: readonly number[],
  donated: readonly boolean[] | null,
): void {
  if (sole.length === 0) return;
  const seen = new Map<unknown, number>();
  // a donated argument's memory is its result's now (the CPU runtime computes in place)
  args.forEach((b, i) => {
    if (!donated?.[i]) seen.set(memoryOf(b), 2);
  });
  for (const b of outs) {
    const m = memoryOf(b);
    seen.set(m, (seen.get(m) ?? 0) + 1);
  }
  const d = new Uint8Array(outs.length);
  for (const k of sole) if (seen.get(memoryOf(outs[k]!)) === 1) d[k] = 1;
  results.donor = d;
}

/** Whether tensor `t`'s current value may be donated (a donor output, held by `t` alone). */
export function donatable(t: Tensor, v: LazyValue): boolean {
  return !internals(t)._base && v.node.donor !== null && v.node.donor[v.index] === 1 && v.node.results !== undefined;
}

/** What a donated output's slot holds afterwards: any use of it fails loudly (runtimes refuse a foreign buffer). */
export function donatedSlot(b: DeviceBuffer): DeviceBuffer {
  return { dtype: b.dtype, shape: b.shape, donated: true } as DeviceBuffer;
}
