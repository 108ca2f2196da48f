// triangular_solve in the reference evaluator: any element type the kernel
// does not take (complex), with the spec's left/right, lower/upper, unit
// diagonal and NO_TRANSPOSE / TRANSPOSE / ADJOINT; batch dims lead.
import { isComplex, type Op } from "@xlatorch/stablehlo";
import type { Interp } from "./engine.js";
import type { C } from "./scalar.js";
import { alloc, type DenseValue, getFloat, setFloat, Unsupported } from "./values.js";

const mul = (x: C, y: C): C => [x[0] * y[0] - x[1] * y[1], x[0] * y[1] + x[1] * y[0]];
const sub = (x: C, y: C): C => [x[0] - y[0], x[1] - y[1]];
function div(x: C, y: C): C {
  const d = y[0] * y[0] + y[1] * y[1];
  return [(x[0] * y[0] + x[1] * y[1]) / d, (x[1] * y[0] - x[0] * y[1]) / d];
}

function triangularSolve(op: Op, [a, b]: DenseValue[]): DenseValue[] {
  const flag = (k: string) => {
    const v = op.attrs[k];
    return !!v && v.kind === "bool" && v.value;
  };
  const t = op.attrs.transpose_a;
  const trans = t && t.kind === "enum" ? t.value : "NO_TRANSPOSE";
  const left = flag("left_side"),
    lower = flag("lower"),
    unit = flag("unit_diagonal");
  const cplx = isComplex(a!.type.element);
  const get = (v: DenseValue, i: number): C => (cplx ? [v.data[2 * i] as number, v.data[2 * i + 1] as number] : [getFloat(v, i), 0]);
  const out = alloc(op.results[0]!.type, op);
  const as = a!.type.shape,
    bs = b!.type.shape;
  const n = as[as.length - 1]!;
  const [rows, cols] = [bs[bs.length - 2]!, bs[bs.length - 1]!];
  const batches = bs.slice(0, -2).reduce((x, y) => x * y, 1);
  if (trans === "TRANSPOSE_INVALID") throw new Unsupported(op, "transpose_a TRANSPOSE_INVALID");
  for (let bt = 0; bt < batches; bt++) {
    // m = op(triangle of a), n x n
    const m: C[][] = [];
    for (let i = 0; i < n; i++) {
      m.push([]);
      for (let j = 0; j < n; j++) {
        const [r, c] = trans === "NO_TRANSPOSE" ? [i, j] : [j, i];
        const inTri = lower ? c <= r : c >= r;
        let v: C = r === c && unit ? [1, 0] : inTri ? get(a!, bt * n * n + r * n + c) : [0, 0];
        if (trans === "ADJOINT") v = [v[0], -v[1]];
        m[i]!.push(v);
      }
    }
    const mLower = trans === "NO_TRANSPOSE" ? lower : !lower;
    const B = (i: number, j: number): C => get(b!, bt * rows * cols + i * cols + j);
    const X: C[][] = Array.from({ length: rows }, () => Array.from({ length: cols }, (): C => [0, 0]));
    if (left) {
      // m X = B, column by column
      for (let j = 0; j < cols; j++) {
        const order = mLower ? [...Array(n).keys()] : [...Array(n).keys()].reverse();
        for (const i of order) {
          let s = B(i, j);
          for (let k = 0; k < n; k++) if (k !== i && (mLower ? k < i : k > i)) s = sub(s, mul(m[i]![k]!, X[k]![j]!));
          X[i]![j] = div(s, m[i]![i]!);
        }
      }
    } else {
      // X m = B, row by row: X[i][j] m[j][j] = B[i][j] - sum_{k != j} X[i][k] m[k][j]
      for (let i = 0; i < rows; i++) {
        const order = mLower ? [...Array(n).keys()].reverse() : [...Array(n).keys()];
        for (const j of order) {
          let s = B(i, j);
          for (let k = 0; k < n; k++) if (k !== j && (mLower ? k > j : k < j)) s = sub(s, mul(X[i]![k]!, m[k]![j]!));
          X[i]![j] = div(s, m[j]![j]!);
        }
      }
    }
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        const k = bt * rows * cols + i * cols + j;
        if (cplx) {
          out.data[2 * k] = X[i]![j]![0];
          out.data[2 * k + 1] = X[i]![j]![1];
        } else setFloat(out, k, X[i]![j]![0]);
      }
  }
  return [out];
}

export const linalgOps: Record<string, Interp> = { "stablehlo.triangular_solve": triangularSolve };
