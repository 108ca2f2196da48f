#!/usr/bin/env node
// Lists (relative to the repository root) what of the installed node_modules
// a run needs: the pnpm store entries (node_modules/.pnpm/<pkg>@<ver>) reached
// from the root packages below, following pnpm's sibling symlinks, plus the
// top-level and per-workspace-package symlinks that point into them.
// Used by pack_node.sh; prints one path per line for `tar --files-from`.
//
// Roots: vitest and tsx (to run tests and .ts scripts), every dependency a
// workspace package links in its own node_modules (koffi for packages/pjrt,
// ...), and the names given as arguments. Names matching EXCLUDE (large and
// only for benchmarks/builds) are left out unless given as arguments.
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const store = path.join(root, "node_modules", ".pnpm");
const extra = process.argv.slice(2);
const EXCLUDE = [/^@tensorflow\//, /^typescript$/, /^tsup$/, /^@types\//];

const rel = (p) => path.relative(root, p);
const out = new Set();
const seenKeys = new Set();

/** Entries of a node_modules dir, scoped ones expanded ("@a/b"). */
function entries(dir) {
  let names = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const res = [];
  for (const n of names) {
    if (n.startsWith(".")) continue;
    if (n.startsWith("@")) {
      for (const s of fs.readdirSync(path.join(dir, n))) res.push(`${n}/${s}`);
    } else res.push(n);
  }
  return res;
}

/** The store key (.pnpm/<key>) a path resolves into, or null. */
function storeKey(p) {
  let real;
  try {
    real = fs.realpathSync(p);
  } catch {
    return null;
  }
  const r = path.relative(store, real);
  if (r.startsWith("..") || path.isAbsolute(r)) return null;
  return r.split(path.sep)[0];
}

function visit(key) {
  if (seenKeys.has(key)) return;
  seenKeys.add(key);
  out.add(rel(path.join(store, key)));
  const container = path.join(store, key, "node_modules");
  for (const name of entries(container)) {
    const k = storeKey(path.join(container, name));
    if (k) visit(k);
  }
}

function addRoot(linkDir, name, force) {
  if (!force && EXCLUDE.some((re) => re.test(name))) return;
  const link = path.join(linkDir, name);
  const k = storeKey(link);
  if (!k) return; // a workspace package or missing
  out.add(rel(link));
  visit(k);
}

for (const name of ["vitest", "tsx"]) addRoot(path.join(root, "node_modules"), name, true);
for (const name of extra) addRoot(path.join(root, "node_modules"), name, true);

const workspaceDirs = ["packages", "."].flatMap((d) => {
  const base = path.join(root, d);
  if (d === ".") return ["tests", "examples", "bench"].map((x) => path.join(root, x));
  return fs.readdirSync(base).map((x) => path.join(base, x));
});
for (const ws of workspaceDirs) {
  const nm = path.join(ws, "node_modules");
  if (!fs.existsSync(nm)) continue;
  for (const name of entries(nm)) {
    const link = path.join(nm, name);
    if (storeKey(link)) addRoot(nm, name, extra.includes(name));
    else out.add(rel(link)); // workspace links (@xlatorch/*) travel as symlinks
  }
}
// pnpm's hoisted links, which packages use to find undeclared dependencies.
const hoisted = path.join(store, "node_modules");
for (const name of entries(hoisted)) {
  if (storeKey(path.join(hoisted, name)) && seenKeys.has(storeKey(path.join(hoisted, name)))) out.add(rel(path.join(hoisted, name)));
}
process.stdout.write([...out].sort().join("\n") + "\n");
