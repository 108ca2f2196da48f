// Issue 10's missing torch / Tensor names (aliases, in-place forms, in-place
// view ops, window functions, range, vander, chain_matmul, norms, fill,
// fill_diagonal_, F.lp_pool1d/2d, F.gumbel_softmax) against PyTorch 1.13
// (tests/fixtures/gen_missing_names.py writes missing_names.json and
// missing_names_grads.json), on cpu and every xla execution mode: values,
// float64 gradients, positional and keyword forms, PyTorch's errors.
import { expect, it } from "vitest";
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
import { onEveryTarget, runErrorCase, type ErrorCase } from "./harness/suites";

type AnyCase = OpCase | ErrorCase;
const all = loadCases<AnyCase>("missing_names.json");
const isErr = (c: AnyCase): c is ErrorCase => (c as { kind?: string }).kind === "error";
const fnOf = (c: AnyCase) => (c as { fn?: string }).fn ?? "";
const isF = (c: AnyCase) => fnOf(c).startsWith("F.");
const opCases = all.filter((c): c is OpCase => !isErr(c) && !isF(c));
const fCases = all.filter((c) => !isErr(c) && isF(c)) as unknown as FCase[];
const errCases = all.filter((c): c is ErrorCase => isErr(c) && !isF(c));
const fErrCases = all.filter((c): c is ErrorCase => isErr(c) && isF(c));
const grads = loadCases<GradCase>("missing_names_grads.json");
const gradCases = grads.filter((c) => !c.fn.startsWith("F."));
const fGradCases = grads.filter((c) => c.fn.startsWith("F.")) as unknown as FCase[];

interface FCase {
  name: string;
  fn: string;
  args: Json[];
  kwargs: Record<string, Json>;
  out: Json;
  seeded?: number;
  rtol?: number;
  atol?: number;
  weights?: (Json | null)[];
  grads?: (Json | null)[];
}

/** torch.nn.functional.<fn>(...args, kwargs) with the fixture's seed (kwargs "__seed"). */
async function callF(c: FCase, device: Device, leaves?: unknown[]) {
  const torch = await loadTorch();
  const args = decodeValue(c.args, device, { torch, leaves }) as unknown[];
  const { __seed, ...kw } = decodeValue(c.kwargs, device, { torch, leaves }) as Record<string, unknown>;
  if (__seed !== undefined) torch.manual_seed(__seed as number);
  const f = torch.nn.functional[c.fn.slice(2)] as (...a: unknown[]) => any;
  return f(...args, ...(Object.keys(kw).length ? [kw] : []));
}

onEveryTarget("missing names vs PyTorch on %s", (device) => {
  for (const c of opCases) it(c.name, async () => runOpCase(c, device));
  for (const c of fCases)
    it(c.name, async () => {
      const out = await callF(c, device);
      compareValue(out, c.out, { rtol: c.rtol, atol: c.atol, device }, `${c.name} [${device}]`);
    });
});

onEveryTarget("missing names float64 gradients vs PyTorch on %s", (device) => {
  for (const c of gradCases) it(c.name, async () => runGradCase(c, device));
  for (const c of fGradCases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const leaves: any[] = [];
      const out = await callF(c, device, leaves);
      compareValue(out, c.out, { device }, `${c.name} [${device}] forward`);
      out
        .mul(decodeValue(c.weights![0]!, device, { torch }))
        .sum()
        .backward();
      c.grads!.forEach((g, i) => {
        if (g !== null) compareValue(leaves[i].grad, g, { device }, `${c.name} [${device}] grad ${i}`);
      });
    });
});

onEveryTarget("missing names: bad calls throw as PyTorch does on %s", (device) => {
  for (const c of errCases) it(c.name, async () => runErrorCase(c, device));
  for (const c of fErrCases)
    it(c.name, async () => {
      const torch = await loadTorch();
      let thrown: unknown;
      try {
        await callF({ ...c, out: null }, device);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(c.error.type === "IndexError" ? torch.TorchIndexError : torch.TorchError);
      for (const m of c.must) expect((thrown as Error).message).toContain(m);
    });
});

it("aliases are PyTorch's functions themselves, in-place view ops keep the tensor object", async () => {
  const torch: any = await loadTorch();
  const x = torch.tensor([1.5, -2]);
  expect(x.cdouble().dtype).toBe(torch.complex128);
  expect(x.cfloat().dtype).toBe(torch.complex64);
  expect(torch.is_floating_point(x)).toBe(true);
  // t_ on a non-leaf records TBackward as PyTorch; on a leaf that requires grad it refuses
  const a = torch.ones(2, 3, { requires_grad: true });
  expect(() => a.t_()).toThrow(/t_: a leaf Variable that requires grad/);
  const b = a.mul(torch.arange(6).reshape(2, 3));
  const same = b.t_();
  expect(same).toBe(b);
  expect([...b.shape]).toEqual([3, 2]);
  expect(b.stride()).toEqual([1, 3]);
  b.sum().backward();
  expect(a.grad.tolist()).toEqual([
    [0, 1, 2],
    [3, 4, 5],
  ]);
  // the recorded switches
  expect(torch.are_deterministic_algorithms_enabled()).toBe(false);
  torch.use_deterministic_algorithms(true, { warn_only: true });
  expect(torch.are_deterministic_algorithms_enabled()).toBe(true);
  expect(torch.is_deterministic_algorithms_warn_only_enabled()).toBe(true);
  torch.use_deterministic_algorithms(false);
  expect(torch.get_float32_matmul_precision()).toBe("highest");
  torch.set_float32_matmul_precision("medium");
  expect(torch.get_float32_matmul_precision()).toBe("medium");
  torch.set_float32_matmul_precision("highest");
  // windows with requires_grad are leaves
  const w = torch.hann_window(4, { requires_grad: true });
  expect(w.requires_grad && w.is_leaf).toBe(true);
});
