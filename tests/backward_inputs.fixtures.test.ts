// Tensor.backward(inputs=...) against PyTorch 1.13 (tests/fixtures/gen_backward_inputs.py):
// only the tensors named get gradients, on cpu and xla, keyword form.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";

interface Case {
  name: string;
  x: number[];
  y: number[];
  x_grad: number[] | null;
  y_grad: number[] | null;
}
const { cases } = JSON.parse(fs.readFileSync(new URL("./fixtures/backward_inputs.json", import.meta.url), "utf8")) as { cases: Case[] };
const close = (a: number[] | null, b: number[] | null) => {
  if (b === null) return expect(a).toBeNull();
  expect(a).not.toBeNull();
  a!.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12));
};

for (const device of ["cpu", "xla"]) {
  describe(`backward(inputs=...) on ${device}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const x = torch.tensor(c.x, { dtype: torch.float64 }).to(device).requires_grad_();
        const y = torch.tensor(c.y, { dtype: torch.float64 }).to(device).requires_grad_();
        if (c.name.endsWith("existing grad")) x.grad = torch.full([3], 0.5, { dtype: torch.float64 }).to(device);
        const h = x.mul(y);
        const loss = h.mul(h).add(y).sum();
        const inputs = c.name.startsWith("inputs=[x, y]")
          ? [x, y]
          : c.name.startsWith("inputs=[y]")
            ? [y]
            : c.name.startsWith("inputs=[x]")
              ? [x]
              : x;
        loss.backward({ inputs });
        close(x.grad ? (x.grad.tolist() as number[]) : null, c.x_grad);
        close(y.grad ? (y.grad.tolist() as number[]) : null, c.y_grad);
      });
    }
    it("refuses an empty list as PyTorch does", () => {
      const x = torch.ones(2, { requires_grad: true }).to(device);
      expect(() => x.sum().backward({ inputs: [] })).toThrow("'inputs' argument to backward() cannot be empty.");
    });
    it("retain_graph: null means create_graph's value", () => {
      const x = torch.ones(2, { requires_grad: true });
      x.mul(2).sum().backward({ retain_graph: null });
      expect(x.grad!.tolist()).toEqual([2, 2]);
    });
  });
}

it("size({dim}) is declared and answers as size(dim)", () => {
  const x = torch.zeros(2, 3, 4);
  expect(x.size({ dim: 1 })).toBe(3);
  expect(x.size({ dim: -1 })).toBe(4);
});
