// Tensor.new_empty_strided / torch.empty_strided and torch.symeig / Tensor.symeig
// against PyTorch 1.13 (tests/fixtures/gen_strided_symeig.py writes
// strided_symeig.json), on cpu and every xla mode: the strided tensors' shape,
// dtype, strides and requires_grad (their contents are unspecified), symeig's
// eigenvalues and eigenvectors (each column up to sign), float64 gradients of
// the eigenvalues, positional and keyword forms, and PyTorch's errors.
import { expect, it } from "vitest";
import {
  compareColumnsUpToSign,
  compareValue,
  cotangentPattern,
  decodeValue,
  loadCases,
  loadTorch,
  type Device,
  type Json,
} from "./harness/fixtures";
import { onEveryTarget, runErrorCase, type ErrorCase } from "./harness/suites";

interface Call {
  name: string;
  fn: string;
  call: "function" | "method";
  args: Json[];
  kwargs: Record<string, Json>;
}
interface StridedCase extends Call {
  kind: "strided";
  shape: number[];
  dtype: string;
  stride: number[];
  requires_grad: boolean;
}
interface SymeigCase extends Call {
  kind: "symeig";
  eigenvalues: Json;
  eigenvectors: Json;
}
interface GradCase extends Call {
  kind: "symeig_grad";
  eigenvalues: Json;
  grad: Json;
}
type AnyCase = StridedCase | SymeigCase | GradCase | ErrorCase;
const all = loadCases<AnyCase>("strided_symeig.json");
const of = <K extends AnyCase["kind"]>(k: K) => all.filter((c) => c.kind === k) as Extract<AnyCase, { kind: K }>[];

function run(torch: any, c: Call, device: Device, fn = c.fn): any {
  const args = decodeValue(c.args, device, { torch }) as any[];
  let kwargs = decodeValue(c.kwargs, device, { torch }) as Record<string, unknown>;
  // torch.empty_strided makes its tensor on the device asked for
  if (fn === "empty_strided" && device !== "cpu") kwargs = { ...kwargs, device };
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  return c.call === "function" ? torch[fn](...args, ...tail) : args[0][fn](...args.slice(1), ...tail);
}

const TOL = { float32: { rtol: 1.3e-6, atol: 1e-5 }, float64: { rtol: 1e-7, atol: 1e-7 } } as Record<
  string,
  { rtol: number; atol: number }
>;

onEveryTarget("new_empty_strided, empty_strided and symeig vs PyTorch on %s", (device) => {
  for (const c of of("strided"))
    it(c.name, async () => {
      const torch = await loadTorch();
      const y = run(torch, c, device);
      expect([...y.shape]).toEqual(c.shape);
      expect(y.dtype).toBe(torch[c.dtype]);
      // an empty tensor may have any strides in PyTorch; ours are the contiguous ones (no storage to lay out)
      if (!c.shape.includes(0)) expect(y.stride()).toEqual(c.stride);
      expect(y.requires_grad).toBe(c.requires_grad);
      expect(y.is_leaf).toBe(true);
      expect(y.device.type).toBe(device);
    });
  for (const c of of("symeig"))
    it(c.name, async () => {
      const torch = await loadTorch();
      const r = run(torch, c, device, "symeig");
      expect(r[0]).toBe(r.eigenvalues);
      compareValue(r.eigenvalues, c.eigenvalues, { device }, `${c.name} [${device}] eigenvalues`);
      const V = (c.eigenvectors as { t: { shape: number[]; dtype: string; data: number[] } }).t;
      if (V.data.length === 0) compareValue(r.eigenvectors, c.eigenvectors, { device }, `${c.name} [${device}] eigenvectors`);
      else compareColumnsUpToSign(torch, r.eigenvectors, c.eigenvectors, TOL[V.dtype]!, `${c.name} [${device}] eigenvectors`);
    });
  for (const c of of("symeig_grad"))
    it(c.name, async () => {
      const torch = await loadTorch();
      const [A] = decodeValue(c.args, device, { torch }) as any[];
      A.requires_grad_(true);
      const kw = decodeValue(c.kwargs, device, { torch }) as Record<string, unknown>;
      const L = torch.symeig(A, true, ...(Object.keys(kw).length ? [kw] : [])).eigenvalues;
      compareValue(L, c.eigenvalues, { device }, `${c.name} [${device}] eigenvalues`);
      L.mul(cotangentPattern(torch, L)).sum().backward();
      compareValue(A.grad, c.grad, { device }, `${c.name} [${device}] grad`);
    });
  for (const c of of("error")) it(c.name, async () => runErrorCase(c, device));
});
