// torch.compile's guards on module state, as dynamo guards an nn.Module's
// attributes. A capture reads parameters and buffers by identity and bakes
// host attributes (training, eps, p) into its graph, so a replay after
// `model.eval()`, `model.fc.weight = new nn.Parameter(...)`, a buffer
// replaced by assignment or `dropout.p = 0.2` would run the stale graph on
// stale tensors. The state of every module the call can see (the compiled
// module itself and module arguments, with their submodules) is taken before
// a traced call: each module's own enumerable attributes, tensors and
// submodules by identity, numbers, strings and booleans by value (other
// objects are not compared). A replay reads those attributes again and needs
// the same values.
// (Dtype, shape, device and requires_grad of the tensors read are checked by
// capture.ts's refuse; a module reached only through a closure is not seen.)
import { Tensor } from "@xlatorch/core";

type Mod = Record<string, unknown>;
/** A module the call can see, named as a recompile reason names it (self, or the argument's path). */
export interface Root {
  module: Mod;
  name: string;
}

/** An nn.Module as the lazy package sees it (it does not depend on nn): a boolean `training` and a `forward`. */
export const isModuleLike = (x: unknown): x is Mod =>
  (typeof x === "object" || typeof x === "function") &&
  x !== null &&
  typeof (x as { training?: unknown }).training === "boolean" &&
  typeof (x as { forward?: unknown }).forward === "function";

/** Tensors and submodules (by identity) and primitive values are compared; other objects and functions are not. */
const compared = (v: unknown): boolean =>
  v instanceof Tensor || isModuleLike(v) || v === null || (typeof v !== "object" && typeof v !== "function");

/** Visits every compared attribute of the module trees of `roots`, in a fixed order. */
function walk(roots: readonly Root[], visit: (m: Mod, key: string, path: string, v: unknown) => void): void {
  const seen = new Set<Mod>();
  const go = (m: Mod, path: string): void => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const k of Object.keys(m)) {
      const v = m[k];
      if (!compared(v)) continue;
      const p = `${path}.${k}`;
      visit(m, k, p, v);
      if (isModuleLike(v)) go(v, p);
    }
  };
  for (const r of roots) go(r.module, r.name);
}

/** The module roots of a call: the compiled module (when it is one) and the module-like arguments (8 deep in arrays and plain objects). */
export function moduleRoots(target: unknown, args: readonly unknown[]): Root[] {
  const roots: Root[] = isModuleLike(target) ? [{ module: target, name: "self" }] : [];
  const find = (x: unknown, path: string, depth: number): void => {
    if (isModuleLike(x)) {
      if (!roots.some((r) => r.module === x)) roots.push({ module: x, name: path });
    } else if (depth < 8 && Array.isArray(x)) x.forEach((e, i) => find(e, `${path}[${i}]`, depth + 1));
    else if (depth < 8 && typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype)
      for (const [k, e] of Object.entries(x)) find(e, `${path}.${k}`, depth + 1);
  };
  args.forEach((a, i) => find(a, `argument ${i}`, 0));
  return roots;
}

/**
 * The state of the module trees (see above) when a call is traced, as (module, attribute, value) triples: a
 * replay reads each attribute again (no walk, no allocation: a few microseconds for a 60-module transformer).
 */
export interface ModuleState {
  mods: Mod[];
  keys: string[];
  vals: unknown[];
  paths: string[];
}

export function moduleState(roots: readonly Root[]): ModuleState {
  const st: ModuleState = { mods: [], keys: [], vals: [], paths: [] };
  walk(roots, (m, k, path, v) => {
    st.mods.push(m);
    st.keys.push(k);
    st.vals.push(v);
    st.paths.push(path);
  });
  return st;
}

/**
 * Why the module trees no longer match `st` (naming the attribute), or null when they do. A submodule replaced
 * by assignment is seen at its parent's attribute; an attribute added to a module after the trace is not seen.
 */
export function moduleStateChange(st: ModuleState): string | null {
  const { mods, keys, vals } = st;
  for (let i = 0; i < mods.length; i++) {
    const v = mods[i]![keys[i]!];
    const was = vals[i];
    if (Object.is(v, was)) continue;
    return `guard failed: ${guardChange(st.paths[i]!, was, v)}`;
  }
  return null;
}

/** How a guarded value `name` changed from `was` to `now`, without printing a tensor's or a module's contents. */
export function guardChange(name: string, was: unknown, now: unknown): string {
  if (now instanceof Tensor || was instanceof Tensor)
    return was instanceof Tensor && now instanceof Tensor ? `${name} is another tensor (reassigned)` : `${name} changed kind`;
  if (isModuleLike(now) || isModuleLike(was)) return `${name} is another module (reassigned)`;
  return `${name} changed (was ${String(was)}, now ${String(now)})`;
}
