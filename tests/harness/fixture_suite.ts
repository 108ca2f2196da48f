// The runner shared by the fixture suites whose call cases may name a dotted
// function below torch ("nn.functional.pad"): nn_more, nn_unpool and
// defects_b. One place decodes and calls a case, checks a float64 gradient
// case, checks a PyTorch error case, and builds an nn module case, so the
// suites differ only in which cases they load and how they group them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compareValue,
  decodeValue,
  deviceOf,
  loadTorch,
  modeHooks,
  type CallCase,
  type Device,
  type GradCase,
  type Json,
} from "./fixtures";
import type { ErrorCase } from "./suites";

/**
 * `body(device)` in one describe block on cpu and one on the xla device in its
 * default (fused) mode: the other execution modes run the same graphs.
 */
export function onCpuAndXla(title: string, body: (device: Device) => void): void {
  describe.each(["cpu", "xla"] as const)(title, (target) => {
    const hooks = modeHooks(target);
    beforeAll(hooks.before);
    afterAll(hooks.after);
    body(deviceOf(target));
  });
}

/** A describe block with one test per case, named by the case. */
export function describeCases<C extends { name: string }>(title: string, cases: readonly C[], check: (c: C) => Promise<void>): void {
  describe(title, () => {
    for (const c of cases) it(c.name, () => check(c));
  });
}

/** An nn module built from its constructor's arguments: repr, parameter names, state_dict, and optionally a forward. */
export interface ModuleCase {
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

/** The call a case describes, without its expected result. */
export type CallSpec = Pick<CallCase, "fn" | "call" | "args" | "kwargs">;

/** torch.<path>, the path dotted ("nn.functional.elu"). */
export function resolveTorch(torch: any, path: string): (...a: unknown[]) => any {
  let f: any = torch;
  for (const part of path.split(".")) {
    f = f?.[part];
    if (f === undefined) throw new Error(`torch.${path} is not defined`);
  }
  if (typeof f !== "function") throw new Error(`torch.${path} is not a function`);
  return f;
}

/** Decodes and runs a call case on `device`; `leaves` collects the requires_grad inputs. */
export async function callCase(c: CallSpec, device: Device, leaves?: any[]): Promise<any> {
  const torch = await loadTorch();
  const args = decodeValue(c.args, device, { torch, leaves }) as any[];
  const kwargs = decodeValue(c.kwargs ?? {}, device, { torch, leaves }) as Record<string, unknown>;
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.call === "function") return resolveTorch(torch, c.fn)(...args, ...tail);
  const m = args[0]?.[c.fn];
  if (typeof m !== "function") throw new Error(`Tensor.${c.fn} is not a function`);
  return m.apply(args[0], [...args.slice(1), ...tail]);
}

/** Our exception class for a Python exception type PyTorch raises. */
export function torchErrorClass(torch: any, type: string): any {
  return (
    {
      RuntimeError: torch.TorchError,
      ValueError: torch.TorchError,
      NotImplementedError: torch.TorchError,
      TypeError: torch.TorchTypeError,
      IndexError: torch.TorchIndexError,
    } as Record<string, unknown>
  )[type];
}

/** The tensors of a (nested) result that carry autograd, in order. */
function gradTensors(v: unknown, out: any[] = []): any[] {
  if (Array.isArray(v)) for (const e of v) gradTensors(e, out);
  else if (v && typeof v === "object" && "grad_fn" in (v as object)) out.push(v);
  return out;
}

/** A call case's forward against PyTorch's value (or shape only, where the case says so). */
export async function checkCallCase(c: CallCase, device: Device): Promise<void> {
  const out = await callCase(c, device);
  compareValue(out, c.out, { rtol: c.rtol, atol: c.atol, shapeOnly: c.shape_only, device }, `${c.name} [${device}] out`);
}

/**
 * A gradient case: forward value, then backward of the weighted sum of the
 * outputs, each leaf's grad against PyTorch's. `sameOutputCount` also requires
 * as many outputs as the case has weights.
 */
export async function checkGradCase(c: GradCase, device: Device, opts: { sameOutputCount?: boolean } = {}): Promise<void> {
  const torch = await loadTorch();
  const leaves: any[] = [];
  const out = await callCase(c, device, leaves);
  const path = `${c.name} [${device}]`;
  compareValue(out, c.out, { rtol: c.rtol, atol: c.atol, device }, `${path} forward out`);
  expect(leaves.length).toBe(c.grads.length);
  const outs = gradTensors(out);
  if (opts.sameOutputCount) expect(outs.length).toBe(c.weights.length);
  let loss: any = null;
  outs.forEach((y, i) => {
    const wj = c.weights[i];
    if (wj === null || wj === undefined) return;
    const term = y.mul(decodeValue(wj, device, { torch })).sum();
    loss = loss === null ? term : loss.add(term);
  });
  loss.backward();
  c.grads.forEach((g, i) => compareValue(leaves[i].grad, g, { rtol: c.rtol, atol: c.atol, device }, `${path} grad of input #${i}`));
}

/** An error case: the call throws our class for PyTorch's exception, with the words the case names. */
export async function checkErrorCase(c: ErrorCase, device: Device): Promise<void> {
  const torch = await loadTorch();
  let thrown: unknown;
  try {
    await callCase(c, device);
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `no error thrown (PyTorch: ${c.error.type}: ${c.error.message})`).toBeInstanceOf(Error);
  const e = thrown as Error;
  expect(e, `PyTorch raises ${c.error.type}: ${c.error.message}; got ${e.name}: ${e.message}`).toBeInstanceOf(
    torchErrorClass(torch, c.error.type),
  );
  for (const m of c.must) expect(e.message).toContain(m);
}

/** A module case: built on cpu, its repr, parameters and state_dict; then, if it has inputs, its forward on `device`. */
export async function checkModuleCase(c: ModuleCase, device: Device): Promise<void> {
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
}
