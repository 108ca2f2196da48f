// The `xla` device: primitives append IR nodes instead of computing. Views are
// re-derived from their base when it changes, and in-place writes through a
// view rewrite the base functionally (a scatter of the view's positions).
import { bind1, int64, no_grad, P, registerDevice, type AVal, type DeviceBackend, type DType, type HostArray, type Primitive, type Shape, type Tensor } from "@xlatorch/core";
import { materialize, readHost } from "./execute.js";
import { makeNode, type LazyValue, type XlaPayload } from "./ir.js";
import { metrics } from "./metrics.js";

const payloadOf = (t: Tensor) => t._payload as XlaPayload;

/** The current IR value of a tensor (views re-derived if their base was written). */
export function valueOf(t: Tensor): LazyValue {
  const p = payloadOf(t);
  if (t._base && p.seen !== t._vc.v) {
    const fresh = no_grad(() => t._viewFn!(t._base!));
    p.value = payloadOf(fresh).value;
    p.seen = t._vc.v;
  }
  return p.value;
}

/** Payloads written in place (parameters, optimizer state): what sync() materialises. */
const stateful = new Set<WeakRef<XlaPayload>>();
function track(p: XlaPayload): void {
  if (!p.mutated) { p.mutated = true; stateful.add(new WeakRef(p)); }
}

export const xlaBackend: DeviceBackend = {
  type: "xla",
  run(prim: Primitive, inputs: readonly Tensor[], attrs: unknown, outs: readonly AVal[]): XlaPayload[] {
    metrics.opsRecorded++;
    const node = makeNode(prim.name, inputs.map(valueOf), attrs, outs);
    const seen = prim.isView ? inputs[0]!._vc.v : 0;
    return outs.map((_, index) => ({ value: { node, index }, seen, mutated: false }));
  },
  fromHost(data: HostArray, shape: Shape, dtype: DType): XlaPayload {
    const node = makeNode("data", [], null, [{ shape: [...shape], dtype }]);
    node.host = data;
    return { value: { node, index: 0 }, seen: 0, mutated: false };
  },
  toHost(t: Tensor): HostArray {
    return readHost(valueOf(t));
  },
  write(target: Tensor, value: Tensor): void {
    const v = valueOf(value);
    if (!target._base) {
      const p = payloadOf(target);
      p.value = v;
      track(p);
      return;
    }
    const base = target._base;
    no_grad(() => {
      const iota = bind1(P.iota!, [], { shape: [base.numel()], dim: 0, dtype: int64 }, base.device);
      const positions = target._viewFn!(iota.reshape([...base.shape]));
      const flat = bind1(P.scatter!, [base.reshape(-1), positions.reshape(-1, 1), value.reshape(-1)], { reduce: "none" });
      const p = payloadOf(base);
      p.value = valueOf(flat.reshape([...base.shape]));
      track(p);
    });
    // the target's own value is re-derived from the new base after the version bump
  },
  peekHost(t: Tensor): HostArray | null {
    // index tensors made on the host and moved here are still host data: bounds can be checked at the call
    const v = valueOf(t);
    return v.node.op === "data" && v.node.host && !v.node.results ? v.node.host : null;
  },
  sync(tensors: readonly Tensor[]): void {
    materialize(tensors.map(valueOf));
  },
};

/** torch.xla.sync(): materialise all state written in place, plus `extra`. */
export function syncAll(extra: readonly Tensor[] = []): void {
  const values: LazyValue[] = [];
  for (const ref of stateful) {
    const p = ref.deref();
    if (!p) { stateful.delete(ref); continue; }
    values.push(p.value);
  }
  // other devices' tensors have nothing pending (PyTorch/XLA's sync ignores them too)
  for (const t of extra) if (t.device.type === "xla") values.push(valueOf(t));
  materialize(values);
}

registerDevice(xlaBackend);
