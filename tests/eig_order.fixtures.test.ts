// The order of torch.linalg.eigvals / eig's eigenvalues for real input: LAPACK
// dgeev's (PyTorch 1.13's), which packages/cpu/src/kernels/eig_lapack_order.ts
// reproduces (dgebal's balancing, Householder Hessenberg reduction, dlahqr's
// Francis double-shift QR, dlanv2's order in 2x2 blocks), against PyTorch
// (tests/fixtures/gen_eig_order.py) on cpu and every xla mode: random,
// integral (signed zeros), sparse, badly scaled, float32 and batched inputs.
import { expect, it } from "vitest";
import { decodeValue, loadCases, loadTorch, type Json } from "./harness/fixtures";
import { onEveryTarget } from "./harness/suites";

interface Case {
  name: string;
  a: Json;
  w: [number, number][];
}
const cases = loadCases<Case>("eig_order.json");

onEveryTarget("linalg.eigvals / eig order vs PyTorch (LAPACK dgeev) on %s", (device) => {
  for (const c of cases)
    it(c.name, async () => {
      const torch = await loadTorch();
      const a = decodeValue(c.a, device, { torch });
      const tol = a.dtype === torch.float32 ? 2e-4 : 1e-9;
      for (const w of [torch.linalg.eigvals(a), torch.linalg.eig(a)[0]]) {
        const got = (w.reshape(-1).tolist() as { re: number; im: number }[]).map((z) => [z.re, z.im]);
        expect(got.length).toBe(c.w.length);
        got.forEach(([re, im], i) => {
          const [er, ei] = c.w[i]!;
          expect(
            Math.hypot(re! - er, im! - ei),
            `${c.name} [${device}] eigenvalue ${i}: got ${re}+${im}i, PyTorch ${er}+${ei}i`,
          ).toBeLessThan(tol * (1 + Math.hypot(er, ei)));
        });
      }
    });
});
