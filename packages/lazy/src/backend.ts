// The `xla` device: primitives append IR nodes to the open trace (trace.ts)
// instead of computing. Views are re-derived from their base when it changes,
// and in-place writes through a view rewrite the base functionally (a scatter
// of the view's positions).
import {
  bind1,
  contiguousStrides,
  currentOp,
  int64,
  internals,
  no_grad,
  P,
  registerDevice,
  sameShape,
  TorchError,
  type AVal,
  type DeviceBackend,
  type DType,
  type HostArray,
  type Primitive,
  type Shape,
  type Tensor,
  type ViewBox,
  viewBoxOf,
  writeThroughReinterpret,
  writeViewBox,
} from "@xlatorch/core";
import { runOnHost } from "./cpu_fallback.js";
import { dynamicPadOf, dynamicSliceOf } from "./slice_sites.js";
import { CPU_FALLBACK } from "./cpu_fallback_prims.js";
import { activeCapture } from "./capture_state.js";
import { userLocation } from "./explain.js";
import { hold, makeNode, outputOf, payload, type LazyNode, type LazyValue, type XlaPayload } from "./ir.js";
import { metrics } from "./metrics.js";
import { currentMode, nanCheckEnabled } from "./modes.js";
import { getRuntime } from "./runtime_slot.js";
import { viewLayout, type Layout } from "./view_layout.js";
import { cut, didWrite, hint, materialize, noteWrite, readHost, record, willWrite } from "./trace.js";

const payloadOf = (t: Tensor) => internals(t)._payload as XlaPayload;

/** The current IR value of a tensor (views re-derived if their base was written). */
export function valueOf(t: Tensor): LazyValue {
  let p = payloadOf(t);
  // a cpu tensor traced by a compiled cpu call (capture.ts) until it is lifted
  if (p.value === undefined) {
    const cap = activeCapture();
    if (!cap) throw new Error(`xla device: internal error: a ${t.device} tensor reached the recorder outside a capture`);
    p = cap.lift(t);
  }
  const ti = internals(t);
  if (ti._base && p.seen !== ti._vc.v) rederive(t, p);
  return p.value;
}
/** A view whose base was written since its value was derived takes its value from the base again. (Its own function: a closure in valueOf would make every call, at every input of every op, allocate a context.) */
function rederive(t: Tensor, p: XlaPayload): void {
  const ti = internals(t);
  const base = ti._base!;
  const fresh = no_grad(() => ti._viewFn!(base));
  p.value = payloadOf(fresh).value;
  p.seen = ti._vc.v;
}

/** A tensor's strides and offset as a strided device would have them (view_layout.ts). */
function layoutOf(t: Tensor): Layout {
  return viewLayoutOf(t) ?? { strides: contiguousStrides(t.shape), offset: 0 };
}

/** A view's layout; undefined for a dense tensor (contiguous strides, offset 0), which stride() and is_contiguous() ask about at most ops. */
function viewLayoutOf(t: Tensor): Layout | undefined {
  const p = payloadOf(t);
  const v = p.viewOf;
  if (v !== undefined) {
    // computed when first asked (stride(), an overlap check), not at every view op
    p.viewOf = undefined;
    const parentLayout = layoutOf(v.parent);
    const layout = viewLayout(v.op, v.parent.shape, parentLayout, v.attrs, t.shape);
    // the storage it indexes: the parent's own if the parent is dense, else the parent's root (view_write.ts)
    const pp = payloadOf(v.parent);
    // (a literal, not a spread: the spread was most of this function's time in the LSTM char-RNN's profile)
    if (layout)
      p.layout =
        layout.loose || layout.reinterpreted
          ? layout
          : { strides: layout.strides, offset: layout.offset, root: pp.layout ? pp.layout.root : pp };
  }
  return p.layout;
}

/** The box of its base a view covers, when its layout was derived from the base's storage through view primitives only. */
function viewBoxOfTarget(target: Tensor): ViewBox | null {
  const base = internals(target)._base;
  if (!base) return null;
  const layout = layoutOf(target);
  return layout.root === payloadOf(base) ? viewBoxOf(base.shape, target.shape, layout.strides, layout.offset) : null;
}

export const xlaBackend: DeviceBackend = {
  type: "xla",
  run(prim: Primitive, inputs: readonly Tensor[], attrs: unknown, outs: readonly AVal[]): XlaPayload[] {
    metrics.opsRecorded++;
    const ins: LazyValue[] = new Array(inputs.length);
    for (let i = 0; i < inputs.length; i++) ins[i] = valueOf(inputs[i]!);
    const cap = activeCapture();
    if (cap) for (let i = 0; i < inputs.length; i++) cap.noteRead(inputs[i]!, ins[i]!);
    const name = prim.name;
    if (CPU_FALLBACK.has(name)) {
      // computed on the host now: a compiled call's replay could not compute it again
      cap?.noteBreak(`${name} has no StableHLO lowering (computed on the host)`, userLocation());
      return runOnHost(prim, ins, attrs, outs);
    }
    // (a slice of device data whose start moves between graphs: its starts become parameters, slice_sites.ts)
    // (and the zero pad that is such a slice's gradient)
    const dyn = cap
      ? null
      : name === "slice"
        ? dynamicSliceOf(payloadOf(inputs[0]!), ins[0]!, attrs as { start: number[]; step: number[] }, outs)
        : name === "pad"
          ? dynamicPadOf(attrs as { low: number[]; interior: number[]; value: number }, ins[0]!, outs)
          : null;
    const node = dyn ?? makeNode(name, ins, attrs, outs);
    record(node);
    if (currentMode() === "debug") afterDebugOp(node, ins);
    const isView = prim.isView === true;
    const seen = isView ? internals(inputs[0]!)._vc.v : 0;
    const ps: XlaPayload[] = new Array(outs.length);
    for (let i = 0; i < outs.length; i++) {
      const p = payload(i === 0 ? node : outputOf(node, i));
      p.seen = seen;
      ps[i] = p;
    }
    if (isView) ps[0]!.viewOf = { op: name, parent: inputs[0]!, attrs };
    return ps;
  },
  fromHost(data: HostArray, shape: Shape, dtype: DType): XlaPayload {
    const node = makeNode("data", [], null, [{ shape: [...shape], dtype }]);
    node.host = data;
    return payload(node);
  },
  toHost(t: Tensor): HostArray {
    return readHost(valueOf(t));
  },
  retain(t: Tensor): void {
    hint(valueOf(t), 1);
  },
  discard(t: Tensor): void {
    hint(valueOf(t), -1);
  },
  willWrite(target: Tensor): void {
    willWrite(payloadOf(internals(target)._base ?? target));
  },
  didWrite(target: Tensor): void {
    didWrite(payloadOf(internals(target)._base ?? target));
  },
  write(target: Tensor, value: Tensor): void {
    const v = valueOf(value);
    const ti = internals(target);
    const cap = activeCapture();
    if (cap) {
      cap.noteRead(value, v);
      const base = ti._base ?? target;
      cap.noteWrite(base, valueOf(base));
    }
    if (!ti._base) {
      const p = payloadOf(target);
      hold(v); // `value` holds it too: no compiled replay may donate it (donation.ts)
      p.value = v;
      noteWrite(p);
      return;
    }
    writeThroughView(target, value);
    // the target's own value is re-derived from the new base after the version bump
  },
  viewBox: (target) => viewBoxOfTarget(target),
  strides: (t) => {
    const l = viewLayoutOf(t);
    return l ? [...l.strides] : contiguousStrides(t.shape);
  },
  storageOffset: (t) => viewLayoutOf(t)?.offset ?? 0,
  peekHost(t: Tensor): HostArray | null {
    // index tensors made on the host and moved here are still host data: bounds can be checked at the call
    const v = valueOf(t);
    return v.node.op === "data" && v.node.host && !v.node.results ? v.node.host : null;
  },
  sync(tensors: readonly Tensor[]): void {
    materialize(tensors.map(valueOf));
  },
};

/** An in-place write through a view rewrites its base. (Its own function: the closure in write would make every write allocate a context.) */
function writeThroughView(target: Tensor, value: Tensor): void {
  const ti = internals(target);
  const base = ti._base!;
  no_grad(() => {
    const p = payloadOf(base);
    // a view that is a box of the base (slices, selects, transposes): one windowed scatter (core/src/view_box.ts)
    const box = sameShape(value.shape, target.shape) ? viewBoxOfTarget(target) : null;
    // through view_as_real, real/imag, view(dtype): scatter and bitcast back (core/src/view_reinterpret.ts)
    const reinterpreted = box ? null : writeThroughReinterpret(base, target, value);
    if (reinterpreted) p.value = valueOf(reinterpreted);
    else if (box) p.value = valueOf(writeViewBox(base, value, box));
    else {
      // any other view: a scatter of every element's position, found by viewing an iota of the base
      const iota = bind1(P.iota!, [], { shape: [base.numel()], dim: 0, dtype: int64 }, base.device);
      const positions = ti._viewFn!(iota.reshape(base.shape.slice()));
      const flat = bind1(P.scatter!, [base.reshape(-1), positions.reshape(-1, 1), value.reshape(-1)], { reduce: "none" });
      p.value = valueOf(flat.reshape(base.shape.slice()));
    }
    noteWrite(p);
  });
}

/** torch.xla.sync(): execute the open trace, returning `extra` too. */
export function syncAll(extra: readonly Tensor[] = []): void {
  // other devices' tensors have nothing pending (PyTorch/XLA's sync ignores them too)
  materialize(extra.filter((t) => t.device.type === "xla").map(valueOf));
}

/** Debug mode: wait for the op, and with the NaN check on, name the op and line that made a NaN/Inf. */
function afterDebugOp(node: LazyNode, inputs: readonly LazyValue[]): void {
  const rt = getRuntime();
  rt.synchronize?.();
  if (!nanCheckEnabled() || !node.results) return;
  const bad = node.results.findIndex((b, i) => node.outs[i]!.dtype.is_floating_point && !allFinite(rt.toHost(b), b.dtype));
  if (bad < 0) return;
  // only the op that produced it: inputs that already held NaN/Inf were named at their own op
  const inputsFinite = inputs.every((v) => {
    const b = v.node.results?.[v.index];
    return !b || !v.node.outs[v.index]!.dtype.is_floating_point || allFinite(rt.toHost(b), b.dtype);
  });
  if (!inputsFinite) return;
  throw new TorchError(
    `xla debug mode: ${currentOp() ?? node.op} (primitive ${node.op}) produced NaN or Inf in output ${bad} (${node.outs[bad]!.dtype.name}[${node.outs[bad]!.shape.join(", ")}]) at ${userLocation()}`,
  );
}

function allFinite(h: HostArray, dtype: string): boolean {
  // half types are stored as bits: an all-ones exponent is Inf or NaN
  if (dtype === "float16") {
    for (const b of h as Uint16Array) if ((b & 0x7c00) === 0x7c00) return false;
    return true;
  }
  if (dtype === "bfloat16") {
    for (const b of h as Uint16Array) if ((b & 0x7f80) === 0x7f80) return false;
    return true;
  }
  for (let i = 0; i < h.length; i++) if (!Number.isFinite(h[i] as number)) return false;
  return true;
}

export { cut };
registerDevice(xlaBackend);
