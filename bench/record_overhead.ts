// Per-op recording overhead of the op surface + bind, µs per op (median of runs).
//   npx tsx --tsconfig tsconfig.json bench/record_overhead.ts [--runs N] [--iters N] [--only cpu|xla|stub]
// Cases (16x16 float32):
//   plain     y = y.mul(1.5).add(x)            2 ops per iteration
//   autograd  y = y.matmul(w).tanh()          2 ops per iteration, w requires grad
// On `xla` only recording is timed (graphs are dropped unsynced, though the xla
// device may cut and run long traces on its own); on `cpu` the eager kernels run
// too, so cpu figures include 16x16 kernel time. `stub` is the op surface, bind
// and autograd alone: the same cases on a device backend that does nothing
// (registered in place of `xla` after the real xla cases have run).
import * as torch from "xlatorch";
import * as core from "@xlatorch/core";
import v8 from "node:v8";
import vm from "node:vm";

// A full collection before each timed run, so one run's graph is not collected inside the next.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const argv = process.argv.slice(2);
const opt = (name: string, d: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const RUNS = opt("runs", 15);
const ITERS = opt("iters", 5000);
const ONLY = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : null;

type Case = { name: string; device: string; label?: string; build: () => () => unknown };

/** A backend that computes nothing: payloads are null, shapes come from the shape rules. */
const stubBackend: torch.DeviceBackend = {
  type: "xla",
  run: (_prim, _inputs, _attrs, outs) => outs.map(() => null),
  fromHost: () => null,
  toHost: (t) => t.dtype.alloc(t.numel()),
  write: () => {},
};
const useStub = (): void => core.registerDevice(stubBackend);

function plain(device: string): Case {
  return {
    name: "plain y.mul(1.5).add(x)",
    device,
    build: () => {
      const x = torch.randn(16, 16).to(device);
      return () => {
        let y = x;
        for (let i = 0; i < ITERS; i++) y = y.mul(1.5).add(x);
        return y;
      };
    },
  };
}
function autograd(device: string): Case {
  return {
    name: "autograd y.matmul(w).tanh()",
    device,
    build: () => {
      const x = torch.randn(16, 16).to(device);
      const w = torch.randn(16, 16).mul(0.1).to(device).requires_grad_();
      return () => {
        let y = x;
        for (let i = 0; i < ITERS; i++) y = y.matmul(w).tanh();
        return y;
      };
    },
  };
}

const median = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1]!;
};

const cases: (Case | (() => void))[] = [
  plain("cpu"),
  plain("xla"),
  autograd("cpu"),
  autograd("xla"),
  useStub,
  { ...plain("xla"), label: "stub" },
  { ...autograd("xla"), label: "stub" },
];
console.log(`record_overhead: ${ITERS} iterations x 2 ops, median of ${RUNS} runs, node ${process.version}`);
for (const c of cases) {
  if (typeof c === "function") {
    c();
    continue;
  }
  if (ONLY && (c.label ?? c.device) !== ONLY) continue;
  const fn = c.build();
  for (let i = 0; i < 3; i++) fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    gc();
    const t0 = process.hrtime.bigint();
    fn();
    const t1 = process.hrtime.bigint();
    times.push(Number(t1 - t0) / 1e3 / (2 * ITERS));
  }
  console.log(
    `${(c.label ?? c.device).padEnd(4)} ${c.name.padEnd(30)} ${median(times).toFixed(3).padStart(8)} us/op  (min ${Math.min(...times).toFixed(3)})`,
  );
}
