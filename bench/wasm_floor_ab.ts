// Whether the fused loops' WebAssembly size floor (wasm/fused_module.ts
// fusedWasmFloor: 128 values, more for short arithmetic chains) is right on
// this machine: an AdamW-like float32 update chain (the nanoGPT tiny xla
// step's small loops: moment and parameter updates of 64-256 values, scalar
// hyperparameters) over n values, one CPU runtime executable, run as the
// generated JavaScript loop (XLATORCH_WASM=off) and in WebAssembly at every
// size (XLATORCH_WASM=always), alternated in one process: process
// CPU us per execute, per size.
// --wasm auto: the WebAssembly side with XLATORCH_WASM unset (above the floor
// only; below it that side runs the JavaScript loop too).
//   XLATORCH_NUM_THREADS=1 npx tsx --tsconfig tsconfig.json bench/wasm_floor_ab.ts [--sizes 64,256,1024] [--rounds 6] [--k 2000] [--wasm always|auto]
import { CpuRuntime } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import { refreshWasmEnv } from "../packages/cpu/src/wasm/wasm_env.js";
import { cliArg } from "./lib/program_case.js";

const sizes = cliArg("sizes", "64,256,1024").split(",").map(Number);
const wasmSide = cliArg("wasm", "always") === "auto" ? undefined : "always";
const rounds = Number(cliArg("rounds", "6")),
  K = Number(cliArg("k", "2000"));
const text = (n: number) => {
  const T = `tensor<${n}xf32>`;
  const s = (v: string) => `stablehlo.broadcast_in_dim ${v}, dims = [] : (tensor<f32>) -> ${T}`;
  // p - lr * (m * b1 + g * (1 - b1)) / (sqrt(v) + eps): one fused loop
  return `func.func @main(%p: ${T}, %g: ${T}, %m: ${T}, %v: ${T}, %b1: tensor<f32>, %c1: tensor<f32>, %lr: tensor<f32>, %eps: tensor<f32>) -> (${T}) {
  %B = ${s("%b1")}
  %C = ${s("%c1")}
  %L = ${s("%lr")}
  %E = ${s("%eps")}
  %a = stablehlo.multiply %m, %B : ${T}
  %b = stablehlo.multiply %g, %C : ${T}
  %c = stablehlo.add %a, %b : ${T}
  %d = stablehlo.sqrt %v : ${T}
  %e = stablehlo.add %d, %E : ${T}
  %f = stablehlo.divide %c, %e : ${T}
  %h = stablehlo.multiply %f, %L : ${T}
  %r = stablehlo.subtract %p, %h : ${T}
  return %r : ${T}
}`;
};
const values = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => 0.5 + 0.25 * Math.sin(i * 0.37 + k));
const mode = (m: string | undefined) => {
  if (m === undefined) delete process.env.XLATORCH_WASM;
  else process.env.XLATORCH_WASM = m;
  refreshWasmEnv();
};
for (const n of sizes) {
  const rt = new CpuRuntime();
  const exe = rt.compile(parseModule(text(n)));
  const args = [
    ...[0, 1, 2, 3].map((k) => rt.toDevice(values(n, k), "float32", [n])),
    ...[0.9, 0.1, 1e-3, 1e-8].map((x) => rt.toDevice(Float32Array.of(x), "float32", [])),
  ];
  const run = (m: string | undefined) => {
    mode(m);
    for (let i = 0; i < K; i++) rt.execute(exe, args);
  };
  const bits = (m: string | undefined) => {
    mode(m);
    return Array.from(rt.toHost(rt.execute(exe, args)[0]!) as Float32Array).join(",");
  };
  const same = bits("off") === bits(wasmSide);
  run("off");
  run(wasmSide);
  const ratios: number[] = [];
  const us: Record<string, number[]> = { js: [], wasm: [] };
  for (let r = 0; r < rounds; r++) {
    const got: Record<string, number> = {};
    for (const m of r % 2 ? [wasmSide, "off"] : ["off", wasmSide]) {
      const c0 = process.cpuUsage();
      run(m);
      const c = process.cpuUsage(c0);
      got[m === "off" ? "js" : "always"] = (c.user + c.system) / K;
    }
    us.js!.push(got.js!);
    us.wasm!.push(got.always!);
    ratios.push(got.always! / got.js!);
  }
  const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1]!;
  console.log(
    `n ${n}: CPU us per execute, JavaScript loop ${med(us.js!).toFixed(2)}, WebAssembly ${med(us.wasm!).toFixed(2)}, median per-round wasm/js ${med(ratios).toFixed(3)}; same bits ${same}`,
  );
}
mode(undefined);
