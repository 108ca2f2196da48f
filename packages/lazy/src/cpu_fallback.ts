// The CPU fallback: primitives without a StableHLO lowering (CPU_FALLBACK: the
// host-computed decompositions qr, eigh, svd, lu) run on the host, like
// PyTorch/XLA's aten fallbacks. The operands are materialised (a cut of the
// open trace, reason "cpu fallback", in every execution mode), the cpu device's
// kernel runs on host copies, and the results come back as device data: later
// ops use them as graph parameters. Autograd records the primitive as usual
// (its VJP is written with ops, so the backward is traced like any other).
// metrics().cpuFallbacks counts the calls per primitive.
import { bind, device, fromHost, getBackend, no_grad, onHost, type AVal, type Primitive } from "@xlatorch/core";
import { userLocation } from "./explain.js";
import { isLeaf, makeNode, payload, type LazyValue, type XlaPayload } from "./ir.js";
import { metrics } from "./metrics.js";
import { getRuntime } from "./runtime_slot.js";
import { bufferOf } from "./trace.js";

const CPU = device("cpu");

export function runOnHost(prim: Primitive, ins: readonly LazyValue[], attrs: unknown, outs: readonly AVal[]): XlaPayload[] {
  metrics.cpuFallbacks[prim.name] = (metrics.cpuFallbacks[prim.name] ?? 0) + 1;
  const operands = ins.map((v) => {
    const where = isLeaf(v) ? null : userLocation();
    const h = getRuntime().toHost(bufferOf(v, "cpu fallback", where));
    metrics.transfersFromDevice++;
    metrics.bytesFromDevice += h.byteLength;
    const a = v.node.outs[v.index]!;
    return fromHost(h, a.shape, a.dtype, CPU);
  });
  // outside torch.compile's hooks: a compiled cpu call would route the cpu kernel back to the recorder
  const results = onHost(() => no_grad(() => bind(prim, operands, attrs)));
  const cpu = getBackend("cpu");
  return results.map((t, i) => {
    const node = makeNode("data", [], null, [outs[i]!]);
    node.host = cpu.toHost(t);
    return payload(node);
  });
}
