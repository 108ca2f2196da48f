// A Python complex where PyTorch's signature says Number (an aten Scalar): the
// one parser takes {re, im} as a value, not as a trailing options object, in
// full / full_like / new_full / fill_ / masked_fill / index_fill / constant_pad_nd, positional and
// keyword forms, on cpu and every xla mode, against PyTorch 1.13
// (tests/fixtures/gen_complex_scalars.py writes complex_scalars.json): values,
// float64 gradients, and PyTorch's refusals of a nonzero imaginary part.
import { expect, it } from "vitest";
import { compareValue, cotangentPattern, decodeValue, loadCases, loadTorch, type Device, type Json } from "./harness/fixtures";
import { onEveryTarget, type ErrorCase } from "./harness/suites";

interface ValueCase {
  name: string;
  fn: string;
  call: "function" | "method";
  args: Json[];
  kwargs: Record<string, Json>;
  out: Json;
  complex_out?: boolean;
  /** a creation function: the test passes the device */
  creation?: boolean;
  grad?: boolean;
  grads?: Json[];
}
type AnyCase = ValueCase | ErrorCase;
const all = loadCases<AnyCase>("complex_scalars.json");
const isErr = (c: AnyCase): c is ErrorCase => (c as { kind?: string }).kind === "error";
const errCases = all.filter(isErr);
const valueCases = all.filter((c): c is ValueCase => !isErr(c) && !c.grad);
const gradCases = all.filter((c): c is ValueCase => !isErr(c) && !!c.grad);

/** decodeValue plus complex tensors ({"complex_t": view_as_real of it}); {re, im} scalars pass through as plain objects. */
function decode(torch: any, v: Json, device: Device, leaves?: any[]): any {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => decode(torch, e, device, leaves));
  if ("complex_t" in v) return torch.view_as_complex(decodeValue(v.complex_t!, device, { torch }));
  if ("t" in v && leaves && (v as any).t.dtype === "float64") {
    const x = decodeValue(v, device, { torch }).requires_grad_(true);
    leaves.push(x);
    return x;
  }
  if ("t" in v || Object.keys(v).length === 1) return decodeValue(v, device, { torch });
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decode(torch, e, device, leaves)]));
}

function run(torch: any, c: ValueCase | ErrorCase, device: Device, leaves?: any[]): any {
  const args = decode(torch, c.args, device, leaves) as any[];
  let kwargs = decode(torch, c.kwargs, device, leaves) as Record<string, unknown>;
  if ((c as ValueCase).creation && device !== "cpu") kwargs = { ...kwargs, device };
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.call === "function") return torch[c.fn](...args, ...tail);
  const self = c.fn.endsWith("_") ? args[0].clone() : args[0];
  return self[c.fn](...args.slice(1), ...tail);
}

onEveryTarget("complex Number arguments vs PyTorch on %s", (device) => {
  for (const c of valueCases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const out = run(torch, c, device);
      expect(out.dtype.is_complex).toBe(!!c.complex_out);
      compareValue(c.complex_out ? torch.view_as_real(out) : out, c.out, { device }, `${c.name} [${device}]`);
    });
  for (const c of gradCases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const leaves: any[] = [];
      const out = run(torch, c, device, leaves);
      compareValue(out, c.out, { device }, `${c.name} [${device}] forward`);
      out.mul(cotangentPattern(torch, out)).sum().backward();
      c.grads!.forEach((g, i) => compareValue(leaves[i].grad, g, { device }, `${c.name} [${device}] grad ${i}`));
    });
  for (const c of errCases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const cls = c.error.type === "TypeError" ? torch.TorchTypeError : torch.TorchError;
      expect(() => run(torch, c, device)).toThrow(cls);
      for (const m of c.must) expect(() => run(torch, c, device)).toThrow(m);
    });
});

it("a complex scalar is not an options object", async () => {
  const torch: any = await loadTorch();
  expect(torch.full([1], { re: 1, im: 0 }).dtype).toBe(torch.complex64);
  // a plain object with other keys is still the keyword form
  expect(() => torch.full([1], { re: 1, im: 2, dtype: torch.complex64 })).toThrow(/unexpected keyword argument 're'/);
});
