// Smoke test of @xlatorch/pjrt on a real PJRT plugin (run through
// run_on_gpu.sh, which sets PJRT_DEVICE and PJRT_PLUGIN_LIBRARY_PATH):
// opens the runtime from the environment, prints platform and devices, moves
// every dtype to the device and back, compiles a StableHLO text module with
// add + dot_general, runs it and compares with the same computation in JS,
// then times a larger matmul.
//
//   node node_modules/tsx/dist/cli.mjs scripts/accelerator/pjrt_smoke.ts [--fake] [--bench N]
//
// --fake: against the test-double plugin (packages/pjrt/test/fake_plugin),
// whose "execution" copies arguments; numeric checks of computed results are
// skipped, the round trips and the FFI calls still run.
import type { DTypeName, HostArray } from "../../packages/stablehlo/src/index.js";
import { PjrtError, openPjrtRuntimeFromEnv } from "../../packages/pjrt/src/index.js";

const args = process.argv.slice(2);
const fake = args.includes("--fake");
const benchIdx = args.indexOf("--bench");
const benchN = benchIdx >= 0 ? Number(args[benchIdx + 1] ?? 1024) : 1024;

let failures = 0;
function check(name: string, ok: boolean, detail = ""): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? `  ${detail}` : ""}`);
  if (!ok) failures++;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const SMOKE = `module @smoke attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<3x4xf32>) -> (tensor<2x3xf32>, tensor<2x4xf32>) {
    %0 = stablehlo.add %a, %b : tensor<2x3xf32>
    %1 = stablehlo.dot_general %0, %c, contracting_dims = [1] x [0] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
    return %0, %1 : tensor<2x3xf32>, tensor<2x4xf32>
  }
}
`;

const matmulModule = (n: number) => `module @mm attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%a: tensor<${n}x${n}xf32>, %b: tensor<${n}x${n}xf32>) -> tensor<${n}x${n}xf32> {
    %0 = stablehlo.dot_general %a, %b, contracting_dims = [1] x [0] : (tensor<${n}x${n}xf32>, tensor<${n}x${n}xf32>) -> tensor<${n}x${n}xf32>
    return %0 : tensor<${n}x${n}xf32>
  }
}
`;

function jsMatmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      out[i * n + j] = s;
    }
  return out;
}

function main(): void {
  const t0 = performance.now();
  const rt = openPjrtRuntimeFromEnv();
  if (!rt) {
    console.error("no PJRT plugin configured: set PJRT_DEVICE and PJRT_PLUGIN_LIBRARY_PATH (run_on_gpu.sh does)");
    process.exit(2);
  }
  console.log(`plugin    ${rt.pluginPath}`);
  console.log(`PJRT API  ${rt.apiVersion.major}.${rt.apiVersion.minor}`);
  console.log(`platform  ${rt.platform} (${rt.platformVersion})`);
  console.log(`devices   ${rt.deviceInfo.map((d, i) => `${rt.devices[i]} [${d.kind}]`).join(", ")}`);
  console.log(`opened in ${(performance.now() - t0).toFixed(0)} ms`);
  check("at least one device", rt.devices.length > 0);

  // Every dtype of the host layout table, to the device and back.
  const samples: [DTypeName, HostArray][] = [
    ["float32", new Float32Array([1.5, -2, 3.25, 1e-30, -0, 6])],
    ["float64", new Float64Array([Math.PI, -1e300, 0, 1, 2, 3])],
    ["float16", new Uint16Array([0x3c00, 0xc000, 0x7bff, 0, 1, 0x8000])],
    ["bfloat16", new Uint16Array([0x3f80, 0xc000, 0x7f7f, 0, 1, 0x8000])],
    ["int8", new Int8Array([-128, 127, 0, 1, -1, 5])],
    ["uint8", new Uint8Array([0, 255, 1, 2, 3, 4])],
    ["int16", new Int16Array([-32768, 32767, 0, 1, -1, 7])],
    ["int32", new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, 1, -1, 9])],
    ["int64", new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, 1n, -1n, 11n])],
    ["bool", new Uint8Array([1, 0, 0, 1, 1, 0])],
  ];
  for (const [dtype, data] of samples) {
    const buf = rt.toDevice(data, dtype, [2, 3]);
    const back = rt.toHost(buf);
    const same =
      back.constructor === data.constructor &&
      Array.from(back as ArrayLike<number | bigint>).every((v, i) => Object.is(v, (data as ArrayLike<number | bigint>)[i]));
    check(`round trip ${dtype}`, same);
    rt.dispose(buf);
  }

  // add + dot_general, against JS. Inputs are small multiples of 1/2 so the
  // products are exact even if the device multiplies in TF32.
  const a = Float32Array.from({ length: 6 }, (_, i) => i * 0.5 - 1);
  const b = Float32Array.from({ length: 6 }, (_, i) => 2 - i);
  const c = Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2);
  const sum = a.map((x, i) => x + b[i]!);
  const prod = jsMatmul(sum, c, 2, 3, 4);
  let t = performance.now();
  const exe = rt.compileText(SMOKE);
  console.log(`compiled add+dot_general in ${(performance.now() - t).toFixed(0)} ms; ${exe.numOutputs} outputs`);
  const [da, db, dc] = [rt.toDevice(a, "float32", [2, 3]), rt.toDevice(b, "float32", [2, 3]), rt.toDevice(c, "float32", [3, 4])];
  t = performance.now();
  const outs = rt.execute(exe, [da!, db!, dc!]);
  const hostOuts = outs.map((o) => rt.toHost(o) as Float32Array);
  console.log(`executed in ${(performance.now() - t).toFixed(1)} ms`);
  if (fake) {
    console.log("skip numeric checks of add/dot_general (--fake: the test double copies its arguments)");
  } else {
    check("two outputs", outs.length === 2, `got ${outs.length}`);
    check("add shape", JSON.stringify(outs[0]?.shape) === "[2,3]", JSON.stringify(outs[0]?.shape));
    check("dot shape", JSON.stringify(outs[1]?.shape) === "[2,4]", JSON.stringify(outs[1]?.shape));
    check("add values", maxAbsDiff(hostOuts[0]!, sum) <= 1e-6, `max |diff| ${maxAbsDiff(hostOuts[0]!, sum)}`);
    check("dot_general values", maxAbsDiff(hostOuts[1]!, prod) <= 1e-5, `max |diff| ${maxAbsDiff(hostOuts[1]!, prod)}`);
  }
  for (const x of [...outs, da!, db!, dc!, exe]) rt.dispose(x);

  // Errors come back as PjrtError with the call and code.
  try {
    rt.compileText("module { this is not stablehlo }");
    check("bad program rejected", fake, fake ? "(the test double accepts any text)" : "compile succeeded");
  } catch (e) {
    check("bad program rejected as PjrtError", e instanceof PjrtError, e instanceof Error ? e.message.split("\n")[0]! : String(e));
  }

  // A larger matmul: compile once, time execute + transfer back.
  if (!fake && benchN > 0) {
    const n = benchN;
    const mm = rt.compileText(matmulModule(n));
    const ha = Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
    const hb = Float32Array.from({ length: n * n }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
    const xa = rt.toDevice(ha, "float32", [n, n]);
    const xb = rt.toDevice(hb, "float32", [n, n]);
    const [warm] = rt.execute(mm, [xa, xb]);
    const first = rt.toHost(warm!) as Float32Array;
    rt.dispose(warm!);
    // Spot-check a few entries against JS (tolerance allows TF32 on the GPU).
    let worst = 0;
    for (const [i, j] of [
      [0, 0],
      [n - 1, n - 1],
      [n >> 1, 3],
    ] as const) {
      let s = 0;
      for (let p = 0; p < n; p++) s += ha[i * n + p]! * hb[p * n + j]!;
      worst = Math.max(worst, Math.abs(first[i * n + j]! - s) / Math.max(1, Math.abs(s)));
    }
    check(`matmul ${n}x${n} spot check`, worst < 2e-2, `worst relative diff ${worst.toExponential(2)}`);
    const reps = 20;
    t = performance.now();
    let last: ReturnType<typeof rt.execute> = [];
    for (let r = 0; r < reps; r++) {
      for (const o of last) rt.dispose(o);
      last = rt.execute(mm, [xa, xb]);
    }
    rt.toHost(last[0]!); // waits for the queued executions
    const ms = (performance.now() - t) / reps;
    console.log(
      `matmul ${n}x${n} f32: ${ms.toFixed(3)} ms per execute (incl. one transfer back), ${((2 * n ** 3) / (ms * 1e6)).toFixed(0)} GFLOP/s`,
    );
    for (const o of [...last, xa, xb, mm]) rt.dispose(o);
  }

  rt.dispose();
  console.log(failures === 0 ? "SMOKE OK" : `SMOKE FAILED (${failures})`);
  process.exit(failures === 0 ? 0 : 1);
}

try {
  main();
} catch (e) {
  console.error(e instanceof PjrtError ? `PjrtError ${e.codeName} in ${e.call}: ${e.detail}` : e);
  process.exit(1);
}
