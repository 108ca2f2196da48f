// Second derivatives of the unary ops whose backward uses their own output
// (tests/fixtures/double_backward.json, from tests/fixtures/gen_double_backward.py):
// under create_graph the VJP's use of the output is differentiable through the
// op's node, as PyTorch's saved outputs are.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

interface Case {
  op: string;
  x: number[];
  grad: number[];
  grad2: number[];
}
const data = JSON.parse(readFileSync(fileURLToPath(new URL("./fixtures/double_backward.json", import.meta.url)), "utf8")) as {
  cases: Case[];
};

describe.each(["cpu", "xla"])("double backward on %s", (device) => {
  it.each(data.cases.map((c) => [c.op, c] as const))("%s", (_op, c) => {
    const x = torch.tensor(c.x, { dtype: torch.float64, device, requires_grad: true });
    const y = (x as unknown as Record<string, () => torch.Tensor>)[c.op]!.call(x).sum();
    const [g] = torch.autograd.grad(y, x, { create_graph: true });
    expect(g!.requires_grad).toBe(true);
    const [gg] = torch.autograd.grad(g!.sum(), x);
    (g!.detach().cpu().tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(c.grad[i]!, 10));
    (gg!.cpu().tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(c.grad2[i]!, 10));
  });
});
