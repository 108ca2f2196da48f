// The float32 elementwise and reduction kernels of the eager cpu device with
// and without WebAssembly SIMD (packages/cpu/src/wasm/simd_f32.ts vs the
// JavaScript kernels, XLATORCH_WASM=off), through torch (copies in and out and
// the result's allocation included). The two paths run interleaved and each
// figure is the best of `runs`, so that a machine loaded by other work still
// gives a fair ratio even where the absolute times are inflated.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/wasm_simd.ts [runs]
import os from "node:os";
import { wasmSimdEnabled } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { setWasmEnv } from "./lib/env.js";

const runs = Number(process.argv[2] ?? 12);
torch.manual_seed(0);
const x = torch.randn(4 * 1024 * 1024),
  y = torch.randn(1024, 1024),
  z = torch.randn(2048, 2048),
  s = torch.randn(64, 64),
  bias = torch.randn(2048);
const cases: [string, () => unknown][] = [
  ["tanh(x*2+1), 4M", () => torch.tanh(x.mul(2).add(1))],
  ["x*2, 4M", () => x.mul(2)],
  ["x+x, 4M", () => x.add(x)],
  ["tanh(x), 4M", () => torch.tanh(x)],
  ["exp(x), 4M", () => torch.exp(x)],
  ["sigmoid(x), 4M", () => torch.sigmoid(x)],
  ["sum(x), 4M", () => x.sum()],
  ["sum(x, -1), 2048x2048", () => z.sum(-1)],
  ["amax(x, -1), 2048x2048", () => z.amax(-1)],
  ["softmax(x, -1), 1024x1024", () => torch.softmax(y, -1)],
  ["x + bias, 2048x2048", () => z.add(bias)],
  ["exp(x), 64x64", () => torch.exp(s)],
  ["x+x, 64x64", () => s.add(s)],
];
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.log(`wasm SIMD: ${wasmSimdEnabled()}; load average at start ${load()}`);
console.log("| case | JavaScript ms | WebAssembly ms | speed-up |");
console.log("| --- | ---: | ---: | ---: |");
for (const [name, f] of cases) {
  const best = { js: Number.POSITIVE_INFINITY, wasm: Number.POSITIVE_INFINITY };
  for (let r = 0; r < runs + 2; r++)
    for (const p of ["js", "wasm"] as const) {
      setWasmEnv(p === "js" ? "off" : "on");
      const t0 = performance.now();
      f();
      const t = performance.now() - t0;
      if (r >= 2) best[p] = Math.min(best[p], t);
    }
  console.log(`| ${name} | ${best.js.toFixed(3)} | ${best.wasm.toFixed(3)} | ${(best.js / best.wasm).toFixed(2)}× |`);
}
console.log(`load average at end ${load()}`);
