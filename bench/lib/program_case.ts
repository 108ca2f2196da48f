// One whole-program case (bench/cases/80_programs.ts, or the MLP step of
// 60_mlp.ts) run in this process, for the single-purpose bench scripts that
// profile, count or hash a step (program_steps, prim_times, gpt_*, program_bits,
// optim_step, conv_ab): the case's inputs made exactly as bench/run.ts makes
// them, and the xlatorch implementation on the cpu or xla device.
import { KERNELS } from "@xlatorch/cpu";
import * as torch from "xlatorch";
import programs from "../cases/80_programs.js";
import mlp from "../cases/60_mlp.js";
import { makeData, numel } from "./data.js";
import type { HostInputs, PeerCtx } from "./types.js";

/** `--name value` from the command line, else `dflt`. */
export function cliArg(name: string, dflt: string): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : dflt;
}

const CASES = [...programs, ...mlp];

/** The case `id`'s xlatorch implementation on `device`, its inputs made from the bench's seeded data. */
export async function programCase(id: string, device = "cpu") {
  const c = CASES.find((p) => p.id === id);
  if (!c) throw new Error(`no case ${id} in bench/cases/80_programs.ts or 60_mlp.ts (${CASES.map((p) => p.id).join(", ")})`);
  const inputs: HostInputs = {};
  for (const inp of c.inputs) {
    const [lo, hi] = inp.range ?? [-1, 1];
    inputs[inp.name] = { data: makeData(`${c.id}.${inp.name}`, numel(inp.shape), lo, hi), shape: inp.shape };
  }
  const peer = device === "xla" ? "xlatorch-xla" : "xlatorch";
  const ctx: PeerCtx = { peer, lib: torch, extra: { device } };
  const impl = await c.impls[peer]!(ctx, inputs);
  return { c, impl };
}

/**
 * One step of case `id` forced to finish (a value read back), for the storage-pool scripts
 * (pool_rss.ts, storage_pool_ab.ts): besides the program cases, tanh_chain_4M, the eager
 * tanh(x*2+1) on 4M values whose results the pools hold and reuse.
 */
export async function poolStepOf(id: string, device: string): Promise<() => void> {
  if (id === "tanh_chain_4M") {
    torch.manual_seed(0);
    const x = torch.randn([4 * 1024 * 1024]).to(device);
    return () => void torch.tanh(x.mul(2).add(1)).reshape([-1]).select(0, 0).item();
  }
  const { impl } = await programCase(id, device);
  return () => void impl.run();
}

/**
 * The arguments of every call of primitive `prim`'s CPU kernel during one step of `impl` (after one
 * unrecorded step), to replay those calls alone (conv_blocks_ab.ts, conv_split.ts).
 */
export async function kernelCallsOfStep(impl: { run(): unknown }, prim: string): Promise<unknown[][]> {
  type Fn = (...args: unknown[]) => unknown;
  const table = KERNELS as unknown as Record<string, Fn>;
  await impl.run();
  const calls: unknown[][] = [];
  const kernel = table[prim]!;
  table[prim] = (...args: unknown[]) => {
    calls.push(args);
    return kernel(...args);
  };
  try {
    await impl.run();
  } finally {
    table[prim] = kernel;
  }
  return calls;
}
