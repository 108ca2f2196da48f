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
//
// A complex Hermitian input's eigenvectors are each defined up to a complex
// phase e^{i t} (zheevd's choice comes from its tridiagonal reduction), so
// there each column is multiplied by the unit complex number that points it the
// way of the recorded column: d / |d|, d = <ours, recorded> = sum conj(q) r.
// Only the forward is compared for complex inputs (OpInfo's gradient checks
// are float64).
import { isTensorJson, type Json } from "./harness/compare";

type Gauge = (torch: any, actual: any, expected: Json) => any;

/** linalg.eigh's (eigenvalues, eigenvectors): the eigenvectors' columns signed as the recorded ones. */
const eighSigns: Gauge = (torch, actual, expected) => {
  if (!Array.isArray(expected) || expected.length !== 2 || !isTensorJson(expected[1]!)) return actual;
  const want = expected[1].t;
  if (!actual || typeof actual.length !== "number" || actual.length !== 2) return actual;
  const [L, Q] = [actual[0], actual[1]];
  if (!Q || typeof Q.numel !== "function" || Q.numel() === 0) return actual;
  if (want.shape.join(",") !== Array.from(Q.shape as number[]).join(",")) return actual;
  if (Q.is_complex?.()) return [L, Q.mul(complexPhases(torch, Q, want.data))];
  if (!want.data.every((v) => typeof v === "number")) return actual;
  const recorded = torch.tensor(want.data, { dtype: torch.float64 }).reshape(want.shape);
  // the sign of each column's dot product with the recorded column, per matrix: [..., 1, n]
  const dots = Q.detach().cpu().to(torch.float64).mul(recorded).sum(-2, { keepdim: true });
  const signs = torch.where(dots.lt(0), -1, 1).to(Q.dtype).to(Q.device);
  return [L, Q.mul(signs)];
};

/** Per column of the complex Q, the unit d / |d|, d = sum conj(Q) * recorded over the column (1 where d = 0): [..., 1, n]. */
function complexPhases(torch: any, Q: any, data: unknown[]): any {
  if (!data.every((v) => Array.isArray(v) && v.length === 2)) return 1;
  const pairs = data as [number, number][];
  const part = (k: 0 | 1) =>
    torch
      .tensor(
        pairs.map((p) => Number(p[k])),
        { dtype: torch.float64 },
      )
      .reshape(Q.shape);
  const recorded = torch.complex(part(0), part(1));
  const d = Q.detach().cpu().to(torch.complex128).conj().mul(recorded).sum(-2, { keepdim: true });
  const m = d.abs();
  const unit = torch.where(m.eq(0), torch.ones_like(d), d.div(torch.where(m.eq(0), 1, m)));
  return unit.to(Q.dtype).to(Q.device);
}

// torch.symeig(A, eigenvectors=True) is linalg.eigh of the triangle `upper` names: the same gauge.
// linalg.eig's eigenvectors (complex, unit norm) are each defined up to a complex phase: LAPACK's dgeev
// leaves a real eigenvector's sign to its back-substitution and makes a complex one's largest component
// real with the sign dlartg gives it, where ours have that component real and positive.
const GAUGES: Record<string, Gauge> = { "linalg.eigh": eighSigns, symeig: eighSigns, "linalg.eig": eighSigns };

/** `actual` (an entry's result) in the gauge of PyTorch's recorded `expected`; unchanged for other entries. */
export function inRecordedGauge(entryId: string, torch: any, actual: unknown, expected: Json): unknown {
  const g = GAUGES[entryId];
  return g ? g(torch, actual, expected) : actual;
}
