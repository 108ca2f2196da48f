// A random draw on a device the compiled function does not capture (the cpu,
// inside a function compiled for xla) cannot be replayed: it was a constant of
// the graph, so every replay repeated the traced call's numbers. It is a graph
// break now: the draw runs eagerly at every call, as PyTorch draws.
import { expect, it } from "vitest";
import * as torch from "xlatorch";

const body = (x: torch.Tensor) => x.add(torch.rand(4).to("xla"));

it("compiled calls draw what eager calls draw", () => {
  const x = torch.zeros(4).to("xla");
  const f = torch.compile(body);
  torch.manual_seed(0);
  const got = [0, 1, 2, 3].map(() => (f(x) as torch.Tensor).tolist());
  torch.manual_seed(0);
  const want = [0, 1, 2, 3].map(() => body(x).tolist());
  expect(got).toEqual(want);
  expect(new Set(got.map((g) => JSON.stringify(g))).size).toBe(4);
});

it("fullgraph refuses it, naming the draw; explain lists it", () => {
  const x = torch.zeros(4).to("xla");
  const g = torch.compile(body, { fullgraph: true });
  const messages: string[] = [];
  for (let i = 0; i < 2; i++) {
    try {
      g(x);
    } catch (e) {
      messages.push((e as Error).message);
    }
  }
  expect(messages.length).toBeGreaterThan(0);
  expect(messages[0]).toMatch(/graph break: a random draw on the cpu device/);
  const e = torch._dynamo.explain(body)(x);
  expect(e.graph_break_count).toBe(1);
  expect(e.break_reasons[0]!.reason).toMatch(/random draw on the cpu device/);
});
