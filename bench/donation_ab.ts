// Buffer donation, interleaved A/B in one process (the machine is shared and
// loaded, so two configurations alternate every few calls, the order flipping
// each round, and ratios are taken per round): the compiled MLP training step
// (784-256-10, CrossEntropyLoss, Adam, batch 128) with donation on and off, on
// the cpu device (CPU runtime, fused) and on the xla device (CPU runtime), and
// the compiled cpu step against the eager one (issue 12's >= 1.5x target).
// Per call: wall time, time inside the runtime's execute, and the host time
// beyond it (xlatorch's own work: guards, uploads, result stores).
//   XLATORCH_QUIET=1 ROUNDS=80 npx tsx --tsconfig tsconfig.json bench/donation_ab.ts
import os from "node:os";
import * as torch from "xlatorch";
import { donationConfig } from "../packages/lazy/src/donation.js";
import { mlpAdamStep } from "./lib/mlp_adam_step.js";

const ROUNDS = Number(process.env.ROUNDS ?? 80);
const CALLS = Number(process.env.CALLS ?? 3);

const makeStep = mlpAdamStep;

interface Side {
  name: string;
  step: () => unknown;
  donate: boolean;
  ms: number[];
  execMs: number[];
}
const side = (name: string, step: () => unknown, donate: boolean): Side => ({ name, step, donate, ms: [], execMs: [] });

function call(s: Side, n: number, record: boolean): void {
  donationConfig.enabled = s.donate;
  const e0 = torch.xla.metrics().executeMs;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) s.step();
  torch.xla.sync();
  const ms = (performance.now() - t0) / n;
  if (!record) return;
  s.ms.push(ms);
  s.execMs.push((torch.xla.metrics().executeMs - e0) / n);
}

const median = (a: readonly number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const perRound = (a: readonly number[], b: readonly number[]) => median(a.map((v, i) => v / b[i]!));

/** A against B, alternating. */
function ab(a: Side, b: Side): void {
  for (let i = 0; i < 4; i++) {
    call(a, 2, false);
    call(b, 2, false);
  }
  for (let r = 0; r < ROUNDS; r++) for (const s of r % 2 ? [b, a] : [a, b]) call(s, CALLS, true);
  const host = (s: Side) => s.ms.map((v, i) => v - s.execMs[i]!);
  console.log(
    `\n${a.name} vs ${b.name}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log("| | median ms/call | median execute ms/call | median host ms/call beyond execute |");
  console.log("| --- | --- | --- | --- |");
  for (const s of [a, b])
    console.log(`| ${s.name} | ${median(s.ms).toFixed(3)} | ${median(s.execMs).toFixed(3)} | ${median(host(s)).toFixed(3)} |`);
  console.log(
    `per-round ratio ${b.name} / ${a.name}: wall ${perRound(b.ms, a.ms).toFixed(3)}, execute ${perRound(b.execMs, a.execMs).toFixed(3)}, host ${perRound(host(b), host(a)).toFixed(3)}`,
  );
}

const m0 = torch.xla.metrics();
ab(side("cpu compiled, donation on", makeStep(true, "cpu"), true), side("cpu compiled, donation off", makeStep(true, "cpu"), false));
ab(
  side("xla compiled (CPU runtime), donation on", makeStep(true, "xla"), true),
  side("xla compiled, donation off", makeStep(true, "xla"), false),
);
ab(side("cpu compiled (donation on)", makeStep(true, "cpu"), true), side("cpu eager", makeStep(false, "cpu"), true));
const m1 = torch.xla.metrics();
console.log(
  `\ndonated arguments ${m1.donatedBuffers - m0.donatedBuffers}, cpu results computed in place ${m1.donatedInPlace - m0.donatedInPlace}`,
);
