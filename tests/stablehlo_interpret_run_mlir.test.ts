// The run-mlir CLI (scripts/run_mlir.ts): a .mlir file with .npy and JSON
// inputs runs through torch.xla.run_stablehlo; results printed and written as .npy.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy, writeNpy } from "../scripts/npy.js";
import { runMlir } from "../scripts/run_mlir.js";
import * as torch from "xlatorch";

const dir = mkdtempSync(join(tmpdir(), "run-mlir-"));
const mlir = join(dir, "f.mlir");
writeFileSync(
  mlir,
  `func.func @main(%a: tensor<2x2xf32>, %b: tensor<2xi64>) -> (tensor<2x2xf32>, tensor<2xi64>) {
  %0 = stablehlo.multiply %a, %a : tensor<2x2xf32>
  %c = stablehlo.constant dense<3> : tensor<2xi64>
  %1 = stablehlo.shift_left %b, %c : tensor<2xi64>
  return %0, %1 : tensor<2x2xf32>, tensor<2xi64>
}
`,
);
const a = join(dir, "a.npy");
writeFileSync(a, writeNpy({ dtype: "float32", shape: [2, 2], data: new Uint8Array(new Float32Array([1, 2, 3, -4]).buffer) }));

describe("run-mlir", () => {
  it("runs @main on .npy and inline JSON inputs, prints and writes the results", () => {
    const lines: string[] = [];
    const out = join(dir, "out");
    runMlir(["run-mlir", mlir, "--inputs", a, "[5, -1]", "--out", out], (s) => lines.push(s));
    expect(lines).toEqual(["result 0: float32[2, 2] [[1,4],[9,16]]", "result 1: int64[2] [40,-8]"]);
    const r0 = readNpy(new Uint8Array(readFileSync(join(out, "result0.npy"))));
    expect(r0.dtype).toBe("float32");
    expect(r0.shape).toEqual([2, 2]);
    expect(Array.from(new Float32Array(r0.data.slice().buffer))).toEqual([1, 4, 9, 16]);
    const r1 = readNpy(new Uint8Array(readFileSync(join(out, "result1.npy"))));
    expect(Array.from(new BigInt64Array(r1.data.slice().buffer))).toEqual([40n, -8n]);
  });

  it("takes a JSON file with dtype and shape", () => {
    const j = join(dir, "b.json");
    writeFileSync(j, JSON.stringify({ dtype: "int64", shape: [2], data: [1, 2] }));
    const lines: string[] = [];
    runMlir([mlir, "--inputs", a, j], (s) => lines.push(s));
    expect(lines[1]).toBe("result 1: int64[2] [8,16]");
  });

  it("refuses inputs that do not fit @main, naming the input", () => {
    expect(() => runMlir([mlir, "--inputs", a], () => {})).toThrow(/@main takes 2 inputs \(tensor<2x2xf32>, tensor<2xi64>\), 1 given/);
    expect(() => runMlir([mlir, "--inputs", a, "[1, 2, 3]"], () => {})).toThrow(/input 1 .*shape \[3\], but parameter 1 is tensor<2xi64>/);
    const wrong = join(dir, "w.npy");
    writeFileSync(wrong, writeNpy({ dtype: "float64", shape: [2, 2], data: new Uint8Array(32) }));
    expect(() => runMlir([mlir, "--inputs", wrong, "[1, 2]"], () => {})).toThrow(
      /input 0 .*\.npy dtype float64, but parameter 0 is tensor<2x2xf32>/,
    );
    expect(() => runMlir([], () => {})).toThrow(/usage: run-mlir/);
  });

  it("torch.xla.run_stablehlo refuses arguments that are not @main's parameters, before running", () => {
    const text = readFileSync(mlir, "utf8");
    const x = torch.ones([2, 2]);
    const b = torch.tensor([1, 2]);
    expect(() => torch.xla.run_stablehlo(text, x)).toThrow(
      /run_stablehlo: @main takes 2 arguments \(tensor<2x2xf32>, tensor<2xi64>\), got 1/,
    );
    expect(() => torch.xla.run_stablehlo(text, x, b, b)).toThrow(/takes 2 arguments .*got 3/);
    expect(() => torch.xla.run_stablehlo(text, x.double(), b)).toThrow(
      /argument 0 is float64\[2, 2\], but @main's parameter 0 is tensor<2x2xf32>/,
    );
    expect(() => torch.xla.run_stablehlo(text, torch.ones([4]), b)).toThrow(/argument 0 is float32\[4\]/);
    expect(() => torch.xla.run_stablehlo(text, x, b.int())).toThrow(/argument 1 is int32\[2\], but @main's parameter 1 is tensor<2xi64>/);
    const [r0, r1] = torch.xla.run_stablehlo(text, x.mul(2), b);
    expect(r0!.tolist()).toEqual([
      [4, 4],
      [4, 4],
    ]);
    expect(r1!.tolist()).toEqual([8, 16]);
  });
});
