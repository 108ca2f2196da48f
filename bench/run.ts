// Side-by-side benchmarks: xlatorch vs PyTorch CPU, TF.js (wasm, cpu), jax-js.
//
//   npx tsx bench/run.ts [--quick] [--cases id,prefix,...] [--peers p,q,...]
//                        [--name NAME] [--no-write] [--cpu-prof PEER] [--ignore-needs]
//                        [--max-wait SECONDS]   (wait for a quiet machine before each peer; default 120, 0 with --quick)
//                        [--retries N]          (re-run a peer disturbed by other work; default 2, 0 with --quick)
//                        [--warmup-ms MS]       (every peer warms up until MS ms of calls, at most 500; default 3000, 0 with --quick: 3 calls)
//
// Cases are the modules in bench/cases/ (one file each, see bench/README.md);
// every peer runs in its own process, on the same input data, in the same run.
// Results go to bench/results/<group>.json and .md, one pair per case group
// (Case.group: "eager-cpu" by default, "lazy-cpu" for the xla cases), or all
// into bench/results/<name>.* with --name.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadCases } from "./lib/cases.js";
import { checksumsAgree, inputFile, writeInputs } from "./lib/data.js";
import { policyOf } from "./lib/timing.js";
import { BLAS_OFF_OF, PEERS, type Case, type PeerCaseResult, type PeerId, type PeerReport } from "./lib/types.js";

const require = createRequire(import.meta.url);
const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes("--quick");
const noWrite = process.argv.includes("--no-write");
const only = arg("cases")?.split(",").filter(Boolean);
const peerFilter = arg("peers")?.split(",").filter(Boolean) as PeerId[] | undefined;
const nameOpt = arg("name");
const profPeer = arg("cpu-prof");
const ignoreNeeds = process.argv.includes("--ignore-needs");
const maxWaitS = Number(arg("max-wait") ?? (quick ? 0 : 120));
const retries = Number(arg("retries") ?? (quick ? 0 : 2));
// time-based warm-up for every peer alike (lib/timing.ts warmupMs): the steady state of a training
// loop, not V8's first tens of calls (bench/README.md, Timing); 0: the 3 calls only (--quick too)
const warmupMs = Number(arg("warmup-ms") ?? (quick ? 0 : 3000));
const PYTHON = process.env.TORCH_PYTHON ?? "/usr/bin/python3";

// ---------------------------------------------------------------- machine
function machine(): Record<string, unknown> {
  const info = fs.readFileSync("/proc/cpuinfo", "utf8");
  const field = (k: string) => new RegExp(`^${k}\\s*:\\s*(.*)$`, "m").exec(info)?.[1]?.trim();
  const flags = (field("flags") ?? "").split(/\s+/);
  const simd = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16", "avx512_vnni"].filter((f) =>
    flags.includes(f),
  );
  let gitRev = "?";
  try {
    gitRev = fs.readFileSync(path.join(ROOT, ".git", "HEAD"), "utf8").trim();
    if (gitRev.startsWith("ref: ")) gitRev = fs.readFileSync(path.join(ROOT, ".git", gitRev.slice(5)), "utf8").trim();
  } catch {
    /* not a checkout */
  }
  return {
    cpu_model: field("model name"),
    cpu_family: field("cpu family"),
    cpu_model_number: field("model"),
    cpu_stepping: field("stepping"),
    cache: field("cache size"),
    simd,
    hypervisor: flags.includes("hypervisor"),
    cores: os.cpus().length,
    available_parallelism: os.availableParallelism?.() ?? os.cpus().length,
    memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavg_at_start: os.loadavg().map((x) => +x.toFixed(2)),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
    git_head: gitRev.slice(0, 12),
    // What was measured is the working tree: list library files that differ from HEAD.
    packages_uncommitted: (() => {
      const r = spawnSync("git", ["status", "--porcelain", "--", "packages"], { cwd: ROOT, encoding: "utf8" });
      return r.status === 0
        ? r.stdout
            .split("\n")
            .filter(Boolean)
            .map((l) => l.trim())
        : ["(git status failed)"];
    })(),
  };
}

/** Fraction of all CPUs busy over `ms` (from /proc/stat): other work on the machine skews every figure. */
async function cpuBusy(ms: number): Promise<number> {
  const read = () => {
    const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3]! + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return b.total === a.total ? 0 : 1 - (b.idle - a.idle) / (b.total - a.total);
}

/**
 * Watches the machine while peer process `pid` runs: the share of all CPU time
 * spent by other processes (busy time minus the peer's own CPU time).
 */
function watchOthers(pid: number | undefined): () => number | undefined {
  const stat = () => {
    const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3]! + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
  };
  const own = (): number | undefined => {
    try {
      const t = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = t
        .slice(t.lastIndexOf(")") + 2)
        .split(" ")
        .map(Number);
      return f[11]! + f[12]! + f[13]! + f[14]!; // utime stime cutime cstime
    } catch {
      return undefined;
    }
  };
  const a = stat();
  const ownStart = own() ?? 0;
  let last = { s: a, own: ownStart };
  const timer = setInterval(() => {
    const o = own();
    if (o !== undefined) last = { s: stat(), own: o };
  }, 200);
  return () => {
    clearInterval(timer);
    const dt = last.s.total - a.total;
    if (pid === undefined || dt <= 0) return undefined;
    const busy = dt - (last.s.idle - a.idle);
    return Math.max(0, (busy - (last.own - ownStart)) / dt);
  };
}

/** Wait (up to maxWaitS) for the machine to go quiet before a peer starts; returns the busy fraction seen last. */
async function waitQuiet(maxWaitS: number): Promise<number> {
  const until = Date.now() + maxWaitS * 1000;
  let busy = await cpuBusy(500);
  while (busy > 0.2 && Date.now() < until) {
    process.stderr.write(`  (machine ${(busy * 100).toFixed(0)}% busy with other work; waiting)\n`);
    await new Promise((r) => setTimeout(r, 3000));
    busy = await cpuBusy(500);
  }
  return busy;
}

// ---------------------------------------------------------------- peers
/** Per peer: share of the machine's CPU time other processes used while it ran. */
const othersBusy: Record<string, number | undefined> = {};

// TF.js's "install tfjs-node" banner.
const TFJS_BANNER = /^=+\n?$|Hi, looks like you are running TensorFlow\.js in Node\.js/;

async function runJsPeer(peer: PeerId, dataDir: string, cases: Case[]): Promise<PeerReport> {
  const outFile = path.join(dataDir, `report.${peer}.json`);
  // tsx as an --import loader (not its CLI, which would add a second process).
  const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
  const nodeArgs: string[] = [];
  if (profPeer === peer) nodeArgs.push("--cpu-prof", "--cpu-prof-dir", path.join(BENCH, "results", "profiles"));
  const args = [
    ...nodeArgs,
    "--import",
    tsxLoader,
    path.join(BENCH, "peer.ts"),
    "--peer",
    peer,
    "--data",
    dataDir,
    "--out",
    outFile,
    "--cases",
    cases.map((c) => c.id).join(","),
  ];
  if (quick) args.push("--quick");
  if (warmupMs > 0) args.push("--warmup-ms", String(warmupMs));
  const code = await new Promise<number>((resolve) => {
    // the persistent compile cache stays off unless asked for, so each run measures its own compiles
    const base = { XLATORCH_CACHE_DIR: "off", ...process.env };
    const env = BLAS_OFF_OF[peer] ? { ...base, XLATORCH_BLAS: "off" } : base;
    const p = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env });
    const others = watchOthers(p.pid);
    let tail = "";
    p.stderr.on("data", (d: Buffer) => {
      const s = d.toString();
      // Peer progress lines go through; a wasm module's giant source dump does not.
      for (const line of s.split(/(?<=\n)/)) if (line.length < 300 && !TFJS_BANNER.test(line)) process.stderr.write(line);
      tail = (tail + s).slice(-2000);
    });
    p.on("close", (c) => {
      othersBusy[peer] = others();
      if (c !== 0)
        process.stderr.write(
          `  [${peer}] exited ${c}: ${tail
            .split("\n")
            .filter((l) => l.length < 300)
            .slice(-5)
            .join(" | ")}\n`,
        );
      resolve(c ?? -1);
    });
  });
  if (fs.existsSync(outFile)) {
    const r = JSON.parse(fs.readFileSync(outFile, "utf8")) as PeerReport;
    if (code !== 0 && !r.why) r.why = `process exited with ${code} after the cases shown`;
    return r;
  }
  return { peer, available: false, why: `process exited with ${code} before reporting`, results: {} };
}

async function runTorch(dataDir: string, cases: Case[]): Promise<PeerReport> {
  const withTorch = cases.filter((c) => c.torch && !c.skip?.torch);
  const spec = {
    policy: policyOf(quick, warmupMs),
    cases: withTorch.map((c) => ({
      id: c.id,
      inputs: c.inputs.map((i) => ({ name: i.name, shape: i.shape, file: inputFile(dataDir, c, i) })),
      setup: c.torch!.setup ?? "",
      expr: c.torch!.expr,
    })),
  };
  const specFile = path.join(dataDir, "torch_spec.json");
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const r = await new Promise<{ code: number; out: string }>((resolve) => {
    const p = spawn(PYTHON, [path.join(BENCH, "torch_bench.py"), specFile], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const others = watchOthers(p.pid);
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => process.stderr.write(d));
    p.on("error", (e) => resolve({ code: -1, out: String(e) }));
    p.on("close", (code) => {
      othersBusy.torch = others();
      resolve({ code: code ?? -1, out });
    });
  });
  try {
    const rep = JSON.parse(r.out.trim().split("\n").pop()!) as PeerReport;
    for (const c of cases) if (c.skip?.torch) rep.results[c.id] = { skipped: c.skip.torch };
    return rep;
  } catch {
    return { peer: "torch", available: false, why: `${PYTHON} torch_bench.py failed (exit ${r.code}): ${r.out.slice(-300)}`, results: {} };
  }
}

function peerHasWork(peer: PeerId, cases: Case[]): boolean {
  return cases.some((c) => {
    if (peer === "torch") return !!c.torch;
    if (peer === "tfjs-wasm" || peer === "tfjs-cpu") return !!c.impls.tfjs;
    const base = BLAS_OFF_OF[peer];
    if (base) return !!c.blas && !!c.impls[base];
    return !!c.impls[peer as "xlatorch" | "xlatorch-xla" | "jax-js"];
  });
}

// ---------------------------------------------------------------- figures
function figure(c: Case, r: PeerCaseResult | undefined): number | undefined {
  if (!r || r.median_ms === undefined) return undefined;
  if (c.unit === "GFLOP/s") return c.flops! / (r.median_ms * 1e-3) / 1e9;
  if (c.unit === "us/op") return (r.median_ms * 1e3) / (c.opsPerRun ?? 1);
  return r.median_ms;
}
const fmt = (x: number | undefined, digits = 3): string =>
  x === undefined ? "—" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toPrecision(digits);
const fmtRatio = (x: number | undefined): string => (x === undefined ? "—" : x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`);

function cell(c: Case, rep: PeerReport | undefined): string {
  if (!rep) return "—";
  if (!rep.available) return "n/a";
  const r = rep.results[c.id];
  if (!r) return "—";
  if (r.skipped) return "skip";
  if (r.error) return "error";
  return fmt(figure(c, r));
}

// ---------------------------------------------------------------- main
let cases = await loadCases(only);
if (cases.length === 0) throw new Error(`no cases match ${only}`);
const dropped: { id: string; why: string; group: string }[] = [];
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-bench-"));
const t0 = Date.now();
try {
  process.stderr.write(`bench: ${cases.length} cases, inputs in ${dataDir}${quick ? " (quick)" : ""}\n`);
  writeInputs(dataDir, cases);
  const mach = machine();
  // Peers some case needs run first: a case whose needed peer is unavailable is dropped before the others run it.
  const needed = new Set(cases.flatMap((c) => c.needs ?? []));
  const candidates: PeerId[] = [...PEERS].filter((p) => (!peerFilter || peerFilter.includes(p) || needed.has(p)) && peerHasWork(p, cases));
  const order: PeerId[] = [...candidates.filter((p) => needed.has(p)), ...candidates.filter((p) => !needed.has(p))];
  const reports = new Map<PeerId, PeerReport>();
  const backgroundBusy: Record<string, number> = {};
  for (const p of order) {
    if (!peerHasWork(p, cases)) continue;
    // A peer whose run shared the machine with other work (over 15% of it) is
    // run again, up to `retries` times; the least disturbed run is kept.
    let rep: PeerReport | undefined;
    let bestOthers = Infinity;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const busy = await waitQuiet(maxWaitS);
      process.stderr.write(
        `peer ${p}${attempt ? ` (again, ${attempt}/${retries})` : ""} (machine ${(busy * 100).toFixed(0)}% busy before start)\n`,
      );
      const r = p === "torch" ? await runTorch(dataDir, cases) : await runJsPeer(p, dataDir, cases);
      const o = othersBusy[p] ?? 0;
      if (!rep || o < bestOthers) {
        rep = r;
        bestOthers = o;
        backgroundBusy[p] = +busy.toFixed(3);
      }
      if (!r.available || o <= 0.15) break;
      process.stderr.write(`  [${p}] other processes used ${(o * 100).toFixed(0)}% of the machine during this run\n`);
    }
    othersBusy[p] = bestOthers;
    if (!rep!.available) process.stderr.write(`  [${p}] not available: ${rep!.why}\n`);
    else if (bestOthers > 0.15)
      process.stderr.write(
        `  [${p}] warning: kept a run during which other processes used ${(bestOthers * 100).toFixed(0)}% of the machine\n`,
      );
    reports.set(p, rep!);
    if (needed.has(p) && !rep!.available && !ignoreNeeds) {
      for (const c of cases)
        if (c.needs?.includes(p)) dropped.push({ id: c.id, why: `needs ${p}: ${rep!.why}`, group: c.group ?? "eager-cpu" });
      cases = cases.filter((c) => !c.needs?.includes(p));
    }
  }
  order.splice(0, order.length, ...[...PEERS].filter((p) => reports.has(p)));
  if (dropped.length) process.stderr.write(`not run: ${dropped.map((d) => d.id).join(", ")} (${dropped[0]!.why})\n`);

  const cmd = `npx tsx bench/run.ts ${process.argv.slice(2).join(" ")}`.trim();
  const groups = new Map<string, Case[]>();
  for (const c of cases) {
    const g = nameOpt ?? c.group ?? "eager-cpu";
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(c);
  }
  for (const c of dropped) {
    const g = nameOpt ?? c.group;
    if (!groups.has(g)) groups.set(g, []);
  }
  for (const [group, gcases] of groups)
    summarise(
      group,
      gcases,
      dropped.filter((d) => (nameOpt ?? d.group) === group),
    );
  console.log(`\n(${((Date.now() - t0) / 1000).toFixed(0)} s)`);

  /** torch.xla.metrics() over each case's timed calls, per call. */
  function xlaSection(cases: Case[]): string[] {
    const rows: string[] = [];
    for (const c of cases) {
      const info = reports.get("xlatorch-xla")?.results[c.id]?.info as Record<string, unknown> | undefined;
      const m = info?.xla_metrics as Record<string, number> | undefined;
      const n = info?.xla_calls_measured as number | undefined;
      if (!m || !n) continue;
      const per = (k: string, d = 2) => (typeof m[k] === "number" ? (m[k]! / n).toFixed(d) : "?");
      rows.push(
        `| ${c.id} | ${n} | ${m.uncachedCompiles} | ${m.cachedCompiles} | ${per("executions")} | ${per("opsRecorded", 0)} | ${per("traceMs", 3)} | ${per("lowerMs", 3)} | ${per("compileMs", 3)} | ${per("executeMs", 3)} |`,
      );
    }
    if (!rows.length) return [];
    return [
      "## xlatorch-xla counters",
      "",
      "`torch.xla.metrics()` over each case's timed calls (warm-up included; the output check ran before and is not counted). Per call unless the column says total.",
      "",
      "| case | calls | uncached compiles (total) | cache hits (total) | executions | ops recorded | trace ms | lower ms | compile ms | execute ms |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
    ];
  }

  function summarise(group: string, cases: Case[], dropped: { id: string; why: string }[]): void {
    // Cross-check outputs against PyTorch (or the first peer with a result).
    const checks: Record<string, Record<string, string>> = {};
    for (const c of cases) {
      const ref = ["torch", ...order].map((p) => reports.get(p as PeerId)?.results[c.id]).find((r) => r?.checksum);
      checks[c.id] = {};
      for (const p of order) {
        const r = reports.get(p)?.results[c.id];
        if (!r?.checksum || !ref?.checksum) continue;
        checks[c.id]![p] = checksumsAgree(ref.checksum, r.checksum, c.tol ?? 1e-3) ? "ok" : "MISMATCH";
      }
    }

    // Table: each peer's figure, then subject ÷ peer time ratios.
    const shown = order.filter(
      (p) => peerHasWork(p, cases) && (!reports.get(p)?.available || cases.some((c) => reports.get(p)!.results[c.id])),
    );
    const lines: string[] = [];
    lines.push(`| case | unit | ${shown.join(" | ")} |`);
    lines.push(`| --- | --- | ${shown.map(() => "---:").join(" | ")} |`);
    for (const c of cases) lines.push(`| ${c.title} | ${c.unit} | ${shown.map((p) => cell(c, reports.get(p))).join(" | ")} |`);
    const table = lines.join("\n");

    const ratioRows: string[] = [];
    const ratios: Record<string, Record<string, number>> = {};
    // One column per peer that is some case's non-subject.
    const others = shown.filter((p) => cases.some((c) => (c.subject ?? "xlatorch") !== p));
    ratioRows.push(`| case | subject | ${others.map((p) => `vs ${p}`).join(" | ")} |`);
    ratioRows.push(`| --- | --- | ${others.map(() => "---:").join(" | ")} |`);
    for (const c of cases) {
      const subj = c.subject ?? "xlatorch";
      const s = reports.get(subj)?.results[c.id];
      ratios[c.id] = {};
      const cells = others.map((p) => {
        if (p === subj) return "·";
        const r = reports.get(p)?.results[c.id];
        if (!s?.median_ms || !r?.median_ms) return "—";
        const x = s.median_ms / r.median_ms;
        ratios[c.id]![p] = +x.toFixed(4);
        return fmtRatio(x);
      });
      ratioRows.push(`| ${c.title} | ${subj} | ${cells.join(" | ")} |`);
    }
    const ratioTable = ratioRows.join("\n");

    const flagged: string[] = [];
    for (const c of cases) {
      const r = ratios[c.id]!;
      if ((r["tfjs-cpu"] ?? 0) > 50)
        flagged.push(`${c.id}: ${c.subject ?? "xlatorch"} is ${r["tfjs-cpu"]!.toFixed(0)}× slower than TF.js cpu`);
      for (const [p, v] of Object.entries(checks[c.id]!)) if (v !== "ok") flagged.push(`${c.id}: ${p} output ${v} vs reference`);
      for (const p of order) {
        const e = reports.get(p)?.results[c.id]?.error;
        if (e) flagged.push(`${c.id}: ${p} error: ${e}`);
      }
    }

    console.log(`\n=== ${group} ===`);
    console.log(`\nFigures (GFLOP/s: higher is better; ms / us/op: lower is better; median of reps):\n`);
    console.log(table);
    console.log(`\nRatios: subject's time ÷ peer's time (above 1 = the subject is slower by that factor):\n`);
    console.log(ratioTable);
    if (dropped.length) console.log(`\nNot run:\n${dropped.map((d) => `- ${d.id}: ${d.why}`).join("\n")}`);
    if (flagged.length) console.log(`\nFlags:\n${flagged.map((f) => `- ${f}`).join("\n")}`);

    if (!noWrite) {
      const name = group;
      const resDir = path.join(BENCH, "results");
      fs.mkdirSync(resDir, { recursive: true });
      const peersOut: Record<string, unknown> = {};
      for (const p of shown) {
        const rep = reports.get(p)!;
        peersOut[p] = {
          available: rep.available,
          why: rep.why,
          about: rep.about,
          machine_busy_before_start: backgroundBusy[p],
          other_processes_cpu_share_during_run: othersBusy[p] === undefined ? undefined : +othersBusy[p]!.toFixed(3),
        };
      }
      const json = {
        name,
        command: cmd,
        quick,
        policy: policyOf(quick, warmupMs),
        machine: mach,
        peers: peersOut,
        cases: cases.map((c) => ({
          id: c.id,
          title: c.title,
          unit: c.unit,
          flops: c.flops,
          subject: c.subject ?? "xlatorch",
          results: Object.fromEntries(
            order
              .map((p) => {
                const r = reports.get(p)?.results[c.id];
                return [p, r ? { ...r, figure: figure(c, r) } : undefined];
              })
              .filter(([, r]) => r),
          ),
          ratios: ratios[c.id],
          checks: checks[c.id],
        })),
        not_run: dropped,
        flags: flagged,
      };
      fs.writeFileSync(path.join(resDir, `${name}.json`), JSON.stringify(json, null, 2) + "\n");
      const tp = reports.get("torch")?.about as Record<string, unknown> | undefined;
      const br = tp?.blas_runtime as Record<string, unknown> | undefined;
      const about = shown.map((p) => {
        const rep = reports.get(p)!;
        if (!rep.available) return `- **${p}**: not available: ${rep.why}`;
        const a = { ...(rep.about ?? {}) };
        delete a.blas_runtime;
        return `- **${p}**: ${Object.entries(a)
          .map(([k, v]) => `${k} ${typeof v === "string" ? v : JSON.stringify(v)}`)
          .join("; ")}`;
      });
      const md = [
        `# Benchmarks: ${name}`,
        "",
        `Generated by \`${cmd}\` on ${mach.date}${quick ? " (quick mode: fewer repetitions)" : ""}${warmupMs > 0 ? ` (every peer warmed up for at least ${warmupMs} ms of calls, at most 500, before the repetitions)` : ""}. Every peer ran in its own process, in the same run, on the same input data; each figure is the median of the repetitions after warm-up, and each repetition forces the result and reads one value back.`,
        "",
        "## Machine",
        "",
        `- CPU: ${mach.cpu_model} (family ${mach.cpu_family}, model ${mach.cpu_model_number}, stepping ${mach.cpu_stepping}${mach.hypervisor ? ", under a hypervisor" : ""}), ${mach.cores} cores; SIMD: ${(mach.simd as string[]).join(", ")}`,
        `- Memory ${mach.memory_gib} GiB; ${mach.os}; load average at start ${(mach.loadavg_at_start as number[]).join(" ")}; share of the machine's CPU used by other processes while each peer ran: ${shown.map((p) => `${p} ${((othersBusy[p] ?? NaN) * 100).toFixed(0)}%`).join(", ")}`,
        `- Node ${mach.node} (V8 ${mach.v8}); repository HEAD ${mach.git_head}${(mach.packages_uncommitted as string[]).length ? `, plus ${(mach.packages_uncommitted as string[]).length} uncommitted changes under packages/ (listed in the JSON)` : ", packages/ clean"}`,
        tp
          ? `- PyTorch ${tp.version} (Python ${tp.python}), ${tp.threads} threads; build BLAS_INFO=${tp.build_blas_info}, LAPACK_INFO=${tp.build_lapack_info}, CPU capability ${tp.cpu_capability}; BLAS loaded at run time: ${(br?.libraries as string[] | undefined)?.join(", ") || "none found"}${br?.openblas_config ? ` (${br.openblas_config}; core ${br.openblas_core}; ${br.openblas_threads} threads)` : ""}`
          : "- PyTorch: not run",
        "",
        "## Peers",
        "",
        ...about,
        "",
        "## Figures",
        "",
        "GFLOP/s: higher is better. ms and us/op: lower is better.",
        "",
        table,
        "",
        "## Ratios",
        "",
        "The subject's time ÷ the peer's time: above 1, the subject is that many times slower; below 1, faster.",
        "",
        ratioTable,
        "",
        "## Output checks",
        "",
        "Each peer's full output (computed once, outside the timing) is reduced to [sum, sum |x|, first, last] and compared with PyTorch's within the case's tolerance.",
        "",
        ...cases.map(
          (c) =>
            `- ${c.id}: ${
              Object.entries(checks[c.id]!)
                .map(([p, v]) => `${p} ${v}`)
                .join(", ") || "no reference"
            }`,
        ),
        "",
        ...xlaSection(cases),
        ...(dropped.length ? ["## Not run", "", ...dropped.map((d) => `- ${d.id}: ${d.why}`), ""] : []),
        ...(flagged.length ? ["## Flags", "", ...flagged.map((f) => `- ${f}`), ""] : []),
      ].join("\n");
      fs.writeFileSync(path.join(resDir, `${name}.md`), md);
      process.stderr.write(`wrote bench/results/${name}.json and .md\n`);
    }
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
