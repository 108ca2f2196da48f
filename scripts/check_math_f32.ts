// Checks the float32 lane functions of the WebAssembly elementwise kernels
// (wasm/math_f32.ts through elementwise_module.ts's WASM_UNARY) against the
// correctly rounded float32 result (Math.fround of the float64 function, which
// is within 0.5 ulp + 2^-29 ulp of it) over float32 bit patterns: every
// `--step`-th one (1 = all 2^32; the default 1 takes minutes per function in
// Node), plus every pattern within 2^16 of the special values and thresholds.
// Prints the worst error in ulps per function and the input where it occurs;
// exits 1 when one exceeds --max (default 2).
//   npx tsx --tsconfig tsconfig.json scripts/check_math_f32.ts [--step 1] [--fns tanh,exp] [--max 2]
import { Body } from "../packages/cpu/src/wasm/builder.js";
import { encodeModule, I32, op, V128 } from "../packages/cpu/src/wasm/encoder.js";
import { WASM_UNARY } from "../packages/cpu/src/wasm/elementwise_module.js";
import { CONST_BYTES, constPoolImage } from "../packages/cpu/src/wasm/simd_ops.js";
import { $ } from "../packages/cpu/src/helpers.js";

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const step = Number(arg("--step", "1"));
const max = Number(arg("--max", "2"));
const REF: Record<string, (x: number) => number> = {
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  tanh: Math.tanh,
  logistic: (x) => 1 / (1 + Math.exp(-x)),
  // W. J. Cody's rational approximations, ~1e-16 (the JavaScript kernels' erf)
  erf: $.erf,
};
const fns = arg("--fns", Object.keys(REF).join(",")).split(",");

const N = 1 << 16;
const IN = CONST_BYTES,
  OUT = IN + N * 4;
/** f(in, out, nvec) for each function. */
const funcs = fns.map((name) => {
  const b = new Body([I32, I32, I32]);
  const x = b.local(V128);
  b.countDown(2, () => {
    b.emit(op.get(0), op.v128Load(0), op.set(x), op.get(1));
    WASM_UNARY[name]!(b, [x]);
    b.emit(op.v128Store(0), op.get(0), op.i32(16), op.add, op.set(0), op.get(1), op.i32(16), op.add, op.set(1));
  });
  return b.func(name);
});
const memory = new WebAssembly.Memory({ initial: Math.ceil((OUT + N * 4) / 65536) });
const ex = new WebAssembly.Instance(new WebAssembly.Module(encodeModule(funcs)), { env: { memory } }).exports as Record<
  string,
  (a: number, b: number, n: number) => void
>;
new Uint8Array(memory.buffer).set(constPoolImage(), 0);
const inU = new Uint32Array(memory.buffer, IN, N),
  inF = new Float32Array(memory.buffer, IN, N),
  outF = new Float32Array(memory.buffer, OUT, N);

const key = (f: Float32Array, i: number, u: Int32Array) => {
  const v = u[i]!;
  return v < 0 ? -(v & 0x7fffffff) : v;
};
const tmp = new Float32Array(2),
  tmpI = new Int32Array(tmp.buffer);
/** ulps between two float32 values (0 for NaN/NaN, Infinity for NaN/number). */
function ulps(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Number.POSITIVE_INFINITY;
  if (a === b) return Object.is(a, b) || a !== 0 ? 0 : 1;
  tmp[0] = a;
  tmp[1] = b;
  return Math.abs(key(tmp, 0, tmpI) - key(tmp, 1, tmpI));
}

// bit patterns near specials and thresholds, both signs
const around = [
  0, 0x3f6c0000, 0x40800000, 0x00800000, 0x3f800000, 0x7f800000, 0x7f7fffff, 0x3f200000, 0x41200000, 0x42b17218, 0x42cff1b5, 0x42d00000,
  0x41a00000,
];
for (const name of fns) {
  const f = ex[name]!,
    ref = REF[name]!;
  let worst = 0,
    worstX = 0,
    count = 0;
  /** inputs off by 1 ulp, and by 2 or more */
  const off = [0, 0];
  const run = (start: number, stride: number, n: number) => {
    for (let j = 0; j < n; j++) inU[j] = (start + j * stride) >>> 0;
    f(IN, OUT, (n + 3) >> 2);
    for (let j = 0; j < n; j++) {
      const x = inF[j]!;
      const u = ulps(outF[j]!, Math.fround(ref(x)));
      if (u > worst) (worst = u), (worstX = x);
      if (u >= 1) off[u >= 2 ? 1 : 0]!++;
    }
    count += n;
  };
  const t0 = performance.now();
  for (const c of around) for (const sign of [0, 0x80000000]) run(((c | sign) - 32768) >>> 0, 1, N);
  for (let s = 0; s < 2 ** 32; s += step * N) run(s, step, Math.min(N, Math.ceil((2 ** 32 - s) / step)));
  const ms = performance.now() - t0;
  console.log(
    `${name}: worst ${worst} ulp at x = ${worstX} (${Math.fround(ref(worstX))} correctly rounded), ${count} inputs, ${off[0]} off by 1 ulp and ${off[1]} by 2 or more, ${(ms / 1000).toFixed(1)} s`,
  );
  if (worst > max) process.exitCode = 1;
}
