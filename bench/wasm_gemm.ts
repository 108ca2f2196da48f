// float32 square matmul on the eager cpu device through its three dot_general
// paths: the JavaScript kernel (float64 accumulation, 4x4 tiles), the
// WebAssembly SIMD kernel generated at run time (packages/cpu/src/wasm/gemm.ts;
// what runs without a system BLAS, and always in a browser) and the system
// BLAS (when one is found). Each is timed through torch.matmul (operand
// copies in and out included), interleaved, best of several runs, in GFLOP/s.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/wasm_gemm.ts [runs]
import { blasInfo, blasPolicy, wasmGemmEnabled } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import { setWasmEnv } from "./lib/env.js";

const runs = Number(process.argv[2] ?? 5);
const blas = (() => {
  try {
    return blasInfo();
  } catch {
    return null;
  }
})();

type Path = "js" | "wasm" | "blas";
function use(p: Path): void {
  blasPolicy.enabled = p === "blas";
  setWasmEnv(p === "js" ? "off" : undefined);
}

const paths: Path[] = ["js", "wasm", ...(blas?.active ? (["blas"] as Path[]) : [])];
console.log(`wasm SIMD: ${wasmGemmEnabled()}; BLAS: ${blas?.active ? blas.path : `none (${blas?.reason ?? "error"})`}`);
console.log(`| n | ${paths.join(" | ")} |`);
console.log(`| --- |${paths.map(() => " --- |").join("")}`);
for (const n of [256, 512, 1024]) {
  torch.manual_seed(0);
  const a = torch.randn(n, n),
    b = torch.randn(n, n);
  const best = new Map<Path, number>(paths.map((p) => [p, Infinity]));
  for (const p of paths) {
    use(p);
    a.matmul(b); // warm up
  }
  // the JS kernel at 1024 takes seconds: fewer runs of it
  for (let r = 0; r < runs; r++)
    for (const p of paths) {
      if (p === "js" && n === 1024 && r >= 2) continue;
      use(p);
      const t0 = performance.now();
      a.matmul(b);
      best.set(p, Math.min(best.get(p)!, performance.now() - t0));
    }
  console.log(`| ${n} | ${paths.map((p) => ((2 * n ** 3) / best.get(p)! / 1e6).toFixed(1)).join(" | ")} |`);
}
use("blas");
