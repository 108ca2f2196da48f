// Where each convolution call of one training step of a bench/cases/80_programs.ts case spends
// its time: the whole kernel call, the dot_general products inside it, and the WebAssembly
// column fill (Im2colCall.start: the lhs copied in; Im2colCall.fill: the runs), median wall ms over
// repetitions of each call (replayed in step order after one recorded step).
//   npx tsx --tsconfig tsconfig.json bench/conv_split.ts [--case cifar_cnn_sgd_b64] [--reps 20]
import { KERNELS } from "@xlatorch/cpu";
import { dotKernels } from "../packages/cpu/src/kernels/dot.js";
import { Im2colCall } from "../packages/cpu/src/wasm/im2col_module.js";
import { cliArg, kernelCallsOfStep, programCase } from "./lib/program_case.js";

type Fn = (...args: unknown[]) => unknown;
const id = cliArg("case", "cifar_cnn_sgd_b64");
const reps = Number(cliArg("reps", "20"));
const table = KERNELS as unknown as Record<string, Fn>;
const { impl } = await programCase(id);
const calls = await kernelCallsOfStep(impl, "convolution");
const conv = table.convolution!;

let tDot = 0,
  tFill = 0,
  tStart = 0;
const now = () => performance.now();
const dots = dotKernels as unknown as Record<string, Fn>;
const dot = dots.dot_general!;
dots.dot_general = (...a: unknown[]) => {
  const t = now();
  const r = dot(...a);
  tDot += now() - t;
  return r;
};
const statics = Im2colCall as unknown as Record<string, Fn>;
const start = statics.start!;
statics.start = (...a: unknown[]) => {
  const t = now();
  const r = start.apply(Im2colCall, a);
  tStart += now() - t;
  return r;
};
const proto = Im2colCall.prototype as unknown as Record<string, Fn>;
const fill = proto.fill!;
proto.fill = function (this: unknown, ...a: unknown[]) {
  const t = now();
  const r = fill.apply(this, a);
  tFill += now() - t;
  return r;
};
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!;
console.log(`${id}: median wall ms per call over ${reps} repetitions`);
console.log("| call | total | products | fill | lhs copy-in |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const args of calls) {
  const tot: number[] = [],
    d: number[] = [],
    f: number[] = [],
    s: number[] = [];
  for (let i = 0; i < reps; i++) {
    tDot = tFill = tStart = 0;
    const t0 = now();
    conv(...args);
    tot.push(now() - t0);
    d.push(tDot);
    f.push(tFill);
    s.push(tStart);
  }
  const shapes = (args[1] as { shape: number[] }[]).map((v) => `[${v.shape.join(",")}]`).join(" ");
  const pad = JSON.stringify((args[2] as { padding: number[][] }).padding);
  console.log(`| ${shapes} pad ${pad} | ${med(tot).toFixed(3)} | ${med(d).toFixed(3)} | ${med(f).toFixed(3)} | ${med(s).toFixed(3)} |`);
}
