// How much of PyTorch's OpInfo database xlatorch passes: runs every check of
// tests/fixtures/opinfo.json (tests/opinfo_runner.ts) on cpu and on xla
// (fused) and prints, as Markdown: entries fully passing, partly passing,
// failing, present without samples, missing (no callable by the naming rule),
// and the failing checks grouped by reason.
//
//   XLATORCH_QUIET=1 npx tsx --tsconfig tsconfig.json scripts/opinfo_report.ts [--md FILE] [--write-known] [--only REGEX]
//
// --md FILE      also writes the report there (with the date and commit)
// --only REGEX   checks only the entries whose id matches (e.g. '^linalg\.(eigh|pinv)');
//                the counts are then of those entries only, and --write-known is refused
// --write-known  rewrites tests/fixtures/opinfo_known_failures.json from this
//                run's failures, keeping the reasons already written there
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as torch from "xlatorch";
import type { Device } from "../tests/harness/fixtures";
import {
  checksOf,
  KNOWN_FILE,
  KNOWN_WIDE_FILE,
  loadKnown,
  loadOpinfo,
  runCheck,
  sampleKind,
  type Entry,
  type KnownFailure,
} from "../tests/opinfo_runner";

const argv = process.argv.slice(2);
const mdPath = argv.includes("--md") ? argv[argv.indexOf("--md") + 1] : undefined;
const only = argv.includes("--only") ? new RegExp(argv[argv.indexOf("--only") + 1] ?? "") : undefined;
if (only && argv.includes("--write-known")) throw new Error("--write-known rewrites the whole list: run it without --only");
const DEVICES: Device[] = ["cpu", "xla"];

/** Coarse class of a failure's reason, for grouping. */
function category(reason: string): string {
  const rules: [RegExp, string | ((m: RegExpMatchArray) => string)][] = [
    [/^(\S+) is not a function/, (m) => `not callable: ${m[1]} is not a function`],
    [/^value mismatch/, "wrong values"],
    [/^dtype mismatch: expected (\S+), got (\S+)/, (m) => `wrong dtype (${m[1]} expected, ${m[2]} given)`],
    [/^shape mismatch/, "wrong shape"],
    [/^device mismatch/, "result on the wrong device"],
    [/no error thrown at the call.*throws only when/, "bad input throws only when the result is read"],
    [/no error thrown at the call/, "bad input not refused"],
    [/^PyTorch raises (\w+) \(our (\w+)\)/, (m) => `wrong error class (PyTorch ${m[1]}, expected our ${m[2]})`],
    [/^message names neither/, "error message names neither the op nor PyTorch's text"],
    [/^expected a Tensor/, "not a Tensor returned"],
    [/^expected a list/, "wrong result structure"],
    [/^expected null\/None/, "gradient where PyTorch has none"],
    [
      /unexpected keyword argument|got an unexpected|missing \d+ required|takes \d+ positional|takes from/,
      "argument parser refuses PyTorch's call",
    ],
  ];
  for (const [re, name] of rules) {
    const m = reason.match(re);
    if (m) return typeof name === "string" ? name : name(m);
  }
  return `throws: ${reason.replace(/\d+(\.\d+)?/g, "N").slice(0, 100)}`;
}

const sh = (c: string) => {
  try {
    return execSync(c, { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
};

function main(): void {
  (torch as any).xla.set_execution_mode("fused");
  const { torch: version, entries: all } = loadOpinfo();
  const entries = only ? all.filter((e) => only.test(e.id)) : all;
  const present = entries.filter((e) => e.present);
  const missing = entries.filter((e) => !e.present);
  const full: Entry[] = [];
  const partly: [Entry, number, number][] = [];
  const failing: Entry[] = [];
  const empty: Entry[] = [];
  /** case key -> device -> reason */
  const failures = new Map<string, Map<Device, string>>();
  /** case key -> whether it is a large or complex sample's (KNOWN_WIDE_FILE) */
  const wide = new Map<string, boolean>();
  let checks = 0;
  let passed = 0;
  const withChecks = present.map((e) => [e, checksOf(e)] as const);
  // one device at a time, as the test suite runs them (alternating devices check by check is many times slower)
  const okCount = new Map<Entry, number>();
  for (const d of DEVICES)
    for (const [e, cs] of withChecks)
      for (const c of cs) {
        checks++;
        const r = runCheck(torch, c, d);
        if (r === null) {
          okCount.set(e, (okCount.get(e) ?? 0) + 1);
          passed++;
          continue;
        }
        if (!failures.has(c.key)) failures.set(c.key, new Map());
        wide.set(c.key, sampleKind(c) !== "small");
        failures.get(c.key)!.set(d, r);
      }
  for (const [e, cs] of withChecks) {
    if (cs.length === 0) {
      empty.push(e);
      continue;
    }
    const ok = okCount.get(e) ?? 0;
    const n = cs.length * DEVICES.length;
    if (ok === n) full.push(e);
    else if (ok === 0) failing.push(e);
    else partly.push([e, ok, n]);
  }

  const groups = new Map<string, Map<string, string[]>>();
  for (const [key, byDev] of failures) {
    const both = byDev.size === DEVICES.length && new Set([...byDev.values()].map(category)).size === 1;
    for (const [d, r] of byDev) {
      if (both && d !== DEVICES[0]) continue;
      const cat = category(r);
      const id = key.replace(/\/(value|keyword|method|out|grad|error)\/\d+$/, "");
      const g = groups.get(cat) ?? new Map<string, string[]>();
      groups.set(cat, g);
      const list = g.get(id) ?? [];
      g.set(id, list);
      list.push(`${key.slice(id.length + 1)}${both ? "" : ` (${d} only)`}`);
    }
  }

  const lines: string[] = [];
  const commit = sh("git rev-parse --short HEAD");
  lines.push("# OpInfo conformance", "");
  lines.push(
    `PyTorch ${version}'s OpInfo database (torch.testing._internal.common_methods_invocations.op_db) ` +
      "checked by tests/opinfo.fixtures.test.ts; this report by scripts/opinfo_report.ts.",
    "",
  );
  lines.push(`Date: ${new Date().toISOString().slice(0, 10)}, commit ${commit}, devices: ${DEVICES.join(", ")} (xla in fused mode).`, "");
  lines.push("| | entries |", "| --- | --- |");
  lines.push(`| op_db entries | ${entries.length} |`);
  lines.push(`| present in xlatorch (naming rule) | ${present.length} |`);
  lines.push(`| fully passing | ${full.length} |`);
  lines.push(`| partly passing | ${partly.length} |`);
  lines.push(`| failing every check | ${failing.length} |`);
  lines.push(`| present, no usable sample or error input | ${empty.length} |`);
  lines.push(`| missing | ${missing.length} |`, "");
  lines.push(
    `Checks (value, keyword form, method form, out= form, float64 gradient, error input; per device): ${passed} of ${checks} pass.`,
    "",
  );
  lines.push("## Failing checks by reason", "");
  const sorted = [...groups].sort((a, b) => b[1].size - a[1].size);
  for (const [cat, byId] of sorted) {
    lines.push(`### ${cat} (${byId.size} entries)`, "");
    for (const [id, keys] of [...byId].sort()) lines.push(`- ${id}: ${keys.join(", ")}`);
    lines.push("");
  }
  if (partly.length) {
    lines.push("## Partly passing", "");
    lines.push(partly.map(([e, ok, n]) => `${e.id} (${ok}/${n})`).join(", "), "");
  }
  if (failing.length) lines.push("## Failing every check", "", failing.map((e) => e.id).join(", "), "");
  if (empty.length) {
    lines.push("## Present, nothing recorded", "");
    lines.push(empty.map((e) => `${e.id} (${Object.keys(e.skipped ?? {}).join("; ") || "no samples"})`).join(", "), "");
  }
  lines.push("## Missing", "", "No xlatorch callable by the naming rule:", "", missing.map((e) => e.id).join(", "), "");
  const md = lines.join("\n");
  console.log(md);
  if (mdPath) writeFileSync(mdPath, md);

  if (argv.includes("--write-known")) {
    const old = loadKnown();
    const oldReason = new Map(old.map((k) => [`${k.case}@${k.device ?? ""}`, k.reason]));
    // a "varies" check (float32 rounding that depends on the configuration: system BLAS vs WebAssembly GEMM)
    // keeps its line and flag whether or not it fails in this run's configuration
    const varies = old.filter((k) => k.varies);
    const variesKey = new Set(varies.map((k) => k.case));
    const list: KnownFailure[] = [];
    const wideList: KnownFailure[] = [];
    for (const [key, byDev] of failures) {
      if (variesKey.has(key)) continue;
      const list_ = wide.get(key) ? wideList : list;
      if (byDev.size === DEVICES.length) {
        const r = byDev.get("cpu")!;
        list_.push({ case: key, reason: oldReason.get(`${key}@`) ?? r });
      } else
        for (const [d, r] of byDev)
          list_.push({ case: key, device: d, reason: oldReason.get(`${key}@${d}`) ?? oldReason.get(`${key}@`) ?? r });
    }
    const isWide = new Map(withChecks.flatMap(([, cs]) => cs.map((c) => [c.key, sampleKind(c) !== "small"] as const)));
    // (a varies check whose sample left the fixture is dropped)
    for (const k of varies) if (isWide.has(k.case)) (isWide.get(k.case) ? wideList : list).push(k);
    const out = {
      _comment: [
        "Checks of tests/fixtures/opinfo.json that fail today (tests/opinfo_runner.ts names them <entry>/<value|keyword|method|out|grad|error>/<index>).",
        "tests/opinfo.fixtures.test.ts checks that each still fails, so one that starts passing fails the suite: remove it then.",
        "device: only there (else on cpu and xla). reason: one line, the failure as observed or why.",
        "Rewritten by scripts/opinfo_report.ts --write-known (keeps reasons already written here); the list may only shrink.",
      ],
      failures: list,
    };
    // one failure per line, so a fix shows as a deleted line in the diff
    const body = (xs: unknown[]) => xs.map((x) => `  ${JSON.stringify(x)}`).join(",\n");
    const write = (file: string, comment: string[], xs: KnownFailure[]) =>
      writeFileSync(file, `{\n "_comment": [\n${body(comment)}\n ],\n "failures": [\n${body(xs)}\n ]\n}\n`);
    write(KNOWN_FILE, out._comment, out.failures);
    write(
      KNOWN_WIDE_FILE,
      [
        'As opinfo_known_failures.json, for the checks of the generator\'s wider samples: tensors over 64 elements ("large") and complex input dtypes.',
        ...out._comment.slice(1),
      ],
      wideList,
    );
    console.error(`wrote ${list.length} known failures to ${KNOWN_FILE}, ${wideList.length} to ${KNOWN_WIDE_FILE}`);
  }
}

main();
