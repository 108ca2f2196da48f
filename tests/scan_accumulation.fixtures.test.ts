// The accumulation precision of the scan and window primitives (issue 13):
// the cumulative, reduce_window and select_and_scatter kernels round each sum
// or product to a float element type, as StableHLO's body in that type does
// (the CPU runtime runs JAX's float32 cumsum / pooling exactly as the reference
// interpreter); torch.cumsum/cumprod widen float32 -> float64 and half ->
// float32 around the scan (ops/scan_acc.ts), as PyTorch's CPU kernel
// accumulates. Against PyTorch 1.13 (tests/fixtures/gen_scan_accumulation.py):
// float32/half values and gradients exactly, on cpu and every xla mode,
// positional and keyword forms, errors; the StableHLO the xla device emits;
// run_stablehlo on JAX-shaped float32 programs.
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import {
  compareValue,
  decodeValue,
  loadCases,
  loadTorch,
  runGradCase,
  runOpCase,
  type Device,
  type GradCase,
  type Json,
  type OpCase,
} from "./harness/fixtures";
import { pinFused } from "./harness/modes";
import { onEveryTarget, runErrorCase, type ErrorCase } from "./harness/suites";

type AnyCase = OpCase | ErrorCase;
const all = loadCases<AnyCase>("scan_accumulation.json");
const isErr = (c: AnyCase): c is ErrorCase => (c as { kind?: string }).kind === "error";
const isF = (c: { fn?: string }) => (c.fn ?? "").startsWith("F.");
const opCases = all.filter((c): c is OpCase => !isErr(c) && !isF(c as { fn?: string }));
const fCases = all.filter((c) => !isErr(c) && isF(c as { fn?: string })) as unknown as FCase[];
const errCases = all.filter(isErr);
const grads = loadCases<GradCase>("scan_accumulation_grads.json");
const gradCases = grads.filter((c) => !isF(c));
const fGradCases = grads.filter((c) => isF(c)) as unknown as FCase[];

interface FCase {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out: Json;
  rtol?: number;
  atol?: number;
  weights?: (Json | null)[];
  grads?: (Json | null)[];
}

/** torch.nn.functional.<fn>(...args, kwargs?) */
async function callF(c: FCase, device: Device, leaves?: unknown[]) {
  const t = await loadTorch();
  const args = decodeValue(c.args, device, { torch: t, leaves }) as unknown[];
  const kw = decodeValue(c.kwargs, device, { torch: t, leaves }) as Record<string, unknown>;
  const f = t.nn.functional[c.fn.slice(2)] as (...a: unknown[]) => any;
  return f(...args, ...(Object.keys(kw).length ? [kw] : []));
}
const tol = (c: FCase, device: Device) => ({ rtol: c.rtol, atol: c.atol, device });

onEveryTarget("scan accumulation vs PyTorch on %s", (device) => {
  for (const c of opCases) it(c.name, async () => runOpCase(c, device));
  for (const c of fCases) it(c.name, async () => compareValue(await callF(c, device), c.out, tol(c, device), `${c.name} [${device}]`));
});

onEveryTarget("scan accumulation gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases) it(c.name, async () => runGradCase(c, device));
  for (const c of fGradCases)
    it(c.name, async () => {
      const t = await loadTorch();
      const leaves: any[] = [];
      const out = await callF(c, device, leaves);
      compareValue(out, c.out, tol(c, device), `${c.name} [${device}] forward`);
      out
        .mul(decodeValue(c.weights![0]!, device, { torch: t }))
        .sum()
        .backward();
      c.grads!.forEach((g, i) => {
        if (g !== null) compareValue(leaves[i].grad, g, tol(c, device), `${c.name} [${device}] grad ${i}`);
      });
    });
});

onEveryTarget("scan accumulation: bad calls throw as PyTorch does on %s", (device) => {
  for (const c of errCases)
    it(c.name, async () => {
      await runErrorCase(c, device);
      // and the message names the op
      const t = await loadTorch();
      const x = decodeValue(c.args[0]!, device, { torch: t });
      expect(() => (c.call === "function" ? t[c.fn](x, c.kwargs) : x[c.fn](c.kwargs))).toThrow(new RegExp(c.fn));
    });
});

pinFused();
const count = (text: string, op: string) => text.split(`"stablehlo.${op}"`).length - 1 + (text.split(`stablehlo.${op} `).length - 1);

describe("the StableHLO of torch.cumsum on the xla device", () => {
  it("float32: convert to f64, one reduce_window in f64, convert back (PyTorch's CPU accumulation)", () => {
    const x = torch.randn(3, 50).to("xla");
    const text = torch.xla.get_stablehlo(torch.cumsum(x, 1));
    expect(count(text, "reduce_window")).toBe(1);
    expect(count(text, "convert")).toBe(2);
    expect(text).toMatch(/\(tensor<3x50xf32>\) -> tensor<3x50xf64>/);
    expect(text).toMatch(/window_dimensions = array<i64: 1, 50>/);
    expect(text).toMatch(/stablehlo\.add %\S+, %\S+ : tensor<f64>/);
    for (const op of ["gather", "scatter", "dot_general", "slice"]) expect(count(text, op), op).toBe(0);
  });

  it("float64: one reduce_window, no convert; bfloat16: in f32", () => {
    const t64 = torch.xla.get_stablehlo(torch.cumsum(torch.randn([40], { dtype: torch.float64 }).to("xla"), 0));
    expect(count(t64, "reduce_window")).toBe(1);
    expect(count(t64, "convert")).toBe(0);
    const tb = torch.xla.get_stablehlo(torch.cumprod(torch.rand([40]).to(torch.bfloat16).to("xla"), 0));
    expect(count(tb, "reduce_window")).toBe(1);
    expect(tb).toMatch(/stablehlo\.multiply %\S+, %\S+ : tensor<f32>/);
    expect(tb).toMatch(/\(tensor<40xf32>\) -> tensor<40xbf16>/);
  });
});

describe("the CPU runtime applies a float32 window body in float32, each step rounded (the reference interpreter's rule)", () => {
  // 1 + 2^-24 rounds to 1 (ties to even) at every float32 step; summed in float64 and rounded once the
  // three small terms would give 1 + 2^-22
  const tiny = 2 ** -24;
  const x = torch.tensor([1, tiny, tiny, tiny]);

  it("a cumulative reduce_window (JAX's cumsum) and a pooling one", () => {
    const text = `
module @m {
  func.func public @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<2xf32>) {
    %z = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %c = "stablehlo.reduce_window"(%x, %z) <{padding = dense<[[3, 0]]> : tensor<1x2xi64>, window_dimensions = array<i64: 4>}> ({
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %s = stablehlo.add %a, %b : tensor<f32>
      stablehlo.return %s : tensor<f32>
    }) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %p = "stablehlo.reduce_window"(%x, %z) <{window_dimensions = array<i64: 3>, window_strides = array<i64: 1>}> ({
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %s = stablehlo.add %a, %b : tensor<f32>
      stablehlo.return %s : tensor<f32>
    }) : (tensor<4xf32>, tensor<f32>) -> tensor<2xf32>
    return %c, %p : tensor<4xf32>, tensor<2xf32>
  }
}`;
    const [c, p] = torch.xla.run_stablehlo(text, x);
    expect(c!.tolist()).toEqual([1, 1, 1, 1]);
    // window 0: 1, then 1 + 2^-24 -> 1 twice (the float64 sum would round to 1 + 2^-23); window 1: 3 * 2^-24 exactly
    expect(p!.tolist()).toEqual([1, 3 * tiny]);
    // torch.cumsum keeps PyTorch's float64 accumulation on both devices
    for (const dev of ["cpu", "xla"]) expect(torch.cumsum(x.to(dev), 0).cpu().tolist()).toEqual([1, 1, 1 + 2 * tiny, 1 + 4 * tiny]);
  });

  it("select_and_scatter adds the source values of windows selecting one element in float32", () => {
    const text = `
module @m {
  func.func public @main(%x: tensor<5xf32>, %s: tensor<3xf32>) -> tensor<5xf32> {
    %z = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %r = "stablehlo.select_and_scatter"(%x, %s, %z) <{window_dimensions = array<i64: 3>}> ({
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %c = stablehlo.compare  GE, %a, %b,  FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
      stablehlo.return %c : tensor<i1>
    }, {
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %t = stablehlo.add %a, %b : tensor<f32>
      stablehlo.return %t : tensor<f32>
    }) : (tensor<5xf32>, tensor<3xf32>, tensor<f32>) -> tensor<5xf32>
    return %r : tensor<5xf32>
  }
}`;
    const [r] = torch.xla.run_stablehlo(text, torch.tensor([0, 0, 9, 0, 0], { dtype: torch.float32 }), torch.tensor([1, tiny, tiny]));
    expect(r!.tolist()).toEqual([0, 0, 1, 0, 0]);
  });
});
