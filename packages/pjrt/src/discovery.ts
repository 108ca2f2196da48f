// Finding a PJRT plugin from the environment. Pure functions of an env record
// and a filesystem probe, so every rule is testable without real plugins.
//
// Rules (first match wins):
// 1. PJRT_DEVICE=CPU: no plugin (no CPU plugin ships; the built-in CPU runtime runs).
// 2. Configured plugins: PJRT_PLUGIN_LIBRARY_PATH (':'-separated files or
//    directories of pjrt_c_api_<name>_plugin.so / *.so) and TPU_LIBRARY_PATH.
// 3. PJRT_DEVICE=TPU|CUDA|GPU|ROCM|<name>: the first configured or well-known
//    plugin of that name (well-known: python site-packages'
//    jax_plugins/xla_cuda*/xla_cuda_plugin.so, libtpu/libtpu.so). If none has
//    the name but PJRT_PLUGIN_LIBRARY_PATH names exactly one file, that file.
//    Nothing found is reported as `requested` without `plugin`, so the caller
//    can refuse rather than silently fall back.
// A user-set path that names nothing usable (a missing file, a directory
// without .so files) is listed in `problems`; when no plugin is found, those
// lead the reason, since a mistyped path is the likeliest cause.
// 4. No PJRT_DEVICE: a configured plugin (tpu before cuda before rocm before
//    others); well-known locations are not searched, so a machine that merely
//    has jax installed keeps using the CPU runtime.
import fs from "node:fs";
import path from "node:path";

export type Env = Readonly<Record<string, string | undefined>>;

export interface FsProbe {
  isFile(p: string): boolean;
  isDir(p: string): boolean;
  /** Entry names of a directory; [] when it cannot be read. */
  list(dir: string): string[];
}

export const nodeFsProbe: FsProbe = {
  isFile: (p) => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  },
  isDir: (p) => {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  list: (dir) => {
    try {
      return fs.readdirSync(dir).sort();
    } catch {
      return [];
    }
  },
};

export type PluginSource = "PJRT_PLUGIN_LIBRARY_PATH" | "TPU_LIBRARY_PATH" | "well-known";

export interface PluginCandidate {
  /** Normalised platform name: "cuda", "tpu", "rocm", or the file's own name. */
  readonly name: string;
  readonly path: string;
  readonly source: PluginSource;
}

export interface Discovery {
  /** The plugin to load, or null. */
  readonly plugin: PluginCandidate | null;
  /** Device asked for through PJRT_DEVICE, normalised ("cuda", "tpu", "cpu"), or null. */
  readonly requested: string | null;
  /** Every plugin seen, in preference order. */
  readonly candidates: readonly PluginCandidate[];
  /** Why this outcome, for messages. */
  readonly reason: string;
  /** User-set plugin paths that name nothing usable, one sentence each. */
  readonly problems: readonly string[];
}

const DEVICE_ALIASES: Record<string, string> = { gpu: "cuda", cuda: "cuda", tpu: "tpu", rocm: "rocm", cpu: "cpu" };

/** PJRT_DEVICE value → normalised name ("GPU" and "CUDA" both mean cuda). */
export function normalizeDevice(value: string | undefined): string | null {
  const v = value?.trim().toLowerCase();
  if (!v) return null;
  return DEVICE_ALIASES[v] ?? v;
}

/** Platform name a plugin file's name implies. */
export function pluginNameFromPath(p: string): string {
  const base = path.basename(p);
  let m: RegExpMatchArray | null;
  let name: string;
  if ((m = base.match(/^pjrt_c_api_(.+)_plugin\.so(\.\d+)*$/))) name = m[1]!;
  else if ((m = base.match(/^pjrt_plugin_(.+)\.so(\.\d+)*$/))) name = m[1]!;
  else if ((m = base.match(/^xla_([a-z0-9]+)_plugin\.so(\.\d+)*$/))) name = m[1]!;
  else if (/^libtpu.*\.so/.test(base)) name = "tpu";
  else name = base.replace(/\.so(\.\d+)*$/, "").replace(/^lib/, "");
  name = name.toLowerCase();
  if (name === "gpu" || /^cuda\d*$/.test(name)) return "cuda";
  if (/^rocm\d*$/.test(name)) return "rocm";
  return name;
}

function isSharedLibrary(name: string): boolean {
  return /\.so(\.\d+)*$/.test(name);
}

/** Plugins named by PJRT_PLUGIN_LIBRARY_PATH and TPU_LIBRARY_PATH. */
export function findConfiguredPlugins(env: Env, probe: FsProbe): PluginCandidate[] {
  const out: PluginCandidate[] = [];
  for (const entry of (env.PJRT_PLUGIN_LIBRARY_PATH ?? "").split(":").filter(Boolean)) {
    if (probe.isFile(entry)) {
      out.push({ name: pluginNameFromPath(entry), path: entry, source: "PJRT_PLUGIN_LIBRARY_PATH" });
    } else if (probe.isDir(entry)) {
      const libs = probe.list(entry).filter(isSharedLibrary);
      // pjrt_c_api_<name>_plugin.so first: the conventional name says it is a plugin.
      const conventional = libs.filter((n) => n.startsWith("pjrt_c_api_"));
      const others = libs.filter((n) => !n.startsWith("pjrt_c_api_"));
      for (const n of [...conventional, ...others]) {
        const p = path.join(entry, n);
        if (probe.isFile(p)) out.push({ name: pluginNameFromPath(p), path: p, source: "PJRT_PLUGIN_LIBRARY_PATH" });
      }
    }
  }
  const tpu = env.TPU_LIBRARY_PATH;
  if (tpu && probe.isFile(tpu)) out.push({ name: "tpu", path: tpu, source: "TPU_LIBRARY_PATH" });
  return out;
}

/**
 * Entries of PJRT_PLUGIN_LIBRARY_PATH and TPU_LIBRARY_PATH that name nothing
 * findConfiguredPlugins could use, e.g. "PJRT_PLUGIN_LIBRARY_PATH names
 * /x.so, which does not exist".
 */
export function configuredPathProblems(env: Env, probe: FsProbe): string[] {
  const out: string[] = [];
  for (const entry of (env.PJRT_PLUGIN_LIBRARY_PATH ?? "").split(":").filter(Boolean)) {
    if (probe.isFile(entry)) continue;
    if (!probe.isDir(entry)) out.push(`PJRT_PLUGIN_LIBRARY_PATH names ${entry}, which does not exist`);
    else if (!probe.list(entry).some((n) => isSharedLibrary(n) && probe.isFile(path.join(entry, n)))) {
      out.push(`PJRT_PLUGIN_LIBRARY_PATH names the directory ${entry}, which holds no .so file`);
    }
  }
  const tpu = env.TPU_LIBRARY_PATH;
  if (tpu && !probe.isFile(tpu)) {
    out.push(`TPU_LIBRARY_PATH names ${tpu}, which ${probe.isDir(tpu) ? "is a directory, not libtpu.so" : "does not exist"}`);
  }
  return out;
}

/** python3.* entries of `dir`, newest first. */
function pythonDirs(dir: string, probe: FsProbe): string[] {
  return probe
    .list(dir)
    .filter((n) => /^python3(\.\d+)?$/.test(n))
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))
    .map((n) => path.join(dir, n));
}

/** Candidate python site-packages directories (cheap: a few readdirs). */
export function sitePackagesDirs(env: Env, probe: FsProbe): string[] {
  const dirs: string[] = [];
  for (const p of (env.PYTHONPATH ?? "").split(":").filter(Boolean)) dirs.push(p);
  const prefixes = [env.VIRTUAL_ENV, env.CONDA_PREFIX, env.HOME && path.join(env.HOME, ".local"), "/usr/local", "/usr", "/opt/conda"];
  for (const prefix of prefixes) {
    if (!prefix) continue;
    for (const py of pythonDirs(path.join(prefix, "lib"), probe)) {
      dirs.push(path.join(py, "site-packages"), path.join(py, "dist-packages"));
    }
  }
  dirs.push("/usr/lib/python3/dist-packages");
  return [...new Set(dirs)].filter((d) => probe.isDir(d));
}

/** jax's CUDA/ROCm plugins and libtpu inside site-packages directories. */
export function findWellKnownPlugins(env: Env, probe: FsProbe): PluginCandidate[] {
  const out: PluginCandidate[] = [];
  for (const site of sitePackagesDirs(env, probe)) {
    const jaxPlugins = path.join(site, "jax_plugins");
    // xla_cuda13 before xla_cuda12: the newest CUDA major first.
    const entries = probe
      .list(jaxPlugins)
      .filter((n) => /^xla_(cuda|rocm)\d*$/.test(n))
      .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
    for (const e of entries) {
      const kind = e.startsWith("xla_cuda") ? "cuda" : "rocm";
      const p = path.join(jaxPlugins, e, `xla_${kind}_plugin.so`);
      if (probe.isFile(p)) out.push({ name: kind, path: p, source: "well-known" });
    }
    const tpu = path.join(site, "libtpu", "libtpu.so");
    if (probe.isFile(tpu)) out.push({ name: "tpu", path: tpu, source: "well-known" });
  }
  return out;
}

const PRIORITY = ["tpu", "cuda", "rocm"];

export function discoverPjrtPlugin(env: Env, probe: FsProbe = nodeFsProbe): Discovery {
  const requested = normalizeDevice(env.PJRT_DEVICE);
  if (requested === "cpu") {
    return { plugin: null, requested, candidates: [], problems: [], reason: "PJRT_DEVICE=CPU selects the built-in CPU runtime" };
  }
  const configured = findConfiguredPlugins(env, probe);
  const problems = configuredPathProblems(env, probe);
  // Found anyway: the problems are only worth a note. Not found: they come first.
  const found = (plugin: PluginCandidate, candidates: PluginCandidate[], why: string): Discovery => ({
    plugin,
    requested,
    candidates,
    problems,
    reason: problems.length ? `${why} (ignored: ${problems.join("; ")})` : why,
  });
  const notFound = (candidates: PluginCandidate[], why: string): Discovery => ({
    plugin: null,
    requested,
    candidates,
    problems,
    reason: [...problems, why].join("; "),
  });
  if (requested) {
    const seen = new Set<string>();
    const candidates = [...configured, ...findWellKnownPlugins(env, probe)].filter((c) =>
      seen.has(c.path) ? false : (seen.add(c.path), true),
    );
    const match = candidates.find((c) => c.name === requested);
    if (match) return found(match, candidates, `PJRT_DEVICE=${env.PJRT_DEVICE} matched ${match.path}`);
    const explicitFiles = (env.PJRT_PLUGIN_LIBRARY_PATH ?? "").split(":").filter((e) => e && probe.isFile(e));
    if (explicitFiles.length === 1) {
      const only = configured.find((c) => c.path === explicitFiles[0])!;
      return found(only, candidates, `PJRT_PLUGIN_LIBRARY_PATH names one file, ${only.path}`);
    }
    const seenList = candidates.length ? candidates.map((c) => `${c.name}: ${c.path}`).join(", ") : "none";
    return notFound(
      candidates,
      `PJRT_DEVICE=${env.PJRT_DEVICE} but no ${requested} PJRT plugin was found (plugins seen: ${seenList}); ` +
        `set PJRT_PLUGIN_LIBRARY_PATH to the plugin .so` +
        (requested === "tpu" ? " or TPU_LIBRARY_PATH to libtpu.so" : ""),
    );
  }
  if (configured.length === 0) {
    if (problems.length) return notFound([], "no PJRT plugin to load");
    return notFound([], "no PJRT plugin configured (PJRT_DEVICE, PJRT_PLUGIN_LIBRARY_PATH, TPU_LIBRARY_PATH unset)");
  }
  const rank = (c: PluginCandidate) => {
    const i = PRIORITY.indexOf(c.name);
    return i < 0 ? PRIORITY.length : i;
  };
  const sorted = configured
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map((x) => x.c);
  const plugin = sorted[0]!;
  return found(plugin, sorted, `configured by ${plugin.source}: ${plugin.path}`);
}
