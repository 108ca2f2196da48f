// Clients left open are destroyed, buffers first, when the process exits.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { NO_COMPILER_MESSAGE, buildFakePlugin, hasCompiler } from "./fake_plugin.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const tsx = path.join(repo, "node_modules/tsx/dist/cli.mjs");

describe.skipIf(!hasCompiler || !fs.existsSync(tsx))("process exit", () => {
  it("destroys live objects and clients in an exit handler", () => {
    const plugin = buildFakePlugin();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xlatorch-pjrt-exit-"));
    const script = path.join(dir, "child.ts");
    fs.writeFileSync(
      script,
      `import koffi from "koffi";
import { PjrtRuntime } from ${JSON.stringify(path.join(here, "../src/index.ts"))};
const rt = PjrtRuntime.open({ pluginPath: ${JSON.stringify(plugin)}, env: {} });
rt.toDevice(new Float32Array(3), "float32", [3]);
rt.compileText("module {}");
const lib = koffi.load(${JSON.stringify(plugin)});
const live = lib.func("int64_t FakePjrt_Live(const char *kind)");
const dbl = lib.func("int64_t FakePjrt_DoubleDestroys(void)");
// Registered after the runtime's own exit hook, so it runs after it.
process.on("exit", () => {
  console.log(JSON.stringify({ client: Number(live("client")), buffer: Number(live("buffer")),
    loaded: Number(live("loaded_executable")), double: Number(dbl()) }));
});
`,
    );
    try {
      // cwd = repo root: tsx maps @xlatorch/* to sources through its tsconfig paths.
      const r = spawnSync(process.execPath, [tsx, script], { cwd: repo, encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout.trim())).toEqual({ client: 0, buffer: 0, loaded: 0, double: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

if (!hasCompiler) console.warn(NO_COMPILER_MESSAGE);
