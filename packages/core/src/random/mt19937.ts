// MT19937, the 32-bit Mersenne Twister, exactly as PyTorch's CPU generator runs
// it (ATen/core/MT19937RNGEngine.h in PyTorch 1.13).
//
// Facts this follows:
// - Seeding is the classic `init_genrand`: state[0] = low 32 bits of the seed,
//   state[j] = 1812433253 * (state[j-1] ^ (state[j-1] >>> 30)) + j (mod 2^32).
//   PyTorch keeps the seed as a uint64 (returned by initial_seed()), but only
//   its low 32 bits reach the state: seeds 5 and 2^32 + 5 give the same stream.
// - `left` counts down to the next regeneration of the 624-word state and `next`
//   indexes the word to temper; after seeding left = 1, next = 0, so the first
//   draw regenerates the state. Both are part of PyTorch's saved RNG state.

export const MT_N = 624;
const MT_M = 397;
// As int32 (the same bits): a literal above 2^31 is a double in V8, and mixing it into the
// regeneration's bit operations costs a conversion per word.
const MATRIX_A = 0x9908b0df | 0;
const UMASK = 0x80000000 | 0;
const LMASK = 0x7fffffff;
const TEMPER_B = 0x9d2c5680 | 0;
const TEMPER_C = 0xefc60000 | 0;

/** MT19937's tempering of one state word (the bits of a uint32, as an int32 or not; the result is an int32). */
function temper(y: number): number {
  y ^= y >>> 11;
  y ^= (y << 7) & TEMPER_B;
  y ^= (y << 15) & TEMPER_C;
  return y ^ (y >>> 18);
}

/** Everything that defines where an MT19937 stream stands (PyTorch's mt19937_data_pod). */
export interface MT19937Data {
  /** The uint64 seed it was seeded with. */
  seed: bigint;
  /** Draws left before the state is regenerated (1..624). */
  left: number;
  seeded: boolean;
  /** Index of the next state word to temper (0..624). */
  next: number;
  /** The 624 state words. */
  state: Uint32Array;
}

/** Reduces a JS seed to PyTorch's uint64: negative values wrap (two's complement). */
export function toUint64Seed(seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === "bigint") s = seed;
  else {
    if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
    s = BigInt(seed);
  }
  if (s < -(1n << 63n) || s >= 1n << 64n) {
    throw new RangeError(`seed must be in [-2^63, 2^64), got ${s}`);
  }
  return BigInt.asUintN(64, s);
}

export class MT19937 {
  private readonly st = new Uint32Array(MT_N);
  /**
   * The tempered output of every state word, kept with the state (tempered[i] = temper(st[i]))
   * so that random() and fill() read outputs instead of tempering at each read, and fill()
   * copies runs of them. Words MT_N.. stay 0: a restored state whose next + left runs past the
   * array reads 0 there, as tempering the missing word did.
   */
  private readonly tempered = new Uint32Array(2 * MT_N);
  private left_ = 1;
  private next_ = 0;
  private seed_ = 5489n;
  private seeded_ = true;

  constructor(seed: number | bigint = 5489n) {
    this.reseed(seed);
  }

  /** Reseeds with init_genrand on the low 32 bits; remembers the full uint64 seed. */
  reseed(seed: number | bigint): void {
    const s64 = toUint64Seed(seed);
    this.seed_ = s64;
    this.seeded_ = true;
    const st = this.st;
    st[0] = Number(s64 & 0xffffffffn);
    for (let j = 1; j < MT_N; j++) {
      const prev = st[j - 1];
      st[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
    this.temperAll();
    this.left_ = 1;
    this.next_ = 0;
  }

  /** A copy of the 624 state words (change them through setData, which keeps the tempered outputs in step). */
  get state(): Uint32Array {
    return this.st.slice();
  }

  get seed(): bigint {
    return this.seed_;
  }

  /** One tempered 32-bit output, as an unsigned number in [0, 2^32). */
  random(): number {
    if (--this.left_ === 0) this.nextState();
    return this.tempered[this.next_++];
  }

  /**
   * The next `count` outputs of random(), written to out[offset..offset + count), leaving the
   * engine exactly where `count` random() calls leave it (state words, left, next). The bulk
   * samplers draw through this: one copy of the kept tempered outputs per run of words between
   * two regenerations instead of a method call and a countdown test per word.
   */
  fill(out: Uint32Array, offset: number, count: number): void {
    let i = offset;
    const end = offset + count;
    while (i < end) {
      // random() decrements left before it reads: with left = 1 the next draw regenerates, and
      // after the regeneration and one read left is MT_N again; MT_N + 1 here makes the
      // countdown below land on the same value
      if (this.left_ === 1) {
        this.nextState();
        this.left_ = MT_N + 1;
      }
      const c = Math.min(this.left_ - 1, end - i);
      out.set(this.tempered.subarray(this.next_, this.next_ + c), i);
      i += c;
      this.next_ += c;
      this.left_ -= c;
    }
  }

  /** Two draws joined as (first << 32) | second, as PyTorch's random64(). */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A copy of the engine's data (the state array is copied). */
  data(): MT19937Data {
    return { seed: this.seed_, left: this.left_, seeded: this.seeded_, next: this.next_, state: this.st.slice() };
  }

  /** Restores data() output; throws (like PyTorch's "Invalid mt19937 state") if it is not valid. */
  setData(d: MT19937Data): void {
    if (d.state.length !== MT_N) throw new RangeError(`mt19937 state must have ${MT_N} words, got ${d.state.length}`);
    if (!(d.seeded && d.left > 0 && d.left <= MT_N && d.next >= 0 && d.next <= MT_N)) {
      throw new RangeError(`Invalid mt19937 state (seeded=${d.seeded}, left=${d.left}, next=${d.next})`);
    }
    this.seed_ = BigInt.asUintN(64, d.seed);
    this.seeded_ = d.seeded;
    this.left_ = d.left;
    this.next_ = d.next;
    this.st.set(d.state);
    this.temperAll();
  }

  clone(): MT19937 {
    const c = new MT19937();
    c.setData(this.data());
    return c;
  }

  private temperAll(): void {
    for (let j = 0; j < MT_N; j++) this.tempered[j] = temper(this.st[j]);
  }

  /** The next 624 state words, in place, with their tempered outputs (one pass). */
  private nextState(): void {
    const st = this.st;
    const t = this.tempered;
    this.left_ = MT_N;
    this.next_ = 0;
    // -(w & 1) & MATRIX_A is (w & 1 ? MATRIX_A : 0) without a branch: the low bit is random, so a
    // branch on it mispredicts half the time (the regeneration ran ~2.5x slower with it)
    let j = 0;
    for (; j < MT_N - MT_M; j++) {
      const y = (st[j] & UMASK) | (st[j + 1] & LMASK);
      const v = st[j + MT_M] ^ (y >>> 1) ^ (-(st[j + 1] & 1) & MATRIX_A);
      st[j] = v;
      t[j] = temper(v);
    }
    for (; j < MT_N - 1; j++) {
      const y = (st[j] & UMASK) | (st[j + 1] & LMASK);
      const v = st[j + MT_M - MT_N] ^ (y >>> 1) ^ (-(st[j + 1] & 1) & MATRIX_A);
      st[j] = v;
      t[j] = temper(v);
    }
    const y = (st[MT_N - 1] & UMASK) | (st[0] & LMASK);
    const v = st[MT_M - 1] ^ (y >>> 1) ^ (-(st[0] & 1) & MATRIX_A);
    st[MT_N - 1] = v;
    t[MT_N - 1] = temper(v);
  }
}
