// TF.js (tfjs-core with its cpu backend) as an independent oracle for the CPU
// kernels: random inputs, both libraries, values compared (float32 tolerance).
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import * as torch from "xlatorch";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const shape = [7, 5];
function pair(seed: number, s: number[] = shape): [torch.Tensor, tf.Tensor] {
  torch.manual_seed(seed);
  const t = torch.randn(s);
  return [t, tf.tensor(t.reshape(-1).tolist() as number[], s)];
}
const close = (a: torch.Tensor, b: tf.Tensor, tol = 1e-5) => {
  expect(a.shape).toEqual(b.shape);
  const av = a.reshape(-1).tolist() as number[],
    bv = Array.from(b.dataSync());
  av.forEach((v, i) => expect(Math.abs(v - bv[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(bv[i]!))));
};

describe.each(["cpu", "xla"])("kernels vs TF.js on %s", (device) => {
  const cases: [string, (x: torch.Tensor, y: torch.Tensor) => torch.Tensor, (x: tf.Tensor, y: tf.Tensor) => tf.Tensor][] = [
    ["tanh(x*2+1)", (x) => x.mul(2).add(1).tanh(), (x) => tf.tanh(tf.add(tf.mul(x, 2), 1))],
    ["sigmoid", (x) => x.sigmoid(), (x) => tf.sigmoid(x)],
    ["exp/log1p/abs", (x) => x.abs().log1p().exp(), (x) => tf.exp(tf.log1p(tf.abs(x)))],
    ["maximum/minimum", (x, y) => x.maximum(y).sub(x.minimum(y)), (x, y) => tf.sub(tf.maximum(x, y), tf.minimum(x, y))],
    ["matmul", (x, y) => x.matmul(y.t()), (x, y) => tf.matMul(x, y, false, true)],
    ["softmax", (x) => x.softmax(1), (x) => tf.softmax(x)],
    ["log_softmax", (x) => x.log_softmax(1), (x) => tf.logSoftmax(x)],
    ["sum(0)", (x) => x.sum(0), (x) => tf.sum(x, 0)],
    ["amax(1)", (x) => x.amax(1), (x) => tf.max(x, 1)],
    ["mean", (x) => x.mean(), (x) => tf.mean(x)],
    ["cumsum(1)", (x) => x.cumsum(1), (x) => tf.cumsum(x, 1)],
    ["transpose + flip", (x) => x.t().flip(0), (x) => tf.reverse(tf.transpose(x), 0)],
    ["erf", (x) => x.erf(), (x) => tf.erf(x)],
    ["where(x > y)", (x, y) => torch.where(x.gt(y), x, y.mul(3)), (x, y) => tf.where(tf.greater(x, y), x, tf.mul(y, 3))],
  ];
  it.each(cases)("%s", (_n, ours, theirs) => {
    const [x, tx] = pair(1),
      [y, ty] = pair(2);
    // TF.js's erf is a float32 approximation accurate to ~1e-4
    close(ours(x.to(device), y.to(device)).cpu(), theirs(tx, ty), _n === "erf" ? 3e-4 : 1e-5);
  });
  it("gather rows (index_select vs tf.gather)", () => {
    const [x, tx] = pair(3);
    const idx = [4, 0, 0, 6, 2];
    close(x.to(device).index_select(0, torch.tensor(idx).to(device)).cpu(), tf.gather(tx, tf.tensor1d(idx, "int32"), 0));
  });
  it.each([
    [
      [13, 300],
      [300, 10],
    ],
    [
      [8, 513],
      [513, 12],
    ],
    [
      [3, 6, 257],
      [3, 257, 5],
    ],
  ])("matmul %j @ %j (tiles, leftovers, k blocks)", (sa, sb) => {
    const [x, tx] = pair(5, sa),
      [y, ty] = pair(6, sb);
    close(x.to(device).matmul(y.to(device)).cpu(), tf.matMul(tx, ty), 1e-4);
  });
  it("topk values", () => {
    const [x, tx] = pair(4, [3, 9]);
    close(x.to(device).topk(4).values.cpu(), tf.topk(tx, 4).values);
  });
});
