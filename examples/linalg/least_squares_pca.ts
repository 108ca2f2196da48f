// Least squares and PCA with torch.linalg, written as the PyTorch version
// would be (tests/fixtures/gen_linalg_example.py is that version, line for
// line).
//
// 1. A noisy linear model y = X w + b + noise (200 seeded samples, 3
//    features) fitted by torch.linalg.lstsq on [X, 1]: the coefficients, the
//    residual norm and R^2.
// 2. PCA of 300 correlated 3-d points: centred, torch.linalg.svd (reduced),
//    explained variance S^2 / (n - 1) and its ratio, the principal axes (each
//    given the sign that makes its largest component positive, as SVD signs
//    are arbitrary) and the first points projected onto the first two axes;
//    torch.linalg.eigh of the covariance gives the same variances.
//
//   npx tsx --tsconfig tsconfig.json examples/linalg/least_squares_pca.ts [device]
import * as torch from "xlatorch";
import { runIfMain } from "../main.js";

type Tensor = torch.Tensor;

export interface LinalgExampleResult {
  coef: number[];
  residual_norm: number;
  r2: number;
  explained_variance: number[];
  explained_ratio: number[];
  components: number[][];
  projected: number[][];
  eigh_variance: number[];
}

/** Each row of Vh multiplied by the sign of its largest-magnitude entry. */
function signFixed(Vh: Tensor): Tensor {
  const idx = Vh.abs().argmax(1, true);
  const sgn = Vh.gather(1, idx).sign();
  return Vh.mul(sgn);
}

export function run(log: (s: string) => void = console.log, opts: { device?: string } = {}): LinalgExampleResult {
  const device = opts.device ?? "cpu";
  const f64 = { dtype: torch.float64 };
  torch.manual_seed(0);

  // ---- least squares --------------------------------------------------------------------
  const n = 200;
  const X = torch.randn([n, 3], f64).to(device);
  const wTrue = torch.tensor([1.5, -2.0, 0.5], f64).to(device);
  const noise = torch.randn([n], f64).to(device).mul(0.1);
  const y = X.matmul(wTrue).add(0.3).add(noise);
  const A = torch.cat([X, torch.ones([n, 1], { dtype: torch.float64, device })], 1);
  const sol = torch.linalg.lstsq(A, y.unsqueeze(1)).solution.squeeze(1);
  const resid = A.matmul(sol).sub(y);
  const residual_norm = resid.norm().item() as number;
  const r2 = 1 - (resid.pow(2).sum().item() as number) / (y.sub(y.mean()).pow(2).sum().item() as number);
  log(`lstsq coefficients ${JSON.stringify(sol.tolist())}, residual norm ${residual_norm.toFixed(6)}, R^2 ${r2.toFixed(6)}`);

  // ---- PCA ----------------------------------------------------------------------------------
  const m = 300;
  const mix = torch
    .tensor(
      [
        [3.0, 0.0, 0.0],
        [1.0, 0.5, 0.0],
        [0.2, -0.4, 0.1],
      ],
      f64,
    )
    .to(device);
  const Z = torch
    .randn([m, 3], f64)
    .to(device)
    .matmul(mix)
    .add(torch.tensor([1.0, -2.0, 0.5], f64).to(device));
  const Zc = Z.sub(Z.mean(0, true));
  const { S, Vh } = torch.linalg.svd(Zc, { full_matrices: false });
  const variance = S.pow(2).div(m - 1);
  const ratio = variance.div(variance.sum());
  const axes = signFixed(Vh);
  const projected = Zc.matmul(axes.narrow(0, 0, 2).transpose(0, 1)).narrow(0, 0, 5);
  const cov = Zc.transpose(0, 1)
    .matmul(Zc)
    .div(m - 1);
  const eighVariance = torch.linalg.eigvalsh(cov).flip(0);
  log(`PCA explained variance ${JSON.stringify(variance.tolist())}, ratio ${JSON.stringify(ratio.tolist())}`);
  return {
    coef: sol.tolist() as number[],
    residual_norm,
    r2,
    explained_variance: variance.tolist() as number[],
    explained_ratio: ratio.tolist() as number[],
    components: axes.tolist() as number[][],
    projected: projected.tolist() as number[][],
    eigh_variance: eighVariance.tolist() as number[],
  };
}

runIfMain(import.meta, () => run(console.log, { device: process.argv[2] ?? "cpu" }));
