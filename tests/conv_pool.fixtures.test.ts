// F.conv1d/2d/3d, F.conv_transpose1d/2d/3d (one convolution primitive each) and
// F.max_pool1d/2d/3d, F.avg_pool1d/2d/3d (one reduce_window each; max pooling's
// gradient one select_and_scatter) against PyTorch 1.13 (tests/fixtures/conv_pool.json,
// written by tests/fixtures/gen_conv_pool.py; its docstring has the format), on cpu
// and on the xla device in every execution mode: float32 forward values with every
// argument positional, float64 forward values and gradients (input, weight, bias)
// with the keyword form, gradients of gradients, and PyTorch's errors, which name the op.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, it } from "vitest";
import { compareValue, decodeTensor, loadTorch, type Device, type Json } from "./harness/fixtures";
import { onEveryTarget } from "./harness/suites";

interface Case {
  name: string;
  fn: string;
  params: [string, Json][];
  npos: number;
  out32: Json;
  out64: Json;
  weights: (Json | null)[];
  grads: Record<string, Json>;
}
interface ErrorCase {
  name: string;
  fn: string;
  params: [string, Json][];
  npos: number;
  error: { type: string; message: string };
}

interface DoubleCase {
  name: string;
  fn: string;
  params: [string, Json][];
  power: number;
  W: Json;
  V: Json[];
  grads: Json[];
}

const FILE = fileURLToPath(new URL("./fixtures/conv_pool.json", import.meta.url));
const data = JSON.parse(readFileSync(FILE, "utf8")) as { cases: Case[]; errors: ErrorCase[]; double: DoubleCase[] };
/** float32: PyTorch's kernels and ours (BLAS or float64 accumulation) sum in other orders. */
const TOL32 = { rtol: 1e-4, atol: 1e-5 };

let torch: any;
beforeAll(async () => {
  torch = await loadTorch();
});

const isTensorJson = (v: Json): boolean => v !== null && typeof v === "object" && !Array.isArray(v) && "t" in v;

/** Calls F.fn with the first `npos` params positional and the rest in the options object. */
function run(fn: string, params: [string, unknown][], npos: number): any {
  const f = torch.nn.functional[fn];
  if (typeof f !== "function") throw new Error(`nn.functional.${fn} is not a function`);
  const pos = params.slice(0, npos).map(([, v]) => v);
  const kw = Object.fromEntries(params.slice(npos));
  return Object.keys(kw).length ? f(...pos, kw) : f(...pos);
}

const flat = (v: any): any[] => (Array.isArray(v) ? v : [v]);

onEveryTarget("conv and pool vs PyTorch", (device: Device) => {
  it.each(data.cases.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    // float32, every argument positional
    const p32 = c.params.map(([k, v]): [string, unknown] => [
      k,
      isTensorJson(v) ? decodeTensor(v as any, device, { torch }).to(torch.float32) : v,
    ]);
    compareValue(run(c.fn, p32, p32.length), c.out32, { ...TOL32, device }, `${c.name} [${device}] float32`);

    // float64 keyword form, with gradients
    const leaves: Record<string, any> = {};
    const p64 = c.params.map(([k, v]): [string, unknown] => {
      if (!isTensorJson(v)) return [k, v];
      leaves[k] = decodeTensor({ ...(v as any), requires_grad: true }, device, { torch });
      return [k, leaves[k]];
    });
    const y = run(c.fn, p64, c.npos);
    compareValue(y, c.out64, { device }, `${c.name} [${device}] float64`);
    let loss: any = null;
    flat(y).forEach((t, i) => {
      const w = c.weights[i];
      if (w === null || w === undefined) return;
      const term = t.mul(decodeTensor(w as any, device, { torch })).sum();
      loss = loss ? loss.add(term) : term;
    });
    loss.backward();
    for (const [k, g] of Object.entries(c.grads)) compareValue(leaves[k].grad, g, { device }, `${c.name} [${device}] grad of ${k}`);
  });

  // the gradients' gradients: convolutions of convolutions, select_and_scatter's own VJP
  it.each(data.double.map((c) => [c.name, c] as const))("double backward: %s", (_n, c) => {
    const leaves: any[] = [];
    const params = c.params.map(([k, v]): [string, unknown] => {
      if (!isTensorJson(v)) return [k, v];
      const t = decodeTensor({ ...(v as any), requires_grad: true }, device, { torch });
      leaves.push(t);
      return [k, t];
    });
    const y = run(c.fn, params, params.length);
    const loss = y
      .pow(c.power)
      .mul(decodeTensor(c.W as any, device, { torch }))
      .sum();
    const gs = torch.autograd.grad([loss], leaves, { create_graph: true });
    let total: any = null;
    gs.forEach((g: any, i: number) => {
      const term = g.mul(decodeTensor(c.V[i] as any, device, { torch })).sum();
      total = total ? total.add(term) : term;
    });
    total.backward();
    leaves.forEach((t, i) => compareValue(t.grad, c.grads[i]!, { device }, `${c.name} [${device}] double backward grad #${i}`));
  });

  it.each(data.errors.map((e) => [e.name, e] as const))("error: %s", (_n, e) => {
    const params = e.params.map(([k, v]): [string, unknown] => [k, isTensorJson(v) ? decodeTensor(v as any, device, { torch }) : v]);
    let thrown: any;
    try {
      run(e.fn, params, e.npos);
    } catch (err) {
      thrown = err;
    }
    expect(thrown, `no error (PyTorch: ${e.error.message})`).toBeInstanceOf(torch.TorchError);
    expect(thrown.message).toContain(e.error.message);
    expect(thrown.message).toContain(e.fn);
  });
});
