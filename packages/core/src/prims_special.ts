// The elementwise primitives of torch.special's new math (float operands only:
// the ops promote integers first). Shape rules in prims.ts, kernels from
// cpu/src/special_math.ts, lowerings in lazy/src/lower.ts (CHLO where it has
// the function, else the CPU fallback), VJPs in vjps_special.ts.
export const SPECIAL_UNARY = [
  "lgamma",
  "digamma",
  "bessel_i0",
  "bessel_i0e",
  "bessel_i1",
  "bessel_i1e",
  "bessel_k0",
  "bessel_k0e",
  "bessel_k1",
  "bessel_k1e",
  "bessel_j0",
  "bessel_j1",
  "bessel_y0",
  "bessel_y1",
  "ndtri",
  "erfcx",
] as const;
/** polygamma(n, x) (n a float tensor holding an integer), zeta(x, q), igamma(a, x), igammac(a, x). */
export const SPECIAL_BINARY = ["polygamma", "zeta", "igamma", "igammac"] as const;
