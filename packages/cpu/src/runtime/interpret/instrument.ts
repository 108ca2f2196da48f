// The reference interpreter's instrumentation ops: `interpreter.probe` returns
// its operand and records it under its probe_id (the reference writes .npy files
// and an index; here the record is kept in memory), `check.expect_serialized_eq`
// compares a value with the `iter`-th record of a probe_id (exactly, and the
// types must match, as CheckOps.cpp does), and `interpreter.print` writes the
// value in the reference's text form to the print sink.
import { type ElementType, formatElement, isComplex, isFloat, type Op, realPartType, typeToString } from "@xlatorch/stablehlo";
import { CheckFailure, runCheck } from "./check.js";
import type { Interp } from "./engine.js";
import { copyValue } from "./tuples.js";
import { type DenseValue, getFloat, getInt, rounderOf, stridesOf, Unsupported } from "./values.js";

/** What the probes recorded (by probe_id, in order) and what print wrote; reset by resetInstrumentation(). */
export const instrumentation = {
  probes: new Map<string, DenseValue[]>(),
  printed: [] as string[],
  /** Where print writes besides `printed` (e.g. console.log); none by default. */
  sink: undefined as ((text: string) => void) | undefined,
};

export function resetInstrumentation(): void {
  instrumentation.probes.clear();
  instrumentation.printed.length = 0;
}

const str = (op: Op, k: string): string => {
  const a = op.attrs[k];
  if (!a || a.kind !== "string") throw new Unsupported(op, `expects ${k} = "..."`);
  return a.value;
};

/**
 * A float as MLIR prints a FloatAttr: `%e` with 6 digits when that reads back to the
 * same value of the type, else its shortest exact form; NaN and infinities as hex bits.
 */
function floatText(x: number, e: ElementType): string {
  if (!Number.isFinite(x)) return formatElement(x, e);
  const six = x.toExponential(6).replace(/e([+-])(\d)$/, "e$10$2");
  if (rounderOf(e)(Number(six)) === x) return six;
  const s = String(x);
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

/** One element as the reference prints it: integers plainly, i1 as true/false, complex as [re, im]. */
function element(v: DenseValue, i: number): string {
  const e = v.type.element;
  if (isComplex(e))
    return `[${floatText(v.data[2 * i] as number, realPartType(e))}, ${floatText(v.data[2 * i + 1] as number, realPartType(e))}]`;
  if (isFloat(e)) return floatText(getFloat(v, i), e);
  if (e === "i1") return getInt(v, i) ? "true" : "false";
  return String(getInt(v, i));
}

/**
 * The reference's Tensor::print: `tensor<2x2xi8> {\n  [\n    [1, 2],\n    [3, 4]\n  ]\n}`,
 * a scalar as `tensor<ui8> {1}` (its printHelper, step by step).
 */
export function formatValue(v: DenseValue): string {
  const shape = v.type.shape;
  let out = `${typeToString(v.type)} {`;
  const idx: number[] = [];
  const strides = stridesOf(shape);
  const atEnd = () => idx.length === 0 || idx[idx.length - 1] === shape[idx.length - 1]! - 1;
  const nl = (n: number) => {
    out += `\n${"  ".repeat(n)}`;
  };
  const walk = (indent: number) => {
    if (idx.length === shape.length) {
      out += element(
        v,
        idx.reduce((s, x, d) => s + x * strides[d]!, 0),
      );
      if (!atEnd()) out += ", ";
      return;
    }
    nl(indent);
    out += "[";
    for (let j = 0; j < shape[idx.length]!; j++) {
      idx.push(j);
      walk(indent + 1);
      idx.pop();
    }
    out += "]";
    if (!atEnd()) out += ",";
    else nl(indent - 1);
  };
  walk(1);
  return `${out}}`;
}

export const instrumentOps: Record<string, Interp> = {
  "interpreter.probe": (op, [x]) => {
    const id = str(op, "probe_id");
    const list = instrumentation.probes.get(id) ?? [];
    list.push(copyValue(x!));
    instrumentation.probes.set(id, list);
    return [x!];
  },
  "interpreter.print": (op, [x]) => {
    // `%0 = tensor<...> {...}`: the operand's name, then the value
    const v = op.operands[0]!;
    const text = `%${v.name ?? v.id} = ${formatValue(x!)}`;
    instrumentation.printed.push(text);
    instrumentation.sink?.(text);
    return [];
  },
  "check.expect_serialized_eq": (op, [x]) => {
    const id = str(op, "probe_id");
    const it = op.attrs.iter;
    const iter = it && it.kind === "int" ? Number(it.value) : 0;
    const rec = instrumentation.probes.get(id)?.[iter];
    if (!rec) throw new CheckFailure(op, `no value recorded for probe ${JSON.stringify(id)} (iteration ${iter})`);
    if (typeToString(rec.type) !== typeToString(x!.type))
      throw new CheckFailure(op, `serialized types don't match: ${typeToString(x!.type)} (actual) vs ${typeToString(rec.type)} (expected)`);
    return runCheck({ ...op, name: "check.expect_eq" }, [x!, rec]);
  },
};
