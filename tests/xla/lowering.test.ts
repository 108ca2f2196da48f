// Lowered StableHLO for a few graphs: well-formed (our parser accepts it, and
// mlir-opt when installed), print -> parse -> print is the identity, and the
// xla execution equals the eager cpu result; run_stablehlo runs a parsed .mlir.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as torch from "xlatorch";
import { parseModule, printModule } from "@xlatorch/stablehlo";
import { pinFused } from "../harness/modes";

// compile counts and pending graphs are the fused mode's (the suite may run under XLATORCH_EXECUTION_MODE)
pinFused();

const f32 = { dtype: torch.float32 };
const x = torch.tensor(
  [
    [0.5, -1, 2],
    [3, -0.25, 1],
  ],
  f32,
);
const w = torch.tensor(
  [
    [1, 2],
    [-1, 0.5],
    [0.25, -2],
  ],
  f32,
);
const b = torch.tensor([0.1, -0.2], f32);

const graphs: [string, (d: string) => torch.Tensor, RegExp[]][] = [
  [
    "matmul + bias + relu",
    (d) => x.to(d).matmul(w.to(d)).add(b.to(d)).relu(),
    [
      /stablehlo\.dot_general %\w+, %\w+, contracting_dims = \[1\] x \[0\]/,
      /stablehlo\.add/,
      /stablehlo\.compare\s+LE/,
      /stablehlo\.select/,
    ],
  ],
  ["softmax", (d) => x.to(d).softmax(1), [/"stablehlo\.reduce"/, /stablehlo\.maximum/, /stablehlo\.exponential/, /stablehlo\.divide/]],
  ["a reduction", (d) => x.to(d).sum(0), [/"stablehlo\.reduce".*dimensions = array<i64: 0>/, /stablehlo\.add/]],
  [
    "a gather",
    (d) =>
      x.to(d).gather(
        1,
        torch
          .tensor([
            [2, 0],
            [1, 1],
          ])
          .to(d),
      ),
    // torch.gather: one gather_slices, the other dim a batching dim (no coordinates concatenated)
    [/"stablehlo\.gather"/, /collapsed_slice_dims = \[1\], operand_batching_dims = \[0\]/],
  ],
];

function mlirOpt(): string | null {
  for (const bin of ["mlir-opt", "mlir-opt-22", "/usr/lib/llvm-22/bin/mlir-opt"]) {
    try {
      execFileSync(bin, ["--version"], { stdio: "ignore" });
      return bin;
    } catch {
      /* not installed */
    }
  }
  return null;
}
const opt = mlirOpt();

describe("StableHLO lowering", () => {
  it.each(graphs)("%s: well-formed, round-trips, and executes to the eager result", (_name, build, patterns) => {
    const y = build("xla");
    const text = torch.xla.get_stablehlo(y);
    expect(text).toMatch(/^module @\w+ attributes \{mhlo\.num_partitions = 1 : i32, mhlo\.num_replicas = 1 : i32\} \{/);
    expect(text).toMatch(/func\.func public @main\(/);
    for (const p of patterns) expect(text).toMatch(p);
    const parsed = parseModule(text);
    expect(printModule(parsed)).toBe(text);
    const params = parsed.funcs[0]!.params.length;
    expect(params).toBeGreaterThan(0);
    // executing the xla graph gives the eager cpu values (to float32 rounding: GPU math libraries differ in the last bits)
    expect(torch.allclose(y.cpu(), build("cpu"), { rtol: 1e-6, atol: 1e-7 })).toBe(true);
  });

  it.runIf(opt !== null)("mlir-opt parses the generic form of every graph", () => {
    const dir = mkdtempSync(join(tmpdir(), "xlatorch-mlir-"));
    for (const [name, build] of graphs) {
      const text = printModule(parseModule(torch.xla.get_stablehlo(build("xla"))), { generic: true });
      const file = join(dir, `${name.replace(/\W+/g, "_")}.mlir`);
      writeFileSync(file, text);
      execFileSync(opt!, ["--allow-unregistered-dialect", file], { stdio: "pipe" });
    }
  });

  it("run_stablehlo executes a hand-written module", () => {
    const text = `module @m {
  func.func public @main(%a: tensor<2x2xf32>, %b: tensor<2x2xf32>) -> tensor<2x2xf32> {
    %0 = stablehlo.add %a, %b : tensor<2x2xf32>
    %1 = stablehlo.multiply %0, %a : tensor<2x2xf32>
    return %1 : tensor<2x2xf32>
  }
}`;
    const a = torch.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        f32,
      ),
      c = torch.tensor(
        [
          [10, 20],
          [30, 40],
        ],
        f32,
      );
    const [r] = torch.xla.run_stablehlo(text, a, c);
    expect(r!.tolist()).toEqual([
      [11, 44],
      [99, 176],
    ]);
  });
});
