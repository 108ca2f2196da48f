// Complex dtypes and torch.fft against PyTorch 1.13 (tests/fixtures/gen_complex_fft.py
// writes complex_fft.json): values (complex ones as [re, im] pairs), printing,
// float64/complex128 gradients of real losses (PyTorch's conjugate Wirtinger
// convention), keyword forms and errors, on cpu and on xla in every execution mode.
import { expect, it } from "vitest";
import { loadCases, loadTorch, type Device } from "./harness/fixtures";
import { onEveryTarget } from "./harness/suites";

interface TJson {
  tensor: (number | boolean | [number, number])[];
  shape: number[];
  dtype: string;
  requires_grad?: boolean;
}
type V = TJson | { dtype: string } | { complex: [number, number] } | V[] | number | string | boolean | null | { [k: string]: V };
interface Case {
  name: string;
  fn: string;
  call: "function" | "method";
  args: V[];
  kwargs: Record<string, V>;
  out?: V;
  str?: string;
  rtol?: number;
  atol?: number;
  weights?: TJson;
  grads?: TJson[];
  error?: { type: string; message: string };
  must?: string[];
}

const cases = loadCases<Case>("complex_fft.json");
const isT = (v: unknown): v is TJson => typeof v === "object" && v !== null && "tensor" in v;

type Torch = any;
type T = any;

function makeTensor(torch: Torch, j: TJson, device: Device): T {
  const dtype = torch[j.dtype];
  const flat = j.tensor.map((v) => (Array.isArray(v) ? { re: v[0], im: v[1] } : v));
  const t = torch.tensor(flat, { dtype }).reshape(j.shape).to(device);
  return j.requires_grad ? t.detach().requires_grad_(true) : t;
}

function decode(torch: Torch, v: V, device: Device, leaves: T[]): unknown {
  if (isT(v)) {
    const t = makeTensor(torch, v, device);
    if (v.requires_grad) leaves.push(t);
    return t;
  }
  if (Array.isArray(v)) return v.map((x) => decode(torch, x, device, leaves));
  if (v && typeof v === "object") {
    const d = (v as { dtype?: unknown }).dtype;
    if (typeof d === "string" && Object.keys(v).length === 1) return torch[d];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(torch, x, device, leaves)]));
  }
  return v;
}

function resolve(torch: Torch, fn: string): (...a: unknown[]) => unknown {
  let o = torch;
  for (const p of fn.split(".")) o = o[p];
  return o;
}

function call(torch: Torch, c: Case, device: Device, leaves: T[]): unknown {
  const args = decode(torch, c.args, device, leaves) as unknown[];
  const kwargs = decode(torch, c.kwargs, device, leaves) as Record<string, unknown>;
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.call === "method") return (args[0] as Record<string, (...a: unknown[]) => unknown>)[c.fn]!(...args.slice(1), ...tail);
  return resolve(torch, c.fn)(...args, ...tail);
}

function expectTensor(got: T, want: TJson, what: string, rtol: number, atol: number): void {
  expect(got.dtype.name, `${what}: dtype`).toBe(want.dtype);
  expect([...got.shape], `${what}: shape`).toEqual(want.shape);
  const flat = got.reshape(-1).cpu().tolist() as unknown[];
  want.tensor.forEach((w, i) => {
    const g = flat[i];
    const pairs: [number, number][] = Array.isArray(w)
      ? [
          [(g as { re: number }).re, w[0]],
          [(g as { im: number }).im, w[1]],
        ]
      : [[g as number, w as number]];
    for (const [a, b] of pairs) {
      if (typeof b === "boolean" || Number.isNaN(b)) {
        expect(a, `${what}[${i}]`).toEqual(b);
        continue;
      }
      const ok = a === b || Math.abs(a - b) <= atol + rtol * Math.abs(b);
      expect(ok, `${what}[${i}]: got ${a}, want ${b}`).toBe(true);
    }
  });
}

const tol = (c: Case, dtype: string): [number, number] => {
  const single = dtype === "float32" || dtype === "complex64";
  return [c.rtol ?? (single ? 1e-5 : 1e-10), c.atol ?? (single ? 1e-5 : 1e-10)];
};

onEveryTarget("complex and fft vs PyTorch on %s", (device) => {
  for (const c of cases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const leaves: T[] = [];
      if (c.error) {
        let thrown: unknown;
        try {
          call(torch, c, device, leaves);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `${c.name} should throw (PyTorch: ${c.error.message})`).toBeInstanceOf(Error);
        for (const m of c.must ?? []) expect((thrown as Error).message).toContain(m);
        return;
      }
      const out = call(torch, c, device, leaves);
      if (isT(c.out)) {
        const [rtol, atol] = tol(c, c.out.dtype);
        expectTensor(out, c.out, "out", rtol, atol);
        if (c.str && device === "cpu") expect(String(out).replace(/,\s*device='xla:0'/, "")).toBe(c.str);
      } else expect(out).toEqual(c.out);
      if (c.grads) {
        const t = out as T;
        const w = makeTensor(torch, c.weights!, device);
        const loss = (t.dtype.is_complex ? torch.view_as_real(t) : t).mul(w).sum();
        const grads = torch.autograd.grad(loss, leaves);
        c.grads.forEach((g, i) => {
          expectTensor(grads[i], g, `grad ${i}`, 1e-9, 1e-9);
        });
      }
    });
  }
});

onEveryTarget("complex parts written in place on %s", (device) => {
  it("x.real = t and x.imag = v write that part (PyTorch's setters copy into the view)", async () => {
    const torch = await loadTorch();
    const z = torch.tensor(
      [
        { re: 1, im: 2 },
        { re: 3, im: -1 },
      ],
      { device },
    );
    z.real = torch.tensor([5, 6.5], { device });
    z.imag = 0.5;
    expect(z.tolist()).toEqual([
      { re: 5, im: 0.5 },
      { re: 6.5, im: 0.5 },
    ]);
  });
  it("unsupported complex reductions throw instead of reducing the parts", async () => {
    const torch = await loadTorch();
    const z = torch.tensor(
      [
        { re: 1, im: 2 },
        { re: 3, im: -1 },
      ],
      { device },
    );
    expect(() => z.max().item()).toThrow(/max.*complex/);
  });
});
