// Multi-output fused loops of the CPU runtime (runtime/multi_output.ts,
// wasm/multi_fused_module.ts): float32 loops over one shape that read one
// another or share an operand run as one WebAssembly loop writing every
// result. Their values equal the separate loops' bit for bit (NaN payloads,
// -0, denormals, infinities), over tails that are not a multiple of 4 and
// several chunks, a strided (transposed) operand, bool and scalar operands,
// with 1 and 2 threads (split across the worker pool), and in donated memory; a loop whose result another
// step reads before the group's step is left out of the group.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { CpuRuntime, THREAD_MIN } from "@xlatorch/cpu";
import { parseModule } from "@xlatorch/stablehlo";
import type { CpuBuffer } from "../packages/cpu/src/runtime/buffer";
import { inPlaceSlots } from "../packages/cpu/src/runtime/donation";
import { groupLoops } from "../packages/cpu/src/runtime/multi_output";
import { planModule, valuePositions } from "../packages/cpu/src/runtime/plan";
import { multiFusedConfig, multiFusedStats } from "../packages/cpu/src/wasm/multi_fused_module";

const saved = {
  threads: torch.get_num_threads(),
  arith: THREAD_MIN.arith,
  threadMin: multiFusedConfig.threadMin,
  wasm: process.env.XLATORCH_WASM,
};
beforeAll(() => {
  delete process.env.XLATORCH_WASM;
});
afterEach(() => {
  torch.set_num_threads(saved.threads);
  THREAD_MIN.arith = saved.arith;
  multiFusedConfig.threadMin = saved.threadMin;
  multiFusedConfig.enabled = true;
});
afterAll(() => {
  if (saved.wasm === undefined) delete process.env.XLATORCH_WASM;
  else process.env.XLATORCH_WASM = saved.wasm;
});

/**
 * An Adam-like update over RxC: .grad (zero + a transposed gradient), both
 * moments, the parameter; and a masked copy of the first moment (compare,
 * select, a bool operand converted), optionally through tanh.
 */
const adamText = (R: number, C: number, tanh = false) => {
  const t = `tensor<${R}x${C}xf32>`;
  const s = (n: string) => `%${n}b = stablehlo.broadcast_in_dim %${n}, dims = [] : (tensor<f32>) -> ${t}`;
  const scalars = ["zero", "b1", "omb1", "b2", "omb2", "nss", "bc2", "eps"];
  return `module @m {
  func.func public @main(%p: ${t} {tf.aliasing_output = 1 : i32}, %ea: ${t} {tf.aliasing_output = 2 : i32}, %es: ${t} {tf.aliasing_output = 3 : i32}, %gt: tensor<${C}x${R}xf32>, %keep: tensor<${R}x${C}xi1>, ${scalars.map((n) => `%${n}: tensor<f32>`).join(", ")}) -> (${t}, ${t}, ${t}, ${t}, ${t}) {
    ${scalars.map(s).join("\n    ")}
    %g0 = stablehlo.transpose %gt, dims = [1, 0] : (tensor<${C}x${R}xf32>) -> ${t}
    %g = stablehlo.add %zerob, %g0 : ${t}
    %m1 = stablehlo.multiply %ea, %b1b : ${t}
    %m2 = stablehlo.multiply %g, %omb1b : ${t}
    %m = stablehlo.add %m1, %m2 : ${t}
    %v1 = stablehlo.multiply %es, %b2b : ${t}
    %v2 = stablehlo.multiply %g, %omb2b : ${t}
    %v3 = stablehlo.multiply %v2, %g : ${t}
    %v = stablehlo.add %v1, %v3 : ${t}
    %d1 = stablehlo.sqrt %v : ${t}
    %d2 = stablehlo.divide %d1, %bc2b : ${t}
    %d = stablehlo.add %d2, %epsb : ${t}
    %n = stablehlo.multiply %m, %nssb : ${t}
    %u = stablehlo.divide %n, %d : ${t}
    %pn = stablehlo.add %p, %u : ${t}
    %c = stablehlo.compare GT, %g, %zerob, FLOAT : (${t}, ${t}) -> tensor<${R}x${C}xi1>
    %q = stablehlo.select %c, %m, %zerob : tensor<${R}x${C}xi1>, ${t}
    %kf = stablehlo.convert %keep : (tensor<${R}x${C}xi1>) -> ${t}
    ${tanh ? `%q2 = stablehlo.tanh %q : ${t}\n    %w = stablehlo.multiply %kf, %q2 : ${t}` : `%w = stablehlo.multiply %kf, %q : ${t}`}
    return %g, %pn, %m, %v, %w : ${t}, ${t}, ${t}, ${t}, ${t}
  }
}`;
};

/** Random float32 values with NaN (two payloads), +-Inf, -0, denormals and huge values sprinkled in. */
function values(n: number, seed: number): Float32Array {
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    out[i] = rnd() * 3;
    const k = i % 97;
    if (k === 5) bits[i] = 0x7fc00001;
    else if (k === 11) bits[i] = 0xffc12345;
    else if (k === 17) out[i] = Infinity;
    else if (k === 23) out[i] = -Infinity;
    else if (k === 29) out[i] = -0;
    else if (k === 31) out[i] = 1e-40;
    else if (k === 37) out[i] = -3e38;
  }
  return out;
}

const rt = new CpuRuntime();
type Args = { p: Float32Array; ea: Float32Array; es: Float32Array; gt: Float32Array; keep: Uint8Array };
function argsOf(R: number, C: number, seed: number): Args {
  const n = R * C;
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) keep[i] = (i * 7 + seed) % 3 === 0 ? 0 : 1;
  return { p: values(n, seed), ea: values(n, seed + 1), es: values(n, seed + 2).map(Math.abs), gt: values(n, seed + 3), keep };
}
const SCALARS = [0, 0.9, 0.1, 0.999, 0.001, -1e-3, 0.3, 1e-8];

/** The five results as bits, and whether each is in its argument's own memory. */
function run(exe: ReturnType<CpuRuntime["compile"]>, R: number, C: number, a: Args, donate: boolean) {
  const t = (x: Float32Array) => rt.toDevice(x.slice(), "float32", [R, C]);
  const args = [t(a.p), t(a.ea), t(a.es), rt.toDevice(a.gt.slice(), "float32", [C, R]), rt.toDevice(a.keep.slice(), "bool", [R, C])];
  for (const v of SCALARS) args.push(rt.toDevice(new Float32Array([v]), "float32", []));
  const outs = rt.execute(exe, args, donate ? args.map((_, i) => i < 3) : undefined) as CpuBuffer[];
  const bits = outs.map((o) => Array.from(new Uint32Array((rt.toHost(o) as Float32Array).slice().buffer)));
  const inPlace = [1, 2, 3].map((k, i) => outs[k]!.s.data === (args[i] as CpuBuffer).s.data);
  return { bits, inPlace };
}

describe("multi-output fused loops equal the separate loops bit for bit", () => {
  // RxC: 1029 (tail 1), 1026 (tail 2), 4107 (tail 3), 39997 (several chunks, tail 1)
  const shapes: [number, number][] = [
    [3, 343],
    [2, 513],
    [37, 111],
    [37, 1081],
  ];
  for (const [R, C] of shapes)
    for (const threads of [1, 2])
      it(`${R}x${C}, ${threads} thread(s), with and without donation`, () => {
        torch.set_num_threads(threads);
        // with 2 threads, every call of several chunks is split across the worker pool, grouped or not
        if (threads === 2) THREAD_MIN.arith = multiFusedConfig.threadMin = 1;
        const t0 = multiFusedStats.threaded;
        const exe = rt.compile(parseModule(adamText(R, C)));
        const a = argsOf(R, C, R + C);
        multiFusedConfig.enabled = false;
        const g0 = multiFusedStats.groups;
        const separate = run(exe, R, C, a, false);
        expect(multiFusedStats.groups).toBe(g0);
        multiFusedConfig.enabled = true;
        const grouped = run(exe, R, C, a, false);
        expect(multiFusedStats.groups).toBe(g0 + 1);
        expect(grouped.bits).toEqual(separate.bits);
        // a NaN payload survives (0x7fc00001 in p at index 5 gives p + u = NaN with p's payload or u's)
        expect(grouped.bits[1]!.some((b) => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0)).toBe(true);
        const donated = run(exe, R, C, a, true);
        expect(multiFusedStats.groups).toBe(g0 + 2);
        expect(donated.inPlace).toEqual([true, true, true]);
        expect(donated.bits).toEqual(separate.bits);
        // 39997 values are 9 chunks
        expect(multiFusedStats.threaded - t0).toBe(threads === 2 && R * C > 10000 ? 2 : 0);
      });

  it("a transcendental group the separate loops would split across threads is split too, with the same values", () => {
    const [R, C] = [7, 10001];
    const exe = rt.compile(parseModule(adamText(R, C, true)));
    const a = argsOf(R, C, 3);
    torch.set_num_threads(1);
    const g0 = multiFusedStats.groups,
      t0 = multiFusedStats.threaded;
    const one = run(exe, R, C, a, false);
    torch.set_num_threads(2);
    const two = run(exe, R, C, a, false);
    expect([multiFusedStats.groups - g0, multiFusedStats.threaded - t0]).toEqual([2, 1]);
    multiFusedConfig.enabled = false;
    THREAD_MIN.arith = 1;
    const separate = run(exe, R, C, a, false);
    expect(two.bits).toEqual(one.bits);
    expect(separate.bits).toEqual(one.bits);
  });

  it("XLATORCH_WASM=off runs the members one by one, with the same values", () => {
    const [R, C] = [3, 343];
    const exe = rt.compile(parseModule(adamText(R, C)));
    const a = argsOf(R, C, 9);
    const wasm = run(exe, R, C, a, true);
    process.env.XLATORCH_WASM = "off";
    try {
      const g0 = multiFusedStats.groups;
      const js = run(exe, R, C, a, true);
      expect(multiFusedStats.groups).toBe(g0);
      expect(js.inPlace).toEqual([true, true, true]);
      // the JavaScript loops give the same numbers (NaN payloads aside: JavaScript may change them)
      const num = (bits: number[][]) => bits.map((b) => Array.from(new Float32Array(new Uint32Array(b).buffer)));
      expect(num(js.bits)).toEqual(num(wasm.bits));
    } finally {
      delete process.env.XLATORCH_WASM;
    }
  });
});

describe("which loops are grouped", () => {
  const grouping = (text: string) => {
    const main = parseModule(text).funcs[0]!;
    const plan = planModule(main);
    return groupLoops(main, plan, new Set(), inPlaceSlots(main, plan, valuePositions(main).values));
  };
  /** Each group's member count. */
  const groupsOf = (text: string) => (grouping(text)?.groups ?? []).map((g) => g.members.length);

  it("the Adam update's loops form one group", () => {
    const g = grouping(adamText(3, 343))!;
    // .grad, both moments, the parameter, the masked moment: five loops, five results
    expect(g.groups.map((x) => [x.members.length, x.roots.length])).toEqual([[5, 5]]);
    // the transposed gradient, p, both moments, the bool mask and the 8 scalars, each read once
    expect(g.groups[0]!.leaves.length).toBe(13);
  });

  it("a loop whose result another step reads before the group's step stays out", () => {
    const t = "tensor<64x32xf32>";
    const text = `module @m {
  func.func public @main(%x: ${t}, %y: ${t}, %w: tensor<32x32xf32>) -> (${t}, ${t}) {
    %a = stablehlo.multiply %x, %y : ${t}
    %d = stablehlo.dot_general %a, %w, contracting_dims = [1] x [0] : (${t}, tensor<32x32xf32>) -> ${t}
    %b = stablehlo.add %a, %d : ${t}
    %c = stablehlo.multiply %b, %x : ${t}
    return %b, %c : ${t}, ${t}
  }
}`;
    // %a is read by the dot before %b: only %b and %c (which reads %b and shares %x) group
    expect(groupsOf(text)).toEqual([2]);
  });

  it("a loop that cannot wait for a later one ends its group there (the forward relu before its matmul)", () => {
    const t = "tensor<64x32xf32>";
    const text = `module @m {
  func.func public @main(%x: ${t}, %y: ${t}, %z: ${t}, %w: tensor<32x32xf32>) -> (${t}, ${t}) {
    %a = stablehlo.add %x, %y : ${t}
    %c = stablehlo.compare GT, %a, %z, FLOAT : (${t}, ${t}) -> tensor<64x32xi1>
    %r = stablehlo.select %c, %a, %z : tensor<64x32xi1>, ${t}
    %d = stablehlo.dot_general %r, %w, contracting_dims = [1] x [0] : (${t}, tensor<32x32xf32>) -> ${t}
    %e = stablehlo.multiply %a, %d : ${t}
    return %a, %e : ${t}, ${t}
  }
}`;
    // %a and %r (which reads %a) run as one loop before the matmul; %e, after it, on its own
    expect(groupsOf(text)).toEqual([2]);
  });

  it("loops that share only a broadcast scalar are not grouped", () => {
    const t = "tensor<64x32xf32>";
    const text = `module @m {
  func.func public @main(%x: ${t}, %y: ${t}, %s: tensor<f32>) -> (${t}, ${t}) {
    %sb = stablehlo.broadcast_in_dim %s, dims = [] : (tensor<f32>) -> ${t}
    %a = stablehlo.multiply %x, %sb : ${t}
    %b = stablehlo.add %y, %sb : ${t}
    return %a, %b : ${t}, ${t}
  }
}`;
    expect(groupsOf(text)).toEqual([]);
  });
});
