// Checks of tests/fixtures/opinfo.json (written by tests/fixtures/gen_opinfo.py
// from PyTorch's OpInfo database; see its docstring for the format), shared by
// tests/opinfo.fixtures.test.ts and scripts/opinfo_report.ts, so it uses no
// vitest API. Each recorded sample gives up to five checks, each bad call one:
//
//   <id>/value/<i>    positional form, compared with PyTorch's output
//   <id>/keyword/<i>  the keyword form (trailing options object with PyTorch's
//                     names), which must give the same value
//   <id>/method/<i>   a torch.<name> entry called as the Tensor method
//   <id>/out/<i>      the out= form (zeros shaped as the result), on an entry's
//                     first samples where PyTorch takes it: returns them, filled
//   <id>/grad/<i>     float64: gradients of sum((y * w)) w.r.t. every float64
//                     tensor input, w the generator's cotangent pattern
//   <id>/error/<i>    PyTorch raises: ours must throw at the call, with the
//                     class PyTorch's maps to, naming the op or giving PyTorch's text
//
// Tolerances are torch.testing.assert_close's defaults per dtype. Outputs PyTorch
// defines only up to a sign (eigh's eigenvectors) are compared in the recorded
// one's sign (tests/opinfo_gauge.ts).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { compareValue, FixtureMismatch, fmt, isTensor, isTensorJson, specialFloat, type Json } from "./harness/compare";
import { decodeValue as decodeReal, type DecodeOptions, type Device } from "./harness/fixtures";

import { inRecordedGauge } from "./opinfo_gauge";

export interface Sample {
  dtype: string;
  args: Json[];
  kwargs: Record<string, Json>;
  kw?: Record<string, Json>;
  out: Json;
  random?: boolean;
  method?: boolean;
  /** PyTorch takes this call with out= (fresh tensors shaped as the result), writing the same value into them */
  out_form?: boolean;
  grads?: (Json | null)[];
  /** One of the larger samples (over 64 elements), appended after the small ones. */
  large?: boolean;
}
export interface ErrorInput {
  args: Json[];
  kwargs: Record<string, Json>;
  type: string;
  message: string;
  regex: string;
}
export interface Entry {
  id: string;
  name: string;
  present: boolean;
  /** "attribute": a Tensor property (x.T, x.mH), read on the sample's input */
  ns: "torch" | "tensor" | "attribute" | "functional" | "linalg" | "fft" | "special" | "masked" | null;
  fn: string;
  samples?: Sample[];
  errors?: ErrorInput[];
  skipped?: Record<string, number>;
}
export type Part = "value" | "keyword" | "method" | "out" | "grad" | "error";
export interface Check {
  key: string;
  entry: Entry;
  part: Part;
  index: number;
  /** Throws when the check fails. */
  run: (torch: any, device: Device) => void;
}
export interface KnownFailure {
  case: string;
  /** Only on this device; both when absent. */
  device?: Device;
  reason: string;
  /**
   * A float32 rounding difference that depends on the configuration (the system BLAS's accumulation order
   * vs the WebAssembly kernel's): it fails in some, passes in others, so it is not required to fail.
   */
  varies?: boolean;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** OPINFO_FILE: an exploratory fixture (gen_opinfo.py with OPINFO_OUT) for scripts/opinfo_report.ts. */
export const OPINFO_FILE = process.env.OPINFO_FILE ?? here("./fixtures/opinfo.json");
export const KNOWN_FILE = here("./fixtures/opinfo_known_failures.json");
/**
 * The known failures of the wider samples (sampleKind "large" or "complex": the generator's
 * tensors over 64 elements and complex input dtypes), kept apart from KNOWN_FILE so the two lists
 * can be worked down independently.
 */
export const KNOWN_WIDE_FILE = here("./fixtures/opinfo_known_failures_wide.json");

/** Which part of the fixture a check comes from: the small real samples (and error inputs), the large ones, the complex ones. */
export function sampleKind(c: Check): "small" | "large" | "complex" {
  if (c.part === "error") return "small";
  const s = c.entry.samples![c.index]!;
  return s.large ? "large" : s.dtype.startsWith("complex") ? "complex" : "small";
}

export function loadOpinfo(): { torch: string; entries: Entry[] } {
  const raw = readFileSync(OPINFO_FILE);
  return JSON.parse((OPINFO_FILE.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"));
}

export function loadKnown(): KnownFailure[] {
  const read = (f: string) => (existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as { failures: KnownFailure[] }).failures : []);
  return [...read(KNOWN_FILE), ...read(KNOWN_WIDE_FILE)];
}

/** "cpu" / "xla" → the known failure listed for a check there, if any. */
export function knownIndex(list: KnownFailure[]): (key: string, device: Device) => KnownFailure | undefined {
  const m = new Map<string, KnownFailure>();
  for (const k of list) {
    for (const d of k.device ? [k.device] : (["cpu", "xla"] as Device[])) {
      const id = `${k.case}@${d}`;
      if (m.has(id)) throw new Error(`opinfo_known_failures.json lists ${k.case} on ${d} twice`);
      m.set(id, k);
    }
  }
  return (key, device) => m.get(`${key}@${device}`);
}

/** assert_close's default tolerances (a complex dtype's are its parts'). */
const TOL: Record<string, { rtol: number; atol: number }> = {
  float32: { rtol: 1.3e-6, atol: 1e-5 },
  float64: { rtol: 1e-7, atol: 1e-7 },
  complex64: { rtol: 1.3e-6, atol: 1e-5 },
  complex128: { rtol: 1e-7, atol: 1e-7 },
};

const isComplexDtype = (d: string) => d === "complex64" || d === "complex128";
type Pair = [number | string, number | string];

/**
 * decodeValue (tests/harness/fixtures.ts) plus the generator's complex values: a
 * complex tensor's data is [re, im] pairs, a complex scalar is {"complex": [re, im]};
 * both decode to xlatorch's {re, im} form.
 */
function decodeValue(v: Json, device: Device, opts: DecodeOptions): any {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => decodeValue(e, device, opts));
  if (isTensorJson(v)) {
    if (!isComplexDtype(v.t.dtype)) return decodeReal(v, device, opts);
    const torch = opts.torch;
    const flat = (v.t.data as unknown as Pair[]).map(([re, im]) => ({ re: specialFloat(re), im: specialFloat(im) }));
    const x = torch.tensor(flat, { dtype: torch[v.t.dtype] }).reshape(v.t.shape);
    return device === "cpu" ? x : x.to(device);
  }
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === "complex") {
    const [re, im] = v.complex as Pair;
    return { re: specialFloat(re), im: specialFloat(im) };
  }
  if (keys.length === 1 && ["dtype", "i64", "f", "var"].includes(keys[0]!)) return decodeReal(v, device, opts);
  return Object.fromEntries(keys.map((k) => [k, decodeValue(v[k]!, device, opts)]));
}

/** A complex tensor against [re, im] pairs: dtype, shape, device, then each part at the dtype's tolerance. */
function compareComplex(
  actual: any,
  e: { shape: number[]; dtype: string; data: Pair[] },
  device: Device,
  shapeOnly: boolean,
  path: string,
) {
  if (!isTensor(actual)) throw new FixtureMismatch(`${path}: expected a ${e.dtype} tensor, got ${fmt(actual)}`);
  if (String(actual.dtype) !== `torch.${e.dtype}`)
    throw new FixtureMismatch(`${path}: dtype mismatch: expected torch.${e.dtype}, got ${String(actual.dtype)}`);
  const shape = Array.from(actual.shape as number[]);
  if (shape.join(",") !== e.shape.join(",")) throw new FixtureMismatch(`${path}: shape mismatch: expected [${e.shape}], got [${shape}]`);
  if (!String(actual.device).startsWith(device))
    throw new FixtureMismatch(`${path}: device mismatch: expected a tensor on ${device}, got one on ${String(actual.device)}`);
  if (shapeOnly) return;
  const got = actual.reshape(-1).cpu().tolist() as { re: number; im: number }[];
  const tol = TOL[e.dtype]!;
  // as PyTorch's assert_close (torch.isclose on complex, equal_nan): a complex NaN (either part NaN) matches a
  // complex NaN; else equal, or a finite |actual - expected| <= atol + rtol |expected| in complex magnitudes,
  // not each part at its own tolerance (a part near zero beside a large one carries the other's rounding)
  const close = (ar: number, ai: number, wr: number, wi: number) => {
    const wantNaN = Number.isNaN(wr) || Number.isNaN(wi);
    if (wantNaN || Number.isNaN(ar) || Number.isNaN(ai)) return wantNaN && (Number.isNaN(ar) || Number.isNaN(ai));
    if (ar === wr && ai === wi) return true;
    const err = Math.hypot(ar - wr, ai - wi);
    return Number.isFinite(err) && err <= tol.atol + tol.rtol * Math.hypot(wr, wi);
  };
  e.data.forEach(([re, im], i) => {
    const g = got[i]!;
    const wr = specialFloat(re);
    const wi = specialFloat(im);
    if (!close(g.re, g.im, wr, wi))
      throw new FixtureMismatch(`${path}: value mismatch at flat index ${i}: expected (${wr}, ${wi}), got (${g.re}, ${g.im})`);
  });
}

/** compareValue with each tensor at its dtype's tolerance, and dtypes compared by name. */
function cmp(actual: any, expected: Json, device: Device, shapeOnly: boolean, path: string): void {
  if (isTensorJson(expected)) {
    if (isComplexDtype(expected.t.dtype)) compareComplex(actual, expected.t as never, device, shapeOnly, path);
    else compareValue(actual, expected, { ...TOL[expected.t.dtype], device, shapeOnly }, path);
    return;
  }
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected) && "dtype" in expected) {
    if (String(actual) !== `torch.${expected.dtype}`)
      throw new FixtureMismatch(`${path}: expected torch.${expected.dtype}, got ${String(actual)}`);
    return;
  }
  if (Array.isArray(expected) && actual !== null && typeof actual === "object" && typeof actual.length === "number" && !isTensor(actual)) {
    const arr = Array.from(actual as ArrayLike<unknown>);
    if (arr.length !== expected.length)
      throw new FixtureMismatch(`${path}: expected a list of length ${expected.length}, got length ${arr.length}`);
    expected.forEach((e, i) => cmp(arr[i], e, device, shapeOnly, `${path}[${i}]`));
    return;
  }
  compareValue(actual, expected, { device, shapeOnly }, path);
}

function callable(torch: any, e: Entry): (args: any[], kwargs?: Record<string, unknown>) => any {
  return (args, kwargs) => {
    const tail = kwargs && Object.keys(kwargs).length ? [kwargs] : [];
    if (e.ns === "attribute") {
      if (args.length !== 1 || tail.length) throw new Error(`Tensor.${e.fn} is an attribute: the sample has arguments`);
      if (!isTensor(args[0]) || !(e.fn in args[0])) throw new Error(`Tensor.${e.fn} is not an attribute`);
      return args[0][e.fn];
    }
    if (e.ns === "tensor") {
      const [self, ...rest] = args;
      const f = self?.[e.fn];
      if (typeof f !== "function") throw new Error(`Tensor.${e.fn} is not a function`);
      return f.apply(self, [...rest, ...tail]);
    }
    const ns = e.ns === "torch" ? torch : e.ns === "functional" ? torch.nn.functional : torch[e.ns!];
    const f = ns?.[e.fn];
    if (typeof f !== "function") throw new Error(`${e.ns}.${e.fn} is not a function`);
    return f(...args, ...tail);
  };
}

function hasTensor(v: Json): boolean {
  if (Array.isArray(v)) return v.some(hasTensor);
  if (v !== null && typeof v === "object") return isTensorJson(v) || Object.values(v).some(hasTensor);
  return false;
}

/**
 * The sample's keywords on `device`: the same call on xla means device "xla"
 * where PyTorch's sample says device "cpu", and a factory (a tensor result from
 * no tensor argument) gets {device} as the harness's creation cases do.
 */
function onDevice(kwargs: Record<string, Json>, s: Sample, device: Device): Record<string, Json> {
  if (device === "cpu") return kwargs;
  if ("device" in kwargs) return { ...kwargs, device };
  if (hasTensor(s.out) && !hasTensor(s.args) && !hasTensor(s.kwargs)) return { ...kwargs, device };
  return kwargs;
}

/** The JSON with every float64 tensor marked requires_grad (the generator's leaves). */
function markLeaves(v: Json): Json {
  if (Array.isArray(v)) return v.map(markLeaves);
  if (v !== null && typeof v === "object") {
    if (isTensorJson(v)) return v.t.dtype === "float64" ? ({ ...v, requires_grad: true } as unknown as Json) : v;
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, markLeaves(e)]));
  }
  return v;
}

function floatOutputs(v: unknown, out: any[]): any[] {
  if (isTensor(v)) {
    const t = v as any;
    if (t.requires_grad && t.is_floating_point()) out.push(t);
  } else if (Array.isArray(v)) for (const e of v) floatOutputs(e, out);
  return out;
}

/** The generator's cotangent: w[i] = 0.5 + ((7 i) % 11) / 10, in y's shape, dtype and device. */
function cotangent(torch: any, y: any): any {
  const n = y.numel();
  const w = Array.from({ length: n }, (_, i) => 0.5 + ((7 * i) % 11) / 10);
  return torch.tensor(w, { dtype: y.dtype }).reshape(Array.from(y.shape)).to(y.device);
}

const ERROR_CLASS: Record<string, string> = {
  RuntimeError: "TorchError",
  ValueError: "TorchError",
  NotImplementedError: "TorchError",
  TypeError: "TorchTypeError",
  IndexError: "TorchIndexError",
};

/** Python's regex syntax is close enough to JavaScript's for OpInfo's patterns; null when it is not. */
function jsRegex(p: string): RegExp | null {
  try {
    return new RegExp(p);
  } catch {
    return null;
  }
}

function runError(torch: any, e: Entry, c: ErrorInput, device: Device, path: string): void {
  const args = decodeValue(c.args, device, { torch }) as any[];
  const kwargs = decodeValue(c.kwargs, device, { torch }) as Record<string, unknown>;
  let thrown: unknown;
  let out: unknown;
  try {
    out = callable(torch, e)(args, kwargs);
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) {
    // Say whether it fails later (an xla graph run) or not at all.
    let late = "";
    try {
      for (const t of floatOutputsAll(out, [])) t.cpu().tolist();
    } catch (err) {
      late = `; it throws only when the result is read: ${(err as Error).message.split("\n")[0]}`;
    }
    throw new FixtureMismatch(`${path}: no error thrown at the call (PyTorch: ${c.type}: ${c.message})${late}`);
  }
  const err = thrown as Error;
  const cls = ERROR_CLASS[c.type] ?? "TorchError";
  if (!(err instanceof torch[cls]))
    throw new FixtureMismatch(`${path}: PyTorch raises ${c.type} (our ${cls}): ${c.message}; got ${err?.name}: ${err?.message}`);
  const msg = err.message;
  const re = jsRegex(c.regex);
  const names = [e.fn, e.name, e.fn.replace(/_$/, "")];
  if (!names.some((n) => msg.includes(n)) && !(re && re.test(msg)) && !msg.includes(c.message))
    throw new FixtureMismatch(
      `${path}: message names neither the op (${e.fn}) nor matches PyTorch's /${c.regex}/ (${c.message}); got: ${msg}`,
    );
}

function floatOutputsAll(v: unknown, out: any[]): any[] {
  if (isTensor(v)) out.push(v);
  else if (Array.isArray(v)) for (const e of v) floatOutputsAll(e, out);
  return out;
}

/** Every check of an entry, in a stable order (its keys are what the known-failure list names). */
export function checksOf(e: Entry): Check[] {
  const out: Check[] = [];
  (e.samples ?? []).forEach((s, i) => {
    const shapeOnly = s.random === true;
    const base = `${e.id}/`;
    out.push({
      key: `${base}value/${i}`,
      entry: e,
      part: "value",
      index: i,
      run: (torch, device) => {
        const args = decodeValue(s.args, device, { torch }) as any[];
        const kwargs = decodeValue(onDevice(s.kwargs, s, device), device, { torch }) as Record<string, unknown>;
        cmp(
          inRecordedGauge(e.id, torch, callable(torch, e)(args, kwargs), s.out),
          s.out,
          device,
          shapeOnly,
          `${base}value/${i} ${s.dtype} [${device}]`,
        );
      },
    });
    if (s.kw)
      out.push({
        key: `${base}keyword/${i}`,
        entry: e,
        part: "keyword",
        index: i,
        run: (torch, device) => {
          const first = decodeValue(s.args[0]!, device, { torch });
          const kw = decodeValue(onDevice(s.kw!, s, device), device, { torch }) as Record<string, unknown>;
          cmp(
            inRecordedGauge(e.id, torch, callable(torch, e)([first], kw), s.out),
            s.out,
            device,
            shapeOnly,
            `${base}keyword/${i} ${s.dtype} [${device}]`,
          );
        },
      });
    if (s.method)
      out.push({
        key: `${base}method/${i}`,
        entry: e,
        part: "method",
        index: i,
        run: (torch, device) => {
          const [self, ...rest] = decodeValue(s.args, device, { torch }) as any[];
          const kwargs = decodeValue(onDevice(s.kwargs, s, device), device, { torch }) as Record<string, unknown>;
          cmp(
            inRecordedGauge(e.id, torch, callable(torch, { ...e, ns: "tensor" })([self, ...rest], kwargs), s.out),
            s.out,
            device,
            shapeOnly,
            `${base}method/${i} ${s.dtype} [${device}]`,
          );
        },
      });
    if (s.out_form)
      out.push({
        key: `${base}out/${i}`,
        entry: e,
        part: "out",
        index: i,
        run: (torch, device) => {
          const path = `${base}out/${i} ${s.dtype} [${device}]`;
          const call = callable(torch, e);
          const args = () => decodeValue(s.args, device, { torch }) as any[];
          const kwargs = () => decodeValue(onDevice(s.kwargs, s, device), device, { torch }) as Record<string, unknown>;
          // out= takes zeros shaped as this call's own result (as PyTorch's case was recorded)
          const y = call(args(), kwargs());
          const given = isTensor(y) ? torch.zeros_like(y) : (y as any[]).map((t) => torch.zeros_like(t));
          const r = call(args(), { ...kwargs(), out: given });
          const same = isTensor(given) ? r === given : (given as any[]).every((t, j) => r[j] === t);
          if (!same) throw new FixtureMismatch(`${path}: out= did not return the given tensor(s)`);
          cmp(inRecordedGauge(e.id, torch, isTensor(given) ? given : [...given], s.out), s.out, device, false, path);
        },
      });
    if (s.grads)
      out.push({
        key: `${base}grad/${i}`,
        entry: e,
        part: "grad",
        index: i,
        run: (torch, device) => {
          const path = `${base}grad/${i} [${device}]`;
          const leaves: any[] = [];
          const args = decodeValue(markLeaves(s.args), device, { torch, leaves }) as any[];
          const kwargs = decodeValue(markLeaves(onDevice(s.kwargs, s, device)), device, { torch, leaves }) as Record<string, unknown>;
          if (leaves.length !== s.grads!.length)
            throw new Error(`${path}: decoded ${leaves.length} float64 leaves, the fixture has ${s.grads!.length} grads`);
          const y = inRecordedGauge(e.id, torch, callable(torch, e)(args, kwargs), s.out);
          const outs = floatOutputs(y, []);
          if (outs.length === 0) throw new FixtureMismatch(`${path}: no output requires grad`);
          let loss: any = null;
          for (const t of outs) {
            const term = t.mul(cotangent(torch, t)).sum();
            loss = loss === null ? term : loss.add(term);
          }
          loss.backward();
          s.grads!.forEach((g, j) => cmp(leaves[j].grad, g, device, false, `${path} grad of leaf #${j}`));
        },
      });
  });
  (e.errors ?? []).forEach((c, i) => {
    out.push({
      key: `${e.id}/error/${i}`,
      entry: e,
      part: "error",
      index: i,
      run: (torch, device) => runError(torch, e, c, device, `${e.id}/error/${i} [${device}]`),
    });
  });
  return out.map((c) => ({ ...c, run: isolated(c.run) }));
}

/**
 * A check that fails on xla may leave its ops in the open trace (a comparison that throws on the
 * dtype before reading the values): the next check's read would execute them too and fail for them.
 * torch.xla.sync() after a failure closes that trace, so each check is judged on its own ops.
 */
function isolated(run: Check["run"]): Check["run"] {
  return (torch, device) => {
    try {
      run(torch, device);
    } catch (err) {
      if (device !== "cpu")
        try {
          torch.xla.sync();
        } catch {
          // the trace is closed either way
        }
      throw err;
    }
  };
}

/** The first line of a failure, with the check's own path removed: what the report groups by. */
export function failureReason(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  const line = m.split("\n")[0]!.replace(/^\S+\/(value|keyword|method|out|grad|error)\/\d+( \w+)? \[\w+\]\S*( grad of leaf #\d+)?: /, "");
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Runs a check on a device; xla in the default (fused) mode. Returns null or the failure's reason. */
export function runCheck(torch: any, c: Check, device: Device): string | null {
  try {
    c.run(torch, device);
    return null;
  } catch (err) {
    return failureReason(err);
  }
}
