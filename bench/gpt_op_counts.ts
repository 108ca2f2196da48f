// Kernel calls per training step of one bench/cases/80_programs.ts case on the
// eager cpu device, attributed to the op-surface function that issued them
// (core's currentOp(): "layer_norm", "gelu", ..., or the VJP's node during
// backward) and to the phase of the step: where the primitive count comes
// from, to see which compositions to make cheaper. Counts are exact; the
// process CPU time per kernel (process.cpuUsage around each call, one thread)
// is a rough guide only.
//   XLATORCH_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/gpt_op_counts.ts [--case nanogpt_tiny_adamw_b8] [--steps 20]
import { KERNELS } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { currentOp, Node } from "../packages/core/src/autograd.js";
import { cliArg, programCase } from "./lib/program_case.js";

const arg = cliArg;
const id = arg("case", "nanogpt_tiny_adamw_b8");
const steps = Number(arg("steps", "20"));
const { impl } = await programCase(id);
for (let i = 0; i < 5; i++) await impl.run();

// the phase of the step (forward, backward, optimizer) and, in backward, the node whose VJP runs
let phase = "forward";
let node: string | null = null;
const wrap = (obj: Record<string, unknown>, name: string, before: (self: unknown) => string, after: string) => {
  const f = obj[name] as (...a: unknown[]) => unknown;
  obj[name] = function (this: unknown, ...a: unknown[]) {
    const saved = before(this);
    try {
      return f.apply(this, a);
    } finally {
      if (after === "restore") node = saved;
      else phase = after;
    }
  };
};
wrap(torch.Tensor.prototype as never, "backward", () => (phase = "backward"), "optimizer");
wrap(torch.optim.Optimizer.prototype as never, "zero_grad", () => (phase = "zero_grad"), "forward");
wrap(
  Node.prototype as never,
  "run",
  (self) => {
    const saved = node as string;
    node = (self as Node).name;
    return saved;
  },
  "restore",
);

type Entry = { calls: number; us: number };
const byOp = new Map<string, Entry>();
const byOpPrim = new Map<string, Entry>();
let recording = false;
type K = (ins: unknown, avals: { shape: number[]; dtype: { name: string } }[], attrs: unknown, outs: unknown) => unknown;
const table = KERNELS as unknown as Record<string, K>;
const add = (m: Map<string, Entry>, key: string, us: number) => {
  const e = m.get(key) ?? { calls: 0, us: 0 };
  e.calls++;
  e.us += us;
  m.set(key, e);
};
for (const name of Object.keys(table)) {
  const k = table[name]!;
  table[name] = (ins, avals, attrs, outs) => {
    if (!recording) return k(ins, avals, attrs, outs);
    const c0 = process.cpuUsage();
    const r = k(ins, avals, attrs, outs);
    const d = process.cpuUsage(c0);
    const op = `${phase}: ${phase === "backward" ? `${node} ${currentOp() ?? ""}` : (currentOp() ?? "")}`;
    add(byOp, op, d.user + d.system);
    add(byOpPrim, `${op} / ${name}`, d.user + d.system);
    return r;
  };
}
recording = true;
const c0 = process.cpuUsage();
for (let i = 0; i < steps; i++) await impl.run();
const cu = process.cpuUsage(c0);
recording = false;
const total = [...byOp.values()].reduce((s, e) => s + e.calls, 0) / steps;
console.log(
  `${id}: ${total} kernel calls per step, process CPU ${((cu.user + cu.system) / 1000 / steps).toFixed(2)} ms/step (with the timing)`,
);
const show = (title: string, m: Map<string, Entry>) => {
  console.log(`--- ${title}: calls per step, kernel CPU us per step`);
  for (const [k, e] of [...m.entries()].sort((a, b) => b[1].calls - a[1].calls))
    console.log(`${String(e.calls / steps).padStart(6)} ${(e.us / steps).toFixed(0).padStart(7)}  ${k}`);
};
show("by op", byOp);
show("by op and primitive", byOpPrim);
