// Start-up to the first training step with and without the persistent compile
// cache (issue 12's target: the second process run at least 5x faster than
// the first on the CPU runtime). Each round uses a fresh cache directory: a
// first process (empty cache: compiles and stores) then a second (loads).
// A process with the cache off first warms tsx's transform cache, so both
// runs load already-transpiled sources.
//
//   npx tsx --tsconfig tsconfig.json bench/persistent_cache.ts [--rounds N] [--json FILE]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const child = fileURLToPath(new URL("./programs/digits_first_step.ts", import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(arg("--rounds") ?? 5);
const jsonOut = arg("--json");

interface Metrics {
  uncachedCompiles: number;
  persistentCacheHits: number;
  persistentCacheMisses: number;
  compileMs: number;
  persistentCacheMs: number;
  lowerMs: number;
  traceMs: number;
  executeMs: number;
}
interface Run {
  wallToFirstStepMs: number;
  wallTotalMs: number;
  firstStepMs: number;
  importMs: number;
  losses: number[];
  atFirstStep: Metrics;
  total: Metrics;
}

function runChild(cacheDir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstAt = 0,
      out = "",
      err = "";
    const p = spawn(process.execPath, ["--import", "tsx", child], {
      cwd: root,
      env: { ...process.env, XLATORCH_CACHE_DIR: cacheDir, XLATORCH_QUIET: "1", TSX_TSCONFIG_PATH: "tsconfig.json" },
    });
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!firstAt && out.includes("first-step\n")) firstAt = performance.now();
    });
    p.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`child exited ${code}: ${err}`));
      const r = JSON.parse(out.trim().split("\n").at(-1)!) as Omit<Run, "wallToFirstStepMs" | "wallTotalMs">;
      resolve({ ...r, wallToFirstStepMs: firstAt - start, wallTotalMs: performance.now() - start });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

await runChild("off"); // tsx transform cache warm-up
const first: Run[] = [],
  second: Run[] = [];
for (let r = 0; r < rounds; r++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-bench-cache-"));
  try {
    first.push(await runChild(dir));
    second.push(await runChild(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (JSON.stringify(first.at(-1)!.losses) !== JSON.stringify(second.at(-1)!.losses))
    throw new Error("losses differ between the first and the second run");
}

// In process: per module of the same program, the CPU runtime's compile (plan
// + build) against loading a stored plan (decode + build), and the key (print
// the module, SHA-256), each the median of 30 repetitions after 5.
process.env.XLATORCH_CACHE_DIR = "off";
process.env.XLATORCH_QUIET = "1";
const torch = await import("xlatorch");
const { setRuntime } = await import("@xlatorch/lazy");
const { CpuRuntime } = await import("@xlatorch/cpu");
const { printModule } = await import("@xlatorch/stablehlo");
const { cacheKey } = await import("../packages/xlatorch/src/compile_cache/index.js");
type Module = Parameters<InstanceType<typeof CpuRuntime>["compile"]>[0];
const modules: Module[] = [];
class Capturing extends CpuRuntime {
  override compile(m: Module) {
    modules.push(m);
    return super.compile(m);
  }
}
const rt = new Capturing();
setRuntime(rt);
{
  const { loadDigits } = await import("../examples/digits.js");
  torch.manual_seed(0);
  const { images, labels } = loadDigits();
  const model = new torch.nn.Sequential(new torch.nn.Linear(64, 64), new torch.nn.ReLU(), new torch.nn.Linear(64, 10)).to("xla");
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.5, momentum: 0.5 });
  for (let s = 0; s < 5; s++) {
    const loss = new torch.nn.CrossEntropyLoss()(
      model(images.getitem(`${s * 128}:${(s + 1) * 128}`).to("xla")),
      labels.getitem(`${s * 128}:${(s + 1) * 128}`).to("xla"),
    );
    opt.zero_grad();
    loss.backward();
    opt.step();
    loss.item();
  }
}
const time = (f: () => unknown) => {
  for (let i = 0; i < 5; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    f();
    ts.push(performance.now() - t);
  }
  return median(ts);
};
const fresh = new CpuRuntime();
const perModule = modules.map((m) => {
  const bytes = fresh.serializeExecutable(fresh.compile(m));
  return {
    ops: m.funcs.find((f) => f.name === "main")!.body.length,
    planBytes: bytes.length,
    compileMs: time(() => fresh.compile(m)),
    loadPlanMs: time(() => fresh.loadExecutable(bytes, m)),
    keyMs: time(() => cacheKey(fresh.cacheIdentity(), printModule(m))),
  };
});

const summary = (runs: Run[]) => ({
  wallToFirstStepMs: median(runs.map((r) => r.wallToFirstStepMs)),
  inProcessToFirstStepMs: median(runs.map((r) => r.firstStepMs)),
  importMs: median(runs.map((r) => r.importMs)),
  compileMsToFirstStep: median(runs.map((r) => r.atFirstStep.compileMs)),
  cacheMsToFirstStep: median(runs.map((r) => r.atFirstStep.persistentCacheMs)),
  lowerMsToFirstStep: median(runs.map((r) => r.atFirstStep.lowerMs)),
  compileMsAll: median(runs.map((r) => r.total.compileMs)),
  cacheMsAll: median(runs.map((r) => r.total.persistentCacheMs)),
  uncachedCompiles: runs[0]!.total.uncachedCompiles,
  hits: runs[0]!.total.persistentCacheHits,
  misses: runs[0]!.total.persistentCacheMisses,
});
const result = {
  machine: `${os.cpus()[0]?.model ?? "?"} x${os.cpus().length}, Node ${process.version}, ${os.platform()} ${os.release()}`,
  date: new Date().toISOString(),
  loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
  rounds,
  first: summary(first),
  second: summary(second),
  speedupWallToFirstStep: median(first.map((r) => r.wallToFirstStepMs)) / median(second.map((r) => r.wallToFirstStepMs)),
  cpuRuntimePerModule: perModule,
  runs: { first, second },
};
console.log(JSON.stringify({ ...result, runs: undefined }, null, 2));
if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
