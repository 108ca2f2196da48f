// PyTorch 1.13's CPU random number generation, bit for bit, on host typed arrays.
export { MT19937, MT_N, toUint64Seed, type MT19937Data } from "./mt19937.js";
export {
  Generator,
  default_generator,
  manual_seed,
  initial_seed,
  seed,
  get_rng_state,
  set_rng_state,
  CPU_STATE_SIZE,
  DEFAULT_RNG_SEED,
} from "./generator.js";
export {
  uniform,
  normal,
  normalTensor,
  randint,
  random_,
  randperm,
  bernoulli,
  multinomial,
  exponential,
  uniformFloat,
  uniformDouble,
  normalDouble,
  type NormalOptions,
  type ProbDType,
} from "./distributions.js";
export type { RandomDType, FloatDType, RandomHostArray, HostArrayOf } from "./dtypes.js";
