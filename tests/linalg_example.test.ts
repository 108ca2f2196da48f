// examples/linalg/least_squares_pca.ts gives the results of its PyTorch original
// (tests/fixtures/gen_linalg_example.py, same seed and data): torch.linalg.lstsq
// coefficients, residual norm and R^2; PCA by torch.linalg.svd (variances,
// sign-fixed axes, projections) and torch.linalg.eigvalsh; on cpu and on xla.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run, type LinalgExampleResult } from "../examples/linalg/least_squares_pca";

const ref = JSON.parse(readFileSync(new URL("./fixtures/linalg_example.json", import.meta.url), "utf8")) as LinalgExampleResult;
const quiet = () => {};

function close(a: unknown, b: unknown, path: string): void {
  if (Array.isArray(b)) {
    expect(Array.isArray(a), path).toBe(true);
    expect((a as unknown[]).length, path).toBe(b.length);
    b.forEach((v, i) => close((a as unknown[])[i], v, `${path}[${i}]`));
    return;
  }
  const x = a as number,
    y = b as number;
  // float64 throughout: decompositions in another algorithm than LAPACK's agree to ~1e-12
  expect(Math.abs(x - y), `${path}: ${x} vs PyTorch ${y}`).toBeLessThan(1e-9 + 1e-9 * Math.abs(y));
}

function check(got: LinalgExampleResult) {
  for (const k of Object.keys(ref).filter((k) => k !== "torch") as (keyof LinalgExampleResult)[]) close(got[k], ref[k], k);
  expect(got.r2).toBeGreaterThan(0.99);
  expect(got.explained_ratio[0]!).toBeGreaterThan(0.8);
}

describe("least squares / PCA example matches PyTorch", () => {
  it("cpu", () => check(run(quiet, { device: "cpu" })));
  it("xla", () => check(run(quiet, { device: "xla" })));
});
