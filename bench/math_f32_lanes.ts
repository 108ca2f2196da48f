// In-process A/B of the float32 elementwise kernels' lane code (issue 11):
// the unary lane emitters of an old checkout (--a, its
// packages/cpu/src/wasm/elementwise_module.ts) and of this one, each built into
// a loop over one 16384-value chunk already in WebAssembly memory (no copies,
// no threads, no allocation: only the arithmetic), called alternately; ns per
// value, the fastest of `reps` calls (the steadiest figure on a loaded
// machine). A function without a lane emitter on one side (erf before this
// change) is timed there as the JavaScript kernel's loop instead (Math-based,
// on a Float32Array).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/math_f32_lanes.ts --a /path/to/old [--reps 400]
import os from "node:os";
import path from "node:path";
import { $ } from "../packages/cpu/src/helpers.js";
import * as newEw from "../packages/cpu/src/wasm/elementwise_module.js";
import * as newOps from "../packages/cpu/src/wasm/simd_ops.js";
import * as newB from "../packages/cpu/src/wasm/builder.js";
import * as newEnc from "../packages/cpu/src/wasm/encoder.js";

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const a = path.resolve(arg("--a", "."));
const reps = Number(arg("--reps", "400"));
const imp = (f: string) => import(path.join(a, "packages/cpu/src/wasm", f));
const side = {
  old: {
    ew: (await imp("elementwise_module.ts")) as typeof newEw,
    ops: (await imp("simd_ops.ts")) as typeof newOps,
    B: (await imp("builder.ts")) as typeof newB,
    enc: (await imp("encoder.ts")) as typeof newEnc,
  },
  new: { ew: newEw, ops: newOps, B: newB, enc: newEnc },
};
const N = 16384;
const JS: Record<string, (x: number) => number> = {
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  tanh: Math.tanh,
  logistic: (x) => 1 / (1 + Math.exp(-x)),
  erf: $.erf,
};
const names = Object.keys(JS);

type Fn = () => void;
/** name -> a call computing the chunk, per side. */
function build(s: (typeof side)["new"]): Record<string, Fn> {
  const { I32, V128, op, encodeModule } = s.enc;
  const have = names.filter((n) => n in s.ew.WASM_UNARY);
  const funcs = have.map((name) => {
    const b = new s.B.Body([I32, I32, I32]);
    const x = b.local(V128);
    b.countDown(2, () => {
      b.emit(op.get(0), op.v128Load(0), op.set(x), op.get(1));
      s.ew.WASM_UNARY[name]!(b, [x]);
      b.emit(op.v128Store(0), op.get(0), op.i32(16), op.add, op.set(0), op.get(1), op.i32(16), op.add, op.set(1));
    });
    return b.func(name);
  });
  const IN = s.ops.CONST_BYTES,
    OUT = IN + N * 4;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((OUT + N * 4) / 65536) });
  const ex = new WebAssembly.Instance(new WebAssembly.Module(encodeModule(funcs)), { env: { memory } }).exports as Record<
    string,
    (i: number, o: number, n: number) => void
  >;
  new Uint8Array(memory.buffer).set(s.ops.constPoolImage(), 0);
  const x = new Float32Array(memory.buffer, IN, N);
  for (let i = 0; i < N; i++) x[i] = Math.sin(i * 0.37) * 4 + 0.5;
  const calls: Record<string, Fn> = {};
  for (const n of have) calls[n] = () => ex[n]!(IN, OUT, N / 4);
  // no lane emitter: the JavaScript kernel's loop over the same values
  const xs = Float32Array.from(x),
    ys = new Float32Array(N);
  for (const n of names.filter((m) => !have.includes(m))) {
    const f = JS[n]!;
    calls[n] = () => {
      for (let i = 0; i < N; i++) ys[i] = f(xs[i]!);
    };
  }
  return calls;
}
const old = build(side.old),
  cur = build(side.new);
console.log(`${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}; load average ${os.loadavg()[0]!.toFixed(2)}`);
console.log("| function | old ns/value | new ns/value | old/new |\n| --- | ---: | ---: | ---: |");
for (const n of names) {
  const t = { old: Number.POSITIVE_INFINITY, new: Number.POSITIVE_INFINITY };
  for (let r = 0; r < reps; r++)
    for (const w of r % 2 ? (["old", "new"] as const) : (["new", "old"] as const)) {
      const f = w === "old" ? old[n]! : cur[n]!;
      const t0 = performance.now();
      f();
      t[w] = Math.min(t[w], performance.now() - t0);
    }
  const ns = (ms: number) => (ms * 1e6) / N;
  const mark = (w: "old" | "new") => ((w === "old" ? side.old : side.new).ew.WASM_UNARY[n] ? "" : " (JavaScript)");
  console.log(`| ${n} | ${ns(t.old).toFixed(2)}${mark("old")} | ${ns(t.new).toFixed(2)}${mark("new")} | ${(t.old / t.new).toFixed(2)}x |`);
}
console.log(`load average at the end ${os.loadavg()[0]!.toFixed(2)}`);
