// The primitives the xla device computes on the host (no StableHLO op computes
// them): cpu_fallback.ts runs their CPU kernel, lower.ts never sees them.
// torch.special's Bessel functions, ndtri, erfcx and the incomplete gamma
// functions have no StableHLO/CHLO op either (lgamma, digamma, polygamma and
// zeta lower to CHLO's).
export const CPU_FALLBACK: ReadonlySet<string> = new Set([
  "qr",
  "eigh",
  "svd",
  "lu",
  "eig",
  "geqrf",
  "ldl",
  "ldl_solve",
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
  "igamma",
  "igammac",
  // PyTorch's quickselect and libstdc++'s partial_sort / nth_element / sort (core/src/prims_select.ts)
  "kthvalue",
  "topk",
  "mode",
]);
