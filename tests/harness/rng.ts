// The tests' seeded uniform generator on [0, 1): a 32-bit linear congruential
// sequence (Numerical Recipes' constants), so random shapes and values are the
// same on every run and every machine.

/** A generator of uniform values in [0, 1) from `seed`. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
