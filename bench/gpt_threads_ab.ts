// In-process A/B of the thread count on one bench/cases/80_programs.ts case's
// eager cpu step: torch.set_num_threads(1) and (2) alternated by rounds in one
// process (the same model and load for both). On nanoGPT tiny every OpenBLAS
// product is below blasPolicy.minWorkPerThread (one thread either way), so the
// difference is the WebAssembly kernels' thread split (simd_f32.ts THREAD_MIN:
// the [8, 32, 256] GELU calls, 65,536 values, at the transcendental threshold).
//   npx tsx --tsconfig tsconfig.json bench/gpt_threads_ab.ts [--case nanogpt_tiny_adamw_b8] [--rounds 12] [--steps 20] [--a 1] [--b 2]
import * as torch from "xlatorch";
import { cliArg, programCase } from "./lib/program_case.js";
import { alternateSteps } from "./lib/step_ab.js";

const id = cliArg("case", "nanogpt_tiny_adamw_b8");
const rounds = Number(cliArg("rounds", "12"));
const steps = Number(cliArg("steps", "20"));
const counts = [Number(cliArg("a", "1")), Number(cliArg("b", "2"))] as const;
const { impl } = await programCase(id);
const side = (n: number) => ({ label: `${n} thread(s)`, use: () => torch.set_num_threads(n) });
await alternateSteps(id, () => impl.run(), side(counts[0]), side(counts[1]), rounds, steps);
