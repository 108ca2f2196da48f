// Matrix-vector and vector-vector products against PyTorch 1.13's bits
// (tests/fixtures/gen_mv_bits.py writes mv_bits.json): torch.mv, torch.dot and
// torch.matmul of [..., K] @ [K] in float32 and float64, on cpu and xla.
// PyTorch's CPU kernels for these are OpenBLAS's gemv and dot, which sum in
// their own orders (not gemm's); the dot_general kernel makes the same calls
// (packages/cpu/src/kernels/dot_blas.ts), so with the OpenBLAS build PyTorch
// loaded every element is bit-identical. Without it (XLATORCH_BLAS=off, or
// another BLAS) the values are checked to a float tolerance only.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { blasInfo } from "@xlatorch/cpu";
import * as torch from "xlatorch";

interface Case {
  op: "mv" | "dot" | "matmul";
  dtype: "float32" | "float64";
  a: number[];
  shape: number[];
  trans: boolean;
  b: number[];
  step: number;
  out: number[];
}
const fixture = JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/mv_bits.json"), "utf8")) as {
  openblas: string;
  cases: Case[];
};

function run(c: Case, device: string): number[] {
  const dtype = c.dtype === "float32" ? torch.float32 : torch.float64;
  const stored = torch.tensor(c.a, { dtype, device }).reshape(c.shape);
  const a = c.trans ? stored.t() : stored;
  const bFull = torch.tensor(c.b, { dtype, device });
  // b_full[::step] as a view (strides passed to the kernel, as PyTorch passes incx to its BLAS)
  const b = c.step === 1 ? bFull : bFull.reshape([c.b.length / c.step, c.step]).select(1, 0);
  const r = c.op === "mv" ? torch.mv(a, b) : c.op === "dot" ? torch.dot(a, b) : torch.matmul(a, b);
  return r.flatten().tolist() as number[];
}

const label = (c: Case) =>
  `${c.op} ${c.dtype} [${c.shape}]${c.trans ? "ᵀ" : ""} · [${c.b.length / c.step}]${c.step > 1 ? ` step ${c.step}` : ""}`;

describe.each(["cpu", "xla"])("mv/dot/matmul vs PyTorch's OpenBLAS gemv/dot on %s", (device) => {
  const info = blasInfo();
  const sameBuild = info.active && info.config === fixture.openblas;
  it(`${fixture.cases.length} cases ${sameBuild ? "bit-identical" : "to float tolerance (not PyTorch's OpenBLAS build)"}`, () => {
    const differ: string[] = [];
    for (const c of fixture.cases) {
      const got = run(c, device);
      expect(got.length, label(c)).toBe(c.out.length);
      const rtol = c.dtype === "float32" ? 1e-5 : 1e-12;
      const scale = Math.max(...c.out.map(Math.abs));
      got.forEach((g, i) => {
        const want = c.out[i]!;
        if (sameBuild ? !Object.is(g, want) : Math.abs(g - want) > rtol * scale) differ.push(`${label(c)} [${i}]: ${g} vs ${want}`);
      });
    }
    expect(differ).toEqual([]);
  });
});
