import { describe, expect, it } from "vitest";
import {
  configuredPathProblems,
  discoverPjrtPlugin,
  findConfiguredPlugins,
  findWellKnownPlugins,
  normalizeDevice,
  pluginNameFromPath,
  sitePackagesDirs,
  type FsProbe,
} from "../src/discovery.js";

/** An in-memory filesystem: the listed files, and every directory above them. */
function memFs(files: string[]): FsProbe {
  const fileSet = new Set(files);
  const dirs = new Map<string, Set<string>>();
  for (const f of files) {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/") || "/";
      if (!dirs.has(dir)) dirs.set(dir, new Set());
      dirs.get(dir)!.add(parts[i]!);
    }
  }
  return {
    isFile: (p) => fileSet.has(p),
    isDir: (p) => dirs.has(p),
    list: (d) => [...(dirs.get(d) ?? [])].sort(),
  };
}

const SITE = "/usr/local/lib/python3.12/dist-packages";
const CUDA13 = `${SITE}/jax_plugins/xla_cuda13/xla_cuda_plugin.so`;
const CUDA12 = `${SITE}/jax_plugins/xla_cuda12/xla_cuda_plugin.so`;
const LIBTPU = `${SITE}/libtpu/libtpu.so`;

describe("plugin names", () => {
  it("reads the platform from conventional file names", () => {
    expect(pluginNameFromPath("/p/pjrt_c_api_cuda_plugin.so")).toBe("cuda");
    expect(pluginNameFromPath("/p/pjrt_c_api_gpu_plugin.so")).toBe("cuda");
    expect(pluginNameFromPath("/p/pjrt_c_api_tpu_plugin.so")).toBe("tpu");
    expect(pluginNameFromPath("/p/pjrt_c_api_myaccel_plugin.so")).toBe("myaccel");
    expect(pluginNameFromPath(CUDA13)).toBe("cuda");
    expect(pluginNameFromPath("/x/xla_rocm_plugin.so")).toBe("rocm");
    expect(pluginNameFromPath("/x/libtpu.so")).toBe("tpu");
    expect(pluginNameFromPath("/x/libfoo.so.1")).toBe("foo");
  });

  it("normalises PJRT_DEVICE", () => {
    expect(normalizeDevice("CUDA")).toBe("cuda");
    expect(normalizeDevice("GPU")).toBe("cuda");
    expect(normalizeDevice(" tpu ")).toBe("tpu");
    expect(normalizeDevice("CPU")).toBe("cpu");
    expect(normalizeDevice("")).toBeNull();
    expect(normalizeDevice(undefined)).toBeNull();
  });
});

describe("configured plugins", () => {
  it("takes a file path as is", () => {
    const fs = memFs(["/opt/p/libweird.so"]);
    expect(findConfiguredPlugins({ PJRT_PLUGIN_LIBRARY_PATH: "/opt/p/libweird.so" }, fs)).toEqual([
      { name: "weird", path: "/opt/p/libweird.so", source: "PJRT_PLUGIN_LIBRARY_PATH" },
    ]);
  });

  it("scans a directory, conventional names first, and skips non-libraries", () => {
    const fs = memFs(["/plugins/aaa.so", "/plugins/pjrt_c_api_tpu_plugin.so", "/plugins/README", "/plugins/pjrt_c_api_cuda_plugin.so"]);
    const found = findConfiguredPlugins({ PJRT_PLUGIN_LIBRARY_PATH: "/plugins" }, fs);
    expect(found.map((c) => c.path)).toEqual([
      "/plugins/pjrt_c_api_cuda_plugin.so",
      "/plugins/pjrt_c_api_tpu_plugin.so",
      "/plugins/aaa.so",
    ]);
  });

  it("accepts a ':'-separated list and TPU_LIBRARY_PATH, ignoring missing entries", () => {
    const fs = memFs(["/a/pjrt_c_api_cuda_plugin.so", "/t/libtpu.so"]);
    const found = findConfiguredPlugins({ PJRT_PLUGIN_LIBRARY_PATH: "/missing:/a", TPU_LIBRARY_PATH: "/t/libtpu.so" }, fs);
    expect(found).toEqual([
      { name: "cuda", path: "/a/pjrt_c_api_cuda_plugin.so", source: "PJRT_PLUGIN_LIBRARY_PATH" },
      { name: "tpu", path: "/t/libtpu.so", source: "TPU_LIBRARY_PATH" },
    ]);
    expect(findConfiguredPlugins({ TPU_LIBRARY_PATH: "/nope/libtpu.so" }, fs)).toEqual([]);
  });
});

describe("well-known locations", () => {
  it("finds jax's CUDA plugins (newest first) and libtpu in site-packages", () => {
    const fs = memFs([CUDA12, CUDA13, LIBTPU, `${SITE}/jax_plugins/other/x.so`]);
    expect(sitePackagesDirs({}, fs)).toEqual([SITE]);
    expect(findWellKnownPlugins({}, fs)).toEqual([
      { name: "cuda", path: CUDA13, source: "well-known" },
      { name: "cuda", path: CUDA12, source: "well-known" },
      { name: "tpu", path: LIBTPU, source: "well-known" },
    ]);
  });

  it("looks in VIRTUAL_ENV, HOME/.local and PYTHONPATH", () => {
    const venv = "/venv/lib/python3.11/site-packages/jax_plugins/xla_cuda13/xla_cuda_plugin.so";
    const home = "/home/u/.local/lib/python3.10/site-packages/libtpu/libtpu.so";
    const pp = "/pp/jax_plugins/xla_cuda12/xla_cuda_plugin.so";
    const fs = memFs([venv, home, pp]);
    const found = findWellKnownPlugins({ VIRTUAL_ENV: "/venv", HOME: "/home/u", PYTHONPATH: "/pp" }, fs);
    expect(found.map((c) => c.path)).toEqual([pp, venv, home]);
  });
});

describe("discoverPjrtPlugin", () => {
  it("returns null when nothing is configured, without searching well-known places", () => {
    const fs = memFs([CUDA13]);
    const d = discoverPjrtPlugin({}, fs);
    expect(d.plugin).toBeNull();
    expect(d.requested).toBeNull();
    expect(d.reason).toMatch(/no PJRT plugin configured/);
  });

  it("PJRT_DEVICE=CPU means no plugin even when one is configured", () => {
    const fs = memFs(["/a/pjrt_c_api_cuda_plugin.so"]);
    const d = discoverPjrtPlugin({ PJRT_DEVICE: "CPU", PJRT_PLUGIN_LIBRARY_PATH: "/a" }, fs);
    expect(d.plugin).toBeNull();
    expect(d.requested).toBe("cpu");
  });

  it("PJRT_DEVICE=CUDA finds jax's plugin in site-packages", () => {
    const fs = memFs([CUDA13, LIBTPU]);
    expect(discoverPjrtPlugin({ PJRT_DEVICE: "CUDA" }, fs).plugin?.path).toBe(CUDA13);
    expect(discoverPjrtPlugin({ PJRT_DEVICE: "GPU" }, fs).plugin?.path).toBe(CUDA13);
    expect(discoverPjrtPlugin({ PJRT_DEVICE: "TPU" }, fs).plugin?.path).toBe(LIBTPU);
  });

  it("PJRT_DEVICE picks among configured plugins, configured before well-known", () => {
    const fs = memFs(["/p/pjrt_c_api_cuda_plugin.so", "/p/pjrt_c_api_tpu_plugin.so", CUDA13]);
    const env = { PJRT_PLUGIN_LIBRARY_PATH: "/p" };
    expect(discoverPjrtPlugin({ ...env, PJRT_DEVICE: "TPU" }, fs).plugin?.path).toBe("/p/pjrt_c_api_tpu_plugin.so");
    expect(discoverPjrtPlugin({ ...env, PJRT_DEVICE: "CUDA" }, fs).plugin?.path).toBe("/p/pjrt_c_api_cuda_plugin.so");
  });

  it("an explicit single file is used whatever PJRT_DEVICE says its name is", () => {
    const fs = memFs(["/x/libmy_gpu_build.so"]);
    const d = discoverPjrtPlugin({ PJRT_DEVICE: "CUDA", PJRT_PLUGIN_LIBRARY_PATH: "/x/libmy_gpu_build.so" }, fs);
    expect(d.plugin?.path).toBe("/x/libmy_gpu_build.so");
  });

  it("reports an unmet PJRT_DEVICE request with what it saw", () => {
    const fs = memFs([LIBTPU]);
    const d = discoverPjrtPlugin({ PJRT_DEVICE: "CUDA" }, fs);
    expect(d.plugin).toBeNull();
    expect(d.requested).toBe("cuda");
    expect(d.reason).toContain("no cuda PJRT plugin");
    expect(d.reason).toContain(LIBTPU);
  });

  it("without PJRT_DEVICE prefers tpu, then cuda, among configured plugins", () => {
    const fs = memFs(["/p/pjrt_c_api_cuda_plugin.so", "/p/pjrt_c_api_zzz_plugin.so", "/t/libtpu.so"]);
    expect(discoverPjrtPlugin({ PJRT_PLUGIN_LIBRARY_PATH: "/p" }, fs).plugin?.name).toBe("cuda");
    expect(discoverPjrtPlugin({ PJRT_PLUGIN_LIBRARY_PATH: "/p", TPU_LIBRARY_PATH: "/t/libtpu.so" }, fs).plugin?.name).toBe("tpu");
  });

  it("names a PJRT_PLUGIN_LIBRARY_PATH entry that does not exist", () => {
    const d = discoverPjrtPlugin({ PJRT_PLUGIN_LIBRARY_PATH: "/nonexistent/x.so", PJRT_DEVICE: "CUDA" }, memFs([]));
    expect(d.plugin).toBeNull();
    expect(d.problems).toEqual(["PJRT_PLUGIN_LIBRARY_PATH names /nonexistent/x.so, which does not exist"]);
    expect(d.reason).toMatch(/^PJRT_PLUGIN_LIBRARY_PATH names \/nonexistent\/x\.so, which does not exist; PJRT_DEVICE=CUDA but no cuda/);
  });

  it("names a missing TPU_LIBRARY_PATH and a directory holding no .so", () => {
    const fs = memFs(["/plugins/README"]);
    const env = { PJRT_DEVICE: "TPU", TPU_LIBRARY_PATH: "/opt/libtpu.so", PJRT_PLUGIN_LIBRARY_PATH: "/plugins" };
    expect(configuredPathProblems(env, fs)).toEqual([
      "PJRT_PLUGIN_LIBRARY_PATH names the directory /plugins, which holds no .so file",
      "TPU_LIBRARY_PATH names /opt/libtpu.so, which does not exist",
    ]);
    expect(discoverPjrtPlugin(env, fs).reason).toContain("TPU_LIBRARY_PATH names /opt/libtpu.so, which does not exist");
  });

  it("without PJRT_DEVICE, a set path that names nothing is a problem, not 'unset'", () => {
    const d = discoverPjrtPlugin({ PJRT_PLUGIN_LIBRARY_PATH: "/gone/pjrt_c_api_cuda_plugin.so" }, memFs([]));
    expect(d.plugin).toBeNull();
    expect(d.requested).toBeNull();
    expect(d.reason).toBe("PJRT_PLUGIN_LIBRARY_PATH names /gone/pjrt_c_api_cuda_plugin.so, which does not exist; no PJRT plugin to load");
  });

  it("a missing entry beside a usable one is only noted", () => {
    const fs = memFs(["/a/pjrt_c_api_cuda_plugin.so"]);
    const d = discoverPjrtPlugin({ PJRT_PLUGIN_LIBRARY_PATH: "/missing:/a" }, fs);
    expect(d.plugin?.path).toBe("/a/pjrt_c_api_cuda_plugin.so");
    expect(d.reason).toContain("(ignored: PJRT_PLUGIN_LIBRARY_PATH names /missing, which does not exist)");
  });
});
