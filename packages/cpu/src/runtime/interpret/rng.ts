// stablehlo.rng_bit_generator in the reference evaluator (its state is ui64,
// which has no cpu dtype of its own, so the op always runs here): XLA's
// THREE_FRY and PHILOX (kernels/rng_bits.ts, shared with the primitive's kernel).
import { numelOf } from "@xlatorch/core";
import { type Algorithm, rngBitGenerator } from "../../kernels/rng_bits.js";
import type { Interp } from "./engine.js";
import { alloc, getInt, intInfo, isIntLike, setInt, Unsupported } from "./values.js";
import { isFloat } from "@xlatorch/stablehlo";

const ALGORITHMS = new Set(["DEFAULT", "THREE_FRY", "PHILOX"]);

/** A float type's width in bits. */
const floatBits = (e: string): number => Number(/([0-9]+)$/.exec(e)?.[1] ?? 0);

export const rngOps: Record<string, Interp> = {
  "stablehlo.rng_bit_generator": (op, [s]) => {
    const a = op.attrs.rng_algorithm;
    const algorithm = a && a.kind === "enum" ? a.value : "DEFAULT";
    if (!ALGORITHMS.has(algorithm)) throw new Unsupported(op, `unknown algorithm ${algorithm}`);
    const [st, out] = [alloc(op.results[0]!.type, op), alloc(op.results[1]!.type, op)];
    const e = out.type.element;
    if (e === "i1" || !(isIntLike(e) || isFloat(e))) throw new Unsupported(op, `results of type ${e} are not generated`);
    const bits = isIntLike(e) ? intInfo(e).bits : floatBits(e);
    if (bits !== 8 && bits !== 16 && bits !== 32 && bits !== 64) throw new Unsupported(op, `${bits}-bit results are not generated`);
    const words = Array.from({ length: numelOf(s!.type.shape) }, (_, i) => getInt(s!, i));
    let r: ReturnType<typeof rngBitGenerator>;
    try {
      r = rngBitGenerator(algorithm as Algorithm, words, out.type.shape, bits);
    } catch (err) {
      throw new Unsupported(op, (err as Error).message);
    }
    r.state.forEach((w, i) => setInt(st, i, w));
    const n = numelOf(out.type.shape);
    if (isIntLike(e)) for (let i = 0; i < n; i++) setInt(out, i, BigInt(r.values[i]!));
    else {
      // float results: the bits in the value's own storage (f16/bf16 are stored as bits; f32/f64 read through the bytes)
      const v = r.values;
      if (e === "f16" || e === "bf16") for (let i = 0; i < n; i++) out.data[i] = Number(v[i]!);
      else if (e === "f32" || e === "f64") new Uint8Array(out.data.buffer).set(new Uint8Array(v.buffer, v.byteOffset, n * (bits / 8)));
      else throw new Unsupported(op, `results of type ${e} are not generated`);
    }
    return [st, out];
  },
};
