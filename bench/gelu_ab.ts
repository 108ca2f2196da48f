// In-process A/B of F.gelu as one primitive each way (core's prims_gelu.ts) vs
// the composition it replaced, on the nanoGPT tiny AdamW step (bench case
// nanogpt_tiny_adamw_b8, eager cpu): the model's Block.forward is swapped
// between rounds for one that writes gelu as the five ops
// x * 0.5 * (erf(x * SQRT1_2) + 1), so both sides run in the same process
// under the same load. First checks that both give the same loss and
// lm_head gradient bits over a few steps from the same weights.
//   npx tsx --tsconfig tsconfig.json bench/gelu_ab.ts [--rounds 12] [--steps 20] [--threads N]
import * as torch from "xlatorch";
import type { Tensor } from "xlatorch";
import { cliArg } from "./lib/program_case.js";
import { composedVsPrimitive } from "./lib/step_ab.js";

const rounds = Number(cliArg("rounds", "12"));
const steps = Number(cliArg("steps", "20"));
const threads = cliArg("threads", "");
if (threads) torch.set_num_threads(Number(threads));

type BlockLike = {
  attn: (x: Tensor) => Tensor;
  ln_1: (x: Tensor) => Tensor;
  ln_2: (x: Tensor) => Tensor;
  c_fc: (x: Tensor) => Tensor;
  c_proj: (x: Tensor) => Tensor;
};
function composedForward(this: BlockLike, x: Tensor): Tensor {
  x = x.add(this.attn(this.ln_1(x)));
  const h = this.c_fc(this.ln_2(x));
  return x.add(this.c_proj(h.mul(0.5).mul(h.mul(Math.SQRT1_2).erf().add(1))));
}

const { GPT, TINY } = await import("./programs/tiny_gpt.js");
const proto = (new GPT(TINY).h[0] as object).constructor.prototype as Record<string, unknown>;
await composedVsPrimitive("nanogpt_tiny_adamw_b8", "nanoGPT tiny, gelu", proto, "forward", composedForward, rounds, steps);
