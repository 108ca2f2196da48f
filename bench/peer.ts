// One JS peer in its own process: `tsx bench/peer.ts --peer ID --data DIR --out FILE [--quick] [--warmup-ms MS] [--cases a,b]`.
// Writes a PeerReport as JSON to FILE. run.ts spawns one of these per peer, so
// a peer that crashes or leaks cannot disturb the others' figures.
import fs from "node:fs";
import { loadCases } from "./lib/cases.js";
import { checksum, readInputs } from "./lib/data.js";
import { loadPeer } from "./lib/peers.js";
import { measure, policyOf } from "./lib/timing.js";
import { BLAS_OFF_OF, type Case, type ImplFactory, type PeerId, type PeerReport } from "./lib/types.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const peer = arg("peer") as PeerId;
const dataDir = arg("data")!;
const outFile = arg("out")!;
const quick = process.argv.includes("--quick");
const warmupMs = Number(arg("warmup-ms") ?? 0);
const only = arg("cases")?.split(",").filter(Boolean);

function factoryFor(c: Case, p: PeerId): ImplFactory | undefined {
  if (p === "tfjs-wasm" || p === "tfjs-cpu") return c.impls.tfjs;
  if (p === "xlatorch" || p === "xlatorch-xla" || p === "jax-js") return c.impls[p];
  const base = BLAS_OFF_OF[p];
  if (base) return c.blas ? c.impls[base] : undefined;
  return undefined;
}

const errText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split("\n")[0]!.slice(0, 400);

const report: PeerReport = { peer, available: false, results: {} };
const save = () => fs.writeFileSync(outFile, JSON.stringify(report, null, 1));

try {
  const cases = await loadCases(only);
  let loaded;
  try {
    loaded = await loadPeer(peer);
  } catch (e) {
    report.why = errText(e);
    save();
    process.exit(0);
  }
  report.available = true;
  report.about = loaded.about;
  save();
  for (const c of cases) {
    const make = factoryFor(c, peer);
    if (!make) continue;
    const skip = c.skip?.[peer];
    if (skip) {
      report.results[c.id] = { skipped: skip };
      continue;
    }
    process.stderr.write(`  [${peer}] ${c.id} ... `);
    try {
      const xla = peer === "xlatorch-xla" || peer === "xlatorch-xla-noblas" ? loaded.ctx.lib.xla : undefined;
      const impl = await make(loaded.ctx, readInputs(dataDir, c));
      const cs = checksum(await impl.output());
      // The lazy device's counters, over this case's timed calls (warm-up included).
      xla?.reset_metrics?.();
      const t = await measure(() => impl.run(), policyOf(quick, warmupMs));
      let info = impl.info ? await impl.info() : undefined;
      if (xla?.metrics) {
        const m = JSON.parse(JSON.stringify(xla.metrics(), (_k, v) => (typeof v === "bigint" ? Number(v) : v)));
        info = { ...(info ?? {}), xla_metrics: m, xla_calls_measured: t.warmup + t.reps };
      }
      impl.dispose?.();
      report.results[c.id] = { ...t, checksum: cs, ...(info ? { info } : {}) };
      process.stderr.write(`${t.median_ms.toFixed(3)} ms (${t.reps} reps)\n`);
    } catch (e) {
      report.results[c.id] = { error: errText(e) };
      process.stderr.write(`error: ${errText(e)}\n`);
    }
    save();
  }
} catch (e) {
  report.why = `harness error: ${errText(e)}`;
}
save();
// The wasm backends keep handles alive; leave explicitly.
process.exit(0);
