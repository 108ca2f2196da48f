// Gradient accumulation in place (autograd.ts addCt / AccumulateGrad, the cpu
// device's accumulate hook): whole training steps with and without it.
// Cases: `lstm` (default), an eager char-RNN at a realistic size (embedding 64
// -> 2-layer nn.LSTM(128, 128) over [32, 20] tokens -> Linear(128, 64), cross
// entropy, clip_grad_norm_, Adam, zero_grad in place as PyTorch 1.13's
// default: the LSTM's weights are read at every time step, so their
// cotangents are summed 20 times per step), any bench/cases/80_programs.ts id, or
// ported:<name>, a ported program at its original's size (bench/lib/ported.ts
// PORTED_PROGRAMS_BENCH, e.g. ported:char_lstm): there a block of steps is whole runs of the
// program (ceil(steps / 5) of them), timed between consecutive steps as bench/ported_programs.ts does.
//   one checkout:   npx tsx --tsconfig tsconfig.json bench/grad_accumulate_ab.ts [--case lstm] [--steps 20] [--warmup 5]
//   two checkouts:  npx tsx bench/grad_accumulate_ab.ts --a /path/old --b /path/new [--rounds 7] [--case ...]
//     (the one-checkout form in each, A and B alternating which goes first; each must hold this file)
//   in one process: ... --toggle [--rounds 9] [--steps 10]: blocks of steps with the cpu device's
//     accumulate hook off (autograd adds out of place, as before it) and on, alternated
//   counts:         ... --count: the add kernel's runs and result MiB in one backward, and the adds
//     done in place, hook off and on (deterministic)
// Each form prints per-round medians of wall and process CPU ms per step and the per-round ratios.
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Tensor } from "xlatorch";

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const id = arg("case", "lstm");
const steps = Number(arg("steps", "20"));

interface Timed {
  ms: number;
  cpu: number;
}
/** Per-round lines and the medians of two sides' per-round figures and of their ratios. */
function report(names: [string, string], a: Timed[], b: Timed[], extra: (r: number) => string = () => ""): void {
  const r = a.length - 1;
  if (r >= 0 && b.length === a.length) {
    const x = a[r]!,
      y = b[r]!;
    console.log(
      `round ${r}: ${names[0]} ${x.ms.toFixed(2)} ms (cpu ${x.cpu.toFixed(2)})  ${names[1]} ${y.ms.toFixed(2)} ms (cpu ${y.cpu.toFixed(2)})  ` +
        `${names[1]}/${names[0]} ${(y.ms / x.ms).toFixed(3)} (cpu ${(y.cpu / x.cpu).toFixed(3)})${extra(r)}`,
    );
  }
}
function summary(names: [string, string], a: Timed[], b: Timed[]): void {
  const med = (xs: Timed[], k: keyof Timed) => median(xs.map((x) => x[k]));
  const ratio = (k: keyof Timed) => median(a.map((x, i) => b[i]![k] / x[k]));
  console.log(
    JSON.stringify({
      case: id,
      rounds: a.length,
      steps,
      [`${names[0]}_ms`]: med(a, "ms"),
      [`${names[1]}_ms`]: med(b, "ms"),
      ratio_ms: ratio("ms"),
      [`${names[0]}_cpu_ms`]: med(a, "cpu"),
      [`${names[1]}_cpu_ms`]: med(b, "cpu"),
      ratio_cpu: ratio("cpu"),
    }),
  );
}

if (argv.includes("--a")) {
  const dirs = { A: path.resolve(arg("a", ".")), B: path.resolve(arg("b", ".")) };
  const rounds = Number(arg("rounds", "7"));
  const pass = ["--case", id, "--steps", String(steps), "--warmup", arg("warmup", "5")];
  const once = (dir: string): Timed & { hash: string } => {
    const out = execFileSync("npx", ["tsx", "--tsconfig", "tsconfig.json", "bench/grad_accumulate_ab.ts", ...pass], {
      cwd: dir,
      env: { ...process.env, XLATORCH_QUIET: "1" },
      encoding: "utf8",
    });
    return JSON.parse(out.trim().split("\n").pop()!) as Timed & { hash: string };
  };
  const A: (Timed & { hash: string })[] = [],
    B: (Timed & { hash: string })[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2) {
      B.push(once(dirs.B));
      A.push(once(dirs.A));
    } else {
      A.push(once(dirs.A));
      B.push(once(dirs.B));
    }
    report(["A", "B"], A, B, (i) => `  loss hashes ${A[i]!.hash} ${B[i]!.hash}`);
  }
  summary(["A", "B"], A, B);
} else {
  const torch = await import("xlatorch");
  const { getBackend } = await import("@xlatorch/core");
  const warmup = Number(arg("warmup", "5"));
  const losses: number[] = [];
  let step: () => void | Promise<void>;
  /** A ported program: whole runs, with the times between its consecutive steps. */
  let ported: ((onStep: () => void) => void) | null = null;
  if (id.startsWith("ported:")) {
    const { PORTED_PROGRAMS_BENCH } = await import("./lib/ported.js");
    const prog = PORTED_PROGRAMS_BENCH[id.slice("ported:".length)];
    if (!prog) throw new Error(`${id}: no such program in PORTED_PROGRAMS_BENCH (${Object.keys(PORTED_PROGRAMS_BENCH).join(", ")})`);
    ported = (onStep) => void losses.push(...prog("cpu", onStep).losses);
    step = () => ported!(() => {});
  } else if (id === "lstm") {
    const { nn } = torch;
    const [vocab, hidden, layers, bsz, bptt] = [64, 128, 2, 32, 20];
    torch.manual_seed(0);
    const encoder = new nn.Embedding(vocab, hidden);
    const rnn = new nn.LSTM(hidden, hidden, layers, true, true);
    const decoder = new nn.Linear(hidden, vocab);
    const params = [...encoder.parameters(), ...rnn.parameters(), ...decoder.parameters()];
    const optimizer = new torch.optim.Adam(params, 0.002);
    const criterion = new nn.CrossEntropyLoss();
    const data = torch.randint(vocab, [bsz, bptt + 1]);
    const inp = data.getitem(":", `0:${bptt}`),
      target = data.getitem(":", `1:${bptt + 1}`);
    const h0 = torch.zeros([layers, bsz, hidden]);
    step = () => {
      optimizer.zero_grad();
      const [out] = rnn(encoder(inp), [h0, h0] as never) as [Tensor, unknown];
      const loss = criterion(decoder(out).reshape(-1, vocab), target.reshape(-1));
      loss.backward();
      nn.utils.clip_grad_norm_(params, 0.25);
      optimizer.step();
      losses.push(loss.item() as number);
    };
  } else {
    const { programCase } = await import("./lib/program_case.js");
    const { impl } = await programCase(id, "cpu");
    step = async () => void losses.push(Number(await impl.run()));
  }
  const cpu = getBackend("cpu");
  const hook = cpu.accumulate;
  const block = async (): Promise<Timed> => {
    const t: number[] = [],
      c: number[] = [];
    if (ported !== null) {
      for (let r = 0; r < Math.ceil(steps / 5); r++) {
        let t0 = performance.now(),
          c0 = process.cpuUsage();
        let first = true;
        ported(() => {
          const t1 = performance.now(),
            c1 = process.cpuUsage();
          if (!first) {
            t.push(t1 - t0);
            c.push((c1.user - c0.user + c1.system - c0.system) / 1000);
          }
          first = false;
          t0 = t1;
          c0 = c1;
        });
      }
      return { ms: median(t), cpu: median(c) };
    }
    for (let i = 0; i < steps; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await step();
      t.push(performance.now() - t0);
      const u = process.cpuUsage(c0);
      c.push((u.user + u.system) / 1000);
    }
    return { ms: median(t), cpu: median(c) };
  };
  if (argv.includes("--count")) {
    if (hook === undefined) throw new Error("--count: this checkout's cpu device has no accumulate hook");
    const run = cpu.run;
    let adds = 0,
      bytes = 0,
      inPlace = 0;
    cpu.run = (prim, ins, attrs, outs) => {
      if (prim.name === "add") {
        adds++;
        bytes += outs[0]!.shape.reduce((x, y) => x * y, 1) * outs[0]!.dtype.itemsize;
      }
      return run.call(cpu, prim, ins, attrs, outs);
    };
    const counting: typeof hook = (acc, g) => {
      const ok = hook.call(cpu, acc, g);
      if (ok) inPlace++;
      return ok;
    };
    // a whole step counted (the forward's adds too: the same with the hook off and on)
    for (const on of [false, true, false, true]) {
      cpu.accumulate = on ? counting : undefined;
      adds = bytes = inPlace = 0;
      await step();
      console.log(
        JSON.stringify({ case: id, hook: on, addKernelRuns: adds, addResultMiB: +(bytes / 2 ** 20).toFixed(3), addsInPlace: inPlace }),
      );
    }
    process.exit(0);
  }
  for (let i = 0; i < warmup; i++) await step();
  if (argv.includes("--toggle")) {
    if (hook === undefined) throw new Error("--toggle: this checkout's cpu device has no accumulate hook");
    const rounds = Number(arg("rounds", "9"));
    const off: Timed[] = [],
      on: Timed[] = [];
    const side = async (h: boolean) => {
      cpu.accumulate = h ? hook : undefined;
      (h ? on : off).push(await block());
    };
    for (let r = 0; r < rounds; r++) {
      await side(r % 2 === 1);
      await side(r % 2 === 0);
      report(["off", "on"], off, on);
    }
    summary(["off", "on"], off, on);
    process.exit(0);
  }
  const t = await block();
  // FNV-1a of every loss as float64 bytes: equal across checkouts only for bit-identical steps
  let h = 2166136261;
  for (const b of new Uint8Array(Float64Array.from(losses).buffer)) h = Math.imul(h ^ b, 16777619) >>> 0;
  console.log(JSON.stringify({ ...t, hash: h.toString(16) }));
}
