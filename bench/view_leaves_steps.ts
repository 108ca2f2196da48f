// What folding view ops into the CPU runtime's loops saves per folded step
// (packages/cpu/src/runtime/fuse.ts fuseConfig.viewLeaves, leaf_view.ts): a
// module of the LSTM's small patterns (64 times: a 16-wide slice of a 4x64
// gate vector times w, reshaped 4x16 -> 1x4x16 -> 4x16, plus a transposed
// 16x4 value) compiled with the folding off (the view ops are steps) and on
// (the loops read through their views), both in one runtime, executed
// alternately. Prints the steps each runs, the median and least microseconds
// per execution, and the difference per folded step.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/view_leaves_steps.ts [--rounds 4000]
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import { fuseConfig } from "../packages/cpu/src/runtime/fuse.js";
import { cliArg } from "./lib/program_case.js";

const rounds = Number(cliArg("rounds", "4000"));
const T = "tensor<4x16xf32>";
const lines: string[] = [];
const outs: string[] = [];
for (let i = 0; i < 64; i++) {
  const k = (i % 4) * 16;
  lines.push(`%s${i} = stablehlo.slice %g [0:4, ${k}:${k + 16}] : (tensor<4x64xf32>) -> ${T}`);
  lines.push(`%m${i} = stablehlo.multiply %s${i}, %w : ${T}`);
  lines.push(`%r${i} = stablehlo.reshape %m${i} : (${T}) -> tensor<1x4x16xf32>`);
  lines.push(`%q${i} = stablehlo.reshape %r${i} : (tensor<1x4x16xf32>) -> ${T}`);
  lines.push(`%t${i} = stablehlo.transpose %u, dims = [1, 0] : (tensor<16x4xf32>) -> ${T}`);
  lines.push(`%o${i} = stablehlo.add %q${i}, %t${i} : ${T}`);
  outs.push(`%o${i}`);
}
const types = outs.map(() => T).join(", ");
const text = `func.func @main(%g: tensor<4x64xf32>, %w: ${T}, %u: tensor<16x4xf32>) -> (${types}) {
${lines.join("\n")}
return ${outs.join(", ")} : ${types}
}`;
const rt = new CpuRuntime();
const exes = [false, true].map((on) => {
  fuseConfig.viewLeaves = on;
  return rt.compile(parseModule(text));
});
fuseConfig.viewLeaves = true;
const fill = (n: number, v: number) => new Float32Array(n).fill(v);
const args = [
  rt.toDevice(fill(256, 1), "float32", [4, 64]),
  rt.toDevice(fill(64, 2), "float32", [4, 16]),
  rt.toDevice(fill(64, 3), "float32", [16, 4]),
];
const steps = exes.map((e) => (e as unknown as { order: number[] }).order.length);
const times: number[][] = [[], []];
for (let r = 0; r < rounds; r++)
  for (const k of r % 2 ? [0, 1] : [1, 0]) {
    const t0 = performance.now();
    for (let j = 0; j < 10; j++) rt.execute(exes[k]!, args);
    times[k]!.push(((performance.now() - t0) / 10) * 1e3);
  }
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const least = (a: number[]) => Math.min(...a);
const folded = steps[0]! - steps[1]!;
console.log(
  `steps off ${steps[0]} on ${steps[1]}; us per execution: median off ${med(times[0]!).toFixed(1)} on ${med(times[1]!).toFixed(1)}, least off ${least(times[0]!).toFixed(1)} on ${least(times[1]!).toFixed(1)}; per folded step: median ${((med(times[0]!) - med(times[1]!)) / folded).toFixed(3)} us, least ${((least(times[0]!) - least(times[1]!)) / folded).toFixed(3)} us`,
);
