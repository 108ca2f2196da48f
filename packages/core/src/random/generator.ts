// PyTorch's CPU generator (at::CPUGeneratorImpl in PyTorch 1.13): an MT19937
// engine plus two cached normal samples. Box-Muller makes normals in pairs; the
// scalar normal path keeps the unused one as `next_double_normal_sample` and
// hands it out on the next draw. (`next_float_normal_sample` is the same for
// float-typed scalar sampling; PyTorch 1.13's CPU kernels never set it, but it
// is part of the saved state, so it is kept and round-tripped here.)
//
// get_state() / set_state() use PyTorch's own byte layout (CPUGeneratorImplState,
// 5056 bytes, little-endian x86-64), so states move between PyTorch
// (`torch.get_rng_state().numpy().tobytes()`) and this library both ways:
//
//   offset  size  field
//        0     8  uint64 the_initial_seed
//        8     4  int32  left            (draws left before the state regenerates)
//       12     4  int32  seeded          (1)
//       16     8  uint64 next            (index of the next state word)
//       24  4992  uint64 state[624]      (each 32-bit MT word zero-extended)
//     5016     8  f64    normal_x        (legacy, written 0)
//     5024     8  f64    normal_y        (the cached double normal sample)
//     5032     8  f64    normal_rho      (legacy, written 0)
//     5040     4  int32  normal_is_valid (1 if normal_y is a cached sample)
//     5044     4  padding (0)
//     5048     4  f32    next_float_normal_sample
//     5052     1  uint8  is_next_float_normal_sample_valid
//     5053     3  padding (0)

import { MT19937, MT_N, toUint64Seed } from "./mt19937.js";

/** Size in bytes of the state returned by get_state() (PyTorch's CPUGeneratorImplState). */
export const CPU_STATE_SIZE = 5056;

/** Seed of a freshly constructed generator (c10's default_rng_seed_val). */
export const DEFAULT_RNG_SEED = 67280421310721n;

const OFF_SEED = 0;
const OFF_LEFT = 8;
const OFF_SEEDED = 12;
const OFF_NEXT = 16;
const OFF_STATE = 24;
const OFF_NORMAL_X = OFF_STATE + 8 * MT_N; // 5016
const OFF_NORMAL_Y = OFF_NORMAL_X + 8;
const OFF_NORMAL_RHO = OFF_NORMAL_Y + 8;
const OFF_NORMAL_VALID = OFF_NORMAL_RHO + 8; // 5040
const OFF_FLOAT_NORMAL = 5048;
const OFF_FLOAT_NORMAL_VALID = 5052;

/** 64 nondeterministic bits (PyTorch reads them from /dev/urandom). */
function nondeterministicSeed(): bigint {
  const words = new Uint32Array(2);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(words);
  else {
    words[0] = (Math.random() * 0x100000000) >>> 0;
    words[1] = (Math.random() * 0x100000000) >>> 0;
  }
  return (BigInt(words[0]) << 32n) | BigInt(words[1]);
}

export class Generator {
  readonly device = "cpu";
  /** The Mersenne Twister behind this generator. */
  readonly engine: MT19937;
  /** Cached second Box-Muller sample of the scalar (double) normal path, or null. */
  nextDoubleNormal: number | null = null;
  /** Cached float normal sample (unused by PyTorch 1.13's CPU kernels; kept in the state), or null. */
  nextFloatNormal: number | null = null;

  /** A generator seeded with `seed` (default: PyTorch's default_rng_seed_val, 67280421310721). */
  constructor(seed: number | bigint = DEFAULT_RNG_SEED) {
    this.engine = new MT19937(seed);
  }

  /** Seeds the engine and clears both cached normals, as `Generator.manual_seed`. Negative seeds wrap to uint64. */
  manual_seed(seed: number | bigint): this {
    this.nextFloatNormal = null;
    this.nextDoubleNormal = null;
    this.engine.reseed(toUint64Seed(seed));
    return this;
  }

  /** The uint64 seed last set (by the constructor, manual_seed or seed). */
  initial_seed(): bigint {
    return this.engine.seed;
  }

  /** Seeds from a nondeterministic 64-bit value and returns it, as `Generator.seed()`. */
  seed(): bigint {
    const s = nondeterministicSeed();
    this.manual_seed(s);
    return s;
  }

  /** One 32-bit draw, unsigned. */
  random(): number {
    return this.engine.random();
  }

  /** Two 32-bit draws as (first << 32) | second. */
  random64(): bigint {
    return this.engine.random64();
  }

  /** The full state as PyTorch's 5056-byte CPU state (see the layout at the top of this file). */
  get_state(): Uint8Array {
    const bytes = new Uint8Array(CPU_STATE_SIZE);
    const dv = new DataView(bytes.buffer);
    const d = this.engine.data();
    dv.setBigUint64(OFF_SEED, d.seed, true);
    dv.setInt32(OFF_LEFT, d.left, true);
    dv.setInt32(OFF_SEEDED, d.seeded ? 1 : 0, true);
    dv.setBigUint64(OFF_NEXT, BigInt(d.next), true);
    for (let i = 0; i < MT_N; i++) {
      dv.setUint32(OFF_STATE + 8 * i, d.state[i], true); // high half stays 0
    }
    if (this.nextDoubleNormal !== null) {
      dv.setFloat64(OFF_NORMAL_Y, this.nextDoubleNormal, true);
      dv.setInt32(OFF_NORMAL_VALID, 1, true);
    }
    if (this.nextFloatNormal !== null) {
      dv.setFloat32(OFF_FLOAT_NORMAL, this.nextFloatNormal, true);
      bytes[OFF_FLOAT_NORMAL_VALID] = 1;
    }
    return bytes;
  }

  /**
   * Restores a state from get_state() here or from PyTorch's `torch.get_rng_state()` bytes.
   * Like PyTorch it checks the size and the engine fields, and truncates each saved state word to 32 bits.
   */
  set_state(state: Uint8Array): this {
    if (!(state instanceof Uint8Array)) throw new TypeError("set_state expects a Uint8Array (a CPU byte state)");
    if (state.length !== CPU_STATE_SIZE) {
      throw new RangeError(
        `Expected a CPUGeneratorImplState of size ${CPU_STATE_SIZE} but found the input RNG state size to be ${state.length}`,
      );
    }
    const dv = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const words = new Uint32Array(MT_N);
    for (let i = 0; i < MT_N; i++) words[i] = dv.getUint32(OFF_STATE + 8 * i, true);
    this.engine.setData({
      seed: dv.getBigUint64(OFF_SEED, true),
      left: dv.getInt32(OFF_LEFT, true),
      seeded: dv.getInt32(OFF_SEEDED, true) !== 0,
      next: Number(dv.getBigUint64(OFF_NEXT, true) & 0xffffffffn),
      state: words,
    });
    this.nextDoubleNormal = dv.getInt32(OFF_NORMAL_VALID, true) !== 0 ? dv.getFloat64(OFF_NORMAL_Y, true) : null;
    this.nextFloatNormal = state[OFF_FLOAT_NORMAL_VALID] !== 0 ? dv.getFloat32(OFF_FLOAT_NORMAL, true) : null;
    return this;
  }

  /** An independent copy (engine and cached normals), as PyTorch's CPUGeneratorImpl::clone. */
  clone(): Generator {
    const g = new Generator();
    g.engine.setData(this.engine.data());
    g.nextDoubleNormal = this.nextDoubleNormal;
    g.nextFloatNormal = this.nextFloatNormal;
    return g;
  }
}

/** The process-wide generator, seeded nondeterministically at load like PyTorch's default CPU generator. */
export const default_generator: Generator = new Generator(nondeterministicSeed());

/** `torch.manual_seed(seed)`: seeds the default generator and returns it. */
export function manual_seed(seed: number | bigint): Generator {
  return default_generator.manual_seed(seed);
}

/** `torch.initial_seed()`. */
export function initial_seed(): bigint {
  return default_generator.initial_seed();
}

/** `torch.seed()`: reseeds the default generator nondeterministically and returns the seed. */
export function seed(): bigint {
  return default_generator.seed();
}

/** `torch.get_rng_state()` as bytes. */
export function get_rng_state(): Uint8Array {
  return default_generator.get_state();
}

/** `torch.set_rng_state(state)`. */
export function set_rng_state(state: Uint8Array): void {
  default_generator.set_state(state);
}
