// Outputs PyTorch defines only up to a choice ("gauge") that its own OpInfo
// tests never compare with a reference. linalg.eigh's eigenvectors are each
// defined up to sign (for distinct eigenvalues of a real symmetric input):
// PyTorch's OpInfo checks eigh's gradients through (L, |Q|)
// (sample_inputs_linalg_eigh's output_process_fn_grad) and its forward only
// against itself, while tests/fixtures/opinfo.json records the signs LAPACK's
// syevd happened to pick, and the gradient of sum(Q * w) for those signs.
//
// So before comparing, each of our eigenvector columns is multiplied by the
// sign (+1 or -1, a constant) that points it the way of the recorded column.
// Nothing else is adjusted: eigenvalues, each column's direction and, for the
// gradient check, the loss sum(Q s * w) (the very function PyTorch
// differentiated, so its gradient must equal the recorded one) are compared as
// they are. A column that matches neither sign still fails; repeated
// eigenvalues (where a column is not even defined up to sign) are not handled.
import { isTensorJson, type Json } from "./harness/compare";

type Gauge = (torch: any, actual: any, expected: Json) => any;

/** linalg.eigh's (eigenvalues, eigenvectors): the eigenvectors' columns signed as the recorded ones. */
const eighSigns: Gauge = (torch, actual, expected) => {
  if (!Array.isArray(expected) || expected.length !== 2 || !isTensorJson(expected[1]!)) return actual;
  const want = expected[1].t;
  if (!actual || typeof actual.length !== "number" || actual.length !== 2) return actual;
  const [L, Q] = [actual[0], actual[1]];
  if (!Q || typeof Q.numel !== "function" || Q.numel() === 0 || Q.is_complex?.()) return actual;
  if (!want.data.every((v) => typeof v === "number") || want.shape.join(",") !== Array.from(Q.shape as number[]).join(",")) return actual;
  const recorded = torch.tensor(want.data, { dtype: torch.float64 }).reshape(want.shape);
  // the sign of each column's dot product with the recorded column, per matrix: [..., 1, n]
  const dots = Q.detach().cpu().to(torch.float64).mul(recorded).sum(-2, { keepdim: true });
  const signs = torch.where(dots.lt(0), -1, 1).to(Q.dtype).to(Q.device);
  return [L, Q.mul(signs)];
};

const GAUGES: Record<string, Gauge> = { "linalg.eigh": eighSigns };

/** `actual` (an entry's result) in the gauge of PyTorch's recorded `expected`; unchanged for other entries. */
export function inRecordedGauge(entryId: string, torch: any, actual: unknown, expected: Json): unknown {
  const g = GAUGES[entryId];
  return g ? g(torch, actual, expected) : actual;
}
