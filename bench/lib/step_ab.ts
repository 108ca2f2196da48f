// In-process A/B of two settings of one program step (bench/lib/program_case.ts):
// rounds alternate which side goes first, each side runs `steps` steps after 3
// unmeasured ones, and the report is the median ms/step (wall and process CPU)
// per side and the median of the per-round ratios, so both sides see the same
// load. Shared by the bench scripts that compare a change on a whole step
// (gelu_ab.ts, softmax_ab.ts, gpt_threads_ab.ts, layer_norm_fma_ab.ts).
import { programCase } from "./program_case.js";
import { median } from "./timing.js";

export interface Side {
  label: string;
  /** Switches the process to this side's setting (called before its warm-up steps). */
  use: () => void;
}
type Cost = { wall: number; cpu: number };

/** Alternated rounds of `run` under sides a and b; prints and returns the medians and per-round ratios (b / a). */
export async function alternateSteps(
  title: string,
  run: () => unknown,
  a: Side,
  b: Side,
  rounds: number,
  steps: number,
): Promise<{ a: Cost; b: Cost; ratio: Cost }> {
  const time = async (side: Side): Promise<Cost> => {
    side.use();
    for (let i = 0; i < 3; i++) await run();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await run();
    const wall = (performance.now() - t0) / steps;
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1000 / steps };
  };
  const rows: { a: Cost; b: Cost }[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      const ta = await time(a);
      rows.push({ a: ta, b: await time(b) });
    } else {
      const tb = await time(b);
      rows.push({ a: await time(a), b: tb });
    }
  }
  const m = (k: keyof Cost, side: "a" | "b") => median(rows.map((r) => r[side][k]));
  const ratio = (k: keyof Cost) => median(rows.map((r) => r.b[k] / r.a[k]));
  const out = {
    a: { wall: m("wall", "a"), cpu: m("cpu", "a") },
    b: { wall: m("wall", "b"), cpu: m("cpu", "b") },
    ratio: { wall: ratio("wall"), cpu: ratio("cpu") },
  };
  const f = (v: number) => v.toFixed(2);
  console.log(
    `${title}: ${rounds} alternated rounds of ${steps} steps, ms/step medians (${a.label} -> ${b.label}, per-round ratio median):`,
  );
  console.log(`  wall ${f(out.a.wall)} -> ${f(out.b.wall)} (${out.ratio.wall.toFixed(3)})`);
  console.log(`  process CPU ${f(out.a.cpu)} -> ${f(out.b.cpu)} (${out.ratio.cpu.toFixed(3)})`);
  return out;
}

/**
 * Whether case `id` gives the same output bits (bench/lib/types.ts output(): for nanoGPT the loss and
 * lm_head's gradient) after 4 steps under sides a and b, each from a fresh instance with the same inputs.
 */
export async function sameOutputBits(id: string, a: Side, b: Side): Promise<boolean> {
  const outputs: Float32Array[] = [];
  for (const side of [a, b]) {
    side.use();
    const { impl } = await programCase(id);
    for (let i = 0; i < 3; i++) await impl.run();
    outputs.push(await impl.output());
  }
  const [x, y] = outputs as [Float32Array, Float32Array];
  const same = x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  console.log(
    `${id} output after 4 steps, ${a.label} vs ${b.label}: ${same ? "bit-identical" : "DIFFERENT"} (first value ${x[0]} vs ${y[0]})`,
  );
  return same;
}

/**
 * A/B of a model method written as a composition against the library's primitive on case `id`'s step:
 * `proto[method]` is swapped between `composed` and the method it had, the output bits of both sides are
 * compared, then `rounds` alternated rounds of `steps` steps are timed (gelu_ab.ts, softmax_ab.ts).
 */
export async function composedVsPrimitive(
  id: string,
  title: string,
  proto: Record<string, unknown>,
  method: string,
  composed: unknown,
  rounds: number,
  steps: number,
): Promise<void> {
  const primitive = proto[method];
  const side = (label: string, f: unknown): Side => ({ label, use: () => void (proto[method] = f) });
  const a = side("composed", composed),
    b = side("primitive", primitive);
  await sameOutputBits(id, a, b);
  const { impl } = await programCase(id);
  await alternateSteps(title, () => impl.run(), a, b, rounds, steps);
}
