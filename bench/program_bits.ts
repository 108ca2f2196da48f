// Bit check for speed work: runs one bench/cases/80_programs.ts case for N
// training steps and prints an FNV-1a hash of every loss and, after the last
// step, of every parameter and gradient (as bytes). Two checkouts (or the two
// sides of a switch) compute bit-identical steps only when the hashes match;
// a mismatch names the first parameter that differs by its own hash.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/program_bits.ts [--case nanogpt_tiny_adamw_b8] [--steps 5] [--device cpu|xla]
import * as torch from "xlatorch";
import { cliArg, programCase } from "./lib/program_case.js";

const arg = cliArg;
const id = arg("case", "nanogpt_tiny_adamw_b8");
const steps = Number(arg("steps", "5"));
const device = arg("device", "cpu");

// the model the case builds, caught as the optimizer receives its parameters
const params: torch.Tensor[] = [];
const Optim = torch.optim.Optimizer.prototype as unknown as { add_param_group(g: { params: Iterable<torch.Tensor> }): void };
const addGroup = Optim.add_param_group;
Optim.add_param_group = function (this: unknown, g) {
  const ps = [...(g.params as Iterable<torch.Tensor>)];
  params.push(...ps);
  return addGroup.call(this, { ...g, params: ps });
};
const { impl } = await programCase(id, device);

const fnv = (a: ArrayBufferView, h = 2166136261) => {
  for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
};
const host = (t: torch.Tensor) => Float32Array.from((t.detach().to("cpu") as unknown as { _host(): ArrayLike<number> })._host());
const losses: number[] = [];
for (let i = 0; i < steps; i++) losses.push(Number(await impl.run()));
const per = params.map((p) => [fnv(host(p)).toString(16), p.grad ? fnv(host(p.grad)).toString(16) : "-"]);
let all = fnv(Float64Array.from(losses));
for (const [a, b] of per) all = fnv(new TextEncoder().encode(`${a}${b}`), all);
console.log(
  JSON.stringify({ case: id, device, steps, losses, params: params.length, hash: all.toString(16), per: per.map((x) => x.join("/")) }),
);
