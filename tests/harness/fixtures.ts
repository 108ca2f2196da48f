// Runs PyTorch-generated fixtures (tests/fixtures/ops.json, grads.json) against xlatorch.
//
// Fixture format (written by tests/fixtures/gen_ops.py and gen_grads.py; see the
// docstrings there for the Python side):
//
// Values
//   tensor        {"t": {"shape": [2, 3], "dtype": "float32", "data": [flat, row-major]},
//                  "view": [["t"], ["narrow", 0, 1, 2], ["getitem", ":", "::2"]],  (optional)
//                  "requires_grad": true}                                         (optional)
//                 Built as torch.tensor(flat, {dtype}).reshape(shape) (0-dim:
//                 torch.tensor(value, {dtype})) on cpu, moved with .to(device), then
//                 each view step x = x[method](...args) is applied (getitem:
//                 x.getitem(...subs)). data: "nan"/"inf"/"-inf" strings for
//                 non-finite floats; int64 beyond 2^53 as decimal strings (then the
//                 whole array is passed as bigints); bools as booleans.
//                 requires_grad leaves are created directly on the device:
//                 torch.tensor(nested, {dtype, device, requires_grad: true})
//                 (torch.zeros(shape, {...}) when empty), then the view chain.
//   {"dtype": "float64"}       -> torch.float64
//   {"i64": "9007199254740993"} -> 9007199254740993n   (int64 scalar beyond 2^53)
//   {"f": "nan" | "inf" | "-inf"} -> NaN / Infinity / -Infinity (non-finite float scalar)
//   {"var": "x"}               -> a program variable (programs only)
//   arrays -> arrays (Python lists and tuples), other JSON objects -> kwargs objects,
//   numbers / booleans / strings / null unchanged. In getitem/setitem subscripts
//   a string is a slice ("1:3", "::2", ":") or "..." and null is None.
//
// Cases
//   call case    {"name", "fn", "call": "method"|"function", "args", "kwargs", "out",
//                 "rtol"?, "atol"?, "shape_only"?, "creation"?}
//                 function: torch[fn](...args, kwargs?); method: args[0][fn](...args.slice(1), kwargs?)
//                 (the options object is passed only when kwargs is non-empty).
//                 fn "getitem": x.getitem(...subs) with args [x, ...subs].
//                 fn "setitem": x.setitem(subs, value) with args [x, subs, value];
//                 "out" is x after the assignment.
//                 "creation": a factory (tensor/zeros/arange/...): {device} is added to
//                 kwargs when the device is not cpu.
//   program case {"name", "vars": {name: value}, "program": [step...], "out": {name: value}}
//                 step {"out": name|null, "target": name|"torch", "method", "args", "kwargs"}
//                 runs env[target][method](...args, kwargs?) (target "torch" calls
//                 torch[method]; method "getitem" -> x.getitem(...args); "setitem" ->
//                 x.setitem(args[0], args[1])) and binds the result to env[out].
//                 Then each variable named in "out" is compared with its value. This
//                 checks in-place ops (add_, copy_, ...) and writes through views.
//   grad case    call case + "weights": [w | null per flattened tensor output],
//                 "grads": [grad | null per requires_grad input, depth-first over args
//                 then kwargs]. loss = sum_i (y_i * w_i).sum() over non-null weights;
//                 loss.backward(); each leaf's .grad is compared (null: .grad must be
//                 null/undefined).
//
// Tolerances (compare.ts): exact for ints/bool; float64 rtol 1e-10 atol 1e-12;
// float32 rtol 1e-5 atol 1e-6; float16 rtol/atol 1e-3; bfloat16 1e-2; a case's
// "rtol"/"atol" override them. dtype and shape are compared exactly, NaN == NaN.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compareValue, isTensor, specialFloat, type CompareOptions, type Json, type TensorJson } from "./compare";

export { compareValue, FixtureMismatch } from "./compare";
export type { Json, TensorJson } from "./compare";

export type Device = "cpu" | "xla";

export interface CallCase {
  name: string;
  fn: string;
  call: "method" | "function";
  args: Json[];
  kwargs: Record<string, Json>;
  out: Json;
  rtol?: number;
  atol?: number;
  shape_only?: boolean;
  creation?: boolean;
  note?: string;
}

export interface ProgramStep {
  out: string | null;
  target: string;
  method: string;
  args: Json[];
  kwargs: Record<string, Json>;
}

export interface ProgramCase {
  name: string;
  vars: Record<string, Json>;
  program: ProgramStep[];
  out: Record<string, Json>;
  rtol?: number;
  atol?: number;
}

export type OpCase = CallCase | ProgramCase;

export interface GradCase extends CallCase {
  weights: (Json | null)[];
  grads: (Json | null)[];
}

export function isProgram(c: OpCase): c is ProgramCase {
  return "program" in c;
}

// ---------------------------------------------------------------------------
// loading

const FIXTURE_DIR = fileURLToPath(new URL("../fixtures/", import.meta.url));

export function loadCases<T = OpCase>(file: string): T[] {
  const cases = JSON.parse(readFileSync(FIXTURE_DIR + file, "utf8")) as T[];
  if (!Array.isArray(cases) || cases.length === 0) throw new Error(`no cases in tests/fixtures/${file}`);
  return cases;
}

// The library is imported lazily so that a missing/broken library makes every
// case fail with the import error instead of the whole file failing to load.
let torchPromise: Promise<any> | undefined;
let torchModule: any;

export function loadTorch(): Promise<any> {
  torchPromise ??= import("xlatorch").then((m: any) => {
    torchModule = m;
    return m;
  });
  return torchPromise;
}

function torchOrThrow(torch?: any): any {
  const t = torch ?? torchModule;
  if (!t) throw new Error("xlatorch is not loaded: await loadTorch() first");
  return t;
}

// ---------------------------------------------------------------------------
// decoding

export interface DecodeOptions {
  /** Program variables for {"var": name}. */
  env?: Record<string, unknown>;
  /** Collects the leaves of tensors marked "requires_grad", in decoding order. */
  leaves?: any[];
  torch?: any;
}

function nest(flat: unknown[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  const [n, ...rest] = shape;
  const step = rest.reduce((a, b) => a * b, 1);
  const out: unknown[] = [];
  for (let i = 0; i < n!; i++) out.push(nest(flat.slice(i * step, (i + 1) * step), rest));
  return out;
}

function decodeData(t: TensorJson): unknown[] {
  if (t.dtype === "bool") return t.data.map((v) => v === true);
  if (t.dtype === "int64") {
    const big = t.data.some((v) => typeof v === "string");
    return big ? t.data.map((v) => BigInt(v as number | string)) : t.data.slice();
  }
  if (t.dtype === "float32" || t.dtype === "float64" || t.dtype === "float16" || t.dtype === "bfloat16")
    return t.data.map((v) => specialFloat(v as number | string));
  return t.data.slice();
}

function callMethod(x: any, method: string, args: unknown[], what: string): any {
  if (x === null || x === undefined) throw new Error(`${what}: cannot call .${method}() on ${String(x)}`);
  if (method === "getitem") {
    if (typeof x.getitem !== "function") throw new Error(`${what}: Tensor.getitem is not a function`);
    return x.getitem(...args);
  }
  if (method === "setitem") {
    if (typeof x.setitem !== "function") throw new Error(`${what}: Tensor.setitem is not a function`);
    // fixtures hold the subscript tuple as one array; setitem takes one argument per subscript
    return x.setitem(...(Array.isArray(args[0]) ? args[0] : [args[0]]), args[1]);
  }
  const f = x[method];
  if (typeof f !== "function") throw new Error(`${what}: ${isTensor(x) ? "Tensor" : typeof x}.${method} is not a function`);
  return f.apply(x, args);
}

export function decodeTensor(
  v: { t: TensorJson; view?: Json[][]; requires_grad?: boolean },
  device: Device,
  opts: DecodeOptions = {},
): any {
  const torch = torchOrThrow(opts.torch);
  const tj = v.t;
  const dtype = torch[tj.dtype];
  if (dtype === undefined) throw new Error(`torch.${tj.dtype} is not defined`);
  const data = decodeData(tj);
  let x: any;
  if (v.requires_grad) {
    const numel = tj.shape.reduce((a, b) => a * b, 1);
    x =
      numel === 0
        ? torch.zeros(tj.shape, { dtype, device, requires_grad: true })
        : torch.tensor(nest(data, tj.shape), { dtype, device, requires_grad: true });
    opts.leaves?.push(x);
  } else {
    x = tj.shape.length === 0 ? torch.tensor(data[0], { dtype }) : torch.tensor(data, { dtype }).reshape(tj.shape);
    if (device !== "cpu") x = x.to(device);
  }
  for (const step of v.view ?? []) {
    const [method, ...rawArgs] = step as [string, ...Json[]];
    const args = rawArgs.map((a) => decodeValue(a, device, opts));
    x = callMethod(x, method, args, `view step ${JSON.stringify(step)}`);
  }
  return x;
}

/** Fixture JSON -> JS value (Tensor on `device`, dtype, bigint, NaN, array, kwargs object). */
export function decodeValue(v: Json, device: Device, opts: DecodeOptions = {}): any {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => decodeValue(e, device, opts));
  if ("t" in v) return decodeTensor(v as any, device, opts);
  const keys = Object.keys(v);
  if (keys.length === 1) {
    if (keys[0] === "dtype" && typeof v.dtype === "string") {
      const d = torchOrThrow(opts.torch)[v.dtype];
      if (d === undefined) throw new Error(`torch.${v.dtype} is not defined`);
      return d;
    }
    if (keys[0] === "i64") return BigInt(v.i64 as string);
    if (keys[0] === "f") return specialFloat(v.f as string);
    if (keys[0] === "var") {
      const name = v.var as string;
      if (!opts.env || !(name in opts.env)) throw new Error(`program variable '${name}' is not defined`);
      return opts.env[name];
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = decodeValue(v[k]!, device, opts);
  return out;
}

// ---------------------------------------------------------------------------
// running

function invoke(torch: any, c: CallCase, args: any[], kwargs: Record<string, unknown>, device: Device): any {
  if (c.creation && device !== "cpu") kwargs = { ...kwargs, device };
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (c.fn === "getitem") return callMethod(args[0], "getitem", args.slice(1), c.name);
  if (c.fn === "setitem") {
    callMethod(args[0], "setitem", [args[1], args[2]], c.name);
    return args[0];
  }
  if (c.call === "function") {
    const f = torch[c.fn];
    if (typeof f !== "function") throw new Error(`torch.${c.fn} is not a function`);
    return f(...args, ...tail);
  }
  return callMethod(args[0], c.fn, [...args.slice(1), ...tail], c.name);
}

/** Decodes a call case's inputs on `device` and runs it; returns the raw result. */
export async function callFixture(c: CallCase, device: Device, leaves?: any[]): Promise<any> {
  const torch = await loadTorch();
  const opts: DecodeOptions = { torch, leaves };
  const args = decodeValue(c.args, device, opts) as any[];
  const kwargs = decodeValue(c.kwargs ?? {}, device, opts) as Record<string, unknown>;
  return invoke(torch, c, args, kwargs, device);
}

function compareOpts(c: { rtol?: number; atol?: number; shape_only?: boolean }, device: Device): CompareOptions {
  return { rtol: c.rtol, atol: c.atol, shapeOnly: c.shape_only, device };
}

/** Runs a program case; returns the environment. */
export async function runProgram(c: ProgramCase, device: Device): Promise<Record<string, unknown>> {
  const torch = await loadTorch();
  const env: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.vars)) env[k] = decodeValue(v, device, { torch });
  c.program.forEach((step, i) => {
    const opts: DecodeOptions = { torch, env };
    const args = decodeValue(step.args, device, opts) as unknown[];
    const kwargs = decodeValue(step.kwargs ?? {}, device, opts) as Record<string, unknown>;
    const tail = Object.keys(kwargs).length ? [kwargs] : [];
    const what = `step ${i} (${step.target}.${step.method})`;
    let r: unknown;
    if (step.target === "torch") {
      const f = torch[step.method];
      if (typeof f !== "function") throw new Error(`${what}: torch.${step.method} is not a function`);
      r = f(...args, ...tail);
    } else {
      if (!(step.target in env)) throw new Error(`${what}: program variable '${step.target}' is not defined`);
      r = callMethod(env[step.target], step.method, [...args, ...tail], what);
    }
    if (step.out !== null) env[step.out] = r;
  });
  return env;
}

/** Runs one ops.json case on `device` and compares with PyTorch's result (throws on mismatch). */
export async function runOpCase(c: OpCase, device: Device): Promise<void> {
  if (isProgram(c)) {
    const env = await runProgram(c, device);
    for (const [name, expected] of Object.entries(c.out))
      compareValue(env[name], expected, compareOpts(c, device), `${c.name} [${device}] ${name}`);
    return;
  }
  const out = await callFixture(c, device);
  compareValue(out, c.out, compareOpts(c, device), `${c.name} [${device}] out`);
}

function flattenTensors(v: unknown, out: any[]): any[] {
  if (isTensor(v)) out.push(v);
  else if (Array.isArray(v)) for (const e of v) flattenTensors(e, out);
  return out;
}

/** Runs one grads.json case: forward, weighted-sum loss, backward, compare forward output and grads. */
export async function runGradCase(c: GradCase, device: Device): Promise<void> {
  const torch = await loadTorch();
  const leaves: any[] = [];
  const out = await callFixture(c, device, leaves);
  const path = `${c.name} [${device}]`;
  compareValue(out, c.out, compareOpts(c, device), `${path} forward out`);
  if (leaves.length !== c.grads.length)
    throw new Error(`${path}: decoded ${leaves.length} requires_grad inputs but the fixture has ${c.grads.length} grads`);
  const outs = flattenTensors(out, []);
  if (outs.length !== c.weights.length)
    throw new Error(`${path}: op returned ${outs.length} tensors, fixture has ${c.weights.length} weights`);
  let loss: any = null;
  outs.forEach((y, i) => {
    const wj = c.weights[i];
    if (wj === null || wj === undefined) return;
    const w = decodeValue(wj, device, { torch });
    const term = y.mul(w).sum();
    loss = loss === null ? term : loss.add(term);
  });
  if (loss === null) throw new Error(`${path}: no weighted output to differentiate`);
  loss.backward();
  c.grads.forEach((g, i) => {
    const grad = leaves[i].grad;
    compareValue(grad, g, { rtol: c.rtol, atol: c.atol, device }, `${path} grad of input #${i}`);
  });
}

/**
 * Where a conformance test runs: cpu, or the xla device in each execution
 * mode ("xla" is the default, fused). Every fixture suite runs on all of them.
 */
export const TARGETS = ["cpu", "xla", "xla:debug", "xla:strict", "xla:lazy"] as const;
export type Target = (typeof TARGETS)[number];
export const deviceOf = (t: Target): Device => (t === "cpu" ? "cpu" : "xla");

/** beforeAll/afterAll pair that runs a describe block's tests in a target's execution mode. */
export function modeHooks(t: Target): { before: () => Promise<void>; after: () => Promise<void> } {
  let prev: string | null = null;
  return {
    before: async () => {
      if (t === "cpu") return;
      const torch: any = await import("xlatorch");
      prev = torch.xla.get_execution_mode();
      torch.xla.set_execution_mode(t === "xla" ? "fused" : t.slice(4));
    },
    after: async () => {
      if (prev === null) return;
      const torch: any = await import("xlatorch");
      torch.xla.set_execution_mode(prev);
    },
  };
}

/**
 * The cotangent pattern the float64 gradient fixtures use (their generators'
 * `pattern`): w[i] = 0.5 + ((7 i) % 11) / 10 over y's flat index, on y's device.
 */
export function cotangentPattern(torch: any, y: any): any {
  return torch.arange(y.numel(), { dtype: torch.float64, device: y.device }).mul(7).remainder(11).div(10).add(0.5).reshape(y.shape);
}

/**
 * Compares [..., r, k] (eigenvectors, singular vectors) column by column up to sign: each of our columns is
 * flipped to agree with PyTorch's (their dot product made non-negative) before the values are compared.
 */
export function compareColumnsUpToSign(torch: any, actual: any, expected: Json, tol: { rtol: number; atol: number }, path: string): void {
  const e = (expected as unknown as { t: TensorJson }).t;
  if ([...actual.shape].join() !== e.shape.join()) throw new Error(`${path}: shape [${[...actual.shape]}], expected [${e.shape}]`);
  const a = actual.cpu().reshape(-1).tolist() as number[];
  const want = e.data as number[];
  const k = e.shape.at(-1)!,
    r = e.shape.at(-2)!;
  const flipped = a.slice();
  for (let off = 0; off < a.length; off += r * k)
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let i = 0; i < r; i++) dot += a[off + i * k + j]! * want[off + i * k + j]!;
      if (dot < 0) for (let i = 0; i < r; i++) flipped[off + i * k + j] = -a[off + i * k + j]!;
    }
  compareValue(torch.tensor(flipped, { dtype: actual.dtype }).reshape(e.shape), expected, tol, path);
}

/** A case's arguments on `device`; with `leaves`, each float64 tensor becomes a fresh leaf requiring grad (collected there; null for the others). */
export function decodeArgsWithLeaves(torch: any, args: Json, device: Device, leaves?: any[]): any[] {
  const decoded = decodeValue(args, device, { torch }) as any[];
  if (!leaves) return decoded;
  return decoded.map((a) => {
    if (!(a instanceof torch.Tensor) || a.dtype !== torch.float64) {
      leaves.push(null);
      return a;
    }
    const l = a.detach().requires_grad_(true);
    leaves.push(l);
    return l;
  });
}
