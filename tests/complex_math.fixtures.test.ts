// Complex inputs outside torch.linalg against PyTorch 1.13
// (tests/fixtures/gen_complex_math.py writes complex_math.json), on cpu and
// every xla mode: the elementwise transcendental functions with their branch
// cuts, pow / float_power, prod / cumprod, addmm-family complex scales, complex
// convolutions, cov, isreal, pairwise_distance, ldexp, vander, and complex
// rand/randn/normal_/uniform_ under a seed (PyTorch's numbers); gradients of
// complex128 inputs (through view_as_complex of a float64 leaf) and refusals.
import { expect, it } from "vitest";
import { compareValue, decodeValue, loadCases, loadTorch, type Device, type Json } from "./harness/fixtures";
import { onEveryTarget, type ErrorCase } from "./harness/suites";

interface ValueCase {
  name: string;
  fn: string;
  call: "function" | "method";
  args: Json[];
  kwargs: Record<string, Json>;
  out: Json;
  complex_out: boolean;
  seed?: number;
  grad?: boolean;
  grads?: Json[];
}
type AnyCase = ValueCase | ErrorCase;
const all = loadCases<AnyCase>("complex_math.json");
const isErr = (c: AnyCase): c is ErrorCase => (c as { kind?: string }).kind === "error";
const errCases = all.filter(isErr);
const valueCases = all.filter((c): c is ValueCase => !isErr(c) && !c.grad);
const gradCases = all.filter((c): c is ValueCase => !isErr(c) && !!c.grad);
/** Functions that create their result: the test passes the device. */
const CREATION = new Set(["randn", "rand"]);

/** decodeValue plus complex tensors ({"complex_t"} and, in grad cases, {"complex_leaf"}: view_as_real of it); {re, im} pass through. */
function decode(torch: any, v: Json, device: Device, leaves?: any[]): any {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => decode(torch, e, device, leaves));
  if ("complex_t" in v) return torch.view_as_complex(decodeValue(v.complex_t!, device, { torch }));
  if ("complex_leaf" in v) {
    const x = decodeValue(v.complex_leaf!, device, { torch }).requires_grad_(true);
    leaves?.push(x);
    return torch.view_as_complex(x);
  }
  if ("t" in v && leaves && (v as any).t.dtype === "float64") {
    const x = decodeValue(v, device, { torch }).requires_grad_(true);
    leaves.push(x);
    return x;
  }
  if ("t" in v || "dtype" in v || "f" in v) return decodeValue(v, device, { torch });
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decode(torch, e, device, leaves)]));
}

function run(torch: any, c: ValueCase | ErrorCase, device: Device, leaves?: any[]): any {
  const args = decode(torch, c.args, device, leaves) as any[];
  let kwargs = decode(torch, c.kwargs, device, leaves) as Record<string, unknown>;
  if (CREATION.has(c.fn) && device !== "cpu") kwargs = { ...kwargs, device };
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.call === "function") return c.fn.split(".").reduce((f: any, k) => f[k], torch)(...args, ...tail);
  const self = c.fn.endsWith("_") ? args[0].clone() : args[0];
  return self[c.fn](...args.slice(1), ...tail);
}

const realView = (torch: any, out: any, complex: boolean) => (complex ? torch.view_as_real(out) : out);

onEveryTarget("complex math vs PyTorch on %s", (device) => {
  for (const c of valueCases)
    it(c.name, async () => {
      const torch = await loadTorch();
      if (c.seed !== undefined) torch.manual_seed(c.seed);
      const out = run(torch, c, device);
      expect(out.dtype.is_complex).toBe(c.complex_out);
      compareValue(realView(torch, out, c.complex_out), c.out, { device }, `${c.name} [${device}]`);
    });
  for (const c of gradCases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const leaves: any[] = [];
      const out = run(torch, c, device, leaves);
      const r = realView(torch, out, c.complex_out);
      compareValue(r, c.out, { device }, `${c.name} [${device}] forward`);
      const w = torch.arange(r.numel(), { dtype: torch.float64, device: r.device }).mul(7).remainder(11).div(10).add(0.5).reshape(r.shape);
      r.mul(w).sum().backward();
      expect(leaves.length).toBe(c.grads!.length);
      c.grads!.forEach((g, i) => compareValue(leaves[i].grad, g, { device }, `${c.name} [${device}] grad ${i}`));
    });
  for (const c of errCases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const cls =
        c.error.type === "TypeError" ? torch.TorchTypeError : c.error.type === "IndexError" ? torch.TorchIndexError : torch.TorchError;
      expect(() => run(torch, c, device)).toThrow(cls);
      for (const m of c.must) expect(() => run(torch, c, device)).toThrow(m);
    });
});
