// A/B of the tanh chain and the float32 transcendental kernels between two
// checkouts (issue 11): the old one (--a, e.g. a worktree of an earlier
// commit with its node_modules) and this one, in alternating child processes
// (a loaded machine then slows both alike; each runs with its checkout's
// tsconfig.json, whose paths resolve @xlatorch/*), each measuring on 4M float32
// values eager cpu tanh(x*2+1), tanh/exp/log/sigmoid/erf alone, and the xla chain
// (one fused loop on the CPU runtime, forced and read back), with 1 and 2
// threads. Each figure is the fastest of the `reps` calls of every process of
// that side, in ms (under load the minimum is the steadiest estimate).
// --cases keeps the cases whose name contains one of its comma-separated parts ("xla,eager tanh(").
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/tanh_chain_ab.ts --a /path/to/old [--rounds 3] [--reps 9] [--cases a,b]
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const here = path.resolve(import.meta.dirname, "..");

type Row = Record<string, number>;

async function child(root: string, reps: number): Promise<Row> {
  const torch: any = await import(path.join(root, "packages/xlatorch/src/index.ts"));
  const N = 4 * 1024 * 1024;
  torch.manual_seed(0);
  const x = torch.randn([N]);
  const y = x.mul(2).add(1);
  const xx = x.to("xla");
  const cases: [string, () => unknown][] = [
    ["eager tanh(x*2+1)", () => torch.tanh(x.mul(2).add(1))],
    ["eager tanh", () => torch.tanh(y)],
    ["eager exp", () => torch.exp(y)],
    ["eager log", () => torch.log(x.abs())],
    ["eager sigmoid", () => torch.sigmoid(y)],
    ["eager erf", () => torch.erf(y)],
    [
      "xla tanh(x*2+1)",
      () => {
        const r = torch.tanh(xx.mul(2).add(1));
        torch.xla.sync(r);
        return r.reshape(-1).getitem(0).item();
      },
    ],
  ];
  const out: Row = {};
  const only = arg("--cases", "").split(",").filter(Boolean);
  for (const threads of [2, 1]) {
    torch.set_num_threads(threads);
    for (const [name, f] of cases) {
      if (only.length && !only.some((o) => name.includes(o))) continue;
      for (let i = 0; i < 2; i++) f();
      const ts: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        f();
        ts.push(performance.now() - t0);
      }
      ts.sort((a, b) => a - b);
      out[`${name}, ${threads} thr`] = ts[0]!;
    }
  }
  return out;
}

if (argv.includes("--child")) {
  const res = await child(arg("--child", here), Number(arg("--reps", "9")));
  process.stdout.write(`${JSON.stringify(res)}\n`);
} else {
  const a = path.resolve(arg("--a", ""));
  const rounds = Number(arg("--rounds", "3")),
    reps = arg("--reps", "9");
  const sides: Record<"old" | "new", Row[]> = { old: [], new: [] };
  const loads: string[] = [];
  for (let r = 0; r < rounds; r++)
    for (const side of r % 2 ? (["new", "old"] as const) : (["old", "new"] as const)) {
      const root = side === "old" ? a : here;
      // the checkout's own tsconfig: its paths map @xlatorch/* to that checkout's sources
      const txt = execFileSync(
        "npx",
        [
          "tsx",
          "--tsconfig",
          path.join(root, "tsconfig.json"),
          import.meta.filename,
          "--child",
          root,
          "--reps",
          reps,
          "--cases",
          arg("--cases", ""),
        ],
        { encoding: "utf8", cwd: root, env: { ...process.env, XLATORCH_QUIET: "1" } },
      );
      sides[side].push(JSON.parse(txt.trim().split("\n").pop()!) as Row);
      loads.push(os.loadavg()[0]!.toFixed(2));
    }
  const min = (rows: Row[], k: string) => Math.min(...rows.map((r) => r[k]!));
  console.log(`${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}; old = ${a}, new = ${here}`);
  console.log(`1-minute load average after each child: ${loads.join(", ")}`);
  console.log("| case (4M float32) | old ms | new ms | old/new |\n| --- | ---: | ---: | ---: |");
  for (const k of Object.keys(sides.new[0]!)) {
    const o = min(sides.old, k),
      n = min(sides.new, k);
    console.log(`| ${k} | ${o.toFixed(2)} | ${n.toFixed(2)} | ${(o / n).toFixed(2)}x |`);
  }
}
