// max_unpool1d/2d/3d, fractional_max_pool2d/3d, grid_sample, affine_grid and
// ctc_loss, and the modules MaxUnpool*, FractionalMaxPool2d/3d and CTCLoss,
// against PyTorch 1.13 (tests/fixtures/gen_nn_unpool.py writes
// nn_unpool.json, in nn_more.json's formats; this file runs them as
// nn_more.fixtures.test.ts does): forward values (positional and keyword
// forms; a random fractional pooling by shape), float64 gradients, PyTorch's
// errors, and modules' repr, state_dict and forward, on cpu and on the xla
// device.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compareValue,
  decodeValue,
  deviceOf,
  loadCases,
  loadTorch,
  modeHooks,
  type CallCase,
  type Device,
  type GradCase,
  type Json,
} from "./harness/fixtures";
import type { ErrorCase } from "./harness/suites";

interface ModuleCase {
  name: string;
  kind: "module";
  cls: string;
  args: Json[];
  kwargs: Record<string, Json>;
  train: boolean;
  repr: string;
  state_dict: Record<string, Json>;
  params: string[];
  inputs?: Json[];
  out?: Json;
  state_after?: Record<string, Json>;
  rtol?: number;
}

type AnyCase = CallCase | ErrorCase | (GradCase & { kind: "grad" }) | ModuleCase;
const all = loadCases<AnyCase>("nn_unpool.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const calls = all.filter((c): c is CallCase => kindOf(c) === undefined && !("program" in c));
const errors = all.filter((c): c is ErrorCase => kindOf(c) === "error");
const grads = all.filter((c): c is GradCase & { kind: "grad" } => kindOf(c) === "grad");
const modules = all.filter((c): c is ModuleCase => kindOf(c) === "module");
interface SeededCase {
  name: string;
  kind: "seeded";
  fn: string;
  shape: number[];
  kernel_size: number;
  output_size: number | number[];
  seed: number;
  out: Json;
  indices: Json;
}
const seededCases = (all as unknown[]).filter((c): c is SeededCase => kindOf(c as AnyCase) === "seeded");

/** torch.<path>, the path dotted ("nn.functional.elu"). */
function resolve(torch: any, path: string): (...a: unknown[]) => any {
  let f: any = torch;
  for (const part of path.split(".")) {
    f = f?.[part];
    if (f === undefined) throw new Error(`torch.${path} is not defined`);
  }
  if (typeof f !== "function") throw new Error(`torch.${path} is not a function`);
  return f;
}

async function call(
  c: { fn: string; call: "method" | "function"; args: Json[]; kwargs: Record<string, Json> },
  device: Device,
  leaves?: any[],
): Promise<any> {
  const torch = await loadTorch();
  const args = decodeValue(c.args, device, { torch, leaves }) as any[];
  const kwargs = decodeValue(c.kwargs ?? {}, device, { torch, leaves }) as Record<string, unknown>;
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.call === "function") return resolve(torch, c.fn)(...args, ...tail);
  return args[0][c.fn](...args.slice(1), ...tail);
}

const ERROR_CLASS = (torch: any, type: string) =>
  ({ RuntimeError: torch.TorchError, ValueError: torch.TorchError, TypeError: torch.TorchTypeError, IndexError: torch.TorchIndexError })[
    type
  ];

const flat = (v: unknown, out: any[] = []): any[] => {
  if (Array.isArray(v)) for (const e of v) flat(e, out);
  else if (v && typeof v === "object" && "grad_fn" in (v as object)) out.push(v);
  return out;
};

// cpu, and the xla device in its default (fused) mode: the other execution modes run the same graphs
describe.each(["cpu", "xla"] as const)("nn unpool, grid_sample, ctc_loss vs PyTorch on %s", (target) => {
  const hooks = modeHooks(target);
  beforeAll(hooks.before);
  afterAll(hooks.after);
  const device = deviceOf(target);

  describe("forward", () => {
    for (const c of calls) {
      it(c.name, async () => {
        const out = await call(c, device);
        const shape_only = (c as { shape_only?: boolean }).shape_only;
        compareValue(out, c.out, { rtol: c.rtol, atol: c.atol, device, shapeOnly: shape_only }, `${c.name} [${device}] out`);
      });
    }
  });

  describe("gradients", () => {
    for (const c of grads) {
      it(c.name, async () => {
        const torch = await loadTorch();
        const leaves: any[] = [];
        const out = await call(c, device, leaves);
        const path = `${c.name} [${device}]`;
        compareValue(out, c.out, { rtol: c.rtol, atol: c.atol, device }, `${path} forward out`);
        expect(leaves.length).toBe(c.grads.length);
        const outs = flat(out);
        let loss: any = null;
        outs.forEach((y, i) => {
          const wj = c.weights[i];
          if (wj === null || wj === undefined) return;
          const term = y.mul(decodeValue(wj, device, { torch })).sum();
          loss = loss === null ? term : loss.add(term);
        });
        loss.backward();
        c.grads.forEach((g, i) => compareValue(leaves[i].grad, g, { rtol: c.rtol, atol: c.atol, device }, `${path} grad of input #${i}`));
      });
    }
  });

  describe("errors", () => {
    for (const c of errors) {
      it(c.name, async () => {
        const torch = await loadTorch();
        let thrown: unknown;
        try {
          await call(c, device);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `no error thrown (PyTorch: ${c.error.type}: ${c.error.message})`).toBeInstanceOf(Error);
        const e = thrown as Error;
        expect(e, `PyTorch raises ${c.error.type}: ${c.error.message}; got ${e.name}: ${e.message}`).toBeInstanceOf(
          ERROR_CLASS(torch, c.error.type),
        );
        for (const m of c.must) expect(e.message).toContain(m);
      });
    }
  });

  describe("random draws after manual_seed", () => {
    for (const c of seededCases) {
      it(c.name, async () => {
        const torch = await loadTorch();
        const n = c.shape.reduce((a, b) => a * b, 1);
        const x = torch.arange(n, { dtype: torch.float32 }).reshape(c.shape).sin().to(device);
        torch.manual_seed(c.seed);
        const [out, idx] = resolve(torch, c.fn)(x, c.kernel_size, { output_size: c.output_size, return_indices: true });
        compareValue(out, c.out, { device }, `${c.name} [${device}] values`);
        compareValue(idx, c.indices, { device }, `${c.name} [${device}] indices`);
      });
    }
  });

  describe("modules", () => {
    for (const c of modules) {
      it(c.name, async () => {
        const torch = await loadTorch();
        const args = decodeValue(c.args, "cpu", { torch }) as any[];
        const kwargs = decodeValue(c.kwargs, "cpu", { torch }) as Record<string, unknown>;
        const Cls = torch.nn[c.cls];
        expect(Cls, `torch.nn.${c.cls}`).toBeTypeOf("function");
        const m = new Cls(...args, ...(Object.keys(kwargs).length ? [kwargs] : []));
        m.train(c.train);
        expect(m.toString()).toBe(c.repr);
        expect([...m.named_parameters()].map(([k]: [string]) => k)).toEqual(c.params);
        const sd = m.state_dict();
        expect(Object.keys(sd)).toEqual(Object.keys(c.state_dict));
        for (const [k, v] of Object.entries(c.state_dict)) compareValue(sd[k], v, { device: "cpu" }, `${c.name} state_dict ${k}`);
        if (!c.inputs) return;
        m.to(device);
        const inputs = decodeValue(c.inputs, device, { torch }) as any[];
        const out = m(...inputs);
        compareValue(out, c.out!, { rtol: c.rtol, device }, `${c.name} [${device}] forward`);
        const after = m.state_dict();
        for (const [k, v] of Object.entries(c.state_after ?? {})) compareValue(after[k], v, { device }, `${c.name} [${device}] state ${k}`);
      });
    }
  });
});
