// The torch functions and Tensor methods of tests/fixtures/gen_torch_more.py
// (gcd/lcm/shifts, fmax/fmin/ldexp/frexp, the *_scatter views, as_strided,
// trapezoid/gradient, quantile/cov/histogram/bincount/mode, take/put,
// index_reduce, repeat_interleave, combinations, unfold, renorm, ...) against
// PyTorch 1.13 on cpu and on the xla device in every execution mode: values,
// float64 gradients, keyword forms and error messages.
import { expect, it } from "vitest";
import { loadCases, loadTorch, runGradCase, runOpCase, type GradCase, type OpCase } from "./harness/fixtures";
import { onEveryTarget, runErrorCase, type ErrorCase } from "./harness/suites";

type AnyCase = OpCase | GradCase | ErrorCase;
const all = loadCases<AnyCase>("torch_more.json");
const errCases = all.filter((c): c is ErrorCase => (c as { kind?: string }).kind === "error");
const gradCases = all.filter((c): c is GradCase => "weights" in c);
const opCases = all.filter((c): c is OpCase => !("weights" in c) && (c as { kind?: string }).kind !== "error");

// torch.frombuffer has no device argument: its tensors are cpu tensors on every target
const cpuOnly = (c: OpCase) => (c as { fn?: string }).fn === "frombuffer";

onEveryTarget("torch_more ops vs PyTorch on %s", (device) => {
  for (const c of opCases) if (device === "cpu" || !cpuOnly(c)) it(c.name, async () => runOpCase(c, device));
});

onEveryTarget("torch_more gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases) it(c.name, async () => runGradCase(c, device));
});

onEveryTarget("torch_more bad calls throw as PyTorch does on %s", (device) => {
  for (const c of errCases) it(c.name, async () => runErrorCase(c, device));
});

it("is_tensor, as_tensor and frombuffer", async () => {
  const torch = await loadTorch();
  const x = torch.tensor([1, 2, 3]);
  expect(torch.is_tensor(x)).toBe(true);
  expect(torch.is_tensor([1, 2])).toBe(false);
  expect(torch.as_tensor(x)).toBe(x);
  expect(torch.as_tensor(x, { dtype: torch.float64 }).dtype).toBe(torch.float64);
  expect(torch.as_tensor([1.5, 2]).tolist()).toEqual([1.5, 2]);
  const buf = new Float32Array([1, 2.5, -3, 4]);
  expect(torch.frombuffer(buf, { dtype: torch.float32, offset: 4, count: 2 }).tolist()).toEqual([2.5, -3]);
  expect(torch.frombuffer(new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0]).buffer, { dtype: torch.int32 }).tolist()).toEqual([1, 2]);
  expect(() => torch.frombuffer(new Uint8Array(3), { dtype: torch.int32 })).toThrow(/multiple of element size/);
});

it("resize_ keeps the tensor's identity and refuses tensors that require grad", async () => {
  const torch = await loadTorch();
  const x = torch.tensor([1, 2, 3, 4]);
  const v = x._version;
  expect(x.resize_(2, 3)).toBe(x);
  expect(x.shape).toEqual([2, 3]);
  expect(x.tolist()).toEqual([
    [1, 2, 3],
    [4, 0, 0],
  ]);
  expect(x._version).toBeGreaterThan(v);
  const w = torch.ones(2, { requires_grad: true });
  expect(() => w.resize_(3)).toThrow(/cannot resize variables that require grad/);
});

it("Tensor.H and Tensor.mH", async () => {
  const torch = await loadTorch();
  const m = torch.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  expect(m.H.tolist()).toEqual([
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  expect(torch.tensor(2.5).H.item()).toBe(2.5);
  expect(torch.ones(2, 3, 4).mH.shape).toEqual([2, 4, 3]);
  expect(() => torch.ones(3).H).toThrow("tensor.H is only supported on matrices (2-D tensors). Got 1-D tensor.");
  expect(() => torch.ones(2, 2, 2).H).toThrow(/For batches of matrices, consider using tensor.mH/);
  expect(() => torch.ones(3).mH).toThrow("tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.");
});
