// The nn.functional activations, losses, distances, normalizations,
// pixel_shuffle, interpolate and alpha dropouts of issue 10, and their nn
// modules, against PyTorch 1.13 (tests/fixtures/gen_nn_more.py writes
// nn_more.json): forward values (positional and keyword forms), float64
// gradients, seeded RNG draws, PyTorch's errors, and modules' repr,
// state_dict and forward, on cpu and on the xla device.
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
  type ProgramCase,
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

type AnyCase = CallCase | ProgramCase | ErrorCase | (GradCase & { kind: "grad" }) | ModuleCase;
const all = loadCases<AnyCase>("nn_more.json");
const kindOf = (c: AnyCase) => (c as { kind?: string }).kind;
const calls = all.filter((c): c is CallCase => kindOf(c) === undefined && !("program" in c));
const programs = all.filter((c): c is ProgramCase => "program" in c);
const errors = all.filter((c): c is ErrorCase => kindOf(c) === "error");
const grads = all.filter((c): c is GradCase & { kind: "grad" } => kindOf(c) === "grad");
const modules = all.filter((c): c is ModuleCase => kindOf(c) === "module");

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
describe.each(["cpu", "xla"] as const)("nn more vs PyTorch on %s", (target) => {
  const hooks = modeHooks(target);
  beforeAll(hooks.before);
  afterAll(hooks.after);
  const device = deviceOf(target);

  describe("forward", () => {
    for (const c of calls) {
      it(c.name, async () => {
        const out = await call(c, device);
        compareValue(out, c.out, { rtol: c.rtol, atol: c.atol, device }, `${c.name} [${device}] out`);
      });
    }
  });

  describe("programs (seeded RNG, running stats, in place)", () => {
    for (const c of programs) {
      it(c.name, async () => {
        const torch = await loadTorch();
        const env: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(c.vars)) env[k] = decodeValue(v, device, { torch });
        for (const step of c.program) {
          const args = decodeValue(step.args, device, { torch, env }) as unknown[];
          const kwargs = decodeValue(step.kwargs ?? {}, device, { torch, env }) as Record<string, unknown>;
          const tail = Object.keys(kwargs).length ? [kwargs] : [];
          const r =
            step.target === "torch"
              ? resolve(torch, step.method)(...args, ...tail)
              : (env[step.target] as any)[step.method](...args, ...tail);
          if (step.out !== null) env[step.out] = r;
        }
        for (const [name, expected] of Object.entries(c.out))
          compareValue(env[name], expected, { rtol: c.rtol, atol: c.atol, device }, `${c.name} [${device}] ${name}`);
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
