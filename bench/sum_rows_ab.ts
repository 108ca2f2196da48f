// layer_norm_backward's four float64 sums over [8, 32, 64] (ds and db per row,
// dweight and dbias over the rows: one pass, runtime/fused_sums.ts) in the
// CPU runtime, the pass one row at a time (groupConfig.sideBySide off) and
// over rows side by side (on) alternated in one process on one executable:
// process CPU us per execute, per round.
//   XLATORCH_NUM_THREADS=1 npx tsx --tsconfig tsconfig.json bench/sum_rows_ab.ts [--rounds 8] [--k 300]
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import { groupConfig, groupStats } from "../packages/cpu/src/runtime/fused_sums.js";
import { cliArg } from "./lib/program_case.js";

const rounds = Number(cliArg("rounds", "8")),
  K = Number(cliArg("k", "300"));
const [a, b] = [8, 32];
const T = `tensor<${a}x${b}x64xf64>`,
  F = `tensor<${a}x${b}x64xf32>`,
  R = `tensor<${a}x${b}xf64>`;
const sum = (name: string, v: string, dims: number[], out: string) =>
  `  %${name} = stablehlo.reduce(${v} init: %i) applies stablehlo.add across dimensions = [${dims.join(", ")}] : (${T}, tensor<f64>) -> ${out}`;
// the lowering's shape (lazy/src/lower_norm.ts): g and x widened again for each reader
const text = `func.func @main(%g: ${F}, %x: ${F}, %w: tensor<64xf32>, %mu: ${R}, %r: ${R}, %i: tensor<f64>) -> (${R}, ${R}, tensor<64xf64>, tensor<64xf64>) {
  %g1 = stablehlo.convert %g : (${F}) -> ${T}
  %x1 = stablehlo.convert %x : (${F}) -> ${T}
  %wf = stablehlo.convert %w : (tensor<64xf32>) -> tensor<64xf64>
  %wb = stablehlo.broadcast_in_dim %wf, dims = [2] : (tensor<64xf64>) -> ${T}
  %gw = stablehlo.multiply %g1, %wb : ${T}
  %p = stablehlo.multiply %gw, %x1 : ${T}
${sum("ds", "%p", [2], R)}
  %g2 = stablehlo.convert %g : (${F}) -> ${T}
  %gw2 = stablehlo.multiply %g2, %wb : ${T}
${sum("db", "%gw2", [2], R)}
  %g3 = stablehlo.convert %g : (${F}) -> ${T}
  %x3 = stablehlo.convert %x : (${F}) -> ${T}
  %mb = stablehlo.broadcast_in_dim %mu, dims = [0, 1] : (${R}) -> ${T}
  %rb = stablehlo.broadcast_in_dim %r, dims = [0, 1] : (${R}) -> ${T}
  %d = stablehlo.subtract %x3, %mb : ${T}
  %q = stablehlo.multiply %g3, %d : ${T}
  %q2 = stablehlo.multiply %q, %rb : ${T}
${sum("dw", "%q2", [0, 1], "tensor<64xf64>")}
  %g4 = stablehlo.convert %g : (${F}) -> ${T}
${sum("dbb", "%g4", [0, 1], "tensor<64xf64>")}
  return %ds, %db, %dw, %dbb : ${R}, ${R}, tensor<64xf64>, tensor<64xf64>
}`;
const values = (n: number, f64: boolean) => {
  const x = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 1.7) * 3;
  return x;
};
const rt = new CpuRuntime();
const exe = rt.compile(parseModule(text));
const n = a * b * 64;
const args = [
  rt.toDevice(values(n, false), "float32", [a, b, 64]),
  rt.toDevice(values(n, false), "float32", [a, b, 64]),
  rt.toDevice(values(64, false), "float32", [64]),
  rt.toDevice(values(a * b, true), "float64", [a, b]),
  rt.toDevice(values(a * b, true), "float64", [a, b]),
  rt.toDevice(new Float64Array(1), "float64", []),
];
const bits = (on: boolean) => {
  groupConfig.sideBySide = on;
  return rt.execute(exe, args).map((o) => {
    const h = rt.toHost(o) as Float64Array;
    return Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString("base64");
  });
};
console.log(`outputs bit-identical: ${JSON.stringify(bits(false)) === JSON.stringify(bits(true))}`);
const run = (on: boolean) => {
  groupConfig.sideBySide = on;
  rt.execute(exe, args);
};
for (let i = 0; i < K; i++) for (const on of [false, true]) run(on);
const before = { ...groupStats };
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const us: Record<string, number> = {};
  for (const on of r % 2 ? [true, false] : [false, true]) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < K; i++) run(on);
    const c = process.cpuUsage(c0);
    us[on ? "side" : "one"] = (c.user + c.system) / K;
  }
  ratios.push(us.side! / us.one!);
  console.log(`round ${r + 1}: one row at a time ${us.one!.toFixed(1)} us, side by side ${us.side!.toFixed(1)} us CPU per execute`);
}
groupConfig.sideBySide = true;
ratios.sort((p, q) => p - q);
console.log(
  `median side/one ${ratios[ratios.length >> 1]!.toFixed(3)}; passes side by side ${groupStats.sideBySide - before.sideBySide}, one at a time ${groupStats.rowAtATime - before.rowAtATime}`,
);
