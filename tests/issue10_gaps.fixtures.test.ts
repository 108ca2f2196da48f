// The gaps of issue 10's list found by docs/ISSUE10_AUDIT.md, against PyTorch 1.13
// (tests/fixtures/gen_issue10_gaps.py writes issue10_gaps.json), on cpu and on the xla device:
// nn.Unfold/Fold, the padding modules, Softmax2d and LPPool1d/2d (repr, state_dict, forward,
// positional and keyword construction, float64 input gradients, PyTorch's errors); Rprop's and ASGD's
// constructor errors (their steps: tests/optim_more.fixtures.test.ts); a Python complex
// ({re, im}) where PyTorch takes a Number (torch.add, torch.full, Tensor.mul_, ...); interpolate with an
// explicit antialias=False; and the printing of complex tensors.
import { expect, it } from "vitest";
import { compareValue, cotangentPattern, decodeValue, loadCases, loadTorch, type Device, type Json } from "./harness/fixtures";
import { checkModuleCase, describeCases, onCpuAndXla, resolveTorch, type ModuleCase } from "./harness/fixture_suite";

interface Ctor {
  cls: string;
  args: Json[];
  kwargs: Record<string, Json>;
}
interface ModuleGradCase extends Ctor {
  name: string;
  kind: "module_grad";
  input: Json;
  out: Json;
  grad: Json;
}
interface ModuleErrorCase extends Ctor {
  name: string;
  kind: "module_error";
  inputs: Json[];
  error: { type: string; message: string };
  must: string[];
}
interface OptimErrorCase {
  name: string;
  kind: "optim_error";
  cls: string;
  kwargs: Record<string, Json>;
  error: { type: string; message: string };
}
interface CallCase {
  name: string;
  kind: "call";
  fn: string;
  call: "function" | "method";
  args: Json[];
  kwargs: Record<string, Json>;
  out: Json;
  creation?: boolean;
}
interface ReprCase {
  name: string;
  kind: "repr";
  value: Json;
  op?: "conj" | "grad";
  repr: string;
  repr_xla: string;
}
type AnyCase = (ModuleCase & { kind: "module" }) | ModuleGradCase | ModuleErrorCase | OptimErrorCase | CallCase | ReprCase;

const all = loadCases<AnyCase>("issue10_gaps.json");
const ofKind = <K extends AnyCase["kind"]>(k: K) => all.filter((c): c is Extract<AnyCase, { kind: K }> => c.kind === k);

/** decodeValue plus complex tensors ({"complex_t": view_as_real of it}); {re, im} scalars stay plain objects. */
function decode(torch: any, v: Json, device: Device): any {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => decode(torch, e, device));
  if ("complex_t" in v) return torch.view_as_complex(decodeValue((v as any).complex_t, device, { torch }));
  if ("t" in v || "dtype" in v) return decodeValue(v, device, { torch });
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decode(torch, e, device)]));
}

/** A complex result compared as view_as_real of it with PyTorch's. */
function compareMaybeComplex(torch: any, out: any, expected: any, device: Device, path: string): void {
  if (expected && typeof expected === "object" && "complex_t" in expected) {
    expect(out.dtype.is_complex, `${path}: a complex result`).toBe(true);
    compareValue(torch.view_as_real(out.resolve_conj()), expected.complex_t, { device }, path);
  } else compareValue(out, expected, { device }, path);
}

function build(torch: any, c: Ctor): any {
  const args = decodeValue(c.args, "cpu", { torch }) as any[];
  const kwargs = decodeValue(c.kwargs, "cpu", { torch }) as Record<string, unknown>;
  return new torch.nn[c.cls](...args, ...(Object.keys(kwargs).length ? [kwargs] : []));
}

onCpuAndXla("issue 10 gaps vs PyTorch on %s", (device) => {
  describeCases("modules", ofKind("module"), (c) => checkModuleCase(c, device));

  describeCases("module input gradients (float64)", ofKind("module_grad"), async (c) => {
    const torch = await loadTorch();
    const m = build(torch, c).to(device);
    const x = decodeValue(c.input, device, { torch }).requires_grad_(true);
    const y = m(x);
    compareValue(y, c.out, { device }, `${c.name} [${device}] forward`);
    y.mul(cotangentPattern(torch, y)).sum().backward();
    compareValue(x.grad, c.grad, { device }, `${c.name} [${device}] grad`);
  });

  describeCases("module errors", ofKind("module_error"), async (c) => {
    const torch = await loadTorch();
    const run = () => build(torch, c).to(device)(...(decodeValue(c.inputs, device, { torch }) as any[]));
    // PyTorch's AssertionError (Softmax2d's assert) is a RuntimeError-like TorchError here
    const cls = c.error.type === "TypeError" ? torch.TorchTypeError : torch.TorchError;
    let thrown: unknown;
    try {
      run();
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `no error (PyTorch: ${c.error.type}: ${c.error.message})`).toBeInstanceOf(cls);
    for (const m of c.must) expect((thrown as Error).message).toContain(m);
  });

  describeCases("optimizer constructor errors", ofKind("optim_error"), async (c) => {
    const torch = await loadTorch();
    const p = [torch.zeros(2, { requires_grad: true, device })];
    const kwargs = decodeValue(c.kwargs, device, { torch }) as Record<string, unknown>;
    // PyTorch's ValueError is a TorchError here, with PyTorch's message
    expect(() => new torch.optim[c.cls](p, kwargs)).toThrow(torch.TorchError);
    expect(() => new torch.optim[c.cls](p, kwargs)).toThrow(c.error.message);
  });

  describeCases("calls (complex Number arguments, interpolate antialias=False)", ofKind("call"), async (c) => {
    const torch = await loadTorch();
    const args = decode(torch, c.args, device) as any[];
    let kwargs = decode(torch, c.kwargs, device) as Record<string, unknown>;
    if (c.creation && device !== "cpu") kwargs = { ...kwargs, device };
    const tail = Object.keys(kwargs).length ? [kwargs] : [];
    let out: any;
    if (c.call === "function") out = resolveTorch(torch, c.fn)(...args, ...tail);
    else {
      const self = c.fn.endsWith("_") ? args[0].clone() : args[0];
      out = self[c.fn](...args.slice(1), ...tail);
      if (c.fn.endsWith("_")) expect(out).toBe(self);
    }
    if (device !== "cpu") expect(String((Array.isArray(out) ? out[0] : out).device)).toMatch(/^xla/);
    compareMaybeComplex(torch, out, c.out, device, `${c.name} [${device}]`);
  });

  describeCases("printing complex tensors", ofKind("repr"), async (c) => {
    const torch = await loadTorch();
    const z = decode(torch, c.value, device);
    const y = c.op === "conj" ? z.conj() : c.op === "grad" ? z.clone().requires_grad_(true).mul(2) : z;
    expect(String(y)).toBe(device === "cpu" ? c.repr : c.repr_xla);
  });
});

it("the fixture has every kind of case", () => {
  for (const k of ["module", "module_grad", "module_error", "optim_error", "call", "repr"] as const)
    expect(ofKind(k).length).toBeGreaterThan(0);
});
