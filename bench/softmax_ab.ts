// In-process A/B of softmax as one primitive each way (core's prims_softmax.ts)
// vs the composition it replaced, on the nanoGPT tiny AdamW step (bench case
// nanogpt_tiny_adamw_b8, eager cpu): the attention's forward is swapped
// between rounds for one that writes softmax as exp(x - max(x)) / sum(...),
// so both sides run in the same process under the same load. First checks
// that both give the same loss and lm_head gradient bits over a few steps
// from the same weights.
//   npx tsx --tsconfig tsconfig.json bench/softmax_ab.ts [--rounds 12] [--steps 20] [--threads N]
import * as torch from "xlatorch";
import type { Tensor } from "xlatorch";
import { cliArg } from "./lib/program_case.js";
import { composedVsPrimitive } from "./lib/step_ab.js";

const rounds = Number(cliArg("rounds", "12"));
const steps = Number(cliArg("steps", "20"));
const threads = cliArg("threads", "");
if (threads) torch.set_num_threads(Number(threads));

type AttnLike = {
  cfg: { n_embd: number; n_head: number };
  c_attn: (x: Tensor) => Tensor;
  c_proj: (x: Tensor) => Tensor;
  bias: Tensor;
};
/** bench/programs/tiny_gpt.ts's CausalSelfAttention.forward with the composed softmax. */
function composedForward(this: AttnLike, x: Tensor): Tensor {
  const [B, T, C] = x.shape as [number, number, number];
  const nh = this.cfg.n_head;
  const [q, k, v] = this.c_attn(x).split(this.cfg.n_embd, 2) as [Tensor, Tensor, Tensor];
  const heads = (t: Tensor) => t.view(B, T, nh, C / nh).transpose(1, 2);
  let att = heads(q)
    .matmul(heads(k).transpose(-2, -1))
    .mul(1 / Math.sqrt(C / nh));
  att = att.masked_fill(this.bias.getitem(":", ":", `:${T}`, `:${T}`).eq(0), -Infinity);
  const e = att.sub(att.amax(-1, true).detach()).exp();
  att = e.div(e.sum(-1, true));
  const y = att.matmul(heads(v)).transpose(1, 2).contiguous().view(B, T, C);
  return this.c_proj(y);
}

const { GPT, TINY } = await import("./programs/tiny_gpt.js");
const block = new GPT(TINY).h[0] as unknown as { attn: object };
const proto = block.attn.constructor.prototype as Record<string, unknown>;
await composedVsPrimitive("nanogpt_tiny_adamw_b8", "nanoGPT tiny, softmax", proto, "forward", composedForward, rounds, steps);
