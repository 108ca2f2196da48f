// nn.AdaptiveLogSoftmaxWithLoss against PyTorch 1.13 (tests/fixtures/gen_adaptive_log_softmax.py writes
// adaptive_log_softmax.json), on cpu and on the xla device: construction (positional and keyword) with
// PyTorch's initialization, repr and state_dict; forward's (output, loss) as a named pair; log_prob and
// predict (the head-only, all-cluster and mixed paths); float64 gradients of loss + sum(output * w) for the
// input and every parameter (None for a cluster no target reached); PyTorch's errors.
import { expect, it } from "vitest";
import { compareValue, cotangentPattern, decodeValue, loadCases, loadTorch, type Device, type Json } from "./harness/fixtures";
import { onCpuAndXla } from "./harness/fixture_suite";

interface ModuleCase {
  name: string;
  kind: "module";
  args: Json[];
  kwargs: Record<string, Json>;
  seed: number;
  repr: string;
  params: string[];
  state_dict: Record<string, Json>;
  input: Json;
  target: Json;
  output: Json;
  loss: Json;
  log_prob?: Json;
  predict?: Json;
  grads?: Record<string, Json | null>;
}
interface ErrorCase {
  name: string;
  kind: "error";
  args: Json[];
  kwargs: Record<string, Json>;
  input_shape: number[] | null;
  target: Json;
  error: { type: string; message: string };
}
type AnyCase = ModuleCase | ErrorCase;

const all = loadCases<AnyCase>("adaptive_log_softmax.json");
const ofKind = <K extends AnyCase["kind"]>(k: K) => all.filter((c): c is Extract<AnyCase, { kind: K }> => c.kind === k);

function build(torch: any, c: { args: Json[]; kwargs: Record<string, Json> }): any {
  const a = decodeValue(c.args, "cpu", { torch }) as unknown[];
  const kw = decodeValue(c.kwargs, "cpu", { torch }) as Record<string, unknown>;
  return new torch.nn.AdaptiveLogSoftmaxWithLoss(...a, ...(Object.keys(kw).length ? [kw] : []));
}

onCpuAndXla("AdaptiveLogSoftmaxWithLoss vs PyTorch", (device: Device) => {
  for (const c of ofKind("module")) {
    it(c.name, async () => {
      const torch = await loadTorch();
      torch.manual_seed(c.seed);
      const m = build(torch, c);
      expect(m.toString()).toBe(c.repr);
      expect(m.named_parameters().map(([k]: [string]) => k)).toEqual(c.params);
      const sd = m.state_dict();
      expect(Object.keys(sd)).toEqual(Object.keys(c.state_dict));
      for (const [k, v] of Object.entries(c.state_dict)) compareValue(sd[k], v, { device: "cpu" }, `${c.name} ${k}`);
      m.to(device);
      const x = decodeValue(c.input, device, { torch });
      if (c.grads) x.requires_grad_(true);
      const res = m(x, decodeValue(c.target, device, { torch }));
      compareValue(res.output, c.output, { device }, `${c.name} [${device}] output`);
      compareValue(res.loss, c.loss, { device }, `${c.name} [${device}] loss`);
      expect(res[0]).toBe(res.output);
      expect(res[1]).toBe(res.loss);
      if (c.log_prob) compareValue(m.log_prob(x.detach()), c.log_prob, { device }, `${c.name} [${device}] log_prob`);
      if (c.predict) compareValue(m.predict(x.detach()), c.predict, { device }, `${c.name} [${device}] predict`);
      if (c.grads) {
        res.loss.add(res.output.mul(cotangentPattern(torch, res.output)).sum()).backward();
        compareValue(x.grad, c.grads.input!, { device }, `${c.name} [${device}] input grad`);
        for (const [k, p] of m.named_parameters()) {
          const g = c.grads[k];
          if (g === null) expect(p.grad, `${c.name} ${k} grad`).toBeNull();
          else compareValue(p.grad, g!, { device }, `${c.name} [${device}] ${k} grad`);
        }
      }
    });
  }
  for (const c of ofKind("error")) {
    it(`error: ${c.name}`, async () => {
      const torch = await loadTorch();
      const run = () => {
        const m = build(torch, c).to(device);
        m(torch.zeros(c.input_shape, { device }), torch.tensor(c.target, { device }));
      };
      expect(run).toThrow(c.error.message);
      expect(run).toThrow(/AdaptiveLogSoftmaxWithLoss/);
    });
  }
});
