// Runs the StableHLO repository's interpreter tests (tests/stablehlo_interpret/corpus)
// on xlatorch's CPU runtime: each file is split at `// -----` into modules, each
// test function (no parameters, not called by another) is compiled and run, and
// its `check.*` ops assert the results. Prints pass / fail (a check failed or an
// error) / refused (unsupported: op and location) per function, then totals.
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json scripts/stablehlo_interpret.ts [--json] [--dir other/tests] [files...]
// (--dir runs another directory of such files, e.g. the repository's stablehlo/testdata or tests/math.)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { CpuRuntime } from "@xlatorch/cpu";
import { resetInstrumentation } from "../packages/cpu/src/runtime/interpret/instrument.js";
import { parseModule, type Module } from "@xlatorch/stablehlo";

export type Status = "pass" | "fail" | "refused";
export interface FunctionResult {
  /** `file.mlir:function`. */
  id: string;
  status: Status;
  reason?: string;
  /** For a refusal: what was refused (an op name, or "parse"). */
  op?: string;
}

export const CORPUS = new URL("../tests/stablehlo_interpret/corpus/", import.meta.url).pathname;

/** The corpus's .mlir files, relative to the corpus directory, sorted. */
export function corpusFiles(dir = CORPUS): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(".mlir")) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Names of the test functions written in a chunk (for reporting when it does not parse). */
const writtenTests = (text: string): string[] => {
  const called = new Set([...text.matchAll(/call\s+@([A-Za-z0-9_$.-]+)/g)].map((m) => m[1]!));
  return [...text.matchAll(/func\.func\s+(?:public\s+|private\s+)?@([A-Za-z0-9_$.-]+)\s*\(\s*\)/g)]
    .map((m) => m[1]!)
    .filter((f) => !called.has(f));
};

function testFunctions(m: Module): string[] {
  const called = new Set<string>();
  const walk = (ops: Module["funcs"][number]["body"]) => {
    for (const op of ops) {
      const c = op.attrs.callee;
      if (op.name === "func.call" && c?.kind === "string") called.add(c.value);
      for (const r of op.regions ?? []) walk(r.ops);
    }
  };
  for (const f of m.funcs) walk(f.body);
  return m.funcs.filter((f) => f.params.length === 0 && !called.has(f.name)).map((f) => f.name);
}

/** What a refusal names: the op of "unsupported <op>", else the message's start. */
function refusedOp(msg: string): string {
  const m = /unsupported ([A-Za-z0-9_.]+)/.exec(msg);
  return m ? m[1]! : msg.slice(0, 60);
}

export function runFile(file: string, dir = CORPUS): FunctionResult[] {
  const text = readFileSync(join(dir, file), "utf8");
  const out: FunctionResult[] = [];
  const rt = new CpuRuntime();
  // a name written twice in a file (in different chunks) is numbered: f, f#2, ...
  const seen = new Map<string, number>();
  const idOf = (f: string) => {
    const n = (seen.get(f) ?? 0) + 1;
    seen.set(f, n);
    return n === 1 ? `${file}:${f}` : `${file}:${f}#${n}`;
  };
  for (const chunk of text.split(/^\/\/ -----\s*$/m)) {
    let m: Module;
    try {
      m = parseModule(chunk);
    } catch (e) {
      const msg = (e as Error).message;
      if (/^\s*(\/\/[^\n]*\s*)*$/.test(chunk)) continue; // only comments
      for (const f of writtenTests(chunk)) out.push({ id: idOf(f), status: "refused", op: "parse", reason: `parse: ${msg}` });
      continue;
    }
    for (const f of testFunctions(m)) {
      const id = idOf(f);
      try {
        // probes and prints of one test function do not leak into the next
        resetInstrumentation();
        const exe = rt.compile(m, f);
        rt.execute(exe, []);
        out.push({ id, status: "pass" });
      } catch (e) {
        const err = e as Error;
        if (err.name === "Unsupported") out.push({ id, status: "refused", op: refusedOp(err.message), reason: err.message });
        else out.push({ id, status: "fail", reason: `${err.name}: ${err.message}` });
      }
    }
  }
  return out;
}

export function runCorpus(files = corpusFiles(), dir = CORPUS): FunctionResult[] {
  return files.flatMap((f) => runFile(f, dir));
}

function main(): void {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const d = args.indexOf("--dir");
  const dir = d >= 0 ? args[d + 1]! : CORPUS;
  const files = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--dir");
  const results = runCorpus(files.length ? files : corpusFiles(dir), dir);
  if (json) {
    console.log(JSON.stringify(results, null, 1));
    return;
  }
  for (const r of results) console.log(`${r.status.padEnd(7)} ${r.id}${r.reason ? `  -- ${r.reason.split("\n")[0]}` : ""}`);
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  console.log(`\n${results.length} functions: ${count("pass")} pass, ${count("fail")} fail, ${count("refused")} refused`);
  const byOp = new Map<string, number>();
  for (const r of results) if (r.status === "refused") byOp.set(r.op!, (byOp.get(r.op!) ?? 0) + 1);
  console.log("refused by op:");
  for (const [op, n] of [...byOp].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${op}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ""))) main();
