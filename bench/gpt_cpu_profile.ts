// V8 CPU profile of the steady state of one bench/cases/80_programs.ts case on
// the eager cpu device (or --device xla): warm-up first (module loading and JIT stay out of the
// profile), then N steps under node:inspector's profiler. Prints self time and
// inclusive time by function, and writes the .cpuprofile for a closer look.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/gpt_cpu_profile.ts [--case nanogpt_tiny_adamw_b8] [--device cpu|xla] [--steps 200] [--top 40] [--out FILE]
// XLATORCH_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 keeps the main thread's work alone in the figures.
import fs from "node:fs";
import { Session } from "node:inspector";
import { cliArg, programCase } from "./lib/program_case.js";

const arg = cliArg;
const id = arg("case", "nanogpt_tiny_adamw_b8");
const steps = Number(arg("steps", "200"));
const top = Number(arg("top", "40"));
const out = arg("out", `/tmp/${id}.cpuprofile`);

const { impl } = await programCase(id, arg("device", "cpu"));
for (let i = 0; i < 30; i++) await impl.run();

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}
const session = new Session();
session.connect();
const post = <T>(method: string, params?: object) =>
  new Promise<T>((res, rej) => session.post(method, params ?? {}, (e, r) => (e ? rej(e) : res(r as T))));
await post("Profiler.enable");
await post("Profiler.setSamplingInterval", { interval: 100 });
await post("Profiler.start");
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < steps; i++) await impl.run();
const wall = (performance.now() - t0) / steps;
const cu = process.cpuUsage(c0);
const { profile } = await post<{ profile: Profile }>("Profiler.stop");
fs.writeFileSync(out, JSON.stringify(profile));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
const key = (n: Node) => {
  const f = n.callFrame;
  const url = f.url.split("/work/main/")[1] ?? f.url.split("/").pop() ?? "";
  return `${f.functionName || "(anon)"} ${url}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
};
const self = new Map<string, number>(),
  incl = new Map<string, number>();
let total = 0;
profile.samples.forEach((nid, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const n = byId.get(nid)!;
  self.set(key(n), (self.get(key(n)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let m: number | undefined = nid; m !== undefined; m = parent.get(m)) {
    const k = key(byId.get(m)!);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + dt);
  }
});
const cpu = (cu.user + cu.system) / 1000 / steps;
console.log(`${id}: ${steps} steps, wall ${wall.toFixed(2)} ms/step, process CPU ${cpu.toFixed(2)} ms/step; profile ${out}`);
const show = (title: string, m: Map<string, number>) => {
  console.log(`--- ${title} (ms per step, % of sampled)`);
  for (const [k, us] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${(us / 1000 / steps).toFixed(3).padStart(8)} ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show("self", self);
show("inclusive", incl);
