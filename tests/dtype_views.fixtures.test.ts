// view(dtype), view_as_real, view_as_complex and real/imag (torch.real/imag and
// the Tensor.real/.imag attributes) are views, as PyTorch 1.13's: programs of
// writes through them and through the tensors they were taken from
// (tests/fixtures/gen_dtype_views.py writes dtype_views.json) give PyTorch's
// values, strides, storage offsets and version counters, and float64 gradients
// through in-place writes to them; each program once with the ops called
// positionally and once with keywords; PyTorch's errors, naming the op. On cpu
// and on the xla device in every execution mode.
import { expect, it } from "vitest";
import { compareValue, decodeValue, loadCases, loadTorch, type Device, type Json } from "./harness/fixtures";
import { onEveryTarget } from "./harness/suites";

interface Step {
  out?: string | null;
  target: string;
  method?: string;
  args?: Json[];
  kwargs?: Record<string, Json>;
  attr?: string;
  setattr?: string;
  value?: Json;
}
interface Case {
  name: string;
  form: "positional" | "keyword";
  vars: Record<string, Json>;
  program: Step[];
  out?: Record<string, Json>;
  backward?: string;
  grads?: Record<string, Json>;
  error?: { type: string; message: string };
  must?: string[];
}
const cases = loadCases<Case>("dtype_views.json");

/** The generator's run(): each step on the program's variables. */
function run(torch: any, c: Case, device: Device, upTo = c.program.length): Record<string, any> {
  const env: Record<string, any> = {};
  for (const [k, v] of Object.entries(c.vars)) env[k] = decodeValue(v, device, { torch });
  c.program.slice(0, upTo).forEach((st, i) => {
    const what = `${c.name} step ${i}`;
    const dec = (v: Json) => decodeValue(v, device, { torch, env });
    if (st.attr !== undefined) {
      env[st.out!] = env[st.target][st.attr];
      return;
    }
    if (st.setattr !== undefined) {
      env[st.target][st.setattr] = dec(st.value!);
      return;
    }
    const args = dec(st.args ?? []) as any[];
    const kwargs = dec(st.kwargs ?? {}) as Record<string, unknown>;
    const tail = Object.keys(kwargs).length ? [kwargs] : [];
    const m = st.method!;
    let r: unknown;
    if (st.target === "torch") {
      if (typeof torch[m] !== "function") throw new Error(`${what}: torch.${m} is not a function`);
      r = torch[m](...args, ...tail);
    } else {
      const x = env[st.target];
      if (m === "getitem") r = x.getitem(...args);
      else if (m === "setitem") x.setitem(...(args[0] as unknown[]), args[1]);
      else r = x[m](...args, ...tail);
    }
    if (st.out) env[st.out] = r;
  });
  return env;
}

/** A value as the fixture holds it: complex tensors as view_as_real of a copy. */
function check(torch: any, actual: any, expected: Json, path: string, device: Device): void {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected) && "complex" in expected) {
    expect(actual?.dtype?.is_complex, `${path}: a complex tensor`).toBe(true);
    compareValue(torch.view_as_real(actual.clone()), expected.complex!, { device }, path);
    return;
  }
  // torch.Size and stride() lists compare as plain arrays
  compareValue(Array.isArray(actual) ? [...actual] : actual, expected, { device }, path);
}

const ERROR_CLASS: Record<string, string> = { RuntimeError: "TorchError", TypeError: "TorchTypeError", IndexError: "TorchIndexError" };

onEveryTarget("dtype views (view(dtype), view_as_real/complex, real/imag) vs PyTorch on %s", (device) => {
  for (const c of cases) {
    const title = `${c.name} (${c.form})`;
    if (c.error) {
      it(`error: ${title}`, async () => {
        const torch = await loadTorch();
        // every step before the last runs; the last raises PyTorch's error, naming the op
        const env = run(torch, c, device, c.program.length - 1);
        let thrown: unknown;
        try {
          runLast(torch, c.program[c.program.length - 1]!, device, env);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `PyTorch: ${c.error!.type}: ${c.error!.message}`).toBeInstanceOf(torch[ERROR_CLASS[c.error!.type]!]);
        const msg = (thrown as Error).message;
        expect(msg).toContain(c.error!.message);
        for (const m of c.must ?? []) expect(msg).toContain(m);
      });
      continue;
    }
    it(title, async () => {
      const torch = await loadTorch();
      const env = run(torch, c, device);
      for (const [k, v] of Object.entries(c.out ?? {})) check(torch, env[k], v, `${title} [${device}] ${k}`, device);
      if (c.backward) {
        env[c.backward].backward();
        for (const [k, g] of Object.entries(c.grads ?? {})) check(torch, env[k].grad, g, `${title} [${device}] grad of ${k}`, device);
      }
    });
  }
});

/** Runs a call step on variables already decoded. */
function runLast(torch: any, st: Step, device: Device, vars: Record<string, any>): void {
  const dec = (v: Json) => decodeValue(v, device, { torch, env: vars });
  const args = dec(st.args ?? []) as any[];
  const kwargs = dec(st.kwargs ?? {}) as Record<string, unknown>;
  const tail = Object.keys(kwargs).length ? [kwargs] : [];
  if (st.target === "torch") torch[st.method!](...args, ...tail);
  else vars[st.target][st.method!](...args, ...tail);
}

// torch.compile's traced writes (core/src/subgraph.ts) go through the same step-by-step write as the xla device
onEveryTarget("writes through dtype views inside torch.compile on %s", (device) => {
  it("give the eager values", async () => {
    const torch = await loadTorch();
    const body = (a: any) => {
      const z = torch.view_as_complex(a.clone());
      z.imag.mul_(-1);
      z.real.add_(1);
      z.view(torch.float32).getitem("1:3").fill_(7);
      return torch.view_as_real(z).mul(1);
    };
    const f = torch.compile(body);
    const a = torch.arange(6, { dtype: torch.float32, device }).reshape(3, 2);
    const eager = body(a).cpu().tolist();
    expect(eager).toEqual([
      [1, 7],
      [7, -3],
      [5, -5],
    ]);
    expect(f(a).cpu().tolist()).toEqual(eager);
    expect(f(a.add(1)).cpu().tolist()).toEqual(body(a.add(1)).cpu().tolist());
  });
});
