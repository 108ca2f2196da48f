// Where a compiled training step's host time beyond the executable goes: the
// MLP 784-256-10 / CrossEntropyLoss / Adam / b128 step of
// bench/compile_step_overhead.ts, torch.compile'd on DEVICE (xla: on the
// in-process CPU runtime; cpu: the cpu device, run on the same runtime),
// CALLS calls under V8's sampling profiler. Samples inside the runtime's
// execute() are the executable's run; every other sample is host time beyond
// it, listed by function (self) and by the functions that contain it
// (inclusive), in microseconds per call. Writes the .cpuprofile to OUT.
// V8 files garbage-collection samples under "(garbage collector)" at the root
// wherever the collection was triggered (mostly by the runtime's allocations
// inside execute), so they are listed outside; and "dispatch" under
// node:inspector is the profiler's own stop.
//   DEVICE=xla CALLS=3000 XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/compiled_host_profile.ts
import fs from "node:fs";
import { Session } from "node:inspector";
import os from "node:os";
import * as torch from "xlatorch";
import { mlpAdamStep } from "./lib/mlp_adam_step.js";

const DEVICE = process.env.DEVICE ?? "xla";
const CALLS = Number(process.env.CALLS ?? 3000);
const TOP = Number(process.env.TOP ?? 30);
const OUT = process.env.OUT ?? `/tmp/compiled_host_${DEVICE}.cpuprofile`;

const step = mlpAdamStep(true, DEVICE);
for (let i = 0; i < 200; i++) step();
torch.xla.sync();

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
await post("Profiler.setSamplingInterval", { interval: 50 });
await post("Profiler.start");
const e0 = torch.xla.metrics().executeMs;
const t0 = performance.now();
for (let i = 0; i < CALLS; i++) step();
torch.xla.sync();
const wall = (performance.now() - t0) / CALLS;
const exec = (torch.xla.metrics().executeMs - e0) / CALLS;
const { profile } = await post<{ profile: Profile }>("Profiler.stop");
fs.writeFileSync(OUT, JSON.stringify(profile));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
const key = (n: Node) => {
  const f = n.callFrame;
  const url = f.url.split("/work/main/")[1] ?? f.url.split("/").pop() ?? "";
  return `${f.functionName || "(anon)"} ${url}:${f.lineNumber + 1}`;
};
const isExecute = (n: Node) => n.callFrame.functionName === "execute" && n.callFrame.url.includes("cpu/src/runtime/runtime.ts");
const self = new Map<string, number>(),
  incl = new Map<string, number>();
let inside = 0,
  outside = 0;
profile.samples.forEach((nid, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const chain: Node[] = [];
  for (let m: number | undefined = nid; m !== undefined; m = parent.get(m)) chain.push(byId.get(m)!);
  if (chain.some(isExecute)) {
    inside += dt;
    return;
  }
  outside += dt;
  const n = chain[0]!;
  self.set(key(n), (self.get(key(n)) ?? 0) + dt);
  const seen = new Set<string>();
  for (const m of chain) {
    const k = key(m);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + dt);
  }
});
console.log(
  `${DEVICE} compiled, ${CALLS} calls (load ${os.loadavg()[0]!.toFixed(2)}): wall ${wall.toFixed(3)} ms/call, execute ${exec.toFixed(3)}, beyond execute ${(wall - exec).toFixed(3)}; sampled inside execute ${(inside / 1000 / CALLS).toFixed(3)}, outside ${(outside / 1000 / CALLS).toFixed(3)} ms/call; ${OUT}`,
);
const show = (title: string, m: Map<string, number>) => {
  console.log(`--- outside execute, ${title} (us per call)`);
  for (const [k, us] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    console.log(`${(us / CALLS).toFixed(1).padStart(7)}  ${k}`);
};
show("self", self);
show("inclusive", incl);
