// The reference interpreter's instrumentation ops: `interpreter.probe` returns
// its operand and records it under its probe_id (the reference writes .npy files
// and an index; here the record is kept in memory), `check.expect_serialized_eq`
// compares a value with the `iter`-th record of a probe_id (exactly, and the
// types must match, as CheckOps.cpp does), and `interpreter.print` writes the
// value in the reference's text form to the print sink.
import { numelOf } from "@xlatorch/core";
import { isComplex, isFloat, typeToString, type Op } from "@xlatorch/stablehlo";
import { CheckFailure, runCheck } from "./check.js";
import type { Interp } from "./engine.js";
import { copyValue } from "./tuples.js";
import { type DenseValue, getFloat, getInt, Unsupported } from "./values.js";

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

/** One element as the reference prints it: integers plainly, floats as %e, complex as [re, im]. */
function element(v: DenseValue, i: number): string {
  const e = v.type.element;
  const f = (x: number) =>
    Number.isNaN(x) ? "nan" : !Number.isFinite(x) ? (x > 0 ? "inf" : "-inf") : x.toExponential(6).replace(/e([+-])(\d)$/, "e$10$2");
  if (isComplex(e)) return `[${f(v.data[2 * i] as number)}, ${f(v.data[2 * i + 1] as number)}]`;
  if (isFloat(e)) return f(getFloat(v, i));
  if (e === "i1") return getInt(v, i) ? "true" : "false";
  return String(getInt(v, i));
}

/** `tensor<2x2xi8> {\n  [\n    [1, 2],\n    [3, 4]\n  ]\n}` (a scalar: `tensor<ui8> {1}`). */
export function formatValue(v: DenseValue): string {
  const shape = v.type.shape;
  if (shape.length === 0) return `${typeToString(v.type)} {${element(v, 0)}}`;
  let k = 0;
  const rows = (d: number, indent: string): string => {
    if (d === shape.length - 1) {
      const xs: string[] = [];
      for (let j = 0; j < shape[d]!; j++) xs.push(element(v, k++));
      return `${indent}[${xs.join(", ")}]`;
    }
    if (numelOf(shape.slice(d)) === 0 && shape[d] === 0) return `${indent}[]`;
    const inner: string[] = [];
    for (let j = 0; j < shape[d]!; j++) inner.push(rows(d + 1, `${indent}  `));
    return `${indent}[\n${inner.join(",\n")}\n${indent}]`;
  };
  return `${typeToString(v.type)} {\n${rows(0, "  ")}\n}`;
}

export const instrumentOps: Record<string, Interp> = {
  "interpreter.probe": (op, [x]) => {
    const id = str(op, "probe_id");
    const list = instrumentation.probes.get(id) ?? [];
    list.push(copyValue(x!));
    instrumentation.probes.set(id, list);
    return [x!];
  },
  "interpreter.print": (_op, [x]) => {
    const text = formatValue(x!);
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
