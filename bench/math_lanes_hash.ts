// A hash of the eager float32 kernels of the WebAssembly lane math (wasm/math_f32.ts) over float32 bit
// patterns, every --step-th from 0 to 2^32 (a small offset varies the low bits), in order and shuffled
// (so a vector's four lanes come from one region of the line or from anywhere): a change that must keep
// the bits (erf's and tanh's skipped second branch, session 27) is run before and after, and the two
// hashes compared. Values go through torch (1,048,576 at a time: the WebAssembly path).
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json bench/math_lanes_hash.ts [--step 256]
import { createHash } from "node:crypto";
import * as torch from "xlatorch";
import { cliArg } from "./lib/program_case.js";

const step = Number(cliArg("step", "256"));
const N = Math.floor(2 ** 32 / step);
const bits = new Uint32Array(N);
for (let i = 0; i < N; i++) bits[i] = (i * step + (i % 61)) >>> 0;
const inOrder = new Float32Array(bits.buffer);
const shuffled = inOrder.slice();
let s = 12345;
for (let i = N - 1; i > 0; i--) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  const j = s % (i + 1);
  const t = shuffled[i]!;
  shuffled[i] = shuffled[j]!;
  shuffled[j] = t;
}
const F = torch.nn.functional;
const fns: [string, (t: torch.Tensor) => torch.Tensor][] = [
  ["erf", (t) => t.erf()],
  ["erf(x / 2)", (t) => t.mul(0.5).erf()],
  ["gelu", (t) => F.gelu(t)],
  ["tanh", (t) => t.tanh()],
  ["tanh(x / 4)", (t) => t.mul(0.25).tanh()],
  ["sigmoid", (t) => t.sigmoid()],
  ["exp", (t) => t.exp()],
];
for (const [name, f] of fns) {
  const h = createHash("sha256");
  for (const arr of [inOrder, shuffled])
    for (let k = 0; k < N; k += 1 << 20) {
      const y = f(torch.tensor(Array.from(arr.subarray(k, k + (1 << 20))), { dtype: torch.float32 }));
      h.update(new Uint8Array(new Float32Array(y.tolist() as number[]).buffer));
    }
  console.log(`${h.digest("hex").slice(0, 16)}  ${name}`);
}
