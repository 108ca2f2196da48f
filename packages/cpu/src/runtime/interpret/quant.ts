// Uniformly quantized tensors (`tensor<2x!quant.uniform<i8:f32, 0.1:-30>>`),
// held as their storage integers. uniform_quantize / uniform_dequantize compute
// as the reference interpreter's lowering (stablehlo-legalize-quant-to-math)
// does, in float32: quantize = round_nearest_even(clamp(x / scale + zp)),
// dequantize = (q - zp) * scale, requantize = q * (s_in / s_out) + (zp_out -
// zp_in * s_in / s_out), clamped and rounded (per tensor or per axis).
// bitcast_convert reads the storage integers. Every other op on quantized
// values is the spec's dequantize_op_quantize: quantized operands are
// dequantized, the op runs on the expressed type, quantized results are
// quantized again.
import { numelOf } from "@xlatorch/core";
import { isQuantized, quantParams, type Module, type Op, type QuantParams, type TensorType, type Value } from "@xlatorch/stablehlo";
import type { CpuBuffer } from "../buffer.js";
import type { Interp, ScopedRunner } from "./engine.js";
import { alloc, type DenseValue, forEachIndex, getFloat, getInt, setFloat, setInt, Unsupported } from "./values.js";

const f32 = Math.fround;

/** The scale and zero point of element `i` (per axis: by its index along the axis). */
function paramsAt(q: QuantParams, shape: readonly number[]): (idx: readonly number[]) => [number, number] {
  if (q.axis === undefined) return () => [q.scales[0]!, q.zeroPoints[0]!];
  const ax = q.axis;
  if (ax >= shape.length || shape[ax] !== q.scales.length)
    throw new Error(`per-axis quantization along dimension ${ax} with ${q.scales.length} scales does not fit shape [${shape.join(", ")}]`);
  return (idx) => [q.scales[idx[ax]!]!, q.zeroPoints[idx[ax]!]!];
}

/** Storage integers -> the expressed type: (q - zp) * scale in float32. */
export function dequantize(x: DenseValue, type: TensorType): DenseValue {
  const q = quantParams(x.type.element);
  const out = alloc(type);
  const at = paramsAt(q, x.type.shape);
  const st: DenseValue = { type: { shape: x.type.shape, element: q.storage }, data: x.data };
  forEachIndex(x.type.shape, (idx, k) => {
    const [s, z] = at(idx);
    setFloat(out, k, f32(f32(Number(getInt(st, k)) - z) * f32(s)));
  });
  return out;
}

const clampRound = (v: number, q: QuantParams): bigint => {
  const c = Number.isNaN(v) ? 0 : Math.min(Math.max(v, q.storageMin), q.storageMax);
  // round half to even
  const fl = Math.floor(c);
  const d = c - fl;
  return BigInt(d > 0.5 || (d === 0.5 && fl % 2 !== 0) ? fl + 1 : fl);
};

/** A float value -> storage integers of `type`: round_nearest_even(clamp(x / scale + zp)) in float32. */
export function quantize(x: DenseValue, type: TensorType): DenseValue {
  const q = quantParams(type.element);
  const out = alloc(type);
  const st: DenseValue = { type: { shape: type.shape, element: q.storage }, data: out.data };
  const at = paramsAt(q, type.shape);
  forEachIndex(type.shape, (idx, k) => {
    const [s, z] = at(idx);
    setInt(st, k, clampRound(f32(f32(getFloat(x, k) / f32(s)) + z), q));
  });
  return out;
}

/** Quantized -> quantized: one merged scale and zero point (the lowering's requantize). */
function requantize(x: DenseValue, type: TensorType): DenseValue {
  if (x.type.element === type.element) return { type, data: x.data.slice() as DenseValue["data"] };
  const qi = quantParams(x.type.element),
    qo = quantParams(type.element);
  if (qi.axis !== undefined && qo.axis !== undefined && qi.axis !== qo.axis)
    throw new Error("cannot requantize while changing the quantization axis");
  const out = alloc(type);
  const si: DenseValue = { type: { shape: x.type.shape, element: qi.storage }, data: x.data };
  const so: DenseValue = { type: { shape: type.shape, element: qo.storage }, data: out.data };
  const ai = paramsAt(qi, x.type.shape),
    ao = paramsAt(qo, type.shape);
  const narrow = Number(/[0-9]+$/.exec(qo.storage)![0]) < 32;
  forEachIndex(type.shape, (idx, k) => {
    const [s1, z1] = ai(idx),
      [s2, z2] = ao(idx);
    const scale = s1 / s2;
    const zp = z2 - z1 * scale;
    let v = f32(Number(getInt(si, k)) * f32(scale));
    if (zp !== 0) v = f32(v + f32(zp));
    if (!narrow) v = Math.min(Math.max(v, -(2 ** 31)), 2 ** 31 - 1);
    setInt(so, k, clampRound(v, narrow ? qo : { ...qo, storageMin: -(2 ** 31), storageMax: 2 ** 31 - 1 }));
  });
  return out;
}

export const quantOps: Record<string, Interp> = {
  "stablehlo.uniform_quantize": (op, [x]) => {
    const t = op.results[0]!.type;
    if (!isQuantized(t.element)) throw new Unsupported(op, `the result must be quantized, found ${t.element}`);
    try {
      return [isQuantized(x!.type.element) ? requantize(x!, t) : quantize(x!, t)];
    } catch (e) {
      throw new Unsupported(op, (e as Error).message);
    }
  },
  "stablehlo.uniform_dequantize": (op, [x]) => {
    if (!isQuantized(x!.type.element)) throw new Unsupported(op, `the operand must be quantized, found ${x!.type.element}`);
    try {
      return [dequantize(x!, op.results[0]!.type)];
    } catch (e) {
      throw new Unsupported(op, (e as Error).message);
    }
  },
};

const QUANT_OWN = new Set(["stablehlo.uniform_quantize", "stablehlo.uniform_dequantize"]);

/** Whether an op has quantized operands or results (and is not one of the quantize ops themselves). */
export function touchesQuantized(op: Op): boolean {
  if (QUANT_OWN.has(op.name)) return false;
  return [...op.operands, ...op.results].some((v) => isQuantized(v.type.element));
}

export interface EngineParts {
  opRunner: (op: Op, module: Module) => ScopedRunner;
  toDense: (b: CpuBuffer, v: { type: TensorType }) => DenseValue;
  fromDense: (d: DenseValue) => CpuBuffer;
}

const retype = (v: Value, element: (t: TensorType) => TensorType["element"]): Value => ({
  ...v,
  type: { shape: v.type.shape, element: element(v.type) },
});

/**
 * The runner of an op on quantized values: bitcast_convert on the storage
 * integers; any other op (without regions) as dequantize -> op -> quantize.
 */
export function quantizedRunner(op: Op, module: Module, e: EngineParts): ScopedRunner {
  if (op.regions?.length) throw new Unsupported(op, "quantized operands or results of an op with regions are not supported");
  if (op.name === "stablehlo.bitcast_convert") {
    const storage = (t: TensorType) => (isQuantized(t.element) ? quantParams(t.element).storage : t.element);
    const plain: Op = { ...op, operands: op.operands.map((v) => retype(v, storage)), results: op.results.map((v) => retype(v, storage)) };
    return e.opRunner(plain, module);
  }
  const expressed = (t: TensorType) => (isQuantized(t.element) ? quantParams(t.element).expressed : t.element);
  const float: Op = { ...op, operands: op.operands.map((v) => retype(v, expressed)), results: op.results.map((v) => retype(v, expressed)) };
  const run = e.opRunner(float, module);
  return (ins, scope) => {
    const args = ins.map((b, i) => {
      const v = op.operands[i]!;
      return isQuantized(v.type.element) ? e.fromDense(dequantize(e.toDense(b, v), float.operands[i]!.type)) : b;
    });
    const outs = run(args, scope);
    return outs.map((b, i) => {
      const r = op.results[i]!;
      if (!isQuantized(r.type.element)) return b;
      const x = e.toDense(b, float.results[i]!);
      if (numelOf(r.type.shape) !== numelOf(x.type.shape)) throw new Unsupported(op, "result shape mismatch");
      return e.fromDense(quantize(x, r.type));
    });
  };
}
