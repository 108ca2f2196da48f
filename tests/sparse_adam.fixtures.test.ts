// optim.SparseAdam against PyTorch 1.13 (tests/fixtures/gen_sparse_adam.py writes sparse_adam.json), on cpu
// and on the xla device. xlatorch has no sparse layout, so every gradient is dense, which PyTorch's
// SparseAdam refuses: the constructor (positional and keyword forms) gives PyTorch's defaults and
// param_groups, step() without gradients changes nothing, step() with a dense gradient throws PyTorch's
// error and leaves the parameter and the state untouched; the constructor's checks give PyTorch's messages.
import { expect, it } from "vitest";
import { loadCases, loadTorch, type Device } from "./harness/fixtures";
import { onCpuAndXla } from "./harness/fixture_suite";

interface BuildCase {
  name: string;
  kind: "build";
  args: unknown[];
  kwargs: Record<string, unknown>;
  defaults: Record<string, unknown>;
  param_groups: Record<string, unknown>[];
  state_after: number;
  param_after: number[];
  step_error: string;
}
interface ErrorCase {
  name: string;
  kind: "error";
  kwargs: Record<string, unknown>;
  error: { type: string; message: string };
}
type AnyCase = BuildCase | ErrorCase;

const all = loadCases<AnyCase>("sparse_adam.json");
const ofKind = <K extends AnyCase["kind"]>(k: K) => all.filter((c): c is Extract<AnyCase, { kind: K }> => c.kind === k);

onCpuAndXla("SparseAdam vs PyTorch", (device: Device) => {
  for (const c of ofKind("build")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const p = new torch.nn.Parameter(torch.tensor([1.5, -2, 3], { device }));
      const tail = Object.keys(c.kwargs).length ? [c.kwargs] : [];
      const o = new torch.optim.SparseAdam([p], ...c.args, ...tail);
      expect(o.defaults).toEqual(c.defaults);
      expect(o.state_dict().param_groups).toEqual(c.param_groups);
      o.step();
      p.sum().backward();
      expect(() => o.step()).toThrow(c.step_error);
      expect(Object.keys(o.state_dict().state).length).toBe(c.state_after);
      expect(p.detach().cpu().tolist()).toEqual(c.param_after);
    });
  }
  for (const c of ofKind("error")) {
    it(`error: ${c.name}`, async () => {
      const torch = await loadTorch();
      const p = new torch.nn.Parameter(torch.ones([2], { device }));
      // Python prints a float argument 0.0 where JavaScript has the number 0
      const message = c.error.message.replace(/(-?\d+)\.0$/, "$1");
      expect(() => new torch.optim.SparseAdam([p], c.kwargs)).toThrow(message);
    });
  }
});
