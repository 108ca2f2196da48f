// Materialising lazy values: cut the trace, look the graph up in the cache,
// lower + compile on a miss, upload pending host data, execute, and turn the
// computed nodes into device data.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { printModule, type DeviceBuffer, type HostArray } from "@xlatorch/stablehlo";
import { GraphCache } from "./cache.js";
import { explainRecompile, userStack } from "./explain.js";
import { buildGraph, lowerGraph } from "./graph.js";
import type { LazyNode, LazyValue } from "./ir.js";
import { metrics } from "./metrics.js";
import { getRuntime } from "./runtime_slot.js";

export const graphCache = new GraphCache();
const now = () => performance.now();

/** Device buffers for 1-element host data, keyed by value: lifted scalars (lr, step) upload once. */
const scalarBuffers = new Map<string, DeviceBuffer>();

function upload(node: LazyNode): DeviceBuffer {
  const rt = getRuntime();
  const a = node.outs[0]!;
  const host = node.host!;
  const small = host.length === 1 ? `${rt.platform}:${a.dtype.name}:[${a.shape.join(",")}]:${String(host[0])}` : null;
  let buf = small ? scalarBuffers.get(small) : undefined;
  if (!buf) {
    buf = rt.toDevice(host, a.dtype.name, a.shape);
    metrics.transfersToDevice++;
    metrics.bytesToDevice += host.byteLength;
    if (small) {
      if (scalarBuffers.size > 4096) scalarBuffers.clear();
      scalarBuffers.set(small, buf);
    }
  }
  node.results = [buf];
  node.host = undefined;
  return buf;
}

export function bufferOf(v: LazyValue): DeviceBuffer {
  if (v.node.results?.[v.index]) return v.node.results[v.index]!;
  if (v.node.op === "data") return upload(v.node);
  materialize([v]);
  return v.node.results![v.index]!;
}

export function materialize(values: readonly LazyValue[]): void {
  const t0 = now();
  const g = buildGraph(values);
  if (g.nodes.length === 0) return;
  const rt = getRuntime();
  const key = `${rt.platform}/${rt.devices.join(",")}#${g.key}`;
  metrics.traceMs += now() - t0;
  let entry = graphCache.get(key);
  if (entry) metrics.cachedCompiles++;
  else {
    if (graphCache.size > 0) {
      const reason = explainRecompile(g, graphCache.entries());
      metrics.lastRecompileReason = reason;
      if (process.env.XLATORCH_DEBUG_RECOMPILE) {
        console.warn(`[xlatorch] recompiling (${graphCache.size} graphs cached): ${reason}\n  at sync:\n${userStack()}`);
      }
    }
    const t1 = now();
    const module = lowerGraph(g);
    metrics.lowerMs += now() - t1;
    if (process.env.XLATORCH_DUMP_DIR) dumpModule(module);
    const t2 = now();
    const exe = rt.compile(module);
    metrics.compileMs += now() - t2;
    metrics.uncachedCompiles++;
    entry = { exe, paramSigs: g.paramSigs, opSigs: g.opSigs };
    graphCache.set(key, entry);
  }
  const args = g.params.map(bufferOf);
  const t3 = now();
  const outs = rt.execute(entry.exe, args);
  metrics.executeMs += now() - t3;
  metrics.executions++;
  g.outputs.forEach((v, i) => {
    const n = v.node;
    (n.results ??= new Array(n.outs.length))[v.index] = outs[i]!;
  });
  for (const v of g.outputs) {
    const n = v.node;
    if (n.results && n.outs.every((_, i) => n.results![i])) n.inputs = [];
  }
}

export function readHost(v: LazyValue): HostArray {
  const buf = bufferOf(v);
  const h = getRuntime().toHost(buf);
  metrics.transfersFromDevice++;
  metrics.bytesFromDevice += h.byteLength;
  return h;
}

let dumpCount = 0;
function dumpModule(m: Parameters<typeof printModule>[0]): void {
  const dir = process.env.XLATORCH_DUMP_DIR!;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `module_${String(dumpCount++).padStart(4, "0")}.mlir`), printModule(m));
}
