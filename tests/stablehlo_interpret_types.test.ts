// The CPU runtime's reference evaluator on what is not a plain tensor of a
// dtype: the f8/f6/f4 float types (bits and rounding against ml_dtypes, and
// APFloat's rules where the reference interpreter follows it), tuples, tokens
// and host transfers, quantized tensors, the interpreter's probe/print, and
// chlo.ragged_dot's three modes; refusals name the op and its line.
import { readFileSync } from "node:fs";
import { CpuRuntime } from "@xlatorch/cpu";
import {
  MINIFLOAT_FORMATS,
  minifloatFromBits,
  minifloatToBits,
  type MinifloatType,
  parseModule,
  quantParams,
  typeToString,
} from "@xlatorch/stablehlo";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { formatValue, instrumentation, resetInstrumentation } from "../packages/cpu/src/runtime/interpret/instrument.js";

type Num = number | "nan" | "inf" | "-inf";
const fixture: { types: Record<MinifloatType, { values: Num[]; round: [number, number][] }> } = JSON.parse(
  readFileSync(new URL("./fixtures/minifloat.json", import.meta.url), "utf8"),
);
const num = (x: Num): number => (x === "nan" ? NaN : x === "inf" ? Infinity : x === "-inf" ? -Infinity : x);

/** Runs @main of `text` (no arguments) and returns its results as host arrays. */
function run(text: string) {
  const rt = new CpuRuntime();
  const exe = rt.compile(parseModule(text));
  return rt.execute(exe, []).map((b) => Array.from(rt.toHost(b) as ArrayLike<number | bigint>, Number));
}

describe("f8/f6/f4 element types", () => {
  const types = Object.keys(MINIFLOAT_FORMATS) as MinifloatType[];

  it("every bit pattern decodes to ml_dtypes' value", () => {
    for (const t of types) {
      const want = fixture.types[t].values.map(num);
      const got = want.map((_, b) => minifloatFromBits(b, t));
      expect(got, t).toEqual(want);
    }
  });

  it("doubles round to nearest, ties to even, as ml_dtypes does (in range)", () => {
    for (const t of types) {
      const bad = fixture.types[t].round.filter(([x, b]) => minifloatToBits(x, t) !== b);
      expect(bad, t).toEqual([]);
    }
  });

  it("follows APFloat where the formats cannot hold a value", () => {
    // overflow: infinity (IEEE), NaN (FN, FNUZ), the largest magnitude (FINITE: no infinity, no NaN)
    expect(minifloatToBits(1e6, "f8E5M2")).toBe(0x7c);
    expect(minifloatToBits(-1e6, "f8E4M3")).toBe(0xf8);
    expect(minifloatToBits(465, "f8E4M3FN")).toBe(0x7f);
    expect(minifloatToBits(464, "f8E4M3FN")).toBe(0x7e); // the tie rounds to even: 448
    expect(minifloatToBits(Infinity, "f8E4M3FNUZ")).toBe(0x80);
    expect(minifloatToBits(100, "f4E2M1FN")).toBe(0x7);
    expect(minifloatToBits(-Infinity, "f6E3M2FN")).toBe(0x3f);
    // zero: FNUZ has no -0; f8E8M0FNU has no zero (the smallest value, 2^-127)
    expect(minifloatToBits(-0, "f8E5M2FNUZ")).toBe(0);
    expect(minifloatToBits(-0, "f8E5M2")).toBe(0x80);
    expect(minifloatToBits(0, "f8E8M0FNU")).toBe(0);
    expect(minifloatFromBits(0, "f8E8M0FNU")).toBe(2 ** -127);
    // f8E8M0FNU: one significand bit, so a tie rounds up; negative values and overflow are NaN
    expect(minifloatToBits(3, "f8E8M0FNU")).toBe(129);
    expect(minifloatToBits(2.9, "f8E8M0FNU")).toBe(128);
    expect(minifloatToBits(-1, "f8E8M0FNU")).toBe(0xff);
    expect(minifloatToBits(2 ** 128, "f8E8M0FNU")).toBe(0xff);
    // just under the tie between 2^-127 and 2^-126: down (ml_dtypes rounds it up)
    expect(minifloatToBits(1.5 * 2 ** -127 * (1 - 2 ** -20), "f8E8M0FNU")).toBe(0);
    // NaN: the quiet NaN of each format; the FINITE formats have none (APFloat gives +0)
    expect(minifloatToBits(NaN, "f8E5M2")).toBe(0x7e);
    expect(minifloatToBits(NaN, "f8E4M3FN")).toBe(0x7f);
    expect(minifloatToBits(NaN, "f8E4M3B11FNUZ")).toBe(0x80);
    expect(minifloatToBits(NaN, "f4E2M1FN")).toBe(0);
  });

  it("arithmetic rounds each result to the type; convert and bitcast_convert use the bits", () => {
    const [sum, conv, bits, back, dot] = run(`
      func.func @main() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xui8>, tensor<3xf32>, tensor<f32>) {
        %a = stablehlo.constant dense<[1.0, 448.0, 0.1]> : tensor<3xf8E4M3FN>
        %b = stablehlo.constant dense<[0.0625, 32.0, 0.1]> : tensor<3xf8E4M3FN>
        %s = stablehlo.add %a, %b : tensor<3xf8E4M3FN>
        %s32 = stablehlo.convert %s : (tensor<3xf8E4M3FN>) -> tensor<3xf32>
        %x = stablehlo.constant dense<[3.1415, -100.0, 1.0e-9]> : tensor<3xf32>
        %x8 = stablehlo.convert %x : (tensor<3xf32>) -> tensor<3xf8E5M2>
        %c = stablehlo.convert %x8 : (tensor<3xf8E5M2>) -> tensor<3xf32>
        %u = stablehlo.bitcast_convert %x8 : (tensor<3xf8E5M2>) -> tensor<3xui8>
        %y = stablehlo.bitcast_convert %u : (tensor<3xui8>) -> tensor<3xf8E5M2>
        %y32 = stablehlo.convert %y : (tensor<3xf8E5M2>) -> tensor<3xf32>
        %v = stablehlo.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<8xf8E4M3>
        %d = stablehlo.dot_general %v, %v, contracting_dims = [0] x [0] : (tensor<8xf8E4M3>, tensor<8xf8E4M3>) -> tensor<f8E4M3>
        %d32 = stablehlo.convert %d : (tensor<f8E4M3>) -> tensor<f32>
        return %s32, %c, %u, %y32, %d32 : tensor<3xf32>, tensor<3xf32>, tensor<3xui8>, tensor<3xf32>, tensor<f32>
      }`);
    // 1 + 0.0625 = 1.0625 is a tie between 1.0 and 1.125: even is 1.0; 448 + 32 overflows to NaN (no infinity)
    expect(sum).toEqual([1, NaN, 0.203125]);
    expect(conv).toEqual([3, -96, 0]);
    expect(bits).toEqual([0x42, 0xd6, 0]);
    expect(back).toEqual(conv);
    // 0+1+4+9+16+25+36+49 with each sum rounded to f8E4M3 (3 mantissa bits): 55 -> 56, 92 -> 96, 145 -> 144
    expect(dot).toEqual([144]);
  });
});

describe("tuples, tokens and host transfers", () => {
  it("tuple / get_tuple_element round-trip nested values; the types print back", () => {
    const m = parseModule(`
      func.func @main() -> (tensor<2xf64>, tensor<i64>) {
        %a = stablehlo.constant dense<[1.5, 2.5]> : tensor<2xf64>
        %b = stablehlo.constant dense<3> : tensor<i64>
        %inner = stablehlo.tuple %b : tuple<tensor<i64>>
        %t = stablehlo.tuple %a, %inner : tuple<tensor<2xf64>, tuple<tensor<i64>>>
        %x = stablehlo.get_tuple_element %t[0] : (tuple<tensor<2xf64>, tuple<tensor<i64>>>) -> tensor<2xf64>
        %i = stablehlo.get_tuple_element %t[1] : (tuple<tensor<2xf64>, tuple<tensor<i64>>>) -> tuple<tensor<i64>>
        %y = stablehlo.get_tuple_element %i[0] : (tuple<tensor<i64>>) -> tensor<i64>
        return %x, %y : tensor<2xf64>, tensor<i64>
      }`);
    const t = m.funcs[0]!.body[3]!.results[0]!.type;
    expect(typeToString(t)).toBe("tuple<tensor<2xf64>, tuple<tensor<i64>>>");
    expect(t.parts!.map(typeToString)).toEqual(["tensor<2xf64>", "tuple<tensor<i64>>"]);
    const rt = new CpuRuntime();
    const out = rt.execute(rt.compile(m), []).map((b) => Array.from(rt.toHost(b) as ArrayLike<number | bigint>, Number));
    expect(out).toEqual([[1.5, 2.5], [3]]);
  });

  it("send/recv pass messages between run_parallel's processes in order; infeed reads its queue", () => {
    const [r] = run(`
      func.func @send(%x : tensor<2xi64>, %t : !stablehlo.token) -> !stablehlo.token {
        %t1 = "stablehlo.send"(%x, %t) {channel_handle = #stablehlo.channel_handle<handle = 5, type = 2>, is_host_transfer = true} : (tensor<2xi64>, !stablehlo.token) -> !stablehlo.token
        %y = stablehlo.add %x, %x : tensor<2xi64>
        %t2 = "stablehlo.send"(%y, %t1) {channel_handle = #stablehlo.channel_handle<handle = 5, type = 2>, is_host_transfer = true} : (tensor<2xi64>, !stablehlo.token) -> !stablehlo.token
        return %t2 : !stablehlo.token
      }
      func.func @recv(%t : !stablehlo.token) -> tensor<2xi64> {
        %a:2 = "stablehlo.recv"(%t) {channel_handle = #stablehlo.channel_handle<handle = 5, type = 3>, is_host_transfer = true} : (!stablehlo.token) -> (tensor<2xi64>, !stablehlo.token)
        %b:2 = "stablehlo.recv"(%a#1) {channel_handle = #stablehlo.channel_handle<handle = 5, type = 3>, is_host_transfer = true} : (!stablehlo.token) -> (tensor<2xi64>, !stablehlo.token)
        %s = stablehlo.subtract %b#0, %a#0 : tensor<2xi64>
        return %s : tensor<2xi64>
      }
      func.func @main() -> tensor<2xi64> {
        %x = stablehlo.constant dense<[4, 7]> : tensor<2xi64>
        %t = stablehlo.after_all : !stablehlo.token
        %r:2 = "interpreter.run_parallel"(%t, %x, %t) {programs = [[@recv], [@send]]} : (!stablehlo.token, tensor<2xi64>, !stablehlo.token) -> (tensor<2xi64>, !stablehlo.token)
        return %r#0 : tensor<2xi64>
      }`);
    // the receiver runs first and waits; 2x - x = x
    expect(r).toEqual([4, 7]);
  });

  it("torch.xla.run_stablehlo refuses results with no dtype (f8, quantized, token) instead of returning their bits", () => {
    const text = `func.func @main(%x: tensor<2xf32>) -> tensor<2xf8E4M3FN> {
      %y = stablehlo.convert %x : (tensor<2xf32>) -> tensor<2xf8E4M3FN>
      return %y : tensor<2xf8E4M3FN>
    }`;
    expect(() => torch.xla.run_stablehlo(text, torch.tensor([1.5, 2]))).toThrow(
      /run_stablehlo: @main's result 0 is tensor<2xf8E4M3FN>, which has no dtype/,
    );
    const ok = text
      .replaceAll("-> tensor<2xf8E4M3FN> {", "-> tensor<2xf32> {")
      .replace(
        "return %y : tensor<2xf8E4M3FN>",
        "%z = stablehlo.convert %y : (tensor<2xf8E4M3FN>) -> tensor<2xf32>\n      return %z : tensor<2xf32>",
      );
    expect(torch.xla.run_stablehlo(ok, torch.tensor([1.3, 300]))[0]!.tolist()).toEqual([1.25, 288]);
  });

  it("refuses host transfers outside run_parallel, naming the op and its line", () => {
    expect(() =>
      run(`func.func @main() -> tensor<2xi64> {
        %t = stablehlo.after_all : !stablehlo.token
        %r:2 = "stablehlo.infeed"(%t) : (!stablehlo.token) -> (tensor<2xi64>, !stablehlo.token)
        return %r#0 : tensor<2xi64>
      }`),
    ).toThrow(/unsupported stablehlo\.infeed at line 3:16: .*run_parallel/);
  });
});

describe("quantized tensors", () => {
  it("parses !quant.uniform into one canonical spelling and its parameters", () => {
    const m =
      parseModule(`func.func @main(%x: tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.5:3,1.0e-1, 2.0:-1}>>) -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.5:3, 0.1:0, 2:-1}>> {
      return %x : tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.5:3, 0.1:0, 2.0:-1}>>
    }`);
    const e = m.funcs[0]!.params[0]!.type.element;
    expect(e).toBe("!quant.uniform<i8<-127:127>:f32:1, {0.5:3, 0.1:0, 2:-1}>");
    expect(quantParams(e)).toEqual({
      storage: "i8",
      storageMin: -127,
      storageMax: 127,
      expressed: "f32",
      scales: [0.5, 0.1, 2],
      zeroPoints: [3, 0, -1],
      axis: 1,
    });
  });

  it("quantize clamps and rounds half to even; dequantize; other ops dequantize, compute, quantize", () => {
    const [q, dq, sum, rq] = run(`
      func.func @main() -> (tensor<5xi8>, tensor<5xf32>, tensor<5xi8>, tensor<2x2xi8>) {
        %x = stablehlo.constant dense<[0.25, 0.75, -100.0, 100.0, 1.0]> : tensor<5xf32>
        %q = stablehlo.uniform_quantize %x : (tensor<5xf32>) -> tensor<5x!quant.uniform<i8<-10:10>:f32, 0.5:1>>
        %qi = stablehlo.bitcast_convert %q : (tensor<5x!quant.uniform<i8<-10:10>:f32, 0.5:1>>) -> tensor<5xi8>
        %dq = stablehlo.uniform_dequantize %q : (tensor<5x!quant.uniform<i8<-10:10>:f32, 0.5:1>>) -> tensor<5xf32>
        %s = stablehlo.add %q, %q : (tensor<5x!quant.uniform<i8<-10:10>:f32, 0.5:1>>, tensor<5x!quant.uniform<i8<-10:10>:f32, 0.5:1>>) -> tensor<5x!quant.uniform<i8:f32, 0.25:0>>
        %si = stablehlo.bitcast_convert %s : (tensor<5x!quant.uniform<i8:f32, 0.25:0>>) -> tensor<5xi8>
        %p = stablehlo.constant dense<[[10, 10], [10, 10]]> : tensor<2x2xi8>
        %pq = stablehlo.bitcast_convert %p : (tensor<2x2xi8>) -> tensor<2x2x!quant.uniform<i8:f32:1, {0.1:-30, 0.5:-20}>>
        %rq = stablehlo.uniform_quantize %pq : (tensor<2x2x!quant.uniform<i8:f32:1, {0.1:-30, 0.5:-20}>>) -> tensor<2x2x!quant.uniform<i8:f32:1, {0.1:-20, 0.2:-30}>>
        %ri = stablehlo.bitcast_convert %rq : (tensor<2x2x!quant.uniform<i8:f32:1, {0.1:-20, 0.2:-30}>>) -> tensor<2x2xi8>
        return %qi, %dq, %si, %ri : tensor<5xi8>, tensor<5xf32>, tensor<5xi8>, tensor<2x2xi8>
      }`);
    // 0.25/0.5 + 1 = 1.5 -> 2 (even), 0.75/0.5 + 1 = 2.5 -> 2, clamped to [-10, 10], 1/0.5 + 1 = 3
    expect(q).toEqual([2, 2, -10, 10, 3]);
    expect(dq).toEqual([0.5, 0.5, -5.5, 4.5, 1]);
    expect(sum).toEqual([4, 4, -44, 36, 8]);
    // per axis, along dimension 1: 10 -> (10 + 30) * 0.1 / 0.1 - 20 = 20, (10 + 20) * 0.5 / 0.2 - 30 = 45
    expect(rq).toEqual([20, 45, 20, 45]);
  });

  it("refuses quantized values in ops with regions", () => {
    expect(() =>
      run(`func.func @main() -> tensor<i8> {
        %x = stablehlo.constant dense<[1.0, 2.0]> : tensor<2xf32>
        %q = stablehlo.uniform_quantize %x : (tensor<2xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.5:0>>
        %z = stablehlo.constant dense<0.0> : tensor<f32>
        %zq = stablehlo.uniform_quantize %z : (tensor<f32>) -> tensor<!quant.uniform<i8:f32, 0.5:0>>
        %r = stablehlo.reduce(%q init: %zq) applies stablehlo.add across dimensions = [0] : (tensor<2x!quant.uniform<i8:f32, 0.5:0>>, tensor<!quant.uniform<i8:f32, 0.5:0>>) -> tensor<!quant.uniform<i8:f32, 0.5:0>>
        %ri = stablehlo.bitcast_convert %r : (tensor<!quant.uniform<i8:f32, 0.5:0>>) -> tensor<i8>
        return %ri : tensor<i8>
      }`),
    ).toThrow(/unsupported stablehlo\.reduce at line 6:\d+: quantized/);
  });
});

describe("interpreter.probe / interpreter.print", () => {
  it("probe records each value in order; print writes the reference's text form", () => {
    resetInstrumentation();
    run(`func.func @main() -> tensor<2x2xi8> {
      %x = stablehlo.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8>
      %p = interpreter.probe %x, probe_id = "x" : tensor<2x2xi8>
      %y = stablehlo.add %p, %p : tensor<2x2xi8>
      %q = interpreter.probe %y, probe_id = "x" : tensor<2x2xi8>
      check.expect_serialized_eq %y, probe_id = "x", iter = 1 : tensor<2x2xi8>
      %f = stablehlo.constant dense<[1.5, -0.25]> : tensor<2xf16>
      interpreter.print %f : tensor<2xf16>
      return %q : tensor<2x2xi8>
    }`);
    expect(instrumentation.probes.get("x")!.map((v) => Array.from(v.data, Number))).toEqual([
      [1, -2, 3, 4],
      [2, -4, 6, 8],
    ]);
    expect(instrumentation.printed).toEqual(["%f = tensor<2xf16> {\n  [1.500000e+00, -2.500000e-01]\n}"]);
    expect(() =>
      run(`func.func @main() -> tensor<i64> {
        %x = stablehlo.constant dense<1> : tensor<i64>
        %p = interpreter.probe %x, probe_id = "once" : tensor<i64>
        check.expect_serialized_eq %p, probe_id = "once", iter = 1 : tensor<i64>
        return %p : tensor<i64>
      }`),
    ).toThrow(/check\.expect_serialized_eq at line 4:\d+ failed: no value recorded for probe "once" \(iteration 1\)/);
  });
});

describe("printing as the reference interpreter does (the corpus's printing.mlir CHECK lines)", () => {
  /** FileCheck's CHECK / CHECK-NEXT (with {LITERAL}) over `out`, whitespace runs compared as one space. */
  function fileCheck(out: string, checks: { next: boolean; text: string }[]): void {
    const lines = out.split("\n").map((l) => l.trim().replace(/\s+/g, " "));
    let at = -1;
    for (const c of checks) {
      const want = c.text.trim().replace(/\s+/g, " ");
      if (c.next) {
        at++;
        expect(lines[at], `CHECK-NEXT: ${want}`).toContain(want);
      } else {
        const k = lines.findIndex((l, i) => i > at && l.includes(want));
        expect(k, `CHECK: ${want}`).toBeGreaterThan(at);
        at = k;
      }
    }
  }
  const corpus = readFileSync(new URL("./stablehlo_interpret/corpus/printing.mlir", import.meta.url), "utf8");
  const chunks = corpus.split(/^\/\/ -----\s*$/m);
  const checksOf = (chunk: string) =>
    [...chunk.matchAll(/\/\/ CHECK(-NEXT)?(?:\{LITERAL\})?:(.*)$/gm)].map((m) => ({ next: m[1] !== undefined, text: m[2]! }));

  it("a function's results print as stablehlo-translate --interpret prints them", () => {
    for (const chunk of chunks.slice(0, 3)) {
      const m = parseModule(chunk);
      const rt = new CpuRuntime();
      const f = m.funcs[0]!;
      const outs = rt.execute(rt.compile(m, f.name), []);
      const text = outs
        .map((b, i) => {
          const t = f.returns[i]!.type;
          // the host array in its carrier (f16/f8 as bits, i64 as bigint), as the evaluator reads it
          const host = Array.from(rt.toHost(b) as ArrayLike<number | bigint>);
          const data = b.dtype === "int64" ? BigInt64Array.from(host, (x) => BigInt(x)) : Float64Array.from(host, Number);
          return formatValue({ type: t, data });
        })
        .join("\n");
      fileCheck(text, checksOf(chunk));
    }
  });

  it("interpreter.print inside run_parallel prints each process's value whole", () => {
    resetInstrumentation();
    const m = parseModule(chunks[3]!);
    const rt = new CpuRuntime();
    rt.execute(rt.compile(m, "main"), []);
    fileCheck(instrumentation.printed.join("\n"), checksOf(chunks[3]!));
    expect(instrumentation.printed).toEqual(["%0 = tensor<2xi32> {\n  [0, 1]\n}", "%0 = tensor<2xi32> {\n  [0, 1]\n}"]);
  });
});

describe("chlo.ragged_dot", () => {
  const dn = (lb: string, rb: string, lc: string, rc: string, lr: string, rg: string) =>
    `#chlo.ragged_dot<lhs_batching_dimensions = [${lb}], rhs_batching_dimensions = [${rb}], lhs_contracting_dimensions = [${lc}], rhs_contracting_dimensions = [${rc}], lhs_ragged_dimensions = [${lr}], rhs_group_dimensions = [${rg}]>`;

  it("mode 1: rows of group i use rhs group i; rows past the groups are zero", () => {
    const [r] = run(`func.func @main() -> tensor<4x1xf32> {
      %l = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
      %r = stablehlo.constant dense<[[[1.0], [1.0]], [[10.0], [100.0]]]> : tensor<2x2x1xf32>
      %g = stablehlo.constant dense<[1, 2]> : tensor<2xi64>
      %o = "chlo.ragged_dot"(%l, %r, %g) {ragged_dot_dimension_numbers = ${dn("", "", "1", "1", "0", "0")}} : (tensor<4x2xf32>, tensor<2x2x1xf32>, tensor<2xi64>) -> tensor<4x1xf32>
      return %o : tensor<4x1xf32>
    }`);
    expect(r).toEqual([3, 430, 650, 0]);
  });

  it("mode 2: group i contracts over its range of k only (result [g, m, n])", () => {
    const [r] = run(`func.func @main() -> tensor<2x1x1xf32> {
      %l = stablehlo.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
      %r = stablehlo.constant dense<[[1.0], [10.0], [100.0]]> : tensor<3x1xf32>
      %g = stablehlo.constant dense<[2, 1]> : tensor<2xi64>
      %o = "chlo.ragged_dot"(%l, %r, %g) {ragged_dot_dimension_numbers = ${dn("", "", "1", "0", "1", "")}} : (tensor<1x3xf32>, tensor<3x1xf32>, tensor<2xi64>) -> tensor<2x1x1xf32>
      return %o : tensor<2x1x1xf32>
    }`);
    expect(r).toEqual([21, 300]);
  });

  it("mode 3: a ragged batch dimension; batches past the groups are zero", () => {
    const [r] = run(`func.func @main() -> tensor<3x1x1xi32> {
      %l = stablehlo.constant dense<[[[1, 2]], [[3, 4]], [[5, 6]]]> : tensor<3x1x2xi32>
      %r = stablehlo.constant dense<[[[1], [1]], [[1], [2]], [[2], [2]]]> : tensor<3x2x1xi32>
      %g = stablehlo.constant dense<[1, 1]> : tensor<2xi64>
      %o = "chlo.ragged_dot"(%l, %r, %g) {ragged_dot_dimension_numbers = ${dn("0", "0", "2", "1", "0", "")}} : (tensor<3x1x2xi32>, tensor<3x2x1xi32>, tensor<2xi64>) -> tensor<3x1x1xi32>
      return %o : tensor<3x1x1xi32>
    }`);
    expect(r).toEqual([3, 11, 0]);
  });
});

describe("CHLO math in the evaluator", () => {
  const close = (got: number[], want: number[], rel: number) =>
    got.forEach((g, i) =>
      expect(Math.abs(g - want[i]!), `element ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(rel * Math.abs(want[i]!) + 1e-300),
    );

  it("complex asin/acos/atanh/atan/asinh/acosh (CPython's cmath values), sinh/cosh/tan", () => {
    const c = (name: string, re: number, im: number) =>
      `%${name.replace("chlo.", "")} = "${name}"(%z${String(re).replace(/[.-]/g, "_")}${String(im).replace(/[.-]/g, "_")}) : (tensor<complex<f64>>) -> tensor<complex<f64>>`;
    const cases: [string, number, number, number, number][] = [
      ["chlo.asin", 2, 0, 1.5707963267948966, 1.3169578969248166],
      ["chlo.acos", 0.5, 1, 1.2213572639376833, -0.9261330313501823],
      ["chlo.atanh", 0.5, 0.5, 0.40235947810852507, 0.5535743588970452],
      ["chlo.atan", 1, 2, 1.3389725222944935, 0.40235947810852507],
      ["chlo.asinh", 1, 1, 1.0612750619050357, 0.6662394324925153],
      ["chlo.acosh", 0.5, 1, 0.9261330313501823, 1.2213572639376833],
      ["chlo.sinh", 1, 2, -0.4890562590412937, 1.4031192506220405],
      ["chlo.cosh", -0.5, 0.25, 1.0925708047319176, -0.12892104172809826],
      ["chlo.tan", 0.5, -1, 0.19557731006593404, -0.8429662048457831],
    ];
    const consts = cases.map(
      ([, re, im]) =>
        `%z${String(re).replace(/[.-]/g, "_")}${String(im).replace(/[.-]/g, "_")} = stablehlo.constant dense<(${re.toFixed(2)}, ${im.toFixed(2)})> : tensor<complex<f64>>`,
    );
    const text = `func.func @main() -> (${cases.map(() => "tensor<complex<f64>>").join(", ")}) {
      ${[...new Set(consts)].join("\n      ")}
      ${cases.map(([n, re, im]) => c(n, re, im)).join("\n      ")}
      return ${cases.map(([n]) => `%${n.replace("chlo.", "")}`).join(", ")} : ${cases.map(() => "tensor<complex<f64>>").join(", ")}
    }`;
    const out = run(text);
    cases.forEach(([n, , , re, im], i) => {
      expect(out[i]!.length, n).toBe(2);
      close(out[i]!, [re, im], 4e-16);
    });
  });

  it("float32 cosh/sinh take the decomposition's float32 steps (XLA's values); erfc, bessel_i1e, tan", () => {
    const [ch, sh, ec, i1, t] = run(`func.func @main() -> (tensor<f32>, tensor<f32>, tensor<2xf64>, tensor<2xf64>, tensor<f64>) {
      %x = stablehlo.constant dense<9.164727210998535> : tensor<f32>
      %c = chlo.cosh %x : tensor<f32> -> tensor<f32>
      %m = stablehlo.constant dense<-0.5> : tensor<f32>
      %s = chlo.sinh %m : tensor<f32> -> tensor<f32>
      %e = stablehlo.constant dense<[0.5, -1.5]> : tensor<2xf64>
      %ec = chlo.erfc %e : tensor<2xf64> -> tensor<2xf64>
      %b = stablehlo.constant dense<[1.0, -3.0]> : tensor<2xf64>
      %i1 = chlo.bessel_i1e %b : tensor<2xf64> -> tensor<2xf64>
      %y = stablehlo.constant dense<1.2> : tensor<f64>
      %t = chlo.tan %y : tensor<f64> -> tensor<f64>
      return %c, %s, %ec, %i1, %t : tensor<f32>, tensor<f32>, tensor<2xf64>, tensor<2xf64>, tensor<f64>
    }`);
    // the correctly rounded cosh is 4777.0576171875; x + log(1/2) rounded to float32 makes it 4777.0595703125, as XLA computes it
    expect(ch).toEqual([4777.0595703125]);
    close(sh!, [Math.fround(Math.sinh(-0.5))], 2 ** -23);
    close(ec!, [0.4795001221869535, 1.9661051464753108], 1e-15);
    close(i1!, [0.2079104153497085, -0.19682671329730084], 1e-14);
    close(t!, [2.5721516221263188], 1e-15);
  });
});
