// clone with memory_format=torch.preserve_format (the default) against PyTorch 1.13
// (tests/fixtures/gen_clone_preserve.py writes clone_preserve.json), on cpu and on the xla device: the
// copy's strides (a non-overlapping and dense input keeps its own; any other gets dense strides in its
// stride order) and values for x.clone(), x.clone({memory_format: preserve_format}), torch.clone(x) and the
// explicit contiguous_format / channels_last forms; float64 gradients.
import { expect, it } from "vitest";
import { compareValue, cotangentPattern, loadCases, loadTorch, type Device, type Json } from "./harness/fixtures";
import { onCpuAndXla } from "./harness/fixture_suite";

interface Case {
  name: string;
  shape: number[];
  steps: [string, ...unknown[]][];
  dtype: string;
  input_strides: number[];
  results: Record<string, { strides: number[]; value: Json }>;
  grad?: Json;
}

const cases = loadCases<Case>("clone_preserve.json");

/** The recipe's input: an arange of the shape, then the view steps (as the generator's build()). */
function build(torch: any, c: Case, device: Device): any {
  const n = c.shape.reduce((a, b) => a * b, 1);
  let x = torch.arange(n, { dtype: torch[c.dtype], device }).reshape(c.shape);
  for (const [op, ...a] of c.steps) {
    if (op === "permute") x = x.permute(a[0]);
    else if (op === "transpose") x = x.transpose(a[0], a[1]);
    else if (op === "unsqueeze") x = x.unsqueeze(a[0]);
    else if (op === "expand") x = x.expand(a[0]);
    else if (op === "getitem") x = x.getitem(...(a[0] as unknown[]));
    else if (op === "channels_last") x = x.contiguous({ memory_format: torch.channels_last });
    else throw new Error(`unknown step ${op}`);
  }
  return x;
}

onCpuAndXla("clone(memory_format=preserve_format) vs PyTorch", (device: Device) => {
  for (const c of cases) {
    it(c.name, async () => {
      const torch = await loadTorch();
      const x = build(torch, c, device);
      expect(x.stride()).toEqual(c.input_strides);
      const forms: Record<string, () => any> = {
        default: () => x.clone(),
        preserve_kw: () => x.clone({ memory_format: torch.preserve_format }),
        function: () => torch.clone(x),
        contiguous_format: () => x.clone({ memory_format: torch.contiguous_format }),
        channels_last: () => x.clone({ memory_format: torch.channels_last }),
      };
      for (const [k, r] of Object.entries(c.results)) {
        const y = forms[k]!();
        expect(y.stride(), `${c.name} ${k} strides`).toEqual(r.strides);
        compareValue(y, r.value, { device }, `${c.name} [${device}] ${k}`);
      }
      if (c.grad) {
        const xi = x.detach().requires_grad_(true);
        const y = xi.clone();
        y.mul(cotangentPattern(torch, y)).sum().backward();
        compareValue(xi.grad, c.grad, { device }, `${c.name} [${device}] grad`);
      }
    });
  }
  it("channels_last of a tensor that is not 4-D is refused", async () => {
    const torch = await loadTorch();
    expect(() => torch.zeros([2, 3], { device }).clone({ memory_format: torch.channels_last })).toThrow(
      "required rank 4 tensor to use channels_last format",
    );
  });
});
