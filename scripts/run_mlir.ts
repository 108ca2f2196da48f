// Runs a StableHLO module (a .mlir file, e.g. exported by jax.export or
// torch.export-to-StableHLO) with torch.xla.run_stablehlo: on the CPU runtime,
// or through PJRT when a plugin is configured. Inputs are .npy files or JSON
// (a nested list, or {"dtype", "shape", "data"}); each @main parameter takes
// one, in order. Results are printed as JSON; --out DIR also writes them as
// DIR/result<i>.npy.
//   pnpm xlatorch run-mlir model.mlir --inputs x.npy '[1, 2]' w.json [--out dir]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dtypeOf, type DTypeName } from "@xlatorch/core";
import { parseModule, typeToString, type TensorType } from "@xlatorch/stablehlo";
import * as torch from "xlatorch";
import { readNpy, writeNpy } from "./npy.js";

const ELEMENT_DTYPE: Record<string, string> = {
  f32: "float32",
  f64: "float64",
  f16: "float16",
  bf16: "bfloat16",
  i1: "bool",
  i8: "int8",
  ui8: "uint8",
  i16: "int16",
  i32: "int32",
  i64: "int64",
  "complex<f32>": "complex64",
  "complex<f64>": "complex128",
};

const usage = "usage: run-mlir FILE.mlir [--inputs IN ...] [--out DIR]   (IN: a .npy file, a .json file, or inline JSON)";

/** One input as a tensor of the parameter's type; its dtype and shape must be the parameter's. */
export function loadInput(spec: string, param: TensorType, k: number): torch.Tensor {
  const want = ELEMENT_DTYPE[param.element];
  const dtype = want ? dtypeOf(want as DTypeName) : undefined;
  const where = `input ${k} (${spec.length > 40 ? `${spec.slice(0, 40)}...` : spec})`;
  if (!want) throw new Error(`${where}: parameter type ${typeToString(param)} has no dtype to pass it as`);
  let t: torch.Tensor;
  if (spec.endsWith(".npy")) {
    const a = readNpy(new Uint8Array(readFileSync(spec)), where);
    if (a.dtype !== want) throw new Error(`${where}: .npy dtype ${a.dtype}, but parameter ${k} is ${typeToString(param)} (${want})`);
    const bytes = a.data.slice().buffer;
    t = a.shape.reduce((n, d) => n * d, 1) === 0 ? torch.zeros(a.shape, { dtype }) : torch.frombuffer(bytes, { dtype }).reshape(a.shape);
  } else {
    const text = spec.endsWith(".json") ? readFileSync(spec, "utf8") : spec;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new Error(`${where}: neither a .npy file, a .json file nor JSON (${(e as Error).message})`);
    }
    const o = v as { dtype?: string; shape?: number[]; data?: unknown };
    if (o && typeof o === "object" && !Array.isArray(o) && "data" in o) {
      if (o.dtype && o.dtype !== want) throw new Error(`${where}: dtype ${o.dtype}, but parameter ${k} is ${want}`);
      t = torch.tensor(o.data as never, { dtype });
      if (o.shape) t = t.reshape(o.shape);
    } else t = torch.tensor(v as never, { dtype });
  }
  if (t.shape.length !== param.shape.length || t.shape.some((d, i) => d !== param.shape[i]))
    throw new Error(`${where}: shape [${t.shape.join(", ")}], but parameter ${k} is ${typeToString(param)}`);
  return t;
}

export function runMlir(argv: readonly string[], log: (s: string) => void = console.log): torch.Tensor[] {
  const args = argv[0] === "run-mlir" ? argv.slice(1) : [...argv];
  const file = args[0];
  if (!file || file.startsWith("--")) throw new Error(usage);
  const ins: string[] = [];
  let out: string | undefined;
  for (let i = 1; i < args.length; i++) {
    if (args[i] === "--inputs") while (i + 1 < args.length && !args[i + 1]!.startsWith("--")) ins.push(args[++i]!);
    else if (args[i] === "--out") out = args[++i];
    else throw new Error(`unknown argument '${args[i]}'\n${usage}`);
  }
  const text = readFileSync(file, "utf8");
  const main = parseModule(text).funcs.find((f) => f.name === "main");
  if (!main) throw new Error(`${file}: no @main function`);
  if (ins.length !== main.params.length)
    throw new Error(
      `${file}: @main takes ${main.params.length} inputs (${main.params.map((p) => typeToString(p.type)).join(", ")}), ${ins.length} given`,
    );
  const inputs = ins.map((s, k) => loadInput(s, main.params[k]!.type, k));
  const results = torch.xla.run_stablehlo(text, ...inputs);
  results.forEach((r, i) => {
    log(
      `result ${i}: ${r.dtype.name}[${r.shape.join(", ")}] ${JSON.stringify(r.tolist(), (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`,
    );
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, `result${i}.npy`), writeNpy({ dtype: r.dtype.name, shape: [...r.shape], data: tensorBytes(r) }));
    }
  });
  return results;
}

/** The tensor's elements as little-endian bytes (bool as 0/1 bytes). */
function tensorBytes(t: torch.Tensor): Uint8Array {
  const flat = t.contiguous().reshape([-1]);
  const n = flat.shape[0]!;
  const d = t.dtype.name;
  const list = flat.tolist() as unknown[];
  const buf = new DataView(
    new ArrayBuffer(
      n *
        (
          { float64: 8, int64: 8, complex64: 8, complex128: 16, float32: 4, int32: 4, float16: 2, bfloat16: 2, int16: 2 } as Record<
            string,
            number
          >
        )[d]! || n,
    ),
  );
  list.forEach((v, i) => {
    switch (d) {
      case "float64":
        buf.setFloat64(i * 8, v as number, true);
        break;
      case "float32":
        buf.setFloat32(i * 4, v as number, true);
        break;
      case "int64":
        buf.setBigInt64(i * 8, BigInt(v as number), true);
        break;
      case "int32":
        buf.setInt32(i * 4, v as number, true);
        break;
      case "int16":
        buf.setInt16(i * 2, v as number, true);
        break;
      case "int8":
        buf.setInt8(i, v as number);
        break;
      case "uint8":
        buf.setUint8(i, v as number);
        break;
      case "bool":
        buf.setUint8(i, v ? 1 : 0);
        break;
      case "complex64": {
        const c = v as { re: number; im: number };
        buf.setFloat32(i * 8, c.re, true);
        buf.setFloat32(i * 8 + 4, c.im, true);
        break;
      }
      case "complex128": {
        const c = v as { re: number; im: number };
        buf.setFloat64(i * 16, c.re, true);
        buf.setFloat64(i * 16 + 8, c.im, true);
        break;
      }
      default:
        throw new Error(`--out: ${d} results are not written as .npy`);
    }
  });
  return new Uint8Array(buf.buffer);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ""))) {
  try {
    runMlir(process.argv.slice(2));
  } catch (e) {
    console.error(`run-mlir: ${(e as Error).message}`);
    process.exit(1);
  }
}
